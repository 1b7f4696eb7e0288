// Helpers for tests of what is shipped: a clean clone of the committed tree, built the way `npm ci` builds it, and the
// `earshot` server started from a built tree, as `npm start` starts it.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..', '..');

/**
 * A clean clone of the committed tree in `into`, sharing this checkout's node_modules, with `dist/` built as `npm ci`
 * builds it; or the working tree itself when this is not a git checkout. The checkout's own `dist/` is copied when it
 * is current: the build's inputs are as committed and no source is newer than the build (as `npm ci` leaves a clone,
 * and as CI runs the tests); otherwise the clone's `prepare` script builds it. Says which.
 */
export function cleanClone(into: string): { dir: string; dist: 'copied' | 'built' } {
  if (!existsSync(join(repoRoot, '.git'))) {
    if (!distIsCurrent()) npm(repoRoot, ['run', 'prepare']);
    return { dir: repoRoot, dist: 'built' };
  }
  const dir = join(into, 'clone');
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', repoRoot, dir], { stdio: 'ignore' });
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  if (distIsCurrent() && buildInputsCommitted()) {
    cpSync(join(repoRoot, 'dist'), join(dir, 'dist'), { recursive: true });
    return { dir, dist: 'copied' };
  }
  npm(dir, ['run', 'prepare']);
  return { dir, dist: 'built' };
}

/** What `prepare` compiles from: a change to any of them makes a built `dist/` stale. */
const BUILD_INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];

/**
 * Every build input (files and folders: a folder's time moves when a file in it is removed) is older than every file of
 * the checkout's `dist/` (false when there is none).
 */
function distIsCurrent(): boolean {
  const dist = join(repoRoot, 'dist');
  if (!existsSync(join(dist, 'cli', 'bin.js'))) return false;
  const times = (path: string): number[] =>
    statSync(path).isDirectory()
      ? [path, ...readdirSync(path, { recursive: true }).map((f) => join(path, String(f)))].map(
          (f) => statSync(f).mtimeMs,
        )
      : [statSync(path).mtimeMs];
  const newestInput = Math.max(...BUILD_INPUTS.map((p) => join(repoRoot, p)).flatMap(times));
  return newestInput < Math.min(...times(dist));
}

/** The build's inputs in the working tree are exactly the committed ones (so the checkout's build is the clone's). */
function buildInputsCommitted(): boolean {
  const changed = execFileSync('git', ['status', '--porcelain', '--', ...BUILD_INPUTS], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return changed.trim() === '';
}

/** Runs npm in `cwd` and returns its standard output; its output goes into the error when it fails. */
export function npm(cwd: string, args: string[]): string {
  return execFileSync('npm', [...args, '--no-audit', '--no-fund'], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      s.close(() => ok(port));
    });
  });
}

export interface Served {
  child: ChildProcess;
  base: string;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  exit: Promise<number | null>;
}

/** Starts `node <args>` (an `earshot serve`) in `cwd` on a loopback port with `data` as its data directory. */
export async function serveFrom(cwd: string, args: string[], data: string): Promise<Served> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, EARSHOT_DATA: data, EARSHOT_PORT: String(port), EARSHOT_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const exit = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
  // Wait until it answers (allow a slow, shared machine).
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) break;
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.status === 200) return { child, base, output: () => output, exit };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGKILL');
  throw new Error(`earshot serve did not come up:\n${output}`);
}
