// Cover art for the pages (issue 15): the publisher's image fetched once through the one outbound door (SSRF guard,
// size cap, timeouts), decoded with a pixel bound, rendered at the fixed widths, kept in a bounded cache. Requests
// for the same uncached source share one piece of work; at most `concurrency` sources are worked on at once per
// process, and when `maxWaiting` more are queued a request is answered "busy" at once instead of waiting.
// A failure is remembered for `failureTtlMs`, so a broken source is not fetched again on every page view.
import { createHash } from 'node:crypto';
import type { CoverWidth } from '../domain/cover.ts';
import { FeedFetchError, type FeedFetchErrorCode, type Fetcher } from '../feed/fetch/index.ts';
import type { CoverCache } from '../images/cache.ts';
import {
  CoverRenderError,
  type CoverRenderErrorCode,
  type RenderLimits,
  renderCoverWidths,
} from '../images/render.ts';

export type CoverFailureCode =
  | FeedFetchErrorCode
  | CoverRenderErrorCode
  /** Not http(s) and not a local file `readLocal` knows. */
  | 'unsupported-url'
  /** Too many covers being rendered already: try again later (not remembered). */
  | 'busy'
  /** Something unexpected failed (reported to `onError`); not remembered. */
  | 'internal';

export type CoverAnswer =
  | { kind: 'image'; type: 'image/webp'; body: Buffer; etag: string }
  | { kind: 'failed'; code: CoverFailureCode };

export interface CoverImages {
  /** The source's rendition at `width`: from the cache, else fetched and rendered now (every width at once). */
  cover(sourceUrl: string, width: CoverWidth): Promise<CoverAnswer>;
}

export interface CoverImagesDeps {
  /** The crawler's Fetcher: the only way out. */
  fetcher: Pick<Fetcher, 'fetchResource'>;
  cache: CoverCache;
  /** Reads a root-relative URL (the demo's `/demo-assets/cover.png`) from local storage. */
  readLocal?: (url: string) => Promise<{ body: Uint8Array; contentType?: string } | undefined>;
  now?: () => Date;
  /** Cap on a source image. Default 10 MB. */
  maxSourceBytes?: number;
  /** The whole fetch of one source (the fetcher's own connect/headers/body timeouts apply within). Default 20 s. */
  fetchTimeoutMs?: number;
  render?: RenderLimits;
  /** Sources fetched and rendered at once by this process. Default 2. */
  concurrency?: number;
  /** Sources queued behind those before answering "busy". Default 32. */
  maxWaiting?: number;
  /** How long a failed source is not tried again. Default 10 min. */
  failureTtlMs?: number;
  /** Told about failures that are Earshot's, not the source's (the cache could not be written). */
  onError?: (error: unknown) => void;
}

export const DEFAULT_MAX_SOURCE_BYTES = 10 * 1024 * 1024;
const ACCEPT = 'image/webp, image/avif, image/jpeg, image/png, image/gif;q=0.9, image/*;q=0.8';
/** Servers that do not know what they hold say so; sharp then decides. */
const UNTYPED = /^(?:application|binary)\/octet-stream$/i;
const MAX_REMEMBERED_FAILURES = 10_000;

type Rendered =
  | { kind: 'ok'; widths: ReadonlyMap<number, Buffer> }
  | { kind: 'failed'; code: CoverFailureCode };

/** The cache key of a source: its URL's SHA-256, hex. */
export function coverKey(sourceUrl: string): string {
  return createHash('sha256').update(sourceUrl).digest('hex');
}

export function createCoverImages(deps: CoverImagesDeps): CoverImages {
  const now = deps.now ?? (() => new Date());
  const maxBytes = deps.maxSourceBytes ?? DEFAULT_MAX_SOURCE_BYTES;
  const fetchTimeoutMs = deps.fetchTimeoutMs ?? 20_000;
  const failureTtlMs = deps.failureTtlMs ?? 10 * 60_000;
  const limit = new WorkLimit(deps.concurrency ?? 2, deps.maxWaiting ?? 32);
  const inFlight = new Map<string, Promise<Rendered>>();
  const failures = new Map<string, { until: number; code: CoverFailureCode }>();

  function remember(key: string, code: CoverFailureCode): void {
    if (code === 'busy' || code === 'internal') return;
    failures.delete(key);
    failures.set(key, { until: now().getTime() + failureTtlMs, code });
    for (const old of failures.keys()) {
      if (failures.size <= MAX_REMEMBERED_FAILURES) break;
      failures.delete(old);
    }
  }

  async function fetchSource(url: string): Promise<Uint8Array | CoverFailureCode> {
    if (!/^https?:\/\//i.test(url)) {
      const local = url.startsWith('/') ? await deps.readLocal?.(url) : undefined;
      if (local === undefined) return 'unsupported-url';
      if (local.body.byteLength > maxBytes) return 'too-large';
      return local.body;
    }
    try {
      const result = await deps.fetcher.fetchResource(url, {
        accept: ACCEPT,
        maxBytes,
        signal: AbortSignal.timeout(fetchTimeoutMs),
      });
      if (result.kind !== 'ok') return 'http-status';
      const type = result.contentType?.split(';')[0]?.trim() ?? '';
      if (type !== '' && !/^image\//i.test(type) && !UNTYPED.test(type)) return 'not-an-image';
      return result.body;
    } catch (error) {
      if (error instanceof FeedFetchError) return error.code === 'aborted' ? 'timeout' : error.code;
      throw error;
    }
  }

  async function produce(url: string, key: string): Promise<Rendered> {
    const source = await fetchSource(url);
    if (typeof source === 'string') return { kind: 'failed', code: source };
    try {
      const widths = await renderCoverWidths(source, deps.render);
      // Not kept is not lost: this answer is still served, and the next request renders again.
      await deps.cache.put(key, widths).catch((error: unknown) => deps.onError?.(error));
      return { kind: 'ok', widths };
    } catch (error) {
      if (error instanceof CoverRenderError) return { kind: 'failed', code: error.code };
      throw error;
    }
  }

  function shared(url: string, key: string): Promise<Rendered> {
    const running = inFlight.get(key);
    if (running !== undefined) return running;
    const work = limit.run(() => produce(url, key));
    if (work === undefined) return Promise.resolve({ kind: 'failed', code: 'busy' });
    const settled = work
      .catch((error: unknown): Rendered => {
        deps.onError?.(error);
        return { kind: 'failed', code: 'internal' };
      })
      .then((rendered) => {
        if (rendered.kind === 'failed') remember(key, rendered.code);
        return rendered;
      })
      .finally(() => inFlight.delete(key));
    inFlight.set(key, settled);
    return settled;
  }

  return {
    async cover(sourceUrl, width) {
      const key = coverKey(sourceUrl);
      const cached = await deps.cache.get(key, width);
      if (cached !== undefined) return image(cached);
      const failed = failures.get(key);
      if (failed !== undefined) {
        if (failed.until > now().getTime()) return { kind: 'failed', code: failed.code };
        failures.delete(key);
      }
      const rendered = await shared(sourceUrl, key);
      if (rendered.kind === 'failed') return rendered;
      const body = rendered.widths.get(width);
      return body === undefined ? { kind: 'failed', code: 'not-an-image' } : image(body);
    },
  };
}

function image(body: Buffer): CoverAnswer {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
  return { kind: 'image', type: 'image/webp', body, etag };
}

/** At most `max` tasks at once, at most `maxWaiting` queued behind them; past that, `run` refuses (undefined). */
class WorkLimit {
  #active = 0;
  readonly #waiting: (() => void)[] = [];
  constructor(
    readonly max: number,
    readonly maxWaiting: number,
  ) {}

  run<T>(task: () => Promise<T>): Promise<T> | undefined {
    if (this.#active >= this.max && this.#waiting.length >= this.maxWaiting) return undefined;
    return this.#acquire().then(async () => {
      try {
        return await task();
      } finally {
        this.#active--;
        this.#waiting.shift()?.();
      }
    });
  }

  #acquire(): Promise<void> {
    if (this.#active < this.max) {
      this.#active++;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.#waiting.push(() => {
        this.#active++;
        resolve();
      }),
    );
  }
}
