// The web server: pages, the JSON API, static assets. Built by the composition root (src/main.ts), which calls
// `createServer(deps)` and then `listen`. Handlers are thin: authenticate → validate (zod) → authorize → call the
// store or a service → render.
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import { ZodError } from 'zod';
import type { Directory } from '../directory/index.ts';
import type { FeedVisibility } from '../domain/feed.ts';
import type { RefreshReport } from '../feed/refresh/refresh.ts';
import type { AddFeedAnswer } from '../services/add-feed.ts';
import type { CoverImages } from '../services/cover-images.ts';
import type { FollowUrlAnswer } from '../services/follow-by-url.ts';
import {
  type AccountSync,
  type FollowQuota,
  ListenerActions,
  type SyncBridge,
} from '../services/listener-actions.ts';
import { QuotaError } from '../services/listener-quota.ts';
import type { MediaTextService } from '../services/media-text.ts';
import type { Metrics } from '../services/metrics.ts';
import { bearerMatches } from '../services/metrics.ts';
import { StoreError } from '../store/errors.ts';
import type { ListenerStore } from '../store/listener-ports.ts';
import type { Store } from '../store/ports.ts';
import type { PageContext, SiteConfig } from '../views/models.ts';
import { errorPage } from '../views/pages.ts';
import { type AssetTable, loadAssets } from './assets.ts';
import { registerCompression } from './compress.ts';
import { contextOf, maskCsrfToken, resolveContext } from './context.ts';
import { registerDemoAssets } from './demo-assets.ts';
import { codeForStatus, HttpError } from './errors.ts';
import { registerMultipart } from './multipart.ts';
import { PageCache } from './page-cache.ts';
import { registerAccountRoutes } from './routes/account.ts';
import { registerAdminRoutes } from './routes/admin.ts';
import { registerApiRoutes } from './routes/api.ts';
import { registerSourceApi } from './routes/api-sources.ts';
import { registerImageRoutes } from './routes/images.ts';
import { registerPageRoutes } from './routes/pages/index.ts';
import type { SearchIndex } from './search.ts';
import { securityHeaders } from './security.ts';

export interface WebConfig {
  /** Shown in the header and titles. Default "Earshot". */
  siteName?: string;
  /** Absolute base URL (https://pods.example) for share links; else taken from the request's Host. */
  publicUrl?: string;
  /** Set Secure on cookies (serving over https). */
  secureCookies?: boolean;
  /** Trust X-Forwarded-* from reverse proxies: every hop, a hop count, or their addresses/CIDRs (EARSHOT_TRUST_PROXY). */
  trustProxy?: boolean | number | readonly string[];
  /** The longest a sign-in waits while its name is under attack (EARSHOT_SIGN_IN_MAX_DELAY_MS). */
  signInMaxDelayMs?: number;
  /** Operator links for the site footer. */
  newsUrl?: string;
  advertiseUrl?: string;
  social?: { label: string; url: string }[];
  /**
   * Structured JSON logs (pino, off by default): one line per request with its id, method, route pattern, status and
   * duration — never the query string, cookies or credentials. `stream` receives the lines (default stdout).
   */
  logger?: boolean | { level: string; stream?: NodeJS.WritableStream };
  /** How long an anonymous page stays in the micro-cache (default 5,000 ms; 0: off, as `npm run bench:web` measures). */
  pageCacheMs?: number;
}

/** Adds feeds from the admin page; implemented by the refresh side. */
export interface FeedAdmin {
  /** Public unless `visibility` says private (a listener's feed: the sync service's path). */
  addFeed(url: string, visibility?: FeedVisibility): Promise<{ feedId: number; created: boolean }>;
  importOpml(xml: string): Promise<{ added: number; existing: number }>;
  /** Fetches the URL first and adds it only when it is a feed not here yet (the admin's add form). */
  checkAndAdd?(url: string): Promise<AddFeedAnswer>;
  /** Refreshes one feed now, paused or not, and says how it went. */
  refreshNow?(feedId: number): Promise<RefreshReport>;
}

export interface ServerDeps {
  store: Store;
  /** Accounts and listener data; without it the site is read-only (no sign-in). */
  listeners?: ListenerStore;
  config: WebConfig;
  /** Transcripts and chapters, fetched once through the crawler's outbound door and cached in the database. */
  mediaText?: MediaTextService;
  /**
   * Covers at /images/…, fetched once through the crawler's outbound door, resized, cached. Without it the endpoint
   * still answers, with each show's initials.
   */
  coverImages?: CoverImages;
  feeds?: FeedAdmin;
  search?: SearchIndex;
  /**
   * Web → phone sync (the SyncService): the bridge is called after follow/progress/played changes made on the web;
   * app passwords and per-listener OPML appear on the account page when the object offers them.
   */
  sync?: SyncBridge & Partial<AccountSync>;
  /** Podcast directories for "Find podcasts" (/directory); absent, the page says directory search is off. */
  directory?: Directory;
  /** Per-listener limits (issue 12) on what the web's follow adds; the sync service carries its own. */
  quota?: FollowQuota;
  /** A listener follows a podcast by its feed URL (src/services/follow-by-url.ts); without it the form is absent. */
  followUrl?: (userId: number, url: string) => Promise<FollowUrlAnswer>;
  /** More routes in their own encapsulated Fastify context (e.g. the gPodder API), registered before ready. */
  plugins?: ((app: FastifyInstance) => Promise<void> | void)[];
  /** Read-only directory served at /demo-assets/* (the demo catalogue's audio, art and transcript). */
  demoAssetsDir?: string;
  /** Extra health details for GET /healthz; `ok: false` answers 503. */
  health?: () => Promise<{ ok: boolean; [key: string]: unknown }>;
  /**
   * How often the store's visibility generation is read (default 1 s): a show taken out of public view by another
   * process (another web process, the CLI) ends the pages this one cached within that time.
   */
  visibilityPollMs?: number;
  now?: () => Date;
  /** Defaults to public/ in this package. */
  assets?: AssetTable;
  /** Request durations are counted here. */
  metrics?: Metrics;
  /**
   * Serves `metrics` at /metrics on this server: to signed-in admins, or to `Authorization: Bearer <token>` when a
   * token is given. Absent: no /metrics here (metrics off, or on their own port).
   */
  metricsEndpoint?: { token?: string };
}

/** What route modules receive. */
export interface WebApp {
  deps: ServerDeps;
  /** Listener actions (library + sync bridge); absent without accounts. */
  actions?: ListenerActions;
  site: SiteConfig;
  assets: AssetTable;
  now: () => Date;
  secure: boolean;
  pageContext(req: FastifyRequest, query?: string): PageContext;
  /** `cache`: an anonymous 200 page is kept a few seconds for other anonymous visitors (see PageCache). */
  sendPage(
    reply: FastifyReply,
    markup: { toString(): string },
    status?: number,
    options?: { cache?: boolean },
  ): FastifyReply;
  /** The cached page for an anonymous visitor, when there is one. */
  fromCache(req: FastifyRequest, reply: FastifyReply): FastifyReply | undefined;
  /** Drops every cached page and list (after a feed's visibility changed). */
  forgetPages(): void;
  /** Called by `forgetPages`: route modules' own caches (the popular shows). */
  onForgetPages(fn: () => void): void;
  baseUrl(req: FastifyRequest): string;
}

function contexts(req: FastifyRequest): { viewer?: unknown; csrfToken: string } | undefined {
  try {
    return contextOf(req);
  } catch {
    return undefined;
  }
}

const STATIC_PREFIXES = [
  '/assets/',
  '/icons/',
  '/sw.js',
  '/manifest.webmanifest',
  '/healthz',
  '/favicon.ico',
  '/robots.txt',
];

function errorStatus(error: unknown): {
  status: number;
  code: string;
  message: string;
  headers: Record<string, string>;
} {
  if (error instanceof HttpError)
    return { status: error.status, code: error.code, message: error.message, headers: error.headers };
  if (error instanceof ZodError) {
    const message = error.issues
      .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
      .join('; ');
    return { status: 400, code: 'bad-request', message: `Invalid request: ${message}`, headers: {} };
  }
  if (error instanceof QuotaError) {
    const status = error.code === 'forbidden' ? 403 : 429;
    const headers: Record<string, string> =
      error.retryAfterSeconds === undefined ? {} : { 'retry-after': String(error.retryAfterSeconds) };
    return { status, code: error.code, message: error.message, headers };
  }
  if (error instanceof StoreError) {
    const map = {
      'not-found': 404,
      conflict: 409,
      invalid: 400,
      unavailable: 503,
      'schema-too-new': 503,
    } as const;
    return { status: map[error.code], code: error.code, message: error.message, headers: {} };
  }
  // Other modules' typed errors (SyncError, FeedUrlError …) with a code we understand.
  const code =
    error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  const byCode: Record<string, number> = {
    'bad-request': 400,
    invalid: 400,
    'not-found': 404,
    conflict: 409,
    forbidden: 403,
    unauthorized: 401,
    // FeedUrlError and OpmlError from the admin's add-feed and OPML import.
    'bad-url': 400,
    'unsupported-scheme': 400,
    'not-opml': 400,
    empty: 400,
  };
  if (code && byCode[code] && error instanceof Error) {
    const status = byCode[code] ?? 400;
    return { status, code: codeForStatus(status), message: error.message, headers: {} };
  }
  const fe = error as Partial<FastifyError>; // Fastify's own errors carry a statusCode; anything else has none.
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return {
      status: fe.statusCode,
      code: codeForStatus(fe.statusCode),
      message: fe.message ?? 'Bad request',
      headers: {},
    };
  }
  return { status: 500, code: 'internal', message: 'Something went wrong on our side.', headers: {} };
}

/** Fastify's `trustProxy` for our setting; a hop count trusts the `n` hops nearest to us, as proxy-addr does. */
function fastifyTrustProxy(
  setting: WebConfig['trustProxy'],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (setting === undefined) return false;
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  if (typeof setting === 'boolean') return setting;
  return [...setting];
}

export async function createServer(given: ServerDeps): Promise<FastifyInstance> {
  // The store carries the listener repositories and the search index; explicit deps win (tests, other stores).
  const deps: ServerDeps = {
    ...given,
    listeners: given.listeners ?? given.store.listeners,
    search: given.search ?? given.store.search,
  };
  const config = deps.config;
  const now = deps.now ?? (() => new Date());
  const secure = config.secureCookies ?? false;
  const assets = deps.assets ?? loadAssets();
  const site: SiteConfig = {
    name: config.siteName ?? 'Earshot',
    ...(config.newsUrl ? { newsUrl: config.newsUrl } : {}),
    ...(config.advertiseUrl ? { advertiseUrl: config.advertiseUrl } : {}),
    ...(config.social?.length ? { social: config.social } : {}),
  };
  const headers = securityHeaders(secure);
  const pageCache = new PageCache(config.pageCacheMs);
  const forgetters: (() => void)[] = [];
  const cacheKey = (req: FastifyRequest) => `${req.host}${req.url}`;

  const logger = config.logger ?? false;
  const app = Fastify({
    logger:
      typeof logger === 'boolean'
        ? logger
        : { level: logger.level, ...(logger.stream === undefined ? {} : { stream: logger.stream }) },
    // Fastify's own request lines carry the raw URL (query strings can hold tokens); ours below carry the route.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: fastifyTrustProxy(config.trustProxy),
    bodyLimit: 2 * 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    const params = new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'));
    const out: Record<string, string> = {};
    for (const [k, v] of params) out[k] = v;
    done(null, out);
  });
  // sendBeacon posts text/plain (no preflight); its body is JSON.
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(typeof body === 'string' ? body : body.toString('utf8')));
    } catch {
      done(new HttpError('bad-request', 'The body is not valid JSON.'), undefined);
    }
  });

  // Forms with a file input (the OPML upload), read as one body within the body limit.
  registerMultipart(app);

  const web: WebApp = {
    deps,
    ...(deps.listeners
      ? { actions: new ListenerActions(deps.store, deps.listeners.library, deps.sync, deps.quota) }
      : {}),
    site,
    assets,
    now,
    secure,
    pageContext(req, query) {
      const ctx = contextOf(req);
      return {
        site,
        assets: { css: assets.url('app.css'), js: assets.url('app.js') },
        // Anonymous pages are rendered with a placeholder, filled in per visitor by sendPage (so they can be cached).
        // Masked afresh for every response (maskCsrfToken): compressed pages must not leak it through their size.
        csrfToken: ctx.viewer ? maskCsrfToken(ctx.csrfToken) : pageCache.sentinel,
        ...(ctx.viewer
          ? {
              viewer: { id: String(ctx.viewer.id), name: ctx.viewer.name, isAdmin: ctx.viewer.isAdmin },
              path: req.url,
            }
          : {}),
        ...(query ? { query } : {}),
      };
    },
    sendPage(reply, markup, status = 200, options = {}) {
      // Signed-in pages carry private state: never stored by caches (the service worker honours this too).
      const ctx = contexts(reply.request);
      const signedIn = ctx?.viewer !== undefined;
      let body = markup.toString();
      if (!signedIn) {
        if (options.cache && status === 200) pageCache.set(cacheKey(reply.request), body, Date.now());
        body = pageCache.fill(body, maskCsrfToken(ctx?.csrfToken ?? ''));
      }
      return reply
        .code(status)
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', signedIn ? 'private, no-store' : 'no-cache')
        .header('vary', 'Cookie, HX-Request')
        .send(body);
    },
    fromCache(req, reply) {
      const ctx = contexts(req);
      if (!ctx || ctx.viewer !== undefined) return undefined;
      const hit = pageCache.get(cacheKey(req), Date.now());
      if (hit === undefined) return undefined;
      return reply
        .code(200)
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .header('vary', 'Cookie, HX-Request')
        .send(pageCache.fill(hit, maskCsrfToken(ctx.csrfToken)));
    },
    forgetPages() {
      pageCache.clear();
      for (const fn of forgetters) fn();
    },
    onForgetPages(fn) {
      forgetters.push(fn);
    },
    baseUrl(req) {
      if (config.publicUrl) return config.publicUrl.replace(/\/+$/, '');
      return `${req.protocol}://${req.host}`;
    },
  };

  registerCompression(app);

  app.addHook('onRequest', async (req, reply) => {
    for (const [k, v] of Object.entries(headers)) reply.header(k, v);
    const path = req.url;
    if (STATIC_PREFIXES.some((p) => path.startsWith(p))) return;
    await resolveContext(req, reply, deps.listeners, now(), secure);
  });

  app.addHook('onResponse', async (req, reply) => {
    // The route pattern (`/shows/:id`), never the URL: bounded label values, and no query string in any log line.
    const route = req.routeOptions.url ?? 'unmatched';
    deps.metrics?.observeRequest(route, req.method, reply.statusCode, reply.elapsedTime / 1000);
    req.log.info(
      { method: req.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 },
      'request',
    );
  });

  app.setErrorHandler((error, req, reply) => {
    const e = errorStatus(error);
    if (e.status >= 500) req.log.error({ err: error }, 'request failed');
    for (const [k, v] of Object.entries(e.headers)) reply.header(k, v);
    const isApi = req.url.startsWith('/api/');
    if (e.code === 'unauthorized' && !isApi && req.method === 'GET') {
      return reply.redirect(`/signin?next=${encodeURIComponent(req.url)}`, 303);
    }
    if (isApi) {
      return reply.code(e.status).send({ error: { code: e.code, message: e.message } });
    }
    let ctx: PageContext;
    try {
      ctx = web.pageContext(req);
    } catch {
      ctx = { site, assets: { css: assets.url('app.css'), js: assets.url('app.js') }, csrfToken: '' };
    }
    return web.sendPage(reply, errorPage(ctx, e.status, e.message), e.status);
  });

  app.setNotFoundHandler(async (req, reply) => {
    if (req.url.startsWith('/api/')) {
      return reply.code(404).send({
        error: { code: 'not-found', message: `No such API route: ${req.method} ${req.url.split('?')[0]}` },
      });
    }
    let ctx: PageContext;
    try {
      ctx = web.pageContext(req);
    } catch {
      ctx = { site, assets: { css: assets.url('app.css'), js: assets.url('app.js') }, csrfToken: '' };
    }
    return web.sendPage(reply, errorPage(ctx, 404, 'This page does not exist.'), 404);
  });

  app.get('/healthz', async (_req, reply) => {
    const extra = deps.health ? await deps.health() : { ok: true };
    return reply
      .code(extra.ok ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ status: extra.ok ? 'ok' : 'unhealthy', ...extra });
  });

  const serveAsset = (path: string, req: FastifyRequest, reply: FastifyReply, immutable: boolean) => {
    const asset = assets.get(path);
    if (!asset) throw new HttpError('not-found', 'No such file.');
    reply.header('content-type', asset.type).header('etag', asset.etag).header('vary', 'Accept-Encoding');
    reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
    if (req.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    if (asset.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      return reply.header('content-encoding', 'gzip').send(asset.gzip);
    }
    return reply.send(asset.body);
  };
  app.get<{ Params: { '*': string }; Querystring: { v?: string } }>('/assets/*', async (req, reply) =>
    serveAsset(req.params['*'], req, reply, typeof req.query.v === 'string'),
  );
  app.get<{ Params: { '*': string } }>('/icons/*', async (req, reply) =>
    serveAsset(`icons/${req.params['*']}`, req, reply, false),
  );
  app.get('/manifest.webmanifest', async (req, reply) =>
    serveAsset('manifest.webmanifest', req, reply, false),
  );
  app.get('/favicon.ico', async (_req, reply) => reply.redirect('/icons/icon.svg', 301));
  app.get('/sw.js', async (req, reply) => {
    reply.header('service-worker-allowed', '/');
    return serveAsset('sw.js', req, reply, false);
  });
  app.get('/robots.txt', async (_req, reply) =>
    reply.type('text/plain').send('User-agent: *\nDisallow: /api/\nDisallow: /admin/\n'),
  );

  if (deps.metrics && deps.metricsEndpoint) {
    const { metrics } = deps;
    const token = deps.metricsEndpoint.token;
    app.get('/metrics', async (req, reply) => {
      const viewer = contexts(req)?.viewer;
      const isAdmin =
        typeof viewer === 'object' && viewer !== null && 'isAdmin' in viewer && viewer.isAdmin === true;
      if (!isAdmin && !bearerMatches(req.headers.authorization, token)) {
        reply.code(401).header('cache-control', 'no-store').type('text/plain; charset=utf-8');
        if (token !== undefined) reply.header('www-authenticate', 'Bearer realm="metrics"');
        return reply.send(
          'Metrics are for administrators: sign in as one, or send the metrics bearer token.\n',
        );
      }
      const { contentType, body } = await metrics.scrape();
      return reply.code(200).header('cache-control', 'no-store').type(contentType).send(body);
    });
  }

  registerPageRoutes(app, web);
  registerImageRoutes(app, web);
  registerAccountRoutes(app, web);
  registerAdminRoutes(app, web);
  registerApiRoutes(app, web);
  registerSourceApi(app, web);
  if (deps.demoAssetsDir) registerDemoAssets(app, deps.demoAssetsDir);
  for (const plugin of deps.plugins ?? []) await plugin(app);

  // Cached pages and lists must not outlive a show leaving public view, whichever process made the change: the
  // generation the store advances with it is polled (one indexed read a second), and a move forgets them all here.
  let seen: number | undefined;
  const poll = setInterval(() => {
    deps.store.feeds.visibilityGeneration().then(
      (generation) => {
        if (seen !== undefined && generation !== seen) web.forgetPages();
        seen = generation;
      },
      // A database that does not answer for a moment: the next poll asks again (the pages still expire in 5 s).
      () => {},
    );
  }, deps.visibilityPollMs ?? 1_000);
  poll.unref();
  app.addHook('onClose', async () => {
    clearInterval(poll);
  });

  await app.ready();
  return app;
}
