// What was wrong with a feed: found by the parser (and recovered from) or at ingest (a text cut to its limit), stored
// with the feed and listed on its health pages. The parser reports these; the store and the pages read them.

export type ProblemCode =
  | 'missing-guid'
  | 'duplicate-guid'
  | 'blank-guid'
  | 'undefined-entity'
  | 'bare-ampersand'
  | 'truncated'
  | 'bad-date'
  | 'bad-duration'
  | 'bad-url'
  | 'bad-number'
  | 'bad-encoding'
  | 'encoding-mismatch'
  | 'junk-before-root'
  | 'junk-after-root'
  | 'unclosed-element'
  | 'missing-enclosure'
  | 'bad-enclosure'
  | 'missing-title'
  | 'double-escaped'
  | 'dtd-ignored'
  | 'too-many-items'
  | 'invalid-value'
  /** Markup nested deeper than MAX_MARKUP_DEPTH: the elements deeper were flattened. */
  | 'too-deep'
  /** A text or a list longer than its limit (src/domain/limits.ts), cut at ingest. */
  | 'too-long';

/** Something wrong with a feed that Earshot recovered from. */
export interface FeedProblem {
  code: ProblemCode;
  message: string;
  /** guid (or other identity) of the episode the problem belongs to, when it belongs to one. */
  episode?: string;
}
