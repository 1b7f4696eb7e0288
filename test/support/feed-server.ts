// A loopback feed server for tests and the crawl benchmark: node:http on 127.0.0.1, port 0.
// Routes are small functions; builders below cover what a crawler meets (conditional GET, compression, redirects,
// error statuses, slow and endless bodies, HTML instead of XML) plus a cheap farm of many virtual feeds.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, constants, deflateSync, gzipSync } from 'node:zlib';

export type Route = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface LoggedRequest {
  method: string;
  /** Path and query as requested. */
  path: string;
  headers: IncomingHttpHeaders;
}

export interface FeedFarm {
  /** URL of virtual feed number `i` (0 ≤ i < count). */
  url(i: number): string;
  count: number;
  /** Makes feed `i` look changed on its next fetch (new ETag and Last-Modified). */
  change(i: number): void;
}

export interface FeedServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  url(path: string): string;
  /** Sets (or swaps) what a path serves. */
  route(path: string, route: Route): void;
  /** Serves `count` virtual feeds under `prefix` (`<prefix>/<i>.xml`) from a few bodies, pre-compressed once. */
  farm(prefix: string, bodies: readonly Uint8Array[], count: number): FeedFarm;
  /** Every request seen, in order (unless started with `log: false`). */
  requests: LoggedRequest[];
  requestsFor(path: string): LoggedRequest[];
  close(): Promise<void>;
}

export async function startFeedServer(options: { log?: boolean } = {}): Promise<FeedServer> {
  const log = options.log ?? true;
  const routes = new Map<string, Route>();
  const farms: { prefix: string; route: Route }[] = [];
  const requests: LoggedRequest[] = [];

  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (log) requests.push({ method: req.method ?? 'GET', path, headers: req.headers });
    const bare = path.split('?')[0] ?? path;
    const route = routes.get(path) ?? routes.get(bare) ?? farms.find((f) => bare.startsWith(f.prefix))?.route;
    if (route === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    Promise.resolve(route(req, res)).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(599);
      res.destroy(error instanceof Error ? error : undefined);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // server.address() is an AddressInfo once listening on a TCP port
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    port,
    url: (path) => `${origin}${path}`,
    route: (path, route) => {
      routes.set(path, route);
    },
    farm: (prefix, bodies, count) => {
      const versions = new Map<number, number>();
      const prepared = bodies.map((body) => ({ body, gzip: gzipSync(body) }));
      const base = Date.parse('2026-07-14T10:00:00Z');
      farms.push({
        prefix,
        route: (req, res) => {
          const i = Number((req.url ?? '').slice(prefix.length + 1).replace(/\.xml.*$/, ''));
          const entry = prepared[i % prepared.length];
          if (!Number.isInteger(i) || i < 0 || i >= count || entry === undefined) {
            res.writeHead(404).end();
            return;
          }
          const version = versions.get(i) ?? 0;
          const validators = {
            etag: `"farm-${i}-${version}"`,
            lastModified: new Date(base + version * 60_000).toUTCString(),
          };
          serveBody(req, res, entry, validators, { 'content-type': 'application/rss+xml' }, 'auto');
        },
      });
      return {
        count,
        url: (i) => `${origin}${prefix}/${i}.xml`,
        change: (i) => {
          versions.set(i, (versions.get(i) ?? 0) + 1);
        },
      };
    },
    requests,
    requestsFor: (path) => requests.filter((r) => r.path === path),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

/** How a feed route compresses: `auto` gzips when the client accepts it; the rest force a shape regardless. */
export type Encoding =
  | 'auto'
  | 'none'
  | 'gzip'
  | 'deflate'
  | 'br'
  | 'double-gzip'
  | 'lying-gzip'
  | 'undeclared-gzip';

export interface FeedRouteOptions {
  contentType?: string;
  /** Default: a strong ETag from the content hash; `false` sends none; a string is sent verbatim (e.g. `W/"x"`). */
  etag?: string | false;
  /** Default: the file's mtime or a fixed date; `false` sends none. */
  lastModified?: string | false;
  encoding?: Encoding;
  /** Extra response headers (Cache-Control, Retry-After …). */
  headers?: Record<string, string>;
}

interface Prepared {
  body: Uint8Array;
  gzip: Uint8Array;
  /** deflate / br / double gzip, compressed once when the route is built (not per request). */
  variants?: Partial<Record<Encoding, Uint8Array>>;
}

function prepareVariant(
  body: Uint8Array,
  encoding: Encoding | undefined,
): Partial<Record<Encoding, Uint8Array>> {
  switch (encoding) {
    case 'deflate':
      return { deflate: deflateSync(body) };
    case 'br':
      return { br: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }) };
    case 'double-gzip':
      return { 'double-gzip': gzipSync(gzipSync(body)) };
    default:
      return {};
  }
}

/** Serves a string, bytes or a file (read once) with validators, honouring If-None-Match / If-Modified-Since. */
export function feedRoute(
  content: string | Uint8Array | { file: string },
  options: FeedRouteOptions = {},
): Route {
  let body: Uint8Array;
  let mtime: Date | undefined;
  if (typeof content === 'string') body = Buffer.from(content, 'utf8');
  else if (content instanceof Uint8Array) body = content;
  else {
    body = readFileSync(content.file);
    mtime = statSync(content.file).mtime;
  }
  const entry: Prepared = { body, gzip: gzipSync(body), variants: prepareVariant(body, options.encoding) };
  const etag =
    options.etag === false
      ? undefined
      : (options.etag ?? `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`);
  const lastModified =
    options.lastModified === false
      ? undefined
      : (options.lastModified ?? (mtime ?? new Date('2026-07-14T10:00:00Z')).toUTCString());
  const headers = {
    'content-type': options.contentType ?? 'application/rss+xml; charset=utf-8',
    ...options.headers,
  };
  const encoding = options.encoding ?? 'auto';
  return (req, res) => serveBody(req, res, entry, { etag, lastModified }, headers, encoding);
}

function notModified(
  req: IncomingMessage,
  validators: { etag?: string | undefined; lastModified?: string | undefined },
): boolean {
  const inm = req.headers['if-none-match'];
  if (inm !== undefined) {
    if (validators.etag === undefined) return false;
    const weak = (t: string): string => t.trim().replace(/^W\//, '');
    const mine = weak(validators.etag);
    return inm.split(',').some((t) => t.trim() === '*' || weak(t) === mine);
  }
  const ims = req.headers['if-modified-since'];
  if (ims !== undefined && validators.lastModified !== undefined) {
    const since = Date.parse(ims);
    return !Number.isNaN(since) && Date.parse(validators.lastModified) <= since;
  }
  return false;
}

function serveBody(
  req: IncomingMessage,
  res: ServerResponse,
  entry: Prepared,
  validators: { etag?: string | undefined; lastModified?: string | undefined },
  extra: Record<string, string>,
  encoding: Encoding,
): void {
  const headers: Record<string, string> = { ...extra };
  if (validators.etag !== undefined) headers.etag = validators.etag;
  if (validators.lastModified !== undefined) headers['last-modified'] = validators.lastModified;
  if (notModified(req, validators)) {
    res.writeHead(304, headers).end();
    return;
  }
  const accepts = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
  let payload: Uint8Array = entry.body;
  switch (encoding) {
    case 'auto':
      if (accepts) {
        payload = entry.gzip;
        headers['content-encoding'] = 'gzip';
      }
      break;
    case 'gzip':
      payload = entry.gzip;
      headers['content-encoding'] = 'gzip';
      break;
    case 'deflate':
      payload = entry.variants?.deflate ?? deflateSync(entry.body);
      headers['content-encoding'] = 'deflate';
      break;
    case 'br':
      payload = entry.variants?.br ?? brotliCompressSync(entry.body);
      headers['content-encoding'] = 'br';
      break;
    case 'double-gzip':
      payload = entry.variants?.['double-gzip'] ?? gzipSync(entry.gzip);
      headers['content-encoding'] = 'gzip';
      break;
    case 'lying-gzip':
      headers['content-encoding'] = 'gzip'; // says gzip, sends plain bytes
      break;
    case 'undeclared-gzip':
      payload = entry.gzip; // gzip bytes with no Content-Encoding
      break;
    case 'none':
      break;
  }
  headers['content-length'] = String(payload.byteLength);
  res.writeHead(200, headers).end(payload);
}

/** A redirect (301, 302, 303, 307, 308) to `location`, sent verbatim (relative locations stay relative). */
export function redirectRoute(status: number, location: string): Route {
  return (_req, res) => {
    res.writeHead(status, { location }).end();
  };
}

/** A bare status with optional headers and body (404, 410, 429 + Retry-After, 503 …). */
export function statusRoute(
  status: number,
  options: { headers?: Record<string, string>; body?: string } = {},
): Route {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain', ...options.headers }).end(options.body ?? '');
  };
}

/** An HTML page where a feed was expected (a parked domain, a login wall). */
export function htmlRoute(): Route {
  return feedRoute(
    '<!DOCTYPE html>\n<html><head><title>Welcome</title></head><body><p>Parked.</p></body></html>\n',
    {
      contentType: 'text/html; charset=utf-8',
    },
  );
}

/** Waits `delayMs` before answering with `then` (headers timeout). The wait ends early if the client leaves. */
export function slowHeadersRoute(delayMs: number, then: Route): Route {
  return (req, res) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        Promise.resolve(then(req, res)).then(resolve, resolve);
      }, delayMs);
      res.on('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
}

/**
 * Holds each request until `release()` (then answers with `then`): a connection that stays busy for exactly as long
 * as a test needs, with no clock. `arrived` settles when the first request reaches the route.
 */
export function heldRoute(then: Route): { route: Route; arrived: Promise<void>; release(): void } {
  let arrive = (): void => {};
  const arrived = new Promise<void>((resolve) => {
    arrive = resolve;
  });
  let release = (): void => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const route: Route = async (req, res) => {
    arrive();
    await released;
    if (!res.destroyed) await then(req, res);
  };
  return { route, arrived, release };
}

/**
 * Sends headers at once, then a body: `chunk` every `intervalMs` (a drip that trips body timeouts), forever unless
 * `totalBytes` is given. With `intervalMs: 0` it streams as fast as the client reads (an endless body for the cap).
 */
export function streamingBodyRoute(options: {
  chunk?: Uint8Array;
  intervalMs: number;
  totalBytes?: number;
  headers?: Record<string, string>;
}): Route {
  const chunk = options.chunk ?? Buffer.from(`<item><title>${'x'.repeat(1000)}</title></item>\n`.repeat(64));
  const prologue = Buffer.from('<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Endless</title>\n');
  return (_req, res) =>
    new Promise<void>((resolve) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml', ...options.headers });
      res.write(prologue);
      let sent = prologue.byteLength;
      let timer: NodeJS.Timeout | undefined;
      let closed = false;
      res.on('close', () => {
        closed = true;
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      });
      const pump = (): void => {
        while (!closed) {
          if (options.totalBytes !== undefined && sent >= options.totalBytes) {
            res.end();
            return;
          }
          sent += chunk.byteLength;
          const more = res.write(chunk);
          if (options.intervalMs > 0) {
            timer = setTimeout(pump, options.intervalMs);
            return;
          }
          if (!more) {
            res.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
}
