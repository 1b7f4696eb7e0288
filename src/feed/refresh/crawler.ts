// The crawler: refreshes feeds when they are due — at most `concurrency` at once overall and `perHost` at once per
// host. Two ways in, sharing those limits:
//   - scheduled refreshes: the feeds table is their queue. Due feeds are leased in batches (one UPDATE moves their next
//     check a lease ahead), refreshed, and their fetch record sets the real next check. A crawler that dies holding
//     a lease finds those feeds due again when it runs out, so nothing is lost, and a 304 costs the database one row
//     update (written with others in one transaction) instead of a job's insert, claim and delete on top.
//   - "refresh now" (a feed added on the web or the CLI): a job in the job queue, so the request survives a restart.
//     A feed a listener brings in is first fetched this way, in the listener's fair-share lane: jobs are claimed
//     round-robin across lanes, and only as slots free up, so one account's thousands of new feeds cannot delay
//     another's one (issue 12). Its first scheduled check waits `FIRST_FETCH_FALLBACK_MS`, in case the job is lost.
import type { Feed, FeedToRefresh } from '../../domain/feed.ts';
import type { Store } from '../../store/ports.ts';
import { batchCalls } from './batch.ts';
import { HostLimiter, hostOf, Semaphore } from './limits.ts';
import type { JobQueue, Worker } from './queue.ts';
import type { FetchLimit, RefreshReport } from './refresh.ts';

export const REFRESH_JOB = 'refresh-feed';

/**
 * A feed a listener adds is first due for the schedule this long after it is added: its first fetch is the job's,
 * taken fairly, and the schedule (which leases in order of due time, a batch at once) only steps in if that job was
 * lost. An hour: more than the backlog one listener may bring in (EARSHOT_MAX_NEW_FEEDS_PER_DAY) takes to crawl.
 */
export const FIRST_FETCH_FALLBACK_MS = 60 * 60_000;

/** The fair-share lane of the jobs a listener's additions start. */
export const listenerLane = (userId: number): string => `listener:${userId}`;

/** Asks for a refresh of the feed as soon as a crawler (of any process) has a free slot, in `lane` if given. */
export function enqueueRefresh(queue: JobQueue, feedId: number, at: Date, lane?: string): Promise<void> {
  return queue.enqueue(REFRESH_JOB, String(feedId), { feedId }, at, lane === undefined ? {} : { lane });
}

export interface CrawlerDeps {
  store: Store;
  queue: JobQueue;
  /**
   * Refreshes the feed (already read from the store by the crawler), running its fetches through `limit` — the
   * crawler's per-host and global slots (see RefreshDeps.limit).
   */
  refresh: (feed: FeedToRefresh, limit: FetchLimit) => Promise<RefreshReport>;
  concurrency: number;
  perHost: number;
  now?: () => Date;
  /**
   * How long a lease on due feeds (and a claim on a "refresh now" job) lasts: a crawler that dies holding them
   * leaves them to the others after this. Default 15 minutes (EARSHOT_CRAWL_LEASE_SECONDS).
   */
  leaseMs?: number;
  /** How often due feeds are looked for while none are. Default 30 s, or a quarter of the lease when that is shorter. */
  tickMs?: number;
  /** Feeds the crawler must never fetch (the shipped demo). */
  skip?: (url: string) => boolean;
  onReport?: (report: RefreshReport) => void;
  onError?: (error: unknown) => void;
}

export interface Crawler {
  /** Leases due feeds now and starts refreshing them; returns how many it leased. */
  tick(): Promise<number>;
  /** Asks for a refresh of one feed as soon as a worker is free. */
  refreshSoon(feedId: number): Promise<void>;
  /** Stops looking for work and waits for refreshes in flight (their transactions finish). */
  stop(): Promise<void>;
}

/** A leased feed not refreshed by then (the crawler died) is due again. */
const DEFAULT_LEASE_MS = 15 * 60_000;
const FAR_FUTURE = new Date('9999-12-31T00:00:00Z');
/** Pages one tidying step writes per search index (about a millisecond each), steps per idle tick, pause between. */
const TIDY_PAGES = 8;
const TIDY_STEPS_PER_TICK = 200;
const TIDY_PAUSE_MS = 25;

export function startCrawler(deps: CrawlerDeps): Crawler {
  const now = deps.now ?? (() => new Date());
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  // Looked for at least four times per lease, so feeds a dead crawler held are taken soon after its lease runs out.
  const tickMs = deps.tickMs ?? Math.max(100, Math.min(30_000, leaseMs / 4));
  const concurrency = Math.max(1, deps.concurrency);
  const hosts = new HostLimiter(deps.perHost);
  // Host first, then a global slot: a refresh waiting for its busy host does not hold a slot other hosts could use.
  const slots = new Semaphore(concurrency);
  let stopped = false;
  /** Leased feeds still waiting for a slot when the crawler stopped: due again at once, not after the lease. */
  const released: number[] = [];
  const limit: FetchLimit = (url, task) =>
    hosts.run(hostOf(url), () => slots.run(() => (stopped ? Promise.reject(new CrawlerStopped()) : task())));
  const run = async (feed: FeedToRefresh): Promise<void> => {
    if (deps.skip?.(feed.url) === true) {
      await deps.store.feeds.setNextCheck(feed.id, FAR_FUTURE);
      return;
    }
    try {
      // Not `deps.onReport?.(await deps.refresh(…))`: without an onReport, an optional call skips its arguments,
      // and the refresh would never run.
      const report = await deps.refresh(feed, limit);
      deps.onReport?.(report);
    } catch (error) {
      // Stopped while it waited for a slot: nothing was fetched, nothing recorded.
      if (error instanceof CrawlerStopped) released.push(feed.id);
      else throw error;
    }
  };

  // ---- "refresh now": jobs ----
  // The queue hands out claimed jobs together: their feeds are read in one statement.
  const loadFeed = batchCalls<number, Feed | undefined>(async (ids) => {
    const byId = new Map((await deps.store.feeds.getMany(ids)).map((feed) => [feed.id, feed]));
    return ids.map((id) => byId.get(id));
  });
  const worker: Worker = deps.queue.work(
    REFRESH_JOB,
    async (payload) => {
      const feedId = feedIdOf(payload);
      if (feedId === undefined) return;
      const feed = await loadFeed(feedId);
      if (feed !== undefined) await run(feed);
    },
    {
      concurrency,
      lockMs: leaseMs,
      // A refresh never throws for feed trouble; what reaches here is a broken store: retry soon.
      retryAt: (job, _error, at) =>
        job.attempts >= 5 ? undefined : new Date(at.getTime() + 60_000 * job.attempts),
      ...(deps.onError === undefined ? {} : { onError: deps.onError }),
    },
  );

  // ---- scheduled refreshes: leased batches ----
  // Enough leased work to keep every slot busy while the next batch is read, and little enough that a lease never
  // runs out while its feed waits (a batch is done in seconds; the lease lasts 15 minutes by default).
  const batch = Math.max(100, concurrency * 8);
  const lowWater = Math.max(concurrency * 2, batch / 2);
  const running = new Set<Promise<void>>();
  let filling: Promise<number> | undefined;
  /**
   * Leased feeds not refreshed yet, by the end of the lease they hold. A slow host or a long queue for a slot must not
   * let a lease run out under a live crawler (another would fetch the feed again), so leases are renewed while held.
   */
  const held = new Map<number, number>();

  const start = (feed: FeedToRefresh, until: Date): void => {
    held.set(feed.id, until.getTime());
    const p: Promise<void> = run(feed)
      .catch((error: unknown) => deps.onError?.(error))
      .finally(() => {
        held.delete(feed.id);
        running.delete(p);
        // Refill before the slots run dry (no need to wait for the timer while feeds are due).
        if (running.size < lowWater && filling === undefined && !stopped && leasedLast === batch) void fill();
      });
    running.add(p);
  };

  /** How many feeds the last lease returned: a full batch means more may be due right away. */
  let leasedLast = 0;
  /** Leases batches until enough work is in hand or nothing more is due; returns how many feeds it leased. */
  const leaseMore = async (): Promise<number> => {
    let total = 0;
    try {
      while (!stopped && running.size < lowWater) {
        const at = now();
        const until = new Date(at.getTime() + leaseMs);
        const feeds = await deps.store.feeds.leaseDue(at, batch, until);
        leasedLast = feeds.length;
        total += feeds.length;
        for (const feed of feeds) start(feed, until);
        if (feeds.length < batch) break;
      }
    } catch (error) {
      deps.onError?.(error);
    }
    return total;
  };
  /** One leaseMore at a time (`finally` runs after the assignment even when leaseMore had nothing to await). */
  const fill = (): Promise<number> => {
    filling ??= leaseMore().finally(() => {
      filling = undefined;
    });
    return filling;
  };

  /** Renews the leases held for more than a third of their length; each lease given at one time in one statement. */
  const renew = async (): Promise<void> => {
    const to = now().getTime() + leaseMs;
    const byLease = new Map<number, number[]>();
    for (const [id, until] of held) {
      if (until - now().getTime() > (leaseMs * 2) / 3) continue;
      const ids = byLease.get(until) ?? [];
      ids.push(id);
      byLease.set(until, ids);
    }
    for (const [until, ids] of byLease) {
      const renewed = new Set(await deps.store.feeds.renewLease(ids, new Date(until), new Date(to)));
      for (const id of ids) {
        // Not renewed: refreshed meanwhile (its schedule replaced the lease), or lost to another crawler.
        if (!held.has(id)) continue;
        if (renewed.has(id)) held.set(id, to);
        else held.delete(id);
      }
    }
  };
  let renewing = false;
  const renewer = setInterval(
    () => {
      if (held.size === 0 || renewing) return;
      renewing = true;
      renew()
        .catch((error: unknown) => deps.onError?.(error))
        .finally(() => {
          renewing = false;
        });
    },
    Math.max(50, leaseMs / 6),
  );
  renewer.unref();

  /**
   * While no refresh runs, folds the search indexes' segments together in small steps (MaintenanceRepository
   * .tidySearchIndexes), yielding between steps so that requests served by the same process interleave: SQLite's
   * statements block the process while they run, so each step writes a few pages only.
   */
  const tidyWhileIdle = async (): Promise<void> => {
    for (let step = 0; step < TIDY_STEPS_PER_TICK && !stopped && running.size === 0; step++) {
      if (!(await deps.store.maintenance.tidySearchIndexes(TIDY_PAGES))) return;
      await new Promise((resolve) => setTimeout(resolve, TIDY_PAUSE_MS).unref());
    }
  };

  let timer: NodeJS.Timeout | undefined;
  /** The tick in progress (leasing, then tidying): stop() waits for it before the store may close. */
  let tidying: Promise<void> | undefined;
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      tidying = fill()
        .then(() => tidyWhileIdle())
        .catch((error: unknown) => deps.onError?.(error))
        .finally(() => {
          tidying = undefined;
          schedule();
        });
    }, tickMs);
    timer.unref();
  };
  void fill().finally(schedule);

  return {
    tick: async () => {
      await filling;
      return fill();
    },
    async refreshSoon(feedId) {
      await enqueueRefresh(deps.queue, feedId, now());
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      clearInterval(renewer);
      await filling;
      await tidying;
      await worker.stop();
      await Promise.all([...running]);
      if (released.length > 0) await deps.store.feeds.setNextCheck(released, now());
    },
  };
}

class CrawlerStopped extends Error {
  constructor() {
    super('the crawler stopped before this refresh got a slot');
  }
}

function feedIdOf(payload: unknown): number | undefined {
  if (typeof payload !== 'object' || payload === null || !('feedId' in payload)) return undefined;
  const id = payload.feedId;
  return typeof id === 'number' && Number.isInteger(id) ? id : undefined;
}
