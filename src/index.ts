// The public API of the `earshot` package: what other tools may import.
export { FeedStreamParser, parseFeed } from './feed/parse/index.ts';
export type { FeedStreamInit, FeedStreamResult } from './feed/parse/stream.ts';
export type * from './feed/parse/types.ts';
export { NotAFeedError } from './feed/parse/types.ts';
