// Loads the demo catalogue into a fresh, empty database — through the same ingest path as a real refresh.
import { ingestFeedBody } from '../feed/refresh/refresh.ts';
import type { Store } from '../store/ports.ts';
import { demoFeeds, localiseDemoUrls } from './catalogue.ts';

/** Demo feeds are never polled: they live in the repository, not on the network. */
export const DEMO_NEXT_CHECK = new Date('9999-12-31T00:00:00Z');

export interface DemoLoadResult {
  /** Feeds loaded; 0 when the database already had feeds. */
  feeds: number;
  episodes: number;
}

export async function loadDemoIfEmpty(store: Store, now: Date): Promise<DemoLoadResult> {
  if ((await store.feeds.count()) > 0) return { feeds: 0, episodes: 0 };
  let episodes = 0;
  const feeds = demoFeeds();
  await store.transaction(async (tx) => {
    for (const demo of feeds) {
      const { feed } = await tx.feeds.add(demo.url, now);
      const result = await ingestFeedBody(tx, feed.id, [demo.body], {
        url: demo.url,
        contentType: demo.contentType,
        now,
        transform: localiseDemoUrls,
      });
      episodes += result.episodes;
      await tx.feeds.recordFetch(feed.id, {
        kind: 'ok',
        at: now,
        problems: result.problems.slice(0, 100),
        nextCheckAt: DEMO_NEXT_CHECK,
      });
    }
  });
  return { feeds: feeds.length, episodes };
}
