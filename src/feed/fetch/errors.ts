// The one error type the fetcher throws. Every failure has a `code`; the refresh records it and keeps stored episodes.

/**
 * What went wrong, and what the caller (feed/refresh) is expected to do about it:
 * - `gone` (HTTP 410): mark the feed gone and stop polling it.
 * - `http-status` (404, other 4xx, 5xx; also 429/503 with `retryAfter`): back off exponentially (1 h → 24 h);
 *   when `retryAfter` is set, do not poll before it.
 * - `dns`, `tls`, `connection`, `timeout`: back off exponentially like `http-status`; show the code as feed health.
 * - `too-large`: the decoded body passed `maxBodyBytes`; back off (the feed will not shrink soon) and show it.
 * - `not-a-feed`: the server answered HTML (a parked domain, a login page); back off, keep episodes.
 * - `blocked-address`: the URL (or a redirect, or its DNS answer) points into a private/loopback/metadata range;
 *   do not retry soon — it only changes if the operator sets allowPrivate or the DNS changes.
 * - `redirect-loop`, `too-many-redirects`: back off; the stored URL is not changed.
 * - `bad-url`: the URL cannot be fetched at all (unparseable, or not http/https after normalising); refuse it when added.
 * - `bad-encoding`: the body claimed a compression that could not be decoded; back off.
 * - `aborted`: the caller's own AbortSignal fired (shutdown); record nothing, retry on next start.
 */
export type FeedFetchErrorCode =
  | 'timeout'
  | 'too-large'
  | 'http-status'
  | 'gone'
  | 'blocked-address'
  | 'redirect-loop'
  | 'too-many-redirects'
  | 'not-a-feed'
  | 'dns'
  | 'tls'
  | 'connection'
  | 'bad-url'
  | 'bad-encoding'
  | 'aborted';

export interface FeedFetchErrorDetails {
  /** The URL being fetched when it failed (after redirects, the hop that failed). */
  url: string;
  status?: number;
  /** From `Retry-After` on 429/503 (seconds or an HTTP date), as an absolute time. */
  retryAfter?: Date;
  /** For `timeout`: which phase ran out of time. */
  phase?: 'connect' | 'headers' | 'body';
  cause?: unknown;
}

export class FeedFetchError extends Error {
  override readonly name = 'FeedFetchError';
  readonly code: FeedFetchErrorCode;
  readonly url: string;
  readonly status?: number;
  readonly retryAfter?: Date;
  readonly phase?: 'connect' | 'headers' | 'body';

  constructor(code: FeedFetchErrorCode, message: string, details: FeedFetchErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.url = details.url;
    if (details.status !== undefined) this.status = details.status;
    if (details.retryAfter !== undefined) this.retryAfter = details.retryAfter;
    if (details.phase !== undefined) this.phase = details.phase;
  }
}
