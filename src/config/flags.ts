// The command-line flags every long-running command shares, turned into ConfigFlags.
// Commands add their own options; unknown flags are a usage error with a one-line message.
import { parseArgs } from 'node:util';
import type { ConfigFlags } from './config.ts';

export const CONFIG_FLAGS_USAGE = `Settings (each flag wins over its environment variable):
  --port <n>            EARSHOT_PORT (8080)
  --host <addr>         EARSHOT_HOST (0.0.0.0)
  --data <dir>          EARSHOT_DATA (./data)
  --database-url <url>  EARSHOT_DATABASE_URL (postgres://…; unset = embedded SQLite)
  --allow-private       EARSHOT_ALLOW_PRIVATE_FEEDS=1 (fetch loopback/private addresses)
  --public-followed-feeds  EARSHOT_PUBLIC_FOLLOWED_FEEDS=1 (feeds listeners add are public; off: private)
  --no-demo             EARSHOT_DEMO=0 (no demo catalogue on a fresh database)
  --no-crawl            EARSHOT_CRAWL=0 (serve without the crawler)
  --concurrency <n>     EARSHOT_CRAWL_CONCURRENCY (16)
  --per-host <n>        EARSHOT_CRAWL_PER_HOST (2)
  --max-body <size>     EARSHOT_MAX_FEED_BYTES (50mb)
  --public-url <url>    EARSHOT_PUBLIC_URL (https://pods.example.org; https turns on secure cookies)
  --site-name <name>    EARSHOT_SITE_NAME (Earshot)
  --log-level <level>   EARSHOT_LOG_LEVEL (info; fatal, error, warn, debug, trace or silent)
  --metrics             EARSHOT_METRICS=on (/metrics for admins or EARSHOT_METRICS_TOKEN bearers)
  --metrics-port <n>    EARSHOT_METRICS_PORT (serve /metrics on its own port instead of the main one)
  --metrics-host <addr> EARSHOT_METRICS_HOST (127.0.0.1; the address of that port)
  --max-follows <n>     EARSHOT_MAX_FOLLOWS (2000 feeds a listener may follow; admins exempt)
  --max-new-feeds-per-day <n>
                        EARSHOT_MAX_NEW_FEEDS_PER_DAY (500 feeds new to the catalogue per listener a day)
  EARSHOT_TRUST_PROXY (off; true, a hop count or proxy addresses/CIDRs: believe X-Forwarded-For),
  EARSHOT_SIGN_IN_MAX_DELAY_MS (2000: the longest a sign-in waits while its name is under attack),
  EARSHOT_SEARCH_THREADS (the cores, at most 4; SQLite: threads answering searches off the event loop; 0: none),
  EARSHOT_CRAWL_LEASE_SECONDS (900: feeds a crawler took and did not finish, e.g. it was killed, go to the others),
  EARSHOT_SESSION_SECRET, EARSHOT_METRICS_TOKEN, EARSHOT_NEWS_URL, EARSHOT_ADVERTISE_URL,
  EARSHOT_SOCIAL (Mastodon=https://…,Bluesky=https://…),
  EARSHOT_PODCASTINDEX_KEY and _SECRET (search the Podcast Index), EARSHOT_APPLE_SEARCH (off; on: search Apple's directory),
  EARSHOT_PODCASTINDEX_URL, EARSHOT_APPLE_SEARCH_URL, EARSHOT_DIRECTORY_TIMEOUT_MS (8000) are read from the
  environment only.`;

const configOptions = {
  port: { type: 'string' },
  host: { type: 'string' },
  data: { type: 'string' },
  'database-url': { type: 'string' },
  'allow-private': { type: 'boolean' },
  'public-followed-feeds': { type: 'boolean' },
  'no-demo': { type: 'boolean' },
  'no-crawl': { type: 'boolean' },
  concurrency: { type: 'string' },
  'per-host': { type: 'string' },
  'max-body': { type: 'string' },
  'public-url': { type: 'string' },
  'site-name': { type: 'string' },
  'log-level': { type: 'string' },
  metrics: { type: 'boolean' },
  'metrics-port': { type: 'string' },
  'metrics-host': { type: 'string' },
  'max-follows': { type: 'string' },
  'max-new-feeds-per-day': { type: 'string' },
} as const;

export type ExtraOptions = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

export interface ParsedCommandArgs {
  flags: ConfigFlags;
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'usage';
}

/** Parses `args` with the shared settings flags plus the command's own options. */
export function parseCommandArgs(args: string[], extra: ExtraOptions = {}): ParsedCommandArgs {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      options: { ...configOptions, ...extra },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UsageError(message ?? 'bad arguments');
  }
  const v = parsed.values;
  const str = (k: string): string | undefined => {
    const value = v[k];
    return typeof value === 'string' ? value : undefined;
  };
  const flags: ConfigFlags = {};
  const set = <K extends keyof ConfigFlags>(k: K, value: ConfigFlags[K] | undefined): void => {
    if (value !== undefined) flags[k] = value;
  };
  set('port', str('port'));
  set('host', str('host'));
  set('data', str('data'));
  set('databaseUrl', str('database-url'));
  set('concurrency', str('concurrency'));
  set('perHost', str('per-host'));
  set('maxBody', str('max-body'));
  set('publicUrl', str('public-url'));
  set('siteName', str('site-name'));
  set('logLevel', str('log-level'));
  set('metricsPort', str('metrics-port'));
  set('metricsHost', str('metrics-host'));
  if (v.metrics === true) flags.metrics = true;
  set('maxFollows', str('max-follows'));
  set('maxNewFeedsPerDay', str('max-new-feeds-per-day'));
  if (v['allow-private'] === true) flags.allowPrivate = true;
  if (v['public-followed-feeds'] === true) flags.publicFollowedFeeds = true;
  if (v['no-demo'] === true) flags.demo = false;
  if (v['no-crawl'] === true) flags.crawl = false;
  return { flags, values: v, positionals: parsed.positionals };
}
