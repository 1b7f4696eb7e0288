// Refreshing one feed, as one linear function:
//   conditional GET (feed/fetch) → unchanged? record and stop → stream-parse (feed/parse) → in ONE transaction:
//   upsert show + episodes in batches (show notes of new and changed episodes sanitised there, once) → move the URL after a 301/308 that parsed →
//   schedule the next check → record health (with the parser's problems).
// Nothing is lost: failures, an empty feed, HTML, a truncated body never delete or vanish stored episodes.
import { createHash, type Hash } from 'node:crypto';
import type { FeedToRefresh, ScheduleInputs, FetchOutcome as StoredOutcome } from '../../domain/feed.ts';
import { FeedUrlError, normalizeFeedUrl } from '../../domain/feed-url.ts';
import { type Store, StoreError } from '../../store/ports.ts';
import {
  FeedFetchError,
  type Fetcher,
  type FetchFeedOptions,
  type FetchStreamResult,
} from '../fetch/index.ts';
import { NotAFeedError, type ParsedFeed } from '../parse/index.ts';
import { ingestFeedBody, type Spool, spoolBody } from './ingest.ts';
import { type FetchOutcome, nextCheck, type ScheduleOptions } from './schedule.ts';

// Importers of the ingest step predate ingest.ts (demo loader, test and bench harnesses).
export { ingestFeedBody } from './ingest.ts';

export interface RefreshDeps {
  store: Store;
  fetcher: Fetcher;
  now?: () => Date;
  /** Jitter source for the schedule. */
  random?: () => number;
  schedule?: ScheduleOptions;
  /** Episodes written per upsert call (huge feeds are written in several, in one transaction). Default 500. */
  batchSize?: number;
  /** Items read from one feed at most. Default 20,000. */
  maxItems?: number;
  /** Bodies larger than this are spooled to a temporary file instead of memory. Default 4 MB. */
  spoolThresholdBytes?: number;
  spoolDir?: string;
  signal?: AbortSignal;
  /**
   * Records a fetch that needs no transaction of its own (a 304, a failure). Default: `store.feeds.recordFetch`, one
   * statement each; the crawler passes a batching recorder that writes the records of many feeds in one transaction.
   * Either way the refresh reports only once the record is written.
   */
  recordFetch?: (feedId: number, outcome: StoredOutcome) => Promise<void>;
  /**
   * Runs one fetch under the caller's politeness limits (the crawler's per-host and global slots), keyed by the URL
   * fetched. The slot covers the request, reading the body and ingesting it; the light records of a 304, an unchanged
   * body or a failure are written after it is released. Default: no limit.
   */
  limit?: FetchLimit;
}

export type FetchLimit = <T>(url: string, task: () => Promise<T>) => Promise<T>;

export type RefreshStatus = 'updated' | 'unchanged' | 'not-modified' | 'failed' | 'gone' | 'skipped';

export interface RefreshReport {
  feedId: number;
  /** The feed's URL after this refresh (moved by a 301/308 or a new-feed-url). */
  url: string;
  status: RefreshStatus;
  /** Items the feed listed (on `updated`). */
  episodes?: number;
  inserted: number;
  updated: number;
  vanished: number;
  /** Problems the parser reported. */
  problems: number;
  /** The URL before a move. */
  movedFrom?: string;
  error?: { code: string; message: string };
  nextCheckAt?: string;
  /** Why a new-feed-url was not followed, when one was given and not followed. */
  newFeedUrlRefused?: string;
  /** The HTTP status of the last answer, when there was one (for logs and metrics). */
  httpStatus?: number;
}

const DEFAULT_SPOOL = 4 * 1024 * 1024;
const MAX_STORED_PROBLEMS = 100;
const MAX_NEW_FEED_URL_HOPS = 3;

/** Refreshes one feed (by id or as read from the store). Never throws for feed trouble; only for a broken store. */
export async function refreshFeed(
  deps: RefreshDeps,
  feedOrId: FeedToRefresh | number,
  options: { force?: boolean } = {},
): Promise<RefreshReport> {
  const feed = typeof feedOrId === 'number' ? await deps.store.feeds.get(feedOrId) : feedOrId;
  if (feed === undefined) throw new StoreError('not-found', `no feed ${String(feedOrId)}`);
  if (feed.status === 'gone' && options.force !== true) return skippedReport(feed);

  let report = await attempt(deps, feed, feed.url, { conditional: true });
  // itunes:new-feed-url / podcast:newFeedUrl: followed like a 301, only once the target parses, loops refused.
  let visited: Set<string> | undefined;
  for (let hop = 0; hop < MAX_NEW_FEED_URL_HOPS && report.newFeedUrl !== undefined; hop++) {
    visited ??= new Set([feed.url, ...(await deps.store.feeds.aliases(feed.id)).map((a) => a.alias)]);
    let target: string;
    try {
      target = normalizeFeedUrl(report.newFeedUrl);
    } catch (error) {
      report.newFeedUrlRefused = error instanceof FeedUrlError ? error.message : 'unreadable new-feed-url';
      break;
    }
    if (target === report.url) break;
    if (visited.has(target)) {
      report.newFeedUrlRefused = `new-feed-url loops back to ${target}`;
      break;
    }
    visited.add(target);
    const current = (await deps.store.feeds.get(feed.id)) ?? feed;
    const next = await attempt(deps, current, target, { conditional: false, moveKind: 'new-feed-url' });
    if (next.status === 'failed' || next.status === 'gone') {
      report.newFeedUrlRefused = `${target}: ${next.error?.message ?? next.status}`;
      break;
    }
    next.movedFrom = report.movedFrom ?? feed.url;
    next.inserted += report.inserted;
    next.updated += report.updated;
    next.vanished += report.vanished;
    report = next;
  }
  if (report.newFeedUrl === undefined) return report;
  const { newFeedUrl: _n, ...result } = report;
  return result;
}

/** Passes `chunks` through, feeding each to `hash`. */
async function* hashed(chunks: AsyncIterable<Uint8Array>, hash: Hash): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    hash.update(chunk);
    yield chunk;
  }
}

/** The report of a refresh that fetched nothing (a gone feed, the shipped demo). */
export function skippedReport(feed: Pick<FeedToRefresh, 'id' | 'url'>): RefreshReport {
  return {
    feedId: feed.id,
    url: feed.url,
    status: 'skipped',
    inserted: 0,
    updated: 0,
    vanished: 0,
    problems: 0,
  };
}

interface AttemptReport extends RefreshReport {
  newFeedUrl?: string;
}

/**
 * One fetch of `url` for `feed`. With `moveKind`, `url` is a candidate new home (new-feed-url): the stored URL moves
 * there only if it parses, and a failure there records nothing on the feed.
 */
async function attempt(
  deps: RefreshDeps,
  feed: FeedToRefresh,
  url: string,
  how: { conditional: boolean; moveKind?: 'new-feed-url' },
): Promise<AttemptReport> {
  if (deps.limit === undefined) return attemptNow(deps, feed, url, how);
  // Records that need no transaction wait until the slot is free again: a slot is for talking to the host.
  const deferred: StoredOutcome[] = [];
  const report = await deps.limit(url, () => attemptNow(deps, feed, url, how, deferred));
  for (const outcome of deferred) await record(deps, feed.id, outcome);
  return report;
}

/** `deferred`: where the records that need no transaction go instead of being written (see `attempt`). */
async function attemptNow(
  deps: RefreshDeps,
  feed: FeedToRefresh,
  url: string,
  how: { conditional: boolean; moveKind?: 'new-feed-url' },
  deferred?: StoredOutcome[],
): Promise<AttemptReport> {
  const { store } = deps;
  // Strictly after the feed's last fetch: the store tells one refresh's batches apart by their shared `now`, so two
  // refreshes (a feed and its new-feed-url, or a fast clock) must never share one.
  const clock = deps.now === undefined ? Date.now() : deps.now().getTime();
  const last = feed.lastFetchAt === undefined ? Number.NEGATIVE_INFINITY : Date.parse(feed.lastFetchAt);
  const now = new Date(Math.max(clock, last + 1));
  const report: AttemptReport = {
    feedId: feed.id,
    url: feed.url,
    status: 'failed',
    inserted: 0,
    updated: 0,
    vanished: 0,
    problems: 0,
  };
  const candidate = how.moveKind !== undefined;

  let fetched: FetchStreamResult;
  try {
    const options: FetchFeedOptions = {};
    if (how.conditional && feed.etag !== undefined) options.etag = feed.etag;
    if (how.conditional && feed.lastModified !== undefined) options.lastModified = feed.lastModified;
    if (deps.signal !== undefined) options.signal = deps.signal;
    fetched = await deps.fetcher.fetchFeedStream(url, options);
  } catch (error) {
    return candidate
      ? failedCandidate(report, error)
      : recordFailure(deps, feed, report, error, now, deferred);
  }

  report.httpStatus = fetched.status;
  if (fetched.kind === 'not-modified') {
    const next = await scheduleNext(deps, feed, { kind: 'unchanged' }, 0, now, {
      ...(fetched.cacheControlMaxAge === undefined ? {} : { maxAgeSeconds: fetched.cacheControlMaxAge }),
    });
    await record(
      deps,
      feed.id,
      {
        kind: 'not-modified',
        at: now,
        httpStatus: fetched.status,
        ...validatorsOf(fetched),
        nextCheckAt: next.at,
        ...next.store,
      },
      deferred,
    );
    report.status = 'not-modified';
    report.nextCheckAt = next.at.toISOString();
    return report;
  }

  // Read the whole body first (memory, or a temporary file past the threshold): no transaction waits on the network,
  // and an unchanged body is recognised by its hash before any parsing. The bytes are kept as they arrived (still
  // compressed) and decoded while they are parsed: decoding a big body up front left tens of MB of decoded buffers
  // for the garbage collector, which had no reason to run while nothing else allocated.
  let spool: Spool;
  const hash = createHash('sha256');
  try {
    spool = await spoolBody(
      hashed(fetched.body.raw(), hash),
      deps.spoolThresholdBytes ?? DEFAULT_SPOOL,
      deps.spoolDir,
    );
  } catch (error) {
    return candidate
      ? failedCandidate(report, error)
      : recordFailure(deps, feed, report, error, now, deferred);
  }
  try {
    // Of the bytes as sent: a server that compresses the same feed the same way sends the same bytes.
    const sha = hash.digest('hex');
    const finalUrl = fetched.finalUrl;
    const moveTo = fetched.permanentUrl ?? (candidate ? url : undefined);
    const headers =
      fetched.cacheControlMaxAge === undefined ? {} : { maxAgeSeconds: fetched.cacheControlMaxAge };

    if (!candidate && feed.bodyHash === sha && feed.lastSuccessAt !== undefined) {
      // "200 but nothing changed": recorded like a 304 — in one transaction with the move when it answered from a
      // new permanent URL, else through the batching recorder.
      const next = await scheduleNext(deps, feed, { kind: 'unchanged' }, 0, now, headers);
      const outcome: StoredOutcome = {
        kind: 'not-modified',
        at: now,
        httpStatus: fetched.status,
        ...validatorsOf(fetched),
        bodyHash: sha,
        nextCheckAt: next.at,
        ...next.store,
      };
      const unchanged = { ...report, status: 'unchanged' as const, nextCheckAt: next.at.toISOString() };
      if (moveTo === undefined) {
        await record(deps, feed.id, outcome, deferred);
        return unchanged;
      }
      const { stored, movedFrom } = await store.transaction(async (tx) => {
        const movedFrom = await tryMove(tx, feed, moveTo, 'redirect', now);
        return { movedFrom, stored: await tx.feeds.recordFetch(feed.id, outcome) };
      });
      return { ...unchanged, url: stored.url, ...(movedFrom === undefined ? {} : { movedFrom }) };
    }

    const result = await store.transaction(async (tx) => {
      const ingest = await ingestFeedBody(tx, feed.id, fetched.body.over(spool.chunks()), {
        url: finalUrl,
        ...(fetched.contentType === undefined ? {} : { contentType: fetched.contentType }),
        now,
        ...(deps.batchSize === undefined ? {} : { batchSize: deps.batchSize }),
        ...(deps.maxItems === undefined ? {} : { maxItems: deps.maxItems }),
      });
      let moved: string | undefined;
      if (candidate) {
        // A candidate that parsed but cannot become this feed's URL (another feed has it): roll everything back.
        await tx.feeds.moveUrl(feed.id, url, 'new-feed-url', now);
        moved = feed.url;
        if (fetched.permanentUrl !== undefined)
          await tryMove(tx, { ...feed, url }, fetched.permanentUrl, 'redirect', now);
      } else if (moveTo !== undefined) {
        moved = await tryMove(tx, feed, moveTo, 'redirect', now);
      }
      const podcastGuid = ingest.feed.podcastGuid;
      if (podcastGuid !== undefined) await tx.feeds.addAlias(feed.id, podcastGuid, 'podcast-guid', now);
      const next = await scheduleNext(
        { ...deps, store: tx },
        feed,
        { kind: 'updated' },
        0,
        now,
        headers,
        ingest.feed,
      );
      const nextCheckAt = next.at;
      const stored = await tx.feeds.recordFetch(feed.id, {
        kind: 'ok',
        at: now,
        httpStatus: fetched.status,
        ...validatorsOf(fetched),
        // A partial body must be fetched again in full: do not let its hash mark the next one "unchanged".
        ...(ingest.partial ? {} : { bodyHash: sha }),
        problems: ingest.problems.slice(0, MAX_STORED_PROBLEMS),
        nextCheckAt,
        ...next.store,
      });
      return { ingest, stored, moved, nextCheckAt };
    });
    const { ingest } = result;
    const out: AttemptReport = {
      ...report,
      status: 'updated',
      url: result.stored.url,
      episodes: ingest.episodes,
      inserted: ingest.inserted,
      updated: ingest.updated,
      vanished: ingest.vanished,
      problems: ingest.problems.length,
      nextCheckAt: result.nextCheckAt.toISOString(),
    };
    if (result.moved !== undefined) out.movedFrom = result.moved;
    const newFeedUrl = ingest.feed.newFeedUrl;
    if (newFeedUrl !== undefined) out.newFeedUrl = newFeedUrl;
    return out;
  } catch (error) {
    if (error instanceof StoreError && error.code !== 'conflict') throw error;
    return candidate
      ? failedCandidate(report, error)
      : recordFailure(deps, feed, report, error, now, deferred);
  } finally {
    await spool.dispose();
  }
}

async function tryMove(
  tx: Store,
  feed: FeedToRefresh,
  to: string,
  kind: 'redirect' | 'new-feed-url',
  now: Date,
): Promise<string | undefined> {
  // A redirect's Location is stored by the same rule as every feed URL (an empty `?` or a fragment dropped).
  let target: string;
  try {
    target = normalizeFeedUrl(to);
  } catch (error) {
    if (error instanceof FeedUrlError) return undefined;
    throw error;
  }
  if (target === feed.url) return undefined;
  try {
    await tx.feeds.moveUrl(feed.id, target, kind, now);
    return feed.url;
  } catch (error) {
    // Another feed already lives at the target: keep ours where it is (merging feeds is an operator's decision).
    if (error instanceof StoreError && error.code === 'conflict') return undefined;
    throw error;
  }
}

function validatorsOf(meta: { etag?: string; lastModified?: string }): {
  etag?: string;
  lastModified?: string;
} {
  return {
    ...(meta.etag === undefined ? {} : { etag: meta.etag }),
    ...(meta.lastModified === undefined ? {} : { lastModified: meta.lastModified }),
  };
}

function describe(error: unknown): { code: string; message: string; status?: number; retryAfter?: Date } {
  if (error instanceof FeedFetchError) {
    return {
      code: error.code,
      message: error.message,
      ...(error.status === undefined ? {} : { status: error.status }),
      ...(error.retryAfter === undefined ? {} : { retryAfter: error.retryAfter }),
    };
  }
  if (error instanceof NotAFeedError) return { code: 'not-a-feed', message: error.message };
  if (error instanceof StoreError) return { code: `store-${error.code}`, message: error.message };
  if (error instanceof Error) return { code: 'internal', message: error.message.split('\n')[0] ?? 'failed' };
  return { code: 'internal', message: String(error) };
}

function failedCandidate(report: AttemptReport, error: unknown): AttemptReport {
  if (error instanceof FeedFetchError && error.code === 'aborted') throw error;
  const { code, message } = describe(error);
  return { ...report, status: 'failed', error: { code, message } };
}

async function recordFailure(
  deps: RefreshDeps,
  feed: FeedToRefresh,
  report: AttemptReport,
  error: unknown,
  now: Date,
  deferred?: StoredOutcome[],
): Promise<AttemptReport> {
  // Shutting down is not the feed's fault: record nothing, it is due again on the next start.
  if (error instanceof FeedFetchError && error.code === 'aborted') throw error;
  const { code, message, status, retryAfter } = describe(error);
  if (code === 'gone') {
    const stored = await deps.store.feeds.markGone(feed.id, now, status ?? 410);
    return {
      ...report,
      url: stored.url,
      status: 'gone',
      error: { code, message },
      httpStatus: status ?? 410,
    };
  }
  const streak = feed.errorStreak + 1;
  const outcome: FetchOutcome = status === undefined ? { kind: 'failed' } : { kind: 'failed', status };
  const next = await scheduleNext(
    deps,
    feed,
    outcome,
    streak,
    now,
    retryAfter === undefined ? {} : { retryAt: retryAfter },
  );
  const stored: StoredOutcome = {
    kind: 'error',
    at: now,
    code,
    message,
    ...(status === undefined ? {} : { httpStatus: status }),
    nextCheckAt: next.at,
    ...(retryAfter === undefined ? {} : { retryAfterUntil: retryAfter }),
    ...next.store,
  };
  await record(deps, feed.id, stored, deferred);
  return {
    ...report,
    status: 'failed',
    error: { code, message },
    ...(status === undefined ? {} : { httpStatus: status }),
    nextCheckAt: next.at.toISOString(),
  };
}

/**
 * Writes a record that needs no transaction of its own, through the crawler's batching recorder when there is one —
 * or keeps it in `deferred` for the caller to write later.
 */
async function record(
  deps: Pick<RefreshDeps, 'store' | 'recordFetch'>,
  feedId: number,
  outcome: StoredOutcome,
  deferred?: StoredOutcome[],
): Promise<void> {
  if (deferred !== undefined) deferred.push(outcome);
  else if (deps.recordFetch !== undefined) await deps.recordFetch(feedId, outcome);
  else await deps.store.feeds.recordFetch(feedId, outcome);
}

/**
 * The next check, from the schedule inputs stored on the feed — a 304 reads nothing. After an ingest (`channel`), or
 * while the feed has none stored, they are read from the show and its episodes, and `store` carries them into the
 * fetch record so that the next refresh finds them on the feed.
 */
async function scheduleNext(
  deps: Pick<RefreshDeps, 'store' | 'random' | 'schedule'>,
  feed: FeedToRefresh,
  outcome: FetchOutcome,
  errorStreak: number,
  now: Date,
  headers: { maxAgeSeconds?: number; retryAt?: Date },
  channel?: ParsedFeed,
): Promise<{ at: Date; store: { schedule?: ScheduleInputs } }> {
  let inputs = channel === undefined ? feed.schedule : undefined;
  let store: { schedule?: ScheduleInputs } = {};
  if (inputs === undefined) {
    // One statement: the channel hints and the latest publication dates.
    const history = await deps.store.feeds.scheduleHistory(feed.id, 12);
    if (channel !== undefined)
      inputs = { ...scheduleHints(channel), publishDates: history?.publishDates ?? [] };
    else inputs = history;
    if (inputs !== undefined) store = { schedule: inputs };
  }
  const publishDates = (inputs?.publishDates ?? []).map((sortKey) => new Date(sortKey));
  const next = nextCheck(
    {
      outcome,
      errorStreak,
      publishDates,
      headers,
      feed: inputs === undefined ? {} : scheduleHints(inputs),
      now,
    },
    // The same options object for every feed when there is no random source to add (nextCheck merges it once).
    deps.random === undefined ? deps.schedule : { ...deps.schedule, random: deps.random },
  );
  // A gone feed is marked gone, not scheduled; this is only reached for the other outcomes.
  const at = next.kind === 'at' ? next.at : new Date(now.getTime() + 24 * 3_600_000);
  return { at, store };
}

/** The channel hints the schedule reads, without the absent ones. */
function scheduleHints(hints: Omit<ScheduleInputs, 'publishDates'>): Omit<ScheduleInputs, 'publishDates'> {
  const out: Omit<ScheduleInputs, 'publishDates'> = {};
  if (hints.ttlMinutes !== undefined) out.ttlMinutes = hints.ttlMinutes;
  if (hints.skipHours !== undefined) out.skipHours = hints.skipHours;
  if (hints.skipDays !== undefined) out.skipDays = hints.skipDays;
  if (hints.updateFrequency !== undefined) out.updateFrequency = hints.updateFrequency;
  if (hints.complete !== undefined) out.complete = hints.complete;
  return out;
}
