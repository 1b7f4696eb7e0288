// The composition root: config → store → fetcher → refresh/crawler → web server. The only place that builds the
// long-lived objects of a process and hands them to each other; everything else receives what it needs.

import { mkdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { extname, join, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { Config, LogLevel } from './config/config.ts';
import { DEMO_ASSETS_PATH, demoAssetsDir, isDemoUrl } from './demo/catalogue.ts';
import { type DemoLoadResult, loadDemoIfEmpty } from './demo/load.ts';
import { directoryFromConfig } from './directory/index.ts';
import type { FeedToRefresh, FeedVisibility } from './domain/feed.ts';
import { FeedUrlError, normalizeFeedUrl } from './domain/feed-url.ts';
import { ownAddresses } from './feed/fetch/address-guard.ts';
import { createFetcher, earshotUserAgent, type Fetcher } from './feed/fetch/index.ts';
import { createFetchRecorder } from './feed/refresh/batch.ts';
import {
  type Crawler,
  enqueueRefresh,
  FIRST_FETCH_FALLBACK_MS,
  listenerLane,
  startCrawler,
} from './feed/refresh/crawler.ts';
import { createJobQueue, type JobQueue } from './feed/refresh/queue.ts';
import { type FetchLimit, type RefreshReport, refreshFeed, skippedReport } from './feed/refresh/refresh.ts';
import { gpodderPlugin } from './http/gpodder/plugin.ts';
import { startMetricsServer } from './http/metrics-server.ts';
import { createServer, type FeedAdmin, type ServerDeps } from './http/server.ts';
import { type CoverCache, memoryCoverCache, openDiskCoverCache } from './images/cache.ts';
import { EVENT_LOOP_TURNS } from './markup/next-turn.ts';
import { parseOpmlInTurns } from './opml/import.ts';
import { packagePath } from './package-root.ts';
import { type AddFeedAnswer, checkAndAddFeed } from './services/add-feed.ts';
import { createCoverImages } from './services/cover-images.ts';
import { followByUrl } from './services/follow-by-url.ts';
import { backgroundHealth, type Health } from './services/health.ts';
import { ListenerQuota, quotaPortsFrom } from './services/listener-quota.ts';
import { createMediaTextService } from './services/media-text.ts';
import { createMetrics, type Metrics } from './services/metrics.ts';
import { createSyncService } from './services/sync-service.ts';
import { openStore, type Store } from './store/index.ts';

const packageJson: unknown = JSON.parse(readFileSync(packagePath('package.json'), 'utf8'));

/** The version in package.json. */
export const VERSION: string =
  typeof packageJson === 'object' &&
  packageJson !== null &&
  'version' in packageJson &&
  typeof packageJson.version === 'string'
    ? packageJson.version
    : '0.0.0';

const PROJECT_URL =
  typeof packageJson === 'object' &&
  packageJson !== null &&
  'homepage' in packageJson &&
  typeof packageJson.homepage === 'string'
    ? packageJson.homepage
    : 'https://earshot.invalid/';

export interface App {
  readonly config: Config;
  readonly store: Store;
  readonly fetcher: Fetcher;
  readonly queue: JobQueue;
  /** Refreshes one feed now (outside the queue; the CLI's path), through `fetcher` when given (else the app's). */
  refresh(
    feed: FeedToRefresh | number,
    options?: { force?: boolean; limit?: FetchLimit; fetcher?: Fetcher },
  ): Promise<RefreshReport>;
  /**
   * Adds a feed by URL (normalised; idempotent). Throws FeedUrlError for what cannot be a feed URL. Public unless
   * `visibility: 'private'` (a listener's feed); an existing feed keeps its visibility. A feed a listener brings in
   * (`addedByUserId`) remembers them and is queued for its first fetch in their fair-share lane.
   */
  addFeed(
    url: string,
    options?: { visibility?: FeedVisibility; addedByUserId?: number },
  ): Promise<{ feedId: number; created: boolean; url: string }>;
  /**
   * Fetches the URL first and adds it (refreshed at once) only when it is a feed not here yet; `options` as addFeed's
   * (a listener's feed: private, remembering them).
   */
  checkAndAddFeed(
    url: string,
    options?: { visibility?: FeedVisibility; addedByUserId?: number },
  ): Promise<AddFeedAnswer>;
  close(): Promise<void>;
}

export interface AppOptions {
  now?: () => Date;
  signal?: AbortSignal;
  /** Told about failures that must not fail a refresh (re-matching sync actions after new episodes). */
  onError?: (error: unknown) => void;
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const now = options.now ?? (() => new Date());
  if (config.database.kind === 'sqlite') mkdirSync(config.dataDir, { recursive: true });
  const store = await openStore({
    dataDir: config.dataDir,
    databaseUrl: config.database.kind === 'postgres' ? config.database.url : config.database.path,
    ...(config.database.kind === 'sqlite' ? { searchThreads: config.database.searchThreads } : {}),
  });
  const fetcher = createFetcher({
    userAgent: earshotUserAgent(VERSION, config.web.publicUrl ?? PROJECT_URL),
    allowPrivate: config.allowPrivateFeeds,
    hostAddresses: () => ownAddresses(networkInterfaces()),
    maxBodyBytes: config.crawler.maxBodyBytes,
    connectionsPerOrigin: config.crawler.perHost,
  });
  const queue = createJobQueue(store, { now });
  // 304s and failures of refreshes finishing together are recorded in one transaction.
  const recordFetch = createFetchRecorder(store);
  const syncRematch = createSyncService({
    store,
    repo: store.sync,
    users: store.listeners.users,
    library: store.listeners.library,
  });
  const app: App = {
    config,
    store,
    fetcher,
    queue,
    async refresh(feedOrId, { limit, fetcher: through = fetcher, ...refreshOptions } = {}) {
      const feed = typeof feedOrId === 'number' ? await store.feeds.get(feedOrId) : feedOrId;
      if (feed !== undefined && isDemoUrl(feed.url)) {
        // The shipped demo lives in the repository, not on the network.
        return skippedReport(feed);
      }
      const report = await refreshFeed(
        {
          store,
          fetcher: through,
          now,
          recordFetch,
          ...(limit === undefined ? {} : { limit }),
          ...(options.signal === undefined ? {} : { signal: options.signal }),
        },
        feed ?? feedOrId,
        refreshOptions,
      );
      // Sync actions phones uploaded before the feed's episodes existed are matched now (cheap when none wait).
      if (report.inserted > 0) {
        await syncRematch.rematchFeed(report.feedId).catch((error: unknown) => options.onError?.(error));
      }
      return report;
    },
    async addFeed(url, { visibility, addedByUserId } = {}) {
      const normalised = normalizeFeedUrl(url);
      const shown = visibility === undefined ? {} : { visibility };
      if (addedByUserId === undefined) {
        const { feed, created } = await store.feeds.add(normalised, now(), shown);
        return { feedId: feed.id, created, url: feed.url };
      }
      // The first fetch is a job in the listener's lane, taken round-robin with other listeners' (crawler.ts).
      const at = now();
      const firstCheckAt = new Date(at.getTime() + FIRST_FETCH_FALLBACK_MS);
      const { feed, created } = await store.feeds.add(normalised, at, {
        ...shown,
        addedByUserId,
        firstCheckAt,
      });
      if (created) await enqueueRefresh(queue, feed.id, at, listenerLane(addedByUserId));
      return { feedId: feed.id, created, url: feed.url };
    },
    checkAndAddFeed(url, options = {}) {
      return checkAndAddFeed(
        {
          store,
          fetcher,
          // The same normaliser as addFeed (one call site to switch when the normalisers become one).
          normalize: normalizeFeedUrl,
          add: (normalised) => app.addFeed(normalised, options),
          refresh: (feedId, replay) => app.refresh(feedId, { fetcher: replay }),
        },
        url,
      );
    },
    async close() {
      await fetcher.close();
      await store.close();
    },
  };
  return app;
}

export interface Running {
  readonly server: FastifyInstance;
  /** Where /metrics listens when it has a port of its own (EARSHOT_METRICS_PORT). */
  readonly metricsUrl?: string;
  readonly crawler?: Crawler;
  readonly demo: DemoLoadResult;
  /** Where the server listens, e.g. http://127.0.0.1:8080 */
  readonly url: string;
  /** Stops taking new work, lets refreshes and requests in flight finish, closes everything. */
  shutdown(): Promise<void>;
}

/** What a long-running role is told about (each optional). */
export interface RoleHooks {
  onReport?: (r: RefreshReport) => void;
  onError?: (e: unknown) => void;
  /** Where the JSON log lines go (at `config.logLevel`); without it nothing is logged. */
  logStream?: NodeJS.WritableStream;
}

/**
 * `earshot serve` (the web server and, unless `crawl: false` or EARSHOT_CRAWL=0, the crawler in one process) and
 * `earshot web` (`crawl: false`: pages, API and sync only; the crawl processes fetch). Every piece of state shared by
 * requests lives in the database, so any number of web processes may answer on one PostgreSQL (docs/deploy.md).
 */
export async function startServing(
  app: App,
  hooks: RoleHooks & {
    crawl?: boolean;
    /** The anonymous-page micro-cache's lifetime (default 5 s; 0 turns it off: the benchmark's uncached figures). */
    pageCacheMs?: number;
  } = {},
): Promise<Running> {
  const { config, store } = app;
  const now = (): Date => new Date();
  // The process's one metrics registry (none when metrics are off), handed to the server, the crawler and sync.
  const metrics = config.metrics.enabled ? createMetrics({ store, now }) : undefined;
  const demo = config.demo ? await loadDemoIfEmpty(store, now()) : { feeds: 0, episodes: 0 };

  let crawler: Crawler | undefined;
  // "Refresh now" is a job any crawler takes, this process's or another's (a web process has none of its own).
  const refreshSoon = (feedId: number): Promise<void> => enqueueRefresh(app.queue, feedId, now());
  const feedAdmin: FeedAdmin = {
    async addFeed(url, visibility = 'public') {
      const { feedId, created } = await app.addFeed(url, { visibility });
      await refreshSoon(feedId);
      return { feedId, created };
    },
    checkAndAdd: (url) => app.checkAndAddFeed(url),
    refreshNow: (feedId) => app.refresh(feedId, { force: true }),
    async importOpml(xml) {
      const { entries } = await parseOpmlInTurns(xml, EVENT_LOOP_TURNS);
      let added = 0;
      let existing = 0;
      for (const entry of entries) {
        try {
          const { feedId, created } = await app.addFeed(entry.url);
          if (created) {
            added++;
            await refreshSoon(feedId);
          } else existing++;
        } catch (error) {
          if (!(error instanceof FeedUrlError)) throw error;
        }
      }
      return { added, existing };
    },
  };
  const listenerFeeds: FeedVisibility = config.publicFollowedFeeds ? 'public' : 'private';
  // Per-listener limits (issue 12), for every path where a listener adds feeds: phone sync, OPML import, follow.
  const quota = new ListenerQuota(quotaPortsFrom(store), config.quota, now);
  const sync = createSyncService({
    store,
    repo: store.sync,
    users: store.listeners.users,
    library: store.listeners.library,
    quota,
    // A feed a listener subscribes to is private to its followers unless the operator chose otherwise; it is queued
    // in the listener's fair-share lane by app.addFeed.
    addFeed: async (url, { addedByUserId } = {}) =>
      addedByUserId === undefined
        ? feedAdmin.addFeed(url, listenerFeeds)
        : app.addFeed(url, { addedByUserId, visibility: listenerFeeds }),
    listenerFeeds,
    signInMaxDelayMs: config.web.signInMaxDelayMs,
    ...(hooks.onError === undefined ? {} : { warn: (m: string) => hooks.onError?.(new Error(m)) }),
    ...(metrics === undefined ? {} : { observe: (kind: string, n: number) => metrics.countSync(kind, n) }),
  });

  const deps: ServerDeps = {
    store,
    config: {
      siteName: config.web.siteName,
      secureCookies: config.web.secureCookies,
      ...(config.web.trustProxy === undefined ? {} : { trustProxy: config.web.trustProxy }),
      signInMaxDelayMs: config.web.signInMaxDelayMs,
      social: [...config.web.social],
      ...(config.web.publicUrl === undefined ? {} : { publicUrl: config.web.publicUrl }),
      ...(config.web.newsUrl === undefined ? {} : { newsUrl: config.web.newsUrl }),
      ...(config.web.advertiseUrl === undefined ? {} : { advertiseUrl: config.web.advertiseUrl }),
      ...(hooks.logStream === undefined
        ? {}
        : { logger: { level: config.logLevel, stream: hooks.logStream } }),
      ...(hooks.pageCacheMs === undefined ? {} : { pageCacheMs: hooks.pageCacheMs }),
    },
    ...(metrics === undefined ? {} : { metrics }),
    ...(config.metrics.enabled && config.metrics.listen === undefined
      ? { metricsEndpoint: config.metrics.token === undefined ? {} : { token: config.metrics.token } }
      : {}),
    mediaText: createMediaTextService({ fetcher: app.fetcher, store, now, readLocal: readDemoAsset }),
    coverImages: createCoverImages({
      fetcher: app.fetcher,
      cache: await coverCache(config, hooks.onError),
      readLocal: readDemoAsset,
      now,
      ...(hooks.onError === undefined ? {} : { onError: hooks.onError }),
    }),
    feeds: feedAdmin,
    // Podcast directories ("Find podcasts"), asked through the crawler's fetcher and its SSRF guard.
    directory: directoryFromConfig(config.directory, app.fetcher),
    demoAssetsDir: demoAssetsDir(),
    // The database is probed beside requests (at most every 5 s), so /healthz answers at once while a long
    // transaction holds SQLite's connection; a probe that fails or hangs for 30 s makes it answer 503.
    health: healthProbe(store, () => (crawler === undefined ? 'off' : 'on')),
    sync,
    quota,
    // A listener's follow by URL: under the quota, fetched through the one door, private to its followers.
    followUrl: (userId, url) =>
      followByUrl(
        {
          store,
          normalize: normalizeFeedUrl,
          quota,
          checkAndAdd: (feedUrl, addedByUserId) =>
            app.checkAndAddFeed(feedUrl, { addedByUserId, visibility: listenerFeeds }),
          follow: async (user, feedId) => {
            const at = now();
            await store.listeners.library.follow(user, feedId, at);
            await sync.webFollow(user, feedId, true);
          },
          isFollowing: (user, feedId) => store.listeners.library.isFollowing(user, feedId),
        },
        userId,
        url,
      ),
    plugins: [
      async (server: FastifyInstance) => {
        await server.register(gpodderPlugin, {
          sync,
          secureCookies: config.web.secureCookies,
          ...(config.web.publicUrl === undefined ? {} : { publicUrl: config.web.publicUrl }),
        });
      },
    ],
  };
  const server = await createServer(deps);
  await server.listen({ host: config.host, port: config.port });
  const address = server.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const shown = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;

  let metricsServer: { server: FastifyInstance; url: string } | undefined;
  try {
    metricsServer = await ownMetricsServer(config, metrics);
  } catch (error) {
    await server.close();
    throw error;
  }
  const metricsUrl = metricsServer?.url;

  if (hooks.crawl ?? config.crawler.enabled) {
    crawler = startObservedCrawler(app, metrics, server.log.child({ component: 'crawler' }), hooks);
  }

  let closing: Promise<void> | undefined;
  return {
    server,
    demo,
    url,
    ...(crawler === undefined ? {} : { crawler }),
    ...(metricsUrl === undefined ? {} : { metricsUrl }),
    shutdown() {
      closing ??= (async () => {
        // Order matters: no new jobs, refreshes in flight commit their transactions, then requests drain.
        await crawler?.stop();
        await metricsServer?.server.close();
        await server.close();
        await app.close();
      })();
      return closing;
    },
  };
}

export interface Crawling {
  readonly crawler: Crawler;
  /** Where /metrics and /healthz listen when metrics have a port of their own (EARSHOT_METRICS_PORT). */
  readonly metricsUrl?: string;
  /** Stops taking new work, lets refreshes in flight finish, closes everything. */
  shutdown(): Promise<void>;
}

/**
 * `earshot crawl`: the crawler only, no web server. Several crawl processes share the work through the database
 * (leased feeds, claimed jobs; `FOR UPDATE SKIP LOCKED` on PostgreSQL). The only HTTP it serves is /metrics and
 * /healthz on EARSHOT_METRICS_PORT, when metrics are on and have that port.
 */
export async function startCrawling(app: App, hooks: RoleHooks = {}): Promise<Crawling> {
  const { config, store } = app;
  const metrics = config.metrics.enabled ? createMetrics({ store, now: () => new Date() }) : undefined;
  let crawler: Crawler | undefined;
  const metricsServer = await ownMetricsServer(
    config,
    metrics,
    healthProbe(store, () => (crawler === undefined ? 'off' : 'on')),
  );
  const log = jsonLog(hooks.logStream, config.logLevel, { component: 'crawler' });
  crawler = startObservedCrawler(app, metrics, log, hooks);
  const started = crawler;
  let closing: Promise<void> | undefined;
  return {
    crawler: started,
    ...(metricsServer === undefined ? {} : { metricsUrl: metricsServer.url }),
    shutdown() {
      closing ??= (async () => {
        await started.stop();
        await metricsServer?.server.close();
        await app.close();
      })();
      return closing;
    },
  };
}

/** What the crawler's log lines are written to: the server's pino logger, or jsonLog in a crawl-only process. */
interface RefreshLog {
  info(line: object, message: string): void;
  warn(line: object, message: string): void;
}

/** The crawler of a process, with one log line and one metric per refresh outcome. */
function startObservedCrawler(
  app: App,
  metrics: Metrics | undefined,
  log: RefreshLog,
  hooks: RoleHooks,
): Crawler {
  const { config } = app;
  // One line per refresh outcome: feed id and host only (a feed URL's userinfo and query can carry credentials).
  const observed = async (feed: FeedToRefresh, limit: FetchLimit): Promise<RefreshReport> => {
    const started = performance.now();
    const report = await app.refresh(feed, { limit });
    const ms = Math.round((performance.now() - started) * 10) / 10;
    metrics?.countFetch(report.status, report.error?.code);
    const line = {
      feedId: report.feedId,
      host: URL.canParse(report.url) ? new URL(report.url).host : 'invalid-url',
      outcome: report.status,
      ...(report.error === undefined ? {} : { code: report.error.code }),
      ...(report.httpStatus === undefined ? {} : { status: report.httpStatus }),
      ...(report.inserted > 0 ? { inserted: report.inserted } : {}),
      ms,
    };
    if (report.status === 'failed') log.warn(line, 'refresh');
    else log.info(line, 'refresh');
    return report;
  };
  return startCrawler({
    store: app.store,
    queue: app.queue,
    refresh: observed,
    concurrency: config.crawler.concurrency,
    perHost: config.crawler.perHost,
    leaseMs: config.crawler.leaseMs,
    skip: isDemoUrl,
    ...(hooks.onReport === undefined ? {} : { onReport: hooks.onReport }),
    ...(hooks.onError === undefined ? {} : { onError: hooks.onError }),
  });
}

/**
 * What /healthz answers: the database probed beside requests (at most every 5 s), so it answers at once while a long
 * transaction holds SQLite's connection; a probe that fails or hangs for 30 s makes it answer 503.
 */
function healthProbe(store: Store, crawler: () => 'on' | 'off'): () => Promise<Health> {
  return backgroundHealth(async () => ({ feeds: await store.feeds.count(), crawler: crawler() }), {
    maxAgeMs: 5_000,
    stuckMs: 30_000,
    nowMs: () => Date.now(),
  });
}

/** /metrics (and /healthz when given) on EARSHOT_METRICS_PORT, when metrics are on and have a port of their own. */
async function ownMetricsServer(
  config: Config,
  metrics: Metrics | undefined,
  health?: () => Promise<Health>,
): Promise<{ server: FastifyInstance; url: string } | undefined> {
  if (metrics === undefined || !config.metrics.enabled || config.metrics.listen === undefined)
    return undefined;
  const { host, port } = config.metrics.listen;
  const server = await startMetricsServer(metrics, {
    host,
    port,
    ...(config.metrics.token === undefined ? {} : { token: config.metrics.token }),
    ...(health === undefined ? {} : { health }),
  });
  const address = server.server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  return { server, url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}/metrics` };
}

/**
 * The crawl-only process's JSON log lines, from pino as the web server's are (the same fields: numeric `level`,
 * `time`, `pid`, `msg`). Nothing is written without a stream.
 */
function jsonLog(
  stream: NodeJS.WritableStream | undefined,
  level: LogLevel,
  fields: Record<string, string>,
): RefreshLog {
  if (stream === undefined) return { info: () => {}, warn: () => {} };
  return pino({ level, base: { pid: process.pid, ...fields } }, stream);
}

const ASSET_TYPES: Record<string, string> = {
  '.wav': 'audio/wav',
  '.png': 'image/png',
  '.vtt': 'text/vtt',
  '.json': 'application/json',
  '.srt': 'application/x-subrip',
};

/** The demo's root-relative asset URLs (`/demo-assets/<name>`) are files of demoAssetsDir(), never fetched. */
/** Rendered covers kept on disk (`<dataDir>/images`, at most 512 MB); in memory (64 MB) when it cannot be written. */
async function coverCache(config: Config, onError?: (error: unknown) => void): Promise<CoverCache> {
  try {
    return await openDiskCoverCache(join(config.dataDir, 'images'), 512 * 1024 * 1024);
  } catch (error) {
    onError?.(error);
    return memoryCoverCache(64 * 1024 * 1024);
  }
}

async function readDemoAsset(url: string): Promise<{ body: Uint8Array; contentType?: string } | undefined> {
  const prefix = `${DEMO_ASSETS_PATH}/`;
  if (!url.startsWith(prefix)) return undefined;
  const name = decodeURIComponent(url.slice(prefix.length).split(/[?#]/)[0] ?? '');
  if (name === '' || name.includes('/') || name.includes('\\') || name.includes('..') || name.includes(sep))
    return undefined;
  try {
    const body = await readFile(join(demoAssetsDir(), name));
    const type = ASSET_TYPES[extname(name).toLowerCase()];
    return type === undefined ? { body } : { body, contentType: type };
  } catch {
    return undefined;
  }
}
