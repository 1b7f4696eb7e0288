// feed/fetch: the only module in Earshot that opens outbound connections.
export { type BlockedRange, blockedRange } from './address-guard.ts';
export { DecodedBody } from './decode.ts';
export { FeedFetchError, type FeedFetchErrorCode } from './errors.ts';
export {
  createFetcher,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_TIMEOUTS,
  earshotUserAgent,
  type FetchedFeed,
  type Fetcher,
  type FetcherOptions,
  type FetcherTimeouts,
  type FetchFeedOptions,
  type FetchResourceOptions,
  type FetchResult,
  type FetchStreamResult,
  type NotModified,
  type Redirect,
  type ResolveHost,
  type StreamedFeed,
} from './fetcher.ts';
export { parseMaxAge, parseRetryAfter } from './headers.ts';
export {
  DEFAULT_JSON_MAX_BYTES,
  DEFAULT_JSON_TIMEOUT_MS,
  type FetchJsonOptions,
  fetchJson,
  JsonBodyError,
} from './json.ts';
