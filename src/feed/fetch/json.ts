// A small JSON document from a web API (a podcast directory's search), through the one door: the SSRF guard,
// redirects and decoding of `fetchResource`, plus a tight size cap and one deadline for the whole exchange.
import { FeedFetchError } from './errors.ts';
import type { Fetcher } from './fetcher.ts';

export interface FetchJsonOptions {
  /** Cap on the decoded body. Default 1 MB. */
  maxBytes?: number;
  /** One deadline for connecting, the headers and the whole body. Default 8 s. */
  timeoutMs?: number;
  /** Request headers (an API's credentials), sent to the URL's origin only. */
  headers?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
}

export const DEFAULT_JSON_MAX_BYTES = 1024 * 1024;
export const DEFAULT_JSON_TIMEOUT_MS = 8_000;

/** The body arrived but is not JSON. */
export class JsonBodyError extends Error {
  override readonly name = 'JsonBodyError';
  readonly code = 'bad-json';
  constructor(
    readonly url: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * GETs `url` and parses the body as JSON; what it holds is the caller's to validate (it is untrusted). Throws
 * FeedFetchError (`timeout` when the deadline passed, `too-large`, `http-status`, `blocked-address` …) or JsonBodyError.
 */
export async function fetchJson(
  fetcher: Fetcher,
  url: string,
  options: FetchJsonOptions = {},
): Promise<unknown> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_JSON_TIMEOUT_MS;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  const signal =
    options.signal === undefined ? deadline.signal : AbortSignal.any([deadline.signal, options.signal]);
  let body: Uint8Array;
  try {
    const result = await fetcher.fetchResource(url, {
      accept: 'application/json',
      maxBytes: options.maxBytes ?? DEFAULT_JSON_MAX_BYTES,
      signal,
      ...(options.headers === undefined ? {} : { headers: options.headers }),
    });
    // No conditional headers were sent, so a 304 is a server misbehaving: nothing to read.
    if (result.kind === 'not-modified') throw new JsonBodyError(url, 'the server answered 304 with no body');
    body = result.body;
  } catch (error) {
    if (deadline.signal.aborted && !(options.signal?.aborted ?? false)) {
      throw new FeedFetchError('timeout', `no complete answer within ${timeoutMs} ms`, { url, cause: error });
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: false }).decode(body));
  } catch (error) {
    throw new JsonBodyError(
      url,
      `the answer is not JSON (${error instanceof Error ? error.message : 'unparseable'})`,
    );
  }
}
