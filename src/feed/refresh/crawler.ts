// The crawler: a loop that enqueues due feeds, and workers that refresh them — at most `concurrency` at once overall
// and `perHost` at once per host. Refreshes go through the job queue, so "refresh now" requests from the web and the
// CLI share the same limits and survive a restart.
import type { Feed } from '../../domain/feed.ts';
import type { Store } from '../../store/ports.ts';
import { HostLimiter, hostOf } from './limits.ts';
import type { JobQueue, Worker } from './queue.ts';
import type { RefreshReport } from './refresh.ts';

export const REFRESH_JOB = 'refresh-feed';

export interface CrawlerDeps {
  store: Store;
  queue: JobQueue;
  /** Refreshes the feed (already read from the store by the worker). */
  refresh: (feed: Feed) => Promise<RefreshReport>;
  concurrency: number;
  perHost: number;
  now?: () => Date;
  /** How often due feeds are looked for. Default 30 s. */
  tickMs?: number;
  /** Feeds the crawler must never fetch (the shipped demo). */
  skip?: (url: string) => boolean;
  onReport?: (report: RefreshReport) => void;
  onError?: (error: unknown) => void;
}

export interface Crawler {
  /** Enqueues every due feed now; returns how many. */
  tick(): Promise<number>;
  /** Asks for a refresh of one feed as soon as a worker is free. */
  refreshSoon(feedId: number): Promise<void>;
  /** Stops looking for work and waits for refreshes in flight (their transactions finish). */
  stop(): Promise<void>;
}

/** While a refresh job waits in the queue the feed is not due again; after this, a lost job is recreated. */
const LEASE_MS = 15 * 60_000;
const FAR_FUTURE = new Date('9999-12-31T00:00:00Z');

export function startCrawler(deps: CrawlerDeps): Crawler {
  const now = deps.now ?? (() => new Date());
  const hosts = new HostLimiter(deps.perHost);
  let stopped = false;

  const worker: Worker = deps.queue.work(
    REFRESH_JOB,
    async (payload) => {
      const feedId = feedIdOf(payload);
      if (feedId === undefined) return;
      const feed = await deps.store.feeds.get(feedId);
      if (feed === undefined) return;
      if (deps.skip?.(feed.url) === true) {
        await deps.store.feeds.setNextCheck(feed.id, FAR_FUTURE);
        return;
      }
      const report = await hosts.run(hostOf(feed.url), () => deps.refresh(feed));
      deps.onReport?.(report);
    },
    {
      concurrency: deps.concurrency,
      // A refresh never throws for feed trouble; what reaches here is a broken store: retry soon.
      retryAt: (job, _error, at) =>
        job.attempts >= 5 ? undefined : new Date(at.getTime() + 60_000 * job.attempts),
      ...(deps.onError === undefined ? {} : { onError: deps.onError }),
    },
  );

  const tick = async (): Promise<number> => {
    const at = now();
    const due = await deps.store.feeds.due(at, 1000);
    const skipped = due.filter((feed) => deps.skip?.(feed.url) === true).map((feed) => feed.id);
    const leased = due.filter((feed) => deps.skip?.(feed.url) !== true).map((feed) => feed.id);
    // A few statements per tick, not two per feed: lease them all, then queue them all.
    if (skipped.length > 0) await deps.store.feeds.setNextCheck(skipped, FAR_FUTURE);
    if (leased.length > 0) {
      await deps.store.feeds.setNextCheck(leased, new Date(at.getTime() + LEASE_MS));
      await deps.queue.enqueueMany(
        REFRESH_JOB,
        leased.map((feedId) => ({ key: String(feedId), payload: { feedId } })),
        at,
      );
    }
    return due.length;
  };

  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<unknown> = Promise.resolve();
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      ticking = tick()
        .catch((error: unknown) => deps.onError?.(error))
        .finally(schedule);
    }, deps.tickMs ?? 30_000);
    timer.unref();
  };
  ticking = tick()
    .catch((error: unknown) => deps.onError?.(error))
    .finally(schedule);

  return {
    tick,
    async refreshSoon(feedId) {
      await deps.queue.enqueue(REFRESH_JOB, String(feedId), { feedId }, now());
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await ticking;
      await worker.stop();
    },
  };
}

function feedIdOf(payload: unknown): number | undefined {
  if (typeof payload !== 'object' || payload === null || !('feedId' in payload)) return undefined;
  const id = payload.feedId;
  return typeof id === 'number' && Number.isInteger(id) ? id : undefined;
}
