// Ingesting one feed body: stream-parse it, map the parser's channel and items to the domain's show and episodes
// (to-domain.ts), and write them through a transaction's store, in batches (show notes of new and changed episodes
// sanitised there, once). Also the spool that holds a fetched body while nothing waits on the network.
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractCitations } from '../../citations/extract.ts';
import type { EpisodeContent } from '../../domain/episode.ts';
import { MAX_DESCRIPTION_CHARS, MAX_MARKUP_DEPTH } from '../../domain/limits.ts';
import type { ShowContent } from '../../domain/show.ts';
import { EVENT_LOOP_TURNS, type Turns } from '../../markup/next-turn.ts';
import type { Store } from '../../store/ports.ts';
import type { EpisodeCitations } from '../../store/source-ports.ts';
import { type FeedProblem, FeedStreamParser, type ParsedFeed } from '../parse/index.ts';
import { capContent, capProblem, count } from './caps.ts';
import { withBylineCredits, withNoteCredits } from './credits.ts';
import { type SanitizedNotes, sanitizeShowNotesInTurns, sanitizeShowNotesReport } from './sanitize.ts';
import { toEpisodeContent, toShowContent } from './to-domain.ts';

export interface IngestResult {
  feed: ParsedFeed;
  problems: FeedProblem[];
  episodes: number;
  inserted: number;
  updated: number;
  unchanged: number;
  vanished: number;
  /** The body ended early or hit the item cap: stored episodes not seen were NOT marked vanished. */
  partial: boolean;
}

export interface IngestOptions {
  url: string;
  contentType?: string;
  now: Date;
  batchSize?: number;
  maxItems?: number;
  /** Applied to the channel and each episode before storing (the demo makes its asset URLs root-relative). */
  transform?: <T>(value: T) => T;
  /** How long show notes are sanitised without holding the event loop (default: the loop's own turns). */
  turns?: Turns;
}

const DEFAULT_BATCH = 500;
/** Problems of one code found at ingest that are kept (the parser keeps 50 a code too). */
const PROBLEMS_PER_CODE = 50;
const DEFAULT_MAX_ITEMS = 20_000;
/**
 * Body bytes after which the episodes read so far are written even when fewer than a batch. Memory, not item count, is
 * what a batch costs: pending episodes keep the parser's text of their chunks reachable, and a batch's rows, show notes
 * and statements live while it is written; in a big feed anything that lives that long is promoted to V8's old space
 * and stays until the next full GC. Feeds smaller than this are still written in one call.
 */
const BATCH_BYTES = 256 * 1024;
/**
 * Show notes at least this long are sanitised before the store's write, in turns of the event loop: the store
 * sanitises synchronously, and one hostile episode's 700 KB of notes held the loop for 30–80 ms. Shorter notes (nearly
 * all) are sanitised by the store, and only for new and changed episodes.
 */
const NOTES_IN_TURNS_CHARS = 64 * 1024;

/**
 * Parses a feed body as it streams and writes it for `feedId` through `tx` (call inside `store.transaction`).
 * Throws NotAFeedError (nothing written once the transaction rolls back) when the body is not a feed.
 */
export async function ingestFeedBody(
  tx: Store,
  feedId: number,
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: IngestOptions,
): Promise<IngestResult> {
  const { now } = options;
  const transform = options.transform ?? (<T>(v: T): T => v);
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const turns = options.turns ?? EVENT_LOOP_TURNS;
  const existing = await tx.shows.getByFeed(feedId);
  // Episodes need a show row; a new feed gets a placeholder replaced by the real channel below (same transaction).
  const showId = existing?.id ?? (await tx.shows.upsert(feedId, { format: 'rss' }, now)).show.id;

  let pending: EpisodeContent[] = [];
  let flushed = false;
  const totals = { inserted: 0, updated: 0, unchanged: 0, vanished: 0 };
  /** Problems found here rather than by the parser: fields cut to their limits, show notes nested too deep. */
  const found: FeedProblem[] = [];
  /** Long show notes sanitised ahead of the store's write, in turns (see NOTES_IN_TURNS_CHARS). */
  const early = new Map<EpisodeContent, SanitizedNotes>();
  /** New and changed episodes' source lists, read from their sanitised notes, written after their batch. */
  let cited: EpisodeCitations[] = [];
  const prepare = (episode: EpisodeContent): EpisodeContent => {
    const prepared = withNoteCredits(prepareEpisode(episode, found, early.get(episode)));
    cited.push(citationsOf(prepared));
    return prepared;
  };
  const write = async (items: EpisodeContent[], complete: boolean): Promise<void> => {
    for (const item of items) {
      if (item.contentHtml !== undefined && item.contentHtml.length >= NOTES_IN_TURNS_CHARS)
        early.set(item, await sanitizeShowNotesInTurns(item.contentHtml, turns));
    }
    // Show notes are sanitised only for new and changed episodes (the store hashes the raw item to tell); long ones
    // were sanitised above, whatever the store finds.
    const r = await tx.episodes.upsertForShow(showId, items, { now, complete, prepare });
    early.clear();
    await tx.sources.replaceForEpisodes(showId, cited, now);
    cited = [];
    totals.inserted += r.inserted;
    totals.updated += r.updated;
    totals.unchanged += r.unchanged;
    totals.vanished += r.vanished;
  };

  const parser = new FeedStreamParser({
    url: options.url,
    ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
    options: { maxItems: options.maxItems ?? DEFAULT_MAX_ITEMS },
    // Episodes are copied off the parser's text: their strings are slices of the decoded body, so a pending episode
    // keeps every piece of text it came from reachable until its batch is written, and in a big feed that text ends up
    // in V8's old space (~40 MB for a 25 MB feed). The copy is the JSON the store hashes and stores anyway, so nothing
    // stored changes; it costs ~25 µs an episode (copying only once a feed turned out big left runs where the early,
    // uncopied episodes still dragged the text along).
    onEpisode: (episode) => {
      for (const problem of capContent(episode, 'episode')) found.push(problem);
      pending.push(transform<EpisodeContent>(detached(toEpisodeContent(episode))));
    },
  });
  let bytes = 0;
  for await (const chunk of chunks) {
    parser.write(chunk);
    bytes += chunk.byteLength;
    if (pending.length >= batchSize || (bytes >= BATCH_BYTES && pending.length > 0)) {
      const batch = pending;
      pending = [];
      bytes = 0;
      flushed = true;
      await write(batch, false);
    }
  }
  const parsed = parser.end();
  const partial = parsed.problems.some((p) => p.code === 'truncated' || p.code === 'too-many-items');
  const complete = !partial && parsed.episodeCount > 0;
  if (!flushed) {
    // The common case: every item in one call, and the store marks vanished what the feed no longer lists.
    await write(pending, complete);
  } else {
    if (pending.length > 0) await write(pending, false);
    // Every batch used the same `now`: what this refresh did not touch has left the feed.
    if (complete) totals.vanished += await tx.episodes.markVanished(showId, now, now);
  }
  const { liveItems: _live, ...channel } = parsed.feed;
  for (const problem of capContent(channel, 'show')) found.push(problem);
  await tx.shows.upsert(feedId, transform<ShowContent>(withBylineCredits(toShowContent(channel))), now);
  // Ours first: the stored list keeps only the first problems, and a cut field matters more than a bad date.
  const problems = [...summarised(found), ...parsed.problems].map(capProblem);
  return { feed: parsed.feed, problems, episodes: parsed.episodeCount, partial, ...totals };
}

/** The citations of an episode's source lists (none when its notes have none: stored ones are then removed). */
function citationsOf(episode: EpisodeContent): EpisodeCitations {
  const citations = episode.contentHtml === undefined ? [] : extractCitations(episode.contentHtml);
  return episode.enclosure === undefined
    ? { guid: episode.guid, citations }
    : { guid: episode.guid, enclosureUrl: episode.enclosure.url, citations };
}

/** The episode with fresh strings (not slices of the parser's text): a JSON round trip, lossless for parser output. */
function detached(episode: EpisodeContent): EpisodeContent {
  // The parser's output is plain JSON data (strings, finite numbers, booleans, arrays, plain objects).
  return JSON.parse(JSON.stringify(episode)) as EpisodeContent;
}

/** The episode as stored: show notes sanitised (what that had to flatten or cut is added to `problems`). */
export function prepareEpisode(
  episode: EpisodeContent,
  problems?: FeedProblem[],
  sanitized?: SanitizedNotes,
): EpisodeContent {
  if (episode.contentHtml === undefined) return episode;
  const { contentHtml, ...rest } = episode;
  const notes = sanitized ?? sanitizeShowNotesReport(contentHtml);
  if (notes.flattened > 0) {
    problems?.push({
      code: 'too-deep',
      message: `show notes nested deeper than ${MAX_MARKUP_DEPTH} elements: ${count(notes.flattened)} tags dropped, their text kept`,
      episode: episode.guid,
    });
  }
  if (notes.truncated) {
    problems?.push({
      code: 'too-long',
      message: `show notes longer than ${count(MAX_DESCRIPTION_CHARS)} characters once sanitised, cut`,
      episode: episode.guid,
    });
  }
  return notes.html === undefined ? rest : { ...rest, contentHtml: notes.html };
}

/** At most PROBLEMS_PER_CODE problems of each code, then one line saying how many more there were. */
function summarised(problems: FeedProblem[]): FeedProblem[] {
  const counts = new Map<string, number>();
  const out: FeedProblem[] = [];
  for (const problem of problems) {
    const seen = (counts.get(problem.code) ?? 0) + 1;
    counts.set(problem.code, seen);
    if (seen <= PROBLEMS_PER_CODE) out.push(problem);
  }
  for (const [code, n] of counts) {
    if (n > PROBLEMS_PER_CODE && (code === 'too-long' || code === 'too-deep'))
      out.push({ code, message: `… and ${n - PROBLEMS_PER_CODE} more problems like this` });
  }
  return out;
}

export interface Spool {
  chunks(): AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  dispose(): Promise<void>;
}

/** Reads a body to the end, in memory up to `threshold` bytes, then into a temporary file. */
export async function spoolBody(
  body: AsyncIterable<Uint8Array>,
  threshold: number,
  /** Where a body past the threshold goes; default the OS's temporary folder (looked up only then). */
  dir?: string,
): Promise<Spool> {
  const memory: Uint8Array[] = [];
  let size = 0;
  let file: string | undefined;
  let handle: FileHandle | undefined;
  try {
    for await (const chunk of body) {
      if (handle === undefined && size + chunk.byteLength <= threshold) {
        memory.push(chunk);
        size += chunk.byteLength;
        continue;
      }
      if (handle === undefined) {
        file = join(dir ?? tmpdir(), `earshot-feed-${randomUUID()}.xml`);
        handle = await open(file, 'w', 0o600);
        for (const c of memory) await handle.write(c);
        memory.length = 0;
      }
      await handle.write(chunk);
    }
  } catch (error) {
    await handle?.close();
    if (file !== undefined) await rm(file, { force: true });
    throw error;
  }
  await handle?.close();
  const path = file;
  return {
    chunks: () => (path === undefined ? memory : createReadStream(path, { highWaterMark: 64 * 1024 })),
    dispose: async () => {
      if (path !== undefined) await rm(path, { force: true });
    },
  };
}
