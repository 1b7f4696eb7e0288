// The public API of the `earshot` package: what other tools may import.
export type * from './feed/parse/types.ts';
export { NotAFeedError } from './feed/parse/types.ts';
