// Refreshing one feed, as one linear function:
//   conditional GET (feed/fetch) → unchanged? record and stop → stream-parse (feed/parse) → in ONE transaction:
//   upsert show + episodes in batches (show notes of new and changed episodes sanitised there, once) → move the URL after a 301/308 that parsed →
//   schedule the next check → record health (with the parser's problems).
// Nothing is lost: failures, an empty feed, HTML, a truncated body never delete or vanish stored episodes.
import { tmpdir } from 'node:os';
import type { Feed, FetchOutcome as StoredOutcome } from '../../domain/feed.ts';
import { type Store, StoreError } from '../../store/ports.ts';
import { FeedFetchError, type Fetcher, type FetchStreamResult } from '../fetch/index.ts';
import { NotAFeedError, type ParsedFeed } from '../parse/index.ts';
import { FeedUrlError, normalizeFeedUrl } from './feed-url.ts';
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
}

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
}

const DEFAULT_SPOOL = 4 * 1024 * 1024;
const MAX_STORED_PROBLEMS = 100;
const MAX_NEW_FEED_URL_HOPS = 3;

/** Refreshes one feed (by id or as read from the store). Never throws for feed trouble; only for a broken store. */
export async function refreshFeed(
  deps: RefreshDeps,
  feedOrId: Feed | number,
  options: { force?: boolean } = {},
): Promise<RefreshReport> {
  const feed = typeof feedOrId === 'number' ? await deps.store.feeds.get(feedOrId) : feedOrId;
  if (feed === undefined) throw new StoreError('not-found', `no feed ${String(feedOrId)}`);
  const base: RefreshReport = {
    feedId: feed.id,
    url: feed.url,
    status: 'skipped',
    inserted: 0,
    updated: 0,
    vanished: 0,
    problems: 0,
  };
  if (feed.status === 'gone' && options.force !== true) return base;

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
  const { newFeedUrl: _n, ...result } = report;
  return result;
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
  feed: Feed,
  url: string,
  how: { conditional: boolean; moveKind?: 'new-feed-url' },
): Promise<AttemptReport> {
  const { store } = deps;
  // Strictly after the feed's last fetch: the store tells one refresh's batches apart by their shared `now`, so two
  // refreshes (a feed and its new-feed-url, or a fast clock) must never share one.
  const clock = (deps.now ?? (() => new Date()))().getTime();
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
    const validators = how.conditional
      ? {
          ...(feed.etag === undefined ? {} : { etag: feed.etag }),
          ...(feed.lastModified === undefined ? {} : { lastModified: feed.lastModified }),
        }
      : {};
    fetched = await deps.fetcher.fetchFeedStream(url, {
      ...validators,
      ...(deps.signal === undefined ? {} : { signal: deps.signal }),
    });
  } catch (error) {
    return candidate ? failedCandidate(report, error) : recordFailure(deps, feed, report, error, now);
  }

  if (fetched.kind === 'not-modified') {
    const nextCheckAt = await scheduleNext(deps, feed.id, { kind: 'unchanged' }, 0, now, {
      ...(fetched.cacheControlMaxAge === undefined ? {} : { maxAgeSeconds: fetched.cacheControlMaxAge }),
    });
    const stored = await store.feeds.recordFetch(feed.id, {
      kind: 'not-modified',
      at: now,
      httpStatus: fetched.status,
      ...validatorsOf(fetched),
      nextCheckAt,
    });
    return { ...report, status: 'not-modified', url: stored.url, nextCheckAt: nextCheckAt.toISOString() };
  }

  // Read the whole body first (memory, or a temporary file past the threshold): no transaction waits on the network,
  // and an unchanged body is recognised by its hash before any parsing.
  let spool: Spool;
  try {
    spool = await spoolBody(
      fetched.body,
      deps.spoolThresholdBytes ?? DEFAULT_SPOOL,
      deps.spoolDir ?? tmpdir(),
    );
  } catch (error) {
    return candidate ? failedCandidate(report, error) : recordFailure(deps, feed, report, error, now);
  }
  try {
    const sha = fetched.body.sha256;
    const finalUrl = fetched.finalUrl;
    const moveTo = fetched.permanentUrl ?? (candidate ? url : undefined);
    const headers =
      fetched.cacheControlMaxAge === undefined ? {} : { maxAgeSeconds: fetched.cacheControlMaxAge };

    if (!candidate && feed.bodyHash === sha && feed.lastSuccessAt !== undefined) {
      const result = await store.transaction(async (tx) => {
        const moved = moveTo === undefined ? undefined : await tryMove(tx, feed, moveTo, 'redirect', now);
        const nextCheckAt = await scheduleNext(
          { ...deps, store: tx },
          feed.id,
          { kind: 'unchanged' },
          0,
          now,
          headers,
        );
        const stored = await tx.feeds.recordFetch(feed.id, {
          kind: 'not-modified',
          at: now,
          httpStatus: fetched.status,
          ...validatorsOf(fetched),
          bodyHash: sha,
          nextCheckAt,
        });
        return { stored, moved, nextCheckAt };
      });
      return {
        ...report,
        status: 'unchanged',
        url: result.stored.url,
        ...(result.moved === undefined ? {} : { movedFrom: result.moved }),
        nextCheckAt: result.nextCheckAt.toISOString(),
      };
    }

    const result = await store.transaction(async (tx) => {
      const ingest = await ingestFeedBody(tx, feed.id, spool.chunks(), {
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
      const nextCheckAt = await scheduleNext(
        { ...deps, store: tx },
        feed.id,
        { kind: 'updated' },
        0,
        now,
        headers,
        ingest.feed,
      );
      const stored = await tx.feeds.recordFetch(feed.id, {
        kind: 'ok',
        at: now,
        httpStatus: fetched.status,
        ...validatorsOf(fetched),
        // A partial body must be fetched again in full: do not let its hash mark the next one "unchanged".
        ...(ingest.partial ? {} : { bodyHash: sha }),
        problems: ingest.problems.slice(0, MAX_STORED_PROBLEMS),
        nextCheckAt,
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
    return candidate ? failedCandidate(report, error) : recordFailure(deps, feed, report, error, now);
  } finally {
    await spool.dispose();
  }
}

async function tryMove(
  tx: Store,
  feed: Feed,
  to: string,
  kind: 'redirect' | 'new-feed-url',
  now: Date,
): Promise<string | undefined> {
  if (to === feed.url) return undefined;
  try {
    await tx.feeds.moveUrl(feed.id, to, kind, now);
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
  feed: Feed,
  report: AttemptReport,
  error: unknown,
  now: Date,
): Promise<AttemptReport> {
  // Shutting down is not the feed's fault: record nothing, it is due again on the next start.
  if (error instanceof FeedFetchError && error.code === 'aborted') throw error;
  const { code, message, status, retryAfter } = describe(error);
  if (code === 'gone') {
    const stored = await deps.store.feeds.markGone(feed.id, now, status ?? 410);
    return { ...report, url: stored.url, status: 'gone', error: { code, message } };
  }
  const streak = feed.errorStreak + 1;
  const outcome: FetchOutcome = status === undefined ? { kind: 'failed' } : { kind: 'failed', status };
  const nextCheckAt = await scheduleNext(
    deps,
    feed.id,
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
    nextCheckAt,
    ...(retryAfter === undefined ? {} : { retryAfterUntil: retryAfter }),
  };
  const saved = await deps.store.feeds.recordFetch(feed.id, stored);
  return {
    ...report,
    url: saved.url,
    status: 'failed',
    error: { code, message },
    nextCheckAt: nextCheckAt.toISOString(),
  };
}

/** The next check from the feed's stored history (its latest episodes and channel hints). */
async function scheduleNext(
  deps: Pick<RefreshDeps, 'store' | 'random' | 'schedule'>,
  feedId: number,
  outcome: FetchOutcome,
  errorStreak: number,
  now: Date,
  headers: { maxAgeSeconds?: number; retryAt?: Date },
  channel?: ParsedFeed,
): Promise<Date> {
  // One statement: the channel hints and the latest publication dates (a 304 reads nothing else).
  const history = await deps.store.feeds.scheduleHistory(feedId, 12);
  const hints = channel ?? history;
  const publishDates = (history?.publishDates ?? []).map((sortKey) => new Date(sortKey));
  const feedHints: NonNullable<Parameters<typeof nextCheck>[0]['feed']> = {};
  if (hints?.ttlMinutes !== undefined) feedHints.ttlMinutes = hints.ttlMinutes;
  if (hints?.skipHours !== undefined) feedHints.skipHours = hints.skipHours;
  if (hints?.skipDays !== undefined) feedHints.skipDays = hints.skipDays;
  if (hints?.updateFrequency !== undefined) feedHints.updateFrequency = hints.updateFrequency;
  if (hints?.complete !== undefined) feedHints.complete = hints.complete;
  const next = nextCheck(
    { outcome, errorStreak, publishDates, headers, feed: feedHints, now },
    { ...deps.schedule, ...(deps.random === undefined ? {} : { random: deps.random }) },
  );
  // A gone feed is marked gone, not scheduled; this is only reached for the other outcomes.
  return next.kind === 'at' ? next.at : new Date(now.getTime() + 24 * 3_600_000);
}
