// Flags and environment → one typed, frozen Config, validated once at start.
// This is the only module that interprets environment variables; it never reads process.env itself:
// the CLI boundary passes `io.env` in, so tests hand it a plain object.
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';

export interface CrawlerConfig {
  /** Run the crawler inside `serve` (EARSHOT_CRAWL=0 for a web-only process). */
  readonly enabled: boolean;
  /** Feeds fetched at the same time, across all hosts. */
  readonly concurrency: number;
  /** Feeds fetched at the same time from one host (many feeds share one CDN). */
  readonly perHost: number;
  /** Cap on a decoded feed body, in bytes. */
  readonly maxBodyBytes: number;
  /**
   * How long a crawler holds the feeds (and "refresh now" jobs) it took: one that dies mid-refresh (a crash, `kill -9`)
   * leaves them to the other crawlers once this runs out (EARSHOT_CRAWL_LEASE_SECONDS, 15 minutes).
   */
  readonly leaseMs: number;
}

/** What one listener may add (issue 12). Administrators are exempt. */
export interface QuotaConfig {
  /** Distinct feeds a listener may follow (web follows and phone subscriptions together). */
  readonly maxFollows: number;
  /** Feeds new to the catalogue a listener may bring in over any 24 hours. */
  readonly maxNewFeedsPerDay: number;
}

/**
 * The podcast directories searched from the "Find podcasts" page and `earshot directory search`: the Podcast Index
 * when its API key and secret are set (EARSHOT_PODCASTINDEX_KEY, EARSHOT_PODCASTINDEX_SECRET), Apple's search (no key)
 * with EARSHOT_APPLE_SEARCH=on; each endpoint configurable. Neither: directory search is off (listeners' searches
 * leave the instance only when the operator chose a directory).
 */
export interface DirectoryConfig {
  readonly podcastIndex?: { readonly key: string; readonly secret: string; readonly baseUrl: string };
  readonly apple?: { readonly baseUrl: string };
  /** One deadline per directory request (EARSHOT_DIRECTORY_TIMEOUT_MS). */
  readonly timeoutMs: number;
}

export type DatabaseConfig =
  | {
      readonly kind: 'sqlite';
      readonly path: string;
      /**
       * Threads answering searches, each with a read-only connection of its own, so that a search never holds the
       * event loop (EARSHOT_SEARCH_THREADS; default the cores, at most 4; 0: on the event loop).
       */
      readonly searchThreads: number;
    }
  | { readonly kind: 'postgres'; readonly url: string };

/** What the web pages need from configuration (the web server maps it to its WebConfig). */
export interface WebSettings {
  readonly siteName: string;
  /** The URL the instance is reached at, e.g. https://pods.example.org (no trailing slash). */
  readonly publicUrl?: string;
  /** Secure cookies when the public URL is https. */
  readonly secureCookies: boolean;
  readonly sessionSecret?: string;
  /**
   * Which reverse proxies' X-Forwarded-For / -Proto / -Host to believe (Fastify's `trustProxy`): absent = none
   * (the client is the TCP peer); `true` = every hop; a number = that many hops nearest to us; or the proxies'
   * addresses and CIDR ranges. The client address keys the sign-in limits; behind a proxy without this, every
   * client shares the proxy's address.
   */
  readonly trustProxy?: TrustProxy;
  /** The longest a sign-in waits while its name is under attack (src/services/sign-in-guard.ts); 0 = never. */
  readonly signInMaxDelayMs: number;
  readonly newsUrl?: string;
  readonly advertiseUrl?: string;
  /** The operator's own social accounts, in the order given. */
  readonly social: readonly { readonly label: string; readonly url: string }[];
}

export type TrustProxy = true | number | readonly string[];
/** pino's levels; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Prometheus metrics at /metrics. Off by default. On the main port it answers only a signed-in admin or
 * `Authorization: Bearer <token>`; with `listen` it is served on that address instead (127.0.0.1 by default) and not on
 * the main port, still asking for the token when one is set.
 */
export type MetricsConfig =
  | { readonly enabled: false }
  | {
      readonly enabled: true;
      readonly token?: string;
      readonly listen?: { readonly host: string; readonly port: number };
    };

export interface Config {
  readonly port: number;
  readonly host: string;
  /** Absolute path of the data directory (SQLite file, generated demo assets). */
  readonly dataDir: string;
  readonly database: DatabaseConfig;
  /** Lifts the SSRF guard (loopback, private ranges) — tests and home networks only. */
  readonly allowPrivateFeeds: boolean;
  /** Load the demo catalogue into a fresh, empty database. */
  readonly demo: boolean;
  /**
   * Feeds listeners add (sync uploads, their OPML imports) join the public catalogue at once. Off by default: such a
   * feed is private to the listeners who follow it until an admin publishes it (premium feeds carry tokens).
   */
  readonly publicFollowedFeeds: boolean;
  readonly crawler: CrawlerConfig;
  readonly quota: QuotaConfig;
  readonly web: WebSettings;
  /** Structured JSON logs (one line per request, one per crawler refresh) at this level and above. */
  readonly logLevel: LogLevel;
  readonly metrics: MetricsConfig;
  readonly directory: DirectoryConfig;
}

/** Values given on the command line; each wins over its environment variable. */
export interface ConfigFlags {
  port?: string;
  host?: string;
  data?: string;
  databaseUrl?: string;
  allowPrivate?: boolean;
  publicFollowedFeeds?: boolean;
  demo?: boolean;
  crawl?: boolean;
  concurrency?: string;
  perHost?: string;
  maxBody?: string;
  publicUrl?: string;
  siteName?: string;
  logLevel?: string;
  metrics?: boolean;
  metricsPort?: string;
  metricsHost?: string;
  maxFollows?: string;
  maxNewFeedsPerDay?: string;
}

export interface ConfigInput {
  env: Readonly<Record<string, string | undefined>>;
  /** Relative paths (EARSHOT_DATA) are resolved against this directory. */
  cwd: string;
  flags?: ConfigFlags;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'invalid-config';
}

/**
 * Default host: 0.0.0.0. Earshot is a server that phones reach for gPodder sync and that usually runs in a
 * container, where a loopback-only default fails silently behind `-p 8080:8080`. Set EARSHOT_HOST=127.0.0.1
 * to keep an instance private to the machine.
 */
export const DEFAULT_HOST = '0.0.0.0';
export const DEFAULT_PORT = 8080;
export const DEFAULT_MAX_BODY_BYTES = 50 * 1024 * 1024;
export const DEFAULT_CRAWL_LEASE_SECONDS = 15 * 60;
export const DEFAULT_SIGN_IN_MAX_DELAY_MS = 2_000;
export const DEFAULT_MAX_FOLLOWS = 2000;
export const DEFAULT_MAX_NEW_FEEDS_PER_DAY = 500;
export const DEFAULT_PODCASTINDEX_URL = 'https://api.podcastindex.org/api/1.0';
export const DEFAULT_APPLE_SEARCH_URL = 'https://itunes.apple.com';
export const DEFAULT_DIRECTORY_TIMEOUT_MS = 8_000;

const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => TRUE.includes(v) || FALSE.includes(v), {
    error: 'must be 1 or 0 (or true/false, yes/no, on/off)',
  })
  .transform((v) => TRUE.includes(v));

function intIn(min: number, max: number, unit = '') {
  const range = `a whole number from ${min} to ${max}${unit}`;
  return z
    .string()
    .trim()
    .regex(/^\d+$/, { error: `must be ${range}` })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: `must be ${range}` });
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
};

const byteSize = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^\d+(\.\d+)?\s*(b|k|kb|m|mb|g|gb)?$/, { error: 'must be a size such as 52428800, 512kb or 50mb' })
  .transform((v) => {
    const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/.exec(v);
    return Math.floor(Number(m?.[1]) * (SIZE_UNITS[m?.[2] ?? ''] ?? 1));
  })
  .refine((n) => n >= 1024 && n <= 2 * 1024 ** 3, { error: 'must be between 1kb and 2gb' });

const host = z
  .string()
  .trim()
  .min(1, { error: 'must not be empty' })
  .regex(/^[A-Za-z0-9.:[\]-]+$/, { error: 'must be a host name or an IP address such as 127.0.0.1' });

const databaseUrl = z
  .string()
  .trim()
  .refine((v) => /^postgres(ql)?:\/\/[^\s]+$/i.test(v), {
    error: 'must be a postgres:// or postgresql:// URL (leave it unset for the embedded SQLite database)',
  });

const httpUrl = z
  .string()
  .trim()
  .refine((v) => /^https?:\/\/[^\s/]+/i.test(v) && URL.canParse(v), { error: 'must be an http(s) URL' })
  .transform((v) => v.replace(/\/+$/, ''));

const siteName = z
  .string()
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(80, { error: 'must be at most 80 characters' });

const secret = z.string().min(32, { error: 'must be at least 32 characters' });

/** `Mastodon=https://…,Bluesky=https://…` */
const social = z
  .string()
  .trim()
  .transform((v) =>
    v
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== ''),
  )
  .refine(
    (parts) =>
      parts.every((p) => {
        const i = p.indexOf('=');
        return i > 0 && /^https?:\/\//i.test(p.slice(i + 1).trim()) && URL.canParse(p.slice(i + 1).trim());
      }),
    { error: 'must be a comma-separated list of Label=https://… pairs' },
  )
  .transform((parts) =>
    parts.map((p) => {
      const i = p.indexOf('=');
      return Object.freeze({ label: p.slice(0, i).trim(), url: p.slice(i + 1).trim() });
    }),
  );

const nonEmptyPath = z.string().trim().min(1, { error: 'must not be empty' });

/** An API key or secret: printable, no spaces. */
const apiCredential = z
  .string()
  .trim()
  .regex(/^[\x21-\x7e]{1,200}$/, { error: 'must be 1 to 200 printable characters without spaces' });

/** proxy-addr's names for ranges, accepted as Fastify accepts them. */
const PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

function isAddressOrRange(entry: string): boolean {
  if (PROXY_RANGES.includes(entry)) return true;
  const [address = '', bits, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  const n = /^\d{1,3}$/.test(bits) ? Number(bits) : -1;
  return n >= 0 && n <= (version === 4 ? 32 : 128);
}

/** `off` (0, false, no), `on` (true, yes: every hop), a hop count 1–32, or a comma list of addresses/CIDRs. */
const trustProxy = z
  .string()
  .trim()
  .transform((v, ctx): TrustProxy | false => {
    const lower = v.toLowerCase();
    if (['', '0', 'off', 'false', 'no'].includes(lower)) return false;
    if (['on', 'true', 'yes'].includes(lower)) return true;
    if (/^\d+$/.test(lower)) {
      const hops = Number(lower);
      if (hops <= 32) return hops;
    }
    const entries = v
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e !== '');
    if (entries.length > 0 && entries.every(isAddressOrRange)) return Object.freeze(entries);
    ctx.addIssue({
      code: 'custom',
      message:
        'must be off, true (every hop), a hop count such as 1, or a comma list of proxy addresses/CIDRs such as 127.0.0.1,10.0.0.0/8',
    });
    return z.NEVER;
  });
const logLevel = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }));

/** Each setting: its environment variable, its flag, its schema and its default. */
const settings = {
  port: { env: 'EARSHOT_PORT', flag: '--port', schema: intIn(1, 65535) },
  host: { env: 'EARSHOT_HOST', flag: '--host', schema: host },
  data: { env: 'EARSHOT_DATA', flag: '--data', schema: nonEmptyPath },
  databaseUrl: { env: 'EARSHOT_DATABASE_URL', flag: '--database-url', schema: databaseUrl },
  allowPrivate: { env: 'EARSHOT_ALLOW_PRIVATE_FEEDS', flag: '--allow-private', schema: bool },
  publicFollowedFeeds: {
    env: 'EARSHOT_PUBLIC_FOLLOWED_FEEDS',
    flag: '--public-followed-feeds',
    schema: bool,
  },
  demo: { env: 'EARSHOT_DEMO', flag: '--no-demo', schema: bool },
  crawl: { env: 'EARSHOT_CRAWL', flag: '--no-crawl', schema: bool },
  concurrency: { env: 'EARSHOT_CRAWL_CONCURRENCY', flag: '--concurrency', schema: intIn(1, 1024) },
  perHost: { env: 'EARSHOT_CRAWL_PER_HOST', flag: '--per-host', schema: intIn(1, 64) },
  maxBody: { env: 'EARSHOT_MAX_FEED_BYTES', flag: '--max-body', schema: byteSize },
  searchThreads: { env: 'EARSHOT_SEARCH_THREADS', flag: '--search-threads', schema: intIn(0, 64) },
  crawlLease: {
    env: 'EARSHOT_CRAWL_LEASE_SECONDS',
    flag: '--crawl-lease',
    schema: intIn(1, 86_400, ' seconds'),
  },
  publicUrl: { env: 'EARSHOT_PUBLIC_URL', flag: '--public-url', schema: httpUrl },
  siteName: { env: 'EARSHOT_SITE_NAME', flag: '--site-name', schema: siteName },
  sessionSecret: { env: 'EARSHOT_SESSION_SECRET', flag: '--session-secret', schema: secret },
  trustProxy: { env: 'EARSHOT_TRUST_PROXY', flag: '--trust-proxy', schema: trustProxy },
  signInMaxDelay: {
    env: 'EARSHOT_SIGN_IN_MAX_DELAY_MS',
    flag: '--sign-in-max-delay',
    schema: intIn(0, 30_000, ' ms'),
  },
  newsUrl: { env: 'EARSHOT_NEWS_URL', flag: '--news-url', schema: httpUrl },
  advertiseUrl: { env: 'EARSHOT_ADVERTISE_URL', flag: '--advertise-url', schema: httpUrl },
  social: { env: 'EARSHOT_SOCIAL', flag: '--social', schema: social },
  logLevel: { env: 'EARSHOT_LOG_LEVEL', flag: '--log-level', schema: logLevel },
  metrics: { env: 'EARSHOT_METRICS', flag: '--metrics', schema: bool },
  metricsPort: { env: 'EARSHOT_METRICS_PORT', flag: '--metrics-port', schema: intIn(1, 65535) },
  metricsHost: { env: 'EARSHOT_METRICS_HOST', flag: '--metrics-host', schema: host },
  metricsToken: { env: 'EARSHOT_METRICS_TOKEN', flag: '--metrics-token', schema: secret },
  maxFollows: { env: 'EARSHOT_MAX_FOLLOWS', flag: '--max-follows', schema: intIn(0, 1_000_000) },
  maxNewFeedsPerDay: {
    env: 'EARSHOT_MAX_NEW_FEEDS_PER_DAY',
    flag: '--max-new-feeds-per-day',
    schema: intIn(0, 1_000_000),
  },
  podcastIndexKey: { env: 'EARSHOT_PODCASTINDEX_KEY', flag: '--podcastindex-key', schema: apiCredential },
  podcastIndexSecret: {
    env: 'EARSHOT_PODCASTINDEX_SECRET',
    flag: '--podcastindex-secret',
    schema: apiCredential,
  },
  podcastIndexUrl: { env: 'EARSHOT_PODCASTINDEX_URL', flag: '--podcastindex-url', schema: httpUrl },
  appleSearch: { env: 'EARSHOT_APPLE_SEARCH', flag: '--apple-search', schema: bool },
  appleSearchUrl: { env: 'EARSHOT_APPLE_SEARCH_URL', flag: '--apple-search-url', schema: httpUrl },
  directoryTimeout: {
    env: 'EARSHOT_DIRECTORY_TIMEOUT_MS',
    flag: '--directory-timeout',
    schema: intIn(100, 60_000, ' ms'),
  },
} as const;

type Key = keyof typeof settings;

function pick<K extends Key>(
  key: K,
  input: ConfigInput,
): z.output<(typeof settings)[K]['schema']> | undefined {
  const setting = settings[key];
  const flags: Partial<Record<Key, string | boolean>> = input.flags ?? {};
  const flag = flags[key];
  const fromFlag = flag !== undefined;
  let raw: string | undefined;
  if (typeof flag === 'boolean') raw = flag ? '1' : '0';
  else raw = flag ?? input.env[setting.env];
  if (raw === undefined || (!fromFlag && raw.trim() === '' && key !== 'data')) return undefined;
  const parsed = setting.schema.safeParse(raw);
  if (!parsed.success) {
    const where = fromFlag ? setting.flag : setting.env;
    const message = parsed.error.issues[0]?.message ?? 'is invalid';
    // Secrets and database URLs (which may carry a password) are never echoed back.
    const got =
      key === 'sessionSecret' ||
      key === 'databaseUrl' ||
      key === 'metricsToken' ||
      key === 'podcastIndexKey' ||
      key === 'podcastIndexSecret'
        ? `${raw.length} characters`
        : JSON.stringify(raw);
    throw new ConfigError(`${where} ${message} (got ${got})`);
  }
  // The schema table is indexed by K, so its output type is exactly this setting's type.
  return parsed.data as z.output<(typeof settings)[K]['schema']>;
}

/** Reads and validates every setting once; throws ConfigError with a one-line message naming the setting. */
export function loadConfig(input: ConfigInput): Config {
  const dataDir = resolveDir(input.cwd, pick('data', input) ?? './data');
  const url = pick('databaseUrl', input);
  const config: Config = {
    port: pick('port', input) ?? DEFAULT_PORT,
    host: pick('host', input) ?? DEFAULT_HOST,
    dataDir,
    database:
      url === undefined
        ? {
            kind: 'sqlite',
            path: join(dataDir, 'earshot.sqlite'),
            searchThreads: pick('searchThreads', input) ?? Math.min(4, availableParallelism()),
          }
        : { kind: 'postgres', url },
    allowPrivateFeeds: pick('allowPrivate', input) ?? false,
    demo: pick('demo', input) ?? true,
    publicFollowedFeeds: pick('publicFollowedFeeds', input) ?? false,
    crawler: Object.freeze({
      enabled: pick('crawl', input) ?? true,
      concurrency: pick('concurrency', input) ?? 16,
      perHost: pick('perHost', input) ?? 2,
      maxBodyBytes: pick('maxBody', input) ?? DEFAULT_MAX_BODY_BYTES,
      leaseMs: (pick('crawlLease', input) ?? DEFAULT_CRAWL_LEASE_SECONDS) * 1000,
    }),
    quota: Object.freeze({
      maxFollows: pick('maxFollows', input) ?? DEFAULT_MAX_FOLLOWS,
      maxNewFeedsPerDay: pick('maxNewFeedsPerDay', input) ?? DEFAULT_MAX_NEW_FEEDS_PER_DAY,
    }),
    web: webSettings(input),
    logLevel: pick('logLevel', input) ?? 'info',
    metrics: metricsSettings(input),
    directory: directorySettings(input),
  };
  if (config.metrics.enabled && config.metrics.listen?.port === config.port)
    throw new ConfigError('EARSHOT_METRICS_PORT must differ from EARSHOT_PORT (or leave it unset)');
  Object.freeze(config.database);
  return Object.freeze(config);
}

function webSettings(input: ConfigInput): WebSettings {
  const publicUrl = pick('publicUrl', input);
  const web: {
    -readonly [K in keyof WebSettings]: WebSettings[K];
  } = {
    siteName: pick('siteName', input) ?? 'Earshot',
    secureCookies: publicUrl?.startsWith('https:') ?? false,
    signInMaxDelayMs: pick('signInMaxDelay', input) ?? DEFAULT_SIGN_IN_MAX_DELAY_MS,
    social: Object.freeze(pick('social', input) ?? []),
  };
  if (publicUrl !== undefined) web.publicUrl = publicUrl;
  const sessionSecret = pick('sessionSecret', input);
  if (sessionSecret !== undefined) web.sessionSecret = sessionSecret;
  const proxy = pick('trustProxy', input);
  if (proxy !== undefined && proxy !== false) web.trustProxy = proxy;
  const newsUrl = pick('newsUrl', input);
  if (newsUrl !== undefined) web.newsUrl = newsUrl;
  const advertiseUrl = pick('advertiseUrl', input);
  if (advertiseUrl !== undefined) web.advertiseUrl = advertiseUrl;
  return Object.freeze(web);
}

function metricsSettings(input: ConfigInput): MetricsConfig {
  const enabled = pick('metrics', input) ?? false;
  const port = pick('metricsPort', input);
  const listenHost = pick('metricsHost', input);
  const token = pick('metricsToken', input);
  if (!enabled) {
    const stray = [
      port === undefined ? undefined : 'EARSHOT_METRICS_PORT',
      listenHost === undefined ? undefined : 'EARSHOT_METRICS_HOST',
      token === undefined ? undefined : 'EARSHOT_METRICS_TOKEN',
    ].find((name) => name !== undefined);
    if (stray !== undefined)
      throw new ConfigError(`${stray} is set but EARSHOT_METRICS is off (set it to on)`);
    return Object.freeze({ enabled: false });
  }
  if (listenHost !== undefined && port === undefined)
    throw new ConfigError('EARSHOT_METRICS_HOST needs EARSHOT_METRICS_PORT (metrics on their own port)');
  return Object.freeze({
    enabled: true,
    ...(token === undefined ? {} : { token }),
    ...(port === undefined ? {} : { listen: Object.freeze({ host: listenHost ?? '127.0.0.1', port }) }),
  });
}

function directorySettings(input: ConfigInput): DirectoryConfig {
  const key = pick('podcastIndexKey', input);
  const secret = pick('podcastIndexSecret', input);
  if ((key === undefined) !== (secret === undefined)) {
    throw new ConfigError(
      `${key === undefined ? 'EARSHOT_PODCASTINDEX_SECRET' : 'EARSHOT_PODCASTINDEX_KEY'} is set without ${key === undefined ? 'EARSHOT_PODCASTINDEX_KEY' : 'EARSHOT_PODCASTINDEX_SECRET'} (the Podcast Index needs both)`,
    );
  }
  // Off unless asked for: a listener's searches go to Apple only when the operator chose so.
  const apple = pick('appleSearch', input) ?? false;
  return Object.freeze({
    ...(key === undefined || secret === undefined
      ? {}
      : {
          podcastIndex: Object.freeze({
            key,
            secret,
            baseUrl: pick('podcastIndexUrl', input) ?? DEFAULT_PODCASTINDEX_URL,
          }),
        }),
    ...(apple
      ? { apple: Object.freeze({ baseUrl: pick('appleSearchUrl', input) ?? DEFAULT_APPLE_SEARCH_URL }) }
      : {}),
    timeoutMs: pick('directoryTimeout', input) ?? DEFAULT_DIRECTORY_TIMEOUT_MS,
  });
}

function resolveDir(cwd: string, dir: string): string {
  return isAbsolute(dir) ? dir : resolve(cwd, dir);
}

/** A one-line description of where the data lives, for start-up logs (never prints credentials). */
export function describeDatabase(db: DatabaseConfig): string {
  if (db.kind === 'sqlite') return `SQLite at ${db.path}`;
  try {
    const u = new URL(db.url);
    return `PostgreSQL at ${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}
