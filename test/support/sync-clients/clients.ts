// Real sync clients for tests: Debian's mygpoclient and gPodder run as child processes (asynchronously, since the
// server under test lives in the same process), plus a small replay client for AntennaPod's and Kasts' call
// sequences (protocols.md §1.1, §1.5, §6).
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { basicAuthHeader } from '../../../src/sync/basic-auth.ts';

export const SYSTEM_PYTHON = '/usr/bin/python3';
const here = import.meta.dirname;

function missingModule(module: string, pkg: string): string | undefined {
  const probe = spawnSync(SYSTEM_PYTHON, ['-c', `import ${module}`], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    return `${SYSTEM_PYTHON} cannot import ${module}: install the Debian package ${pkg} (apt-get install -y ${pkg}); skipping`;
  }
  return undefined;
}

/** Why the mygpoclient tests skip, or undefined when python3-mygpoclient is installed. */
export const NO_MYGPOCLIENT = missingModule('mygpoclient', 'python3-mygpoclient');
/** Why the gPodder tests skip, or undefined when gpodder is installed. */
export const NO_GPODDER = missingModule('gpodder.my', 'gpodder');

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      SYSTEM_PYTHON,
      args,
      { env: { PATH: '/usr/bin:/bin', ...env }, timeout: 60_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        if (error !== null) reject(new Error(`${args[0]} failed: ${error.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

export type MygpoStep = { op: string; [key: string]: unknown };
export interface MygpoResult {
  op: string;
  result?: unknown;
  error?: string;
}

/** Runs the steps in ONE mygpoclient client (one cookie jar, one urllib auth handler). */
export async function runMygpo(
  base: string,
  user: string,
  password: string,
  steps: MygpoStep[],
): Promise<MygpoResult[]> {
  const out = await run([join(here, 'mygpo_session.py'), JSON.stringify({ base, user, password, steps })]);
  return JSON.parse(out) as MygpoResult[]; // the script prints one JSON list of step results
}

export interface GpodderRun {
  received_subscribe: string[];
  received_unsubscribe: string[];
  rewritten: [string, string][];
  pending_subscriptions: number;
  pending_episode_actions: number;
  received_episode_actions: { podcast: string; episode: string; action: string; position: number | null }[];
  episodes_since: number | null;
}

/** gPodder's own sync code, headless, with a fresh GPODDER_HOME per `home` (reuse one to sync twice). */
export async function runGpodder(
  home: string,
  args: {
    base: string;
    user: string;
    password: string;
    device: string;
    subscribe?: string[];
    plays?: object[];
  },
): Promise<GpodderRun> {
  const out = await run([join(here, 'gpodder_headless.py'), JSON.stringify(args)], {
    GPODDER_HOME: home,
    GPODDER_DOWNLOAD_DIR: join(home, 'dl'),
    HOME: home,
  });
  const last = out.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as GpodderRun; // the script's last line is its JSON report
}

export function tempHome(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'earshot-gpodder-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ReplayResponse {
  status: number;
  headers: Headers;
  text: string;
  json(): unknown;
}

/** A minimal HTTP client with a cookie jar, like OkHttp's in AntennaPod; every request is recorded. */
export class ReplayClient {
  readonly #cookies = new Map<string, string>();
  readonly log: { method: string; path: string; status: number; sentAuth: boolean; sentCookie: boolean }[] =
    [];

  constructor(
    readonly base: string,
    readonly userAgent: string,
  ) {}

  async request(
    method: string,
    path: string,
    options: {
      headers?: Record<string, string>;
      auth?: { user: string; password: string };
      json?: unknown;
      form?: Record<string, string>;
      contentType?: string;
    } = {},
  ): Promise<ReplayResponse> {
    const headers: Record<string, string> = { 'user-agent': this.userAgent, ...(options.headers ?? {}) };
    if (options.auth !== undefined)
      headers.authorization = basicAuthHeader(options.auth.user, options.auth.password);
    if (this.#cookies.size > 0) headers.cookie = [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = options.contentType ?? 'application/json';
    } else if (options.form !== undefined) {
      body = new URLSearchParams(options.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const response = await fetch(new URL(path, this.base), {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      redirect: 'manual',
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (pair !== undefined && eq > 0)
        this.#cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    const text = await response.text();
    this.log.push({
      method,
      path,
      status: response.status,
      sentAuth: options.auth !== undefined,
      sentCookie: 'cookie' in headers,
    });
    return {
      status: response.status,
      headers: response.headers,
      text,
      json: () => JSON.parse(text) as unknown,
    };
  }

  hasCookie(name: string): boolean {
    return this.#cookies.has(name);
  }

  cookie(name: string): string | undefined {
    return this.#cookies.get(name);
  }
}

/** AntennaPod's device id rule: its name lower-cased, each non-alphanumeric character → `_`. */
export function antennapodDeviceId(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '_');
}
