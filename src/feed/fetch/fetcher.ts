// The one outbound HTTP door: conditional GET of a feed over undici, redirects followed and recorded by us,
// every connection checked by the SSRF guard at connect time.

import type { LookupAddress, LookupOptions } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { FeedUrlError, parseFeedUrl } from '../../domain/feed-url.ts';
import { blockedRange, type OwnAddresses } from './address-guard.ts';
import { DecodedBody } from './decode.ts';
import { FeedFetchError } from './errors.ts';
import { exchange, type RawResponse, type ResponseBody } from './exchange.ts';
import { headerValue, parseMaxAge, parseRetryAfter } from './headers.ts';

/** Resolves a host name to its addresses (all of them); injectable so tests can point names anywhere. */
export type ResolveHost = (hostname: string) => Promise<readonly LookupAddress[]>;

export interface FetcherTimeouts {
  /** TCP + TLS connect. Default 10 s. */
  connectMs: number;
  /** From sending the request to having the response headers. Default 15 s. */
  headersMs: number;
  /** Reading the whole body (also the longest silence between two chunks). Default 30 s. */
  bodyMs: number;
}

export interface FetcherOptions {
  /** `Earshot/<version> (+<project URL>)`; see {@link earshotUserAgent}. */
  userAgent: string;
  /** Cap on the decoded body. Default 50 MB. */
  maxBodyBytes?: number;
  timeouts?: Partial<FetcherTimeouts>;
  /** Default 5. */
  maxRedirects?: number;
  /** Lift the SSRF guard entirely (tests, home networks). Default false. */
  allowPrivate?: boolean;
  /**
   * This host's own interface addresses, refused like private ones (a service bound to 0.0.0.0 answers on them);
   * asked at each connection, since interfaces come and go. See `ownAddresses(os.networkInterfaces())`.
   */
  hostAddresses?: () => OwnAddresses;
  /**
   * Origins (`http://127.0.0.1:8123`, `http://feeds.example.test:8123`) exempt from the SSRF guard while it stays on
   * for everything else — how tests reach one loopback server yet prove that a redirect elsewhere is refused.
   */
  allowOrigins?: readonly string[];
  /** DNS resolution; default `dns.lookup` with `all: true`. */
  lookup?: ResolveHost;
  /** Parallel connections per origin. Default 2. */
  connectionsPerOrigin?: number;
  /** Refuse bodies that are plainly HTML pages with `not-a-feed`. Default true. */
  rejectHtml?: boolean;
  /** Clock for `Retry-After` deltas. */
  now?: () => Date;
}

export interface FetchFeedOptions {
  /** The stored `ETag`, exactly as received (weak ones included). */
  etag?: string;
  /** The stored `Last-Modified`, exactly as received. */
  lastModified?: string;
  signal?: AbortSignal;
}

export interface FetchResourceOptions extends FetchFeedOptions {
  /** Default: any media type. */
  accept?: string;
  /** Default: the fetcher's maxBodyBytes. */
  maxBytes?: number;
  /**
   * More request headers (an API's credentials), sent to the origin of `url` only: a redirect to another origin
   * does not carry them.
   */
  headers?: Readonly<Record<string, string>>;
}

export interface Redirect {
  /** 301, 302, 303, 307 or 308. */
  status: number;
  /** The URL that answered with the redirect. */
  url: string;
  /** Where it pointed, resolved against `url`. */
  location: string;
}

interface FetchMeta {
  /** The URL that finally answered (after redirects). */
  finalUrl: string;
  /** Every redirect followed, in order; empty when none. */
  hops: Redirect[];
  /**
   * Set when at least one redirect was followed and every hop was permanent (301/308): the caller may move the stored
   * feed URL here (once it parsed as a feed) and keep the old one as an alias. Absent when any hop was 302/303/307.
   */
  permanentUrl?: string;
  status: number;
  etag?: string;
  lastModified?: string;
  /** `Cache-Control: max-age`, seconds. */
  cacheControlMaxAge?: number;
  /** The server's clock (`Date`), when it sent a valid one (`earshot doctor` compares it with ours). */
  serverDate?: Date;
  retryAfter?: Date;
}

export interface NotModified extends FetchMeta {
  kind: 'not-modified';
}

export interface FetchedFeed extends FetchMeta {
  kind: 'ok';
  contentType?: string;
  /** The decoded body. */
  body: Uint8Array;
  /** Hex SHA-256 of the decoded body: many servers answer 200 with unchanged content. */
  bodySha256: string;
}

export interface StreamedFeed extends FetchMeta {
  kind: 'ok';
  contentType?: string;
  /**
   * The decoded body as chunks, read once; size cap, `not-a-feed` and the body timeout are enforced while iterating
   * (errors are FeedFetchError). After it has been read to the end, `body.sha256` is the hex digest. Call
   * `body.cancel()` if you do not read it.
   */
  body: DecodedBody;
}

export type FetchResult = NotModified | FetchedFeed;
export type FetchStreamResult = NotModified | StreamedFeed;

export interface Fetcher {
  fetchFeed(url: string, options?: FetchFeedOptions): Promise<FetchResult>;
  fetchFeedStream(url: string, options?: FetchFeedOptions): Promise<FetchStreamResult>;
  /**
   * Any other small document a feed points at (JSON chapters, transcripts, OPML): same guard, redirects, timeouts and
   * decoding, no HTML refusal, its own Accept and cap.
   */
  fetchResource(url: string, options?: FetchResourceOptions): Promise<FetchResult>;
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 50 * 1024 * 1024;
export const DEFAULT_TIMEOUTS: Readonly<FetcherTimeouts> = {
  connectMs: 10_000,
  headersMs: 15_000,
  bodyMs: 30_000,
};

/** The User-Agent Earshot sends: `Earshot/<version> (+<project URL>)`, no browser disguise. */
export function earshotUserAgent(version: string, projectUrl: string): string {
  return `Earshot/${version} (+${projectUrl})`;
}

const ACCEPT = 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8';
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function defaultPort(protocol: string): string {
  return protocol === 'https:' ? '443' : '80';
}

function originKey(protocol: string, hostname: string, port: string): string {
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  const host = isIP(bare) === 6 ? `[${bare}]` : bare.toLowerCase();
  return `${protocol}//${host}:${port === '' ? defaultPort(protocol) : port}`;
}

async function defaultResolve(hostname: string): Promise<readonly LookupAddress[]> {
  return dnsLookup(hostname, { all: true });
}

export function createFetcher(options: FetcherOptions): Fetcher {
  const timeouts: FetcherTimeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxRedirects = options.maxRedirects ?? 5;
  const allowPrivate = options.allowPrivate ?? false;
  const rejectHtml = options.rejectHtml ?? true;
  const now = options.now ?? (() => new Date());
  const resolve = options.lookup ?? defaultResolve;
  const allowed = new Set(
    (options.allowOrigins ?? []).map((o) => {
      const u = new URL(o);
      return originKey(u.protocol, u.hostname, u.port);
    }),
  );

  const isExempt = (protocol: string, hostname: string, port: string): boolean =>
    allowPrivate || allowed.has(originKey(protocol, hostname, port));

  /** Resolution with the guard applied: refuses if ANY address of the name is in a blocked range. */
  const lookupFor = (guarded: boolean): LookupFunction => {
    return (hostname: string, lookupOptions: LookupOptions, callback) => {
      resolve(hostname).then(
        (addresses) => {
          const wanted = addresses.filter(
            (a) =>
              lookupOptions.family === undefined ||
              lookupOptions.family === 0 ||
              a.family === lookupOptions.family,
          );
          if (wanted.length === 0) {
            const error: NodeJS.ErrnoException = new Error(`no address for ${hostname}`);
            error.code = 'ENOTFOUND';
            callback(error, '', 0);
            return;
          }
          if (guarded) {
            for (const a of wanted) {
              const range = blockedRange(a.address, options.hostAddresses?.());
              if (range !== undefined) {
                callback(blocked(hostname, a.address, range), '', 0);
                return;
              }
            }
          }
          const first = wanted[0];
          if (lookupOptions.all === true) callback(null, [...wanted]);
          else if (first !== undefined) callback(null, first.address, first.family);
        },
        (error: NodeJS.ErrnoException) => callback(error, '', 0),
      );
    };
  };

  const guardedConnect = buildConnector({ timeout: timeouts.connectMs, lookup: lookupFor(true) });
  const openConnect = buildConnector({ timeout: timeouts.connectMs, lookup: lookupFor(false) });

  // Every new connection passes here, for every hop, so the address checked is the address connected to:
  // a literal IP is judged as is; a name is judged on what our lookup returns, and net.connect uses exactly that.
  const connector: buildConnector.connector = (connectOptions, callback) => {
    const { protocol, hostname, port } = connectOptions;
    if (isExempt(protocol, hostname, port)) {
      openConnect(connectOptions, callback);
      return;
    }
    const refusal = literalRefusal(hostname);
    if (refusal !== undefined) {
      callback(refusal, null);
      return;
    }
    guardedConnect(connectOptions, callback);
  };

  const agent = new Agent({
    connections: options.connectionsPerOrigin ?? 2,
    headersTimeout: timeouts.headersMs,
    bodyTimeout: timeouts.bodyMs,
    connect: connector,
  });

  /** Refuses an IP-literal host in a blocked range before anything is sent. */
  function literalRefusal(hostname: string): FeedFetchError | undefined {
    const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
    if (isIP(bare) === 0) return undefined;
    const range = blockedRange(bare, options.hostAddresses?.());
    return range === undefined ? undefined : blocked(hostname, bare, range);
  }

  async function open(
    input: string,
    fetchOptions: FetchFeedOptions,
    profile: {
      accept: string;
      rejectHtml: boolean;
      maxBytes: number;
      headers?: Readonly<Record<string, string>>;
    },
  ): Promise<FetchStreamResult> {
    const maxBodyBytes = profile.maxBytes;
    let url = feedUrlToFetch(input);
    const hops: Redirect[] = [];
    const headers: Record<string, string> = {
      'user-agent': options.userAgent,
      accept: profile.accept,
      'accept-encoding': 'gzip, deflate, br',
    };
    if (fetchOptions.etag !== undefined) headers['if-none-match'] = fetchOptions.etag;
    if (fetchOptions.lastModified !== undefined) headers['if-modified-since'] = fetchOptions.lastModified;
    // Credentials in the URL (private feeds: https://user:token@host/feed) go as Basic auth, to that origin only.
    const credentialOrigin = url.username === '' && url.password === '' ? undefined : url.origin;
    const authorization =
      credentialOrigin === undefined
        ? undefined
        : `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    // The caller's own headers (an API key) go to the first origin only, as URL credentials do.
    const firstOrigin = url.origin;
    const ownHeaders = lowerCased(profile.headers);

    for (;;) {
      if (!allowPrivate && !isExempt(url.protocol, url.hostname, url.port)) {
        const refusal = literalRefusal(url.hostname);
        if (refusal !== undefined) throw refusal;
      }
      const origin = url.origin;
      const href = url.href;
      const withOwn = origin === firstOrigin ? { ...headers, ...ownHeaders } : headers;
      const hopHeaders =
        authorization !== undefined && origin === credentialOrigin ? { ...withOwn, authorization } : withOwn;
      let response: RawResponse;
      try {
        response = await exchange(
          agent,
          { origin, path: `${url.pathname}${url.search}`, method: 'GET', headers: hopHeaders },
          fetchOptions.signal,
        );
      } catch (error) {
        const failure = toFetchError(error, href, 'headers');
        // The connector only knows the host; name the URL that was being fetched.
        if (failure.url !== href) {
          throw new FeedFetchError(failure.code, failure.message, { url: href, cause: failure });
        }
        throw failure;
      }
      const { status, headers: received, body } = response;

      if (REDIRECTS.has(status)) {
        const next = redirectTarget(href, status, headerValue(received, 'location'));
        hops.push({ status, url: href, location: next.href });
        if (next.protocol !== 'http:' && next.protocol !== 'https:') {
          throw new FeedFetchError('blocked-address', `redirect to a ${next.protocol} URL refused`, {
            url: next.href,
            status,
          });
        }
        // Every URL fetched so far is the `url` of a hop.
        if (hops.some((h) => h.url === next.href)) {
          throw new FeedFetchError('redirect-loop', `redirect loop back to ${next.href}`, {
            url: href,
            status,
          });
        }
        if (hops.length > maxRedirects) {
          throw new FeedFetchError('too-many-redirects', `more than ${maxRedirects} redirects`, {
            url: href,
            status,
          });
        }
        url = next;
        continue;
      }

      const meta = metaFrom(href, hops, status, received, now);
      if (status === 304) return { kind: 'not-modified', ...meta };
      if (body === undefined) {
        if (status === 410) {
          throw new FeedFetchError('gone', 'HTTP 410: the feed is gone', { url: href, status });
        }
        throw new FeedFetchError('http-status', `HTTP ${status}`, {
          url: href,
          status,
          ...(meta.retryAfter === undefined ? {} : { retryAfter: meta.retryAfter }),
        });
      }

      const contentEncoding = headerValue(received, 'content-encoding');
      const length = Number(headerValue(received, 'content-length'));
      if (contentEncoding === undefined && Number.isFinite(length) && length > maxBodyBytes) {
        body.destroy();
        throw new FeedFetchError('too-large', `the feed is ${length} bytes, more than ${maxBodyBytes}`, {
          url: href,
        });
      }
      const contentType = headerValue(received, 'content-type');
      const decoded = new DecodedBody(timedBody(body, timeouts.bodyMs, href), {
        contentEncoding,
        maxBytes: maxBodyBytes,
        url: href,
        rejectHtml: profile.rejectHtml,
        release: () => body.destroy(),
      });
      return { kind: 'ok', ...meta, ...(contentType === undefined ? {} : { contentType }), body: decoded };
    }
  }

  const feedProfile = { accept: ACCEPT, rejectHtml, maxBytes: maxBodyBytes };

  function fetchFeedStream(input: string, fetchOptions: FetchFeedOptions = {}): Promise<FetchStreamResult> {
    return open(input, fetchOptions, feedProfile);
  }

  async function collect(result: FetchStreamResult): Promise<FetchResult> {
    if (result.kind === 'not-modified') return result;
    const chunks: Uint8Array[] = [];
    for await (const chunk of result.body) chunks.push(chunk);
    const { body, ...rest } = result;
    return { ...rest, body: new Uint8Array(Buffer.concat(chunks)), bodySha256: body.sha256 };
  }

  return {
    fetchFeed: async (input, fetchOptions = {}) => collect(await fetchFeedStream(input, fetchOptions)),
    fetchFeedStream,
    fetchResource: async (input, resourceOptions = {}) => {
      const { accept = '*/*', maxBytes = maxBodyBytes, headers, ...rest } = resourceOptions;
      return collect(
        await open(input, rest, {
          accept,
          rejectHtml: false,
          maxBytes,
          ...(headers === undefined ? {} : { headers }),
        }),
      );
    },
    close: () => agent.close(),
  };
}

/** Header names as undici sends them; `host` and the ones the fetcher owns cannot be replaced by the caller. */
function lowerCased(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    if (lower === 'host' || lower === 'accept-encoding' || lower === 'user-agent') continue;
    out[lower] = value;
  }
  return out;
}

function blocked(host: string, address: string, range: string): FeedFetchError {
  return new FeedFetchError(
    'blocked-address',
    `${host} resolves to ${address} (${range}), which feeds may not use`,
    {
      url: host,
    },
  );
}

/** Where a redirect points, resolved against the URL that answered it, fragment dropped. */
function redirectTarget(href: string, status: number, location: string | undefined): URL {
  if (location === undefined) {
    throw new FeedFetchError('http-status', `HTTP ${status} without a Location`, { url: href, status });
  }
  try {
    const next = new URL(location, href);
    next.hash = '';
    return next;
  } catch (cause) {
    throw new FeedFetchError('bad-url', `redirect to an unparseable Location ${JSON.stringify(location)}`, {
      url: href,
      status,
      cause,
    });
  }
}

function metaFrom(
  finalUrl: string,
  hops: Redirect[],
  status: number,
  headers: IncomingHttpHeaders,
  now: () => Date,
): FetchMeta {
  const meta: FetchMeta = { finalUrl, hops, status };
  if (hops.length > 0 && hops.every((h) => h.status === 301 || h.status === 308))
    meta.permanentUrl = finalUrl;
  const etag = headerValue(headers, 'etag');
  if (etag !== undefined) meta.etag = etag;
  const lastModified = headerValue(headers, 'last-modified');
  if (lastModified !== undefined) meta.lastModified = lastModified;
  const maxAge = parseMaxAge(headerValue(headers, 'cache-control'));
  if (maxAge !== undefined) meta.cacheControlMaxAge = maxAge;
  const date = headerValue(headers, 'date');
  if (date !== undefined) {
    const parsed = new Date(date);
    if (!Number.isNaN(parsed.getTime())) meta.serverDate = parsed;
  }
  const retryAfter = headerValue(headers, 'retry-after');
  if (retryAfter !== undefined) {
    const when = parseRetryAfter(retryAfter, now());
    if (when !== undefined) meta.retryAfter = when;
  }
  return meta;
}

/**
 * The body with an overall deadline: past it, the body is destroyed (the connection closed) and the reader gets a
 * `timeout`. undici's bodyTimeout covers silences between chunks.
 */
async function* timedBody(body: ResponseBody, ms: number, url: string): AsyncGenerator<Uint8Array> {
  const timer = setTimeout(() => {
    body.destroy(
      new FeedFetchError('timeout', `reading the body took longer than ${ms} ms`, { url, phase: 'body' }),
    );
  }, ms);
  try {
    yield* body;
  } catch (error) {
    throw toFetchError(error, url, 'body');
  } finally {
    clearTimeout(timer);
    body.destroy();
  }
}

const TLS_CODE = /^(?:ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_OSSL|HOSTNAME_MISMATCH)/;
const DNS_CODE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'ENODATA', 'EAI_NONAME']);

/** Maps whatever undici, net, tls or dns threw onto a FeedFetchError. */
export function toFetchError(error: unknown, url: string, phase: 'headers' | 'body'): FeedFetchError {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof FeedFetchError) return e;
  }
  const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : '';
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  const details = { url, cause: error };
  if (name === 'AbortError' || code === 'ABORT_ERR' || code === 'UND_ERR_ABORTED') {
    return new FeedFetchError('aborted', 'the fetch was aborted', details);
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new FeedFetchError('timeout', 'connecting timed out', { ...details, phase: 'connect' });
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT') {
    return new FeedFetchError('timeout', 'the server sent no response headers in time', {
      ...details,
      phase: 'headers',
    });
  }
  if (code === 'UND_ERR_BODY_TIMEOUT') {
    return new FeedFetchError('timeout', 'the body stalled', { ...details, phase: 'body' });
  }
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
    return new FeedFetchError('too-large', message, details);
  }
  if (DNS_CODE.has(code)) return new FeedFetchError('dns', `DNS: ${message}`, details);
  if (TLS_CODE.test(code) || /certificate|\bTLS\b|\bSSL\b/i.test(message)) {
    return new FeedFetchError('tls', `TLS: ${message}`, details);
  }
  return new FeedFetchError(
    'connection',
    `${phase === 'body' ? 'reading the body' : 'connecting'}: ${message}`,
    details,
  );
}

/** The URL to request for `input`, by the one feed-URL rule; what it refuses is a `bad-url` fetch error. */
function feedUrlToFetch(input: string): URL {
  try {
    return parseFeedUrl(input);
  } catch (cause) {
    if (!(cause instanceof FeedUrlError)) throw cause;
    throw new FeedFetchError('bad-url', cause.message, { url: input, cause });
  }
}
