// The public API of the `earshot` package: what other tools may import.
export type * from './feed/parse/index.ts';
export { FeedStreamParser, NotAFeedError, parseFeed } from './feed/parse/index.ts';
