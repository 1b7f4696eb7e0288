// The parser's public entry points: `parseFeed` for a body already in memory, `FeedStreamParser` for bytes as they
// arrive. Pure: no I/O; bytes + URL (+ Content-Type) in, a feed, its episodes and its problems out.
import { FeedStreamParser } from './stream.ts';
import type { ParsedEpisode, ParseInput, ParseOptions, ParseResult } from './types.ts';

export { type FeedStreamInit, FeedStreamParser, type FeedStreamResult } from './stream.ts';
export * from './types.ts';

/**
 * Bytes handed to the stream parser at a time, so that no more than this much text is decoded at once. Large enough
 * that the decoded strings the episodes keep slices of are V8 large objects (over 128 KiB), which the young-generation
 * GC promotes without copying (with 64 KiB chunks, a quarter of a big feed's parse time went to copying them), and
 * that a big feed's long runs of text become external strings (see `decodeValidUtf8`): 2 MiB rather than 256 KiB
 * took 13–15% off parsing critical-role (3.4 MB) and the 26 MB benchmark feed.
 */
const CHUNK = 2 * 1024 * 1024;

/**
 * Parses a whole feed body. Throws NotAFeedError for input that is not a feed (empty, HTML, binary, another XML
 * vocabulary); everything recoverable is reported in `problems` instead.
 */
export function parseFeed(input: ParseInput, options?: ParseOptions): ParseResult {
  const episodes: ParsedEpisode[] = [];
  const parser = new FeedStreamParser({
    url: input.url,
    ...(input.contentType === undefined ? {} : { contentType: input.contentType }),
    ...(options === undefined ? {} : { options }),
    onEpisode: (e) => episodes.push(e),
  });
  const body = input.body;
  for (let offset = 0; offset < body.length; offset += CHUNK) {
    parser.write(body.subarray(offset, Math.min(body.length, offset + CHUNK)));
  }
  const { feed, problems } = parser.end();
  return { feed, episodes, problems };
}
