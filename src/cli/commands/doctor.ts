// `earshot doctor`: one line per check — configuration, data directory, database, disk, outbound reachability, clock —
// each ok, warn or fail; exit status 1 when any check failed. Outbound requests go through the app's Fetcher (the one
// outbound door, SSRF guard included), to URLs the operator names or to a few of the stored feeds.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Config, ConfigError, describeDatabase, loadConfig } from '../../config/config.ts';
import { CONFIG_FLAGS_USAGE, parseCommandArgs, UsageError } from '../../config/flags.ts';
import { isDemoUrl } from '../../demo/catalogue.ts';
import { FeedFetchError } from '../../feed/fetch/index.ts';
import { type App, createApp } from '../../main.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../command.ts';
import { formatBytes } from './backup.ts';
import { fail } from './lib/app.ts';

type Level = 'ok' | 'warn' | 'fail';
interface Check {
  level: Level;
  name: string;
  detail: string;
}

const MiB = 1024 * 1024;
/** Free space below these: warn, fail. */
const DISK_WARN = 1024 * MiB;
const DISK_FAIL = 100 * MiB;
/** Clock skew past these: warn (cache validators and sync timestamps drift), fail (sessions and `since` windows). */
const SKEW_WARN_MS = 30_000;
const SKEW_FAIL_MS = 5 * 60_000;
/** Stored feeds whose hosts are tried when no --url is given. */
const DEFAULT_HOSTS = 3;
const PROBE_BYTES = 64 * 1024;

export const doctor: Command = {
  name: 'doctor',
  summary: 'check configuration, database, disk, clock and outbound reachability',
  usage: `Usage: earshot doctor [--url <url>]… [--timeout <seconds>]

One line per check, each ok, warn or fail; exit status 1 when any check failed.

  configuration   the settings are valid; the data directory is writable (SQLite)
  database        it opens (pending migrations are applied, as \`serve\` does), with its size
  disk            free space where the data directory is (warn under 1 GiB, fail under 100 MiB)
  reach <host>    each --url answers over HTTP through Earshot's fetcher (SSRF guard on unless
                  --allow-private); without --url, the hosts of the first ${DEFAULT_HOSTS} stored feeds
  clock           our clock against the Date of the first server that answered (warn past 30 s, fail past 5 min)

  --url <url>           a URL to try (repeatable)
  --timeout <seconds>   per URL (default 5)

${CONFIG_FLAGS_USAGE}`,

  async run(args, io) {
    let parsed: ReturnType<typeof parseCommandArgs>;
    try {
      parsed = parseCommandArgs(args, {
        url: { type: 'string', multiple: true },
        timeout: { type: 'string' },
      });
    } catch (error) {
      if (error instanceof UsageError) return fail(io, error.message, EXIT.usage);
      throw error;
    }
    const timeoutText = parsed.values.timeout;
    const timeoutSeconds = typeof timeoutText === 'string' ? Number(timeoutText) : 5;
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0 || timeoutSeconds > 120)
      return fail(io, '--timeout must be a number of seconds from 0 to 120', EXIT.usage);
    const given = parsed.values.url;
    const urls = (Array.isArray(given) ? given : []).filter((u): u is string => typeof u === 'string');

    const checks: Check[] = [];
    const report = (check: Check) => {
      checks.push(check);
      io.stdout.write(`${check.level.padEnd(5)} ${check.name.padEnd(14)} ${check.detail}\n`);
    };

    let config: Config;
    try {
      config = loadConfig({ env: io.env, cwd: io.cwd, flags: parsed.flags });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      report({ level: 'fail', name: 'configuration', detail: error.message });
      return EXIT.failure;
    }
    report(checkDataDir(config));

    let app: App | undefined;
    try {
      app = await createApp(config);
      const status = await app.store.maintenance.status();
      const migrations =
        status.pending.length === 0
          ? `schema current (${status.migrationsApplied} migrations)`
          : `${status.pending.length} migrations pending`;
      report({
        level: status.pending.length === 0 ? 'ok' : 'fail',
        name: 'database',
        detail: `${describeDatabase(config.database)}: ${migrations}, ${formatBytes(status.sizeBytes)}`,
      });
    } catch (error) {
      report({
        level: 'fail',
        name: 'database',
        detail: `cannot open ${describeDatabase(config.database)}: ${message(error)}`,
      });
    }
    report(checkDisk(config));
    try {
      if (app !== undefined) await checkOutbound(app, urls, timeoutSeconds * 1000, report);
      else report({ level: 'warn', name: 'reach', detail: 'not checked (the database did not open)' });
    } finally {
      await app?.close();
    }
    return checks.some((c) => c.level === 'fail') ? EXIT.failure : EXIT.ok;
  },
};

function checkDataDir(config: Config): Check {
  if (config.database.kind === 'postgres')
    return {
      level: 'ok',
      name: 'configuration',
      detail: `valid; database on PostgreSQL, data directory ${config.dataDir}`,
    };
  const probe = join(config.dataDir, `.earshot-doctor-${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(probe, 'ok');
    rmSync(probe);
    return {
      level: 'ok',
      name: 'configuration',
      detail: `valid; data directory ${config.dataDir} is writable`,
    };
  } catch (error) {
    return {
      level: 'fail',
      name: 'configuration',
      detail: `data directory ${config.dataDir} is not writable: ${message(error)}`,
    };
  }
}

function checkDisk(config: Config): Check {
  try {
    const stats = statfsSync(config.dataDir);
    const free = stats.bavail * stats.bsize;
    const level: Level = free < DISK_FAIL ? 'fail' : free < DISK_WARN ? 'warn' : 'ok';
    return { level, name: 'disk', detail: `${formatBytes(free)} free at ${config.dataDir}` };
  } catch (error) {
    return {
      level: 'warn',
      name: 'disk',
      detail: `cannot read free space at ${config.dataDir}: ${message(error)}`,
    };
  }
}

/** Where to try: the operator's URLs, else one stored feed per host for the first few hosts. */
async function targets(app: App, urls: readonly string[]): Promise<string[]> {
  if (urls.length > 0) return [...urls];
  const out = new Map<string, string>();
  for (const { feed } of await app.store.feeds.list({ limit: 500 })) {
    if (isDemoUrl(feed.url) || !URL.canParse(feed.url)) continue;
    const host = new URL(feed.url).host;
    if (!out.has(host)) out.set(host, feed.url);
    if (out.size >= DEFAULT_HOSTS) break;
  }
  return [...out.values()];
}

async function checkOutbound(
  app: App,
  urls: readonly string[],
  timeoutMs: number,
  report: (c: Check) => void,
): Promise<void> {
  const list = await targets(app, urls);
  if (list.length === 0) {
    report({ level: 'warn', name: 'reach', detail: 'no URL to try: give --url <url> (no feeds stored yet)' });
    report({ level: 'warn', name: 'clock', detail: 'not checked (no server to compare with)' });
    return;
  }
  let serverClock: { host: string; skewMs: number } | undefined;
  for (const url of list) {
    // Only the host is printed: a feed URL's path and query may carry a listener's token.
    const host = URL.canParse(url) ? new URL(url).host : url;
    const started = Date.now();
    try {
      const answer = await app.fetcher.fetchResource(url, {
        maxBytes: PROBE_BYTES,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const ms = Date.now() - started;
      if (answer.serverDate !== undefined && serverClock === undefined)
        serverClock = { host, skewMs: Date.now() - ms / 2 - answer.serverDate.getTime() };
      report({ level: 'ok', name: 'reach', detail: `${host}: HTTP ${answer.status} in ${ms} ms` });
    } catch (error) {
      report(reachFailure(host, error, timeoutMs));
    }
  }
  if (serverClock === undefined) {
    report({ level: 'warn', name: 'clock', detail: 'not checked (no server answered with a Date)' });
    return;
  }
  // HTTP dates have whole seconds: a second of difference is nothing.
  const skew = Math.abs(serverClock.skewMs);
  const level: Level = skew > SKEW_FAIL_MS ? 'fail' : skew > SKEW_WARN_MS ? 'warn' : 'ok';
  const direction = serverClock.skewMs > 0 ? 'ahead of' : 'behind';
  report({
    level,
    name: 'clock',
    detail:
      skew < 2000
        ? `within 2 s of ${serverClock.host}`
        : `${Math.round(skew / 1000)} s ${direction} ${serverClock.host}`,
  });
}

function reachFailure(host: string, error: unknown, timeoutMs: number): Check {
  if (error instanceof FeedFetchError) {
    // The server answered: reachable, though not with what we asked for.
    if (error.code === 'http-status' || error.code === 'gone' || error.code === 'too-large')
      return {
        level: error.code === 'too-large' ? 'ok' : 'warn',
        name: 'reach',
        detail: `${host}: answered${error.status === undefined ? '' : ` HTTP ${error.status}`} (${error.code})`,
      };
    if (error.code === 'aborted' || error.code === 'timeout')
      return { level: 'fail', name: 'reach', detail: `${host}: no answer within ${timeoutMs / 1000} s` };
    return { level: 'fail', name: 'reach', detail: `${host}: ${error.code}: ${error.message}` };
  }
  if (error instanceof Error && error.name === 'TimeoutError')
    return { level: 'fail', name: 'reach', detail: `${host}: no answer within ${timeoutMs / 1000} s` };
  return { level: 'fail', name: 'reach', detail: `${host}: ${message(error)}` };
}

function message(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
