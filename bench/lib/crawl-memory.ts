// Child process of `npm run bench:crawl`: ingest one big feed through Earshot's real refresh path (fetch → spool →
// stream-parse → sanitise → batched upserts in one transaction) into a fresh SQLite store, and report the peak RSS
// growth over the post-GC baseline (taken after the store and fetcher are open) as one JSON line on stdout, with what
// made up the growth at the peak: V8's heap (committed) and memory outside it that V8 knows of (Buffers); the rest is
// native (SQLite, malloc'd memory freed but kept by the allocator).
// With a warm-up URL, a small feed is refreshed first, as a running server has done long before its first big feed:
// the baseline then excludes one-time costs of the first fetch and ingest (undici's HTTP parser compiled to
// WebAssembly, zlib and crypto set up, SQLite statements prepared), which are not the cost of a big feed.
// Run: node --expose-gc --import tsx bench/lib/crawl-memory.ts <feed url> <data dir> [<warm-up feed url>]
import { join } from 'node:path';
import { createFetcher } from '../../src/feed/fetch/index.ts';
import { refreshFeed } from '../../src/feed/refresh/refresh.ts';
import { openStore } from '../../src/store/index.ts';

const [url, dir, warmUrl] = process.argv.slice(2);
if (url === undefined || dir === undefined) {
  console.error('usage: crawl-memory.ts <feed url> <data dir> [<warm-up feed url>]');
  process.exit(1);
}
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error('run with --expose-gc');
  process.exit(1);
}
const store = await openStore({ dataDir: dir, databaseUrl: join(dir, 'earshot.sqlite') });
const fetcher = createFetcher({ userAgent: 'Earshot-bench/0', allowPrivate: true });
if (warmUrl !== undefined) {
  const warm = await refreshFeed(
    { store, fetcher, spoolDir: dir },
    (await store.feeds.add(warmUrl, new Date())).feed,
  );
  if (warm.status !== 'updated') throw new Error(`warm-up feed: ${warm.status} ${warm.error?.message ?? ''}`);
}
const { feed } = await store.feeds.add(url, new Date());
gc();
gc();
const base = process.memoryUsage();
let peak = base;
const sample = (): void => {
  const now = process.memoryUsage();
  if (now.rss > peak.rss) peak = now;
};
const timer = setInterval(sample, 2);
const t0 = performance.now();
const report = await refreshFeed({ store, fetcher, spoolDir: dir }, feed.id);
const ms = performance.now() - t0;
clearInterval(timer);
sample();
const show = await store.shows.getByFeed(feed.id);
const stored = show === undefined ? 0 : await store.episodes.count(show.id);
await fetcher.close();
await store.close();
process.stdout.write(
  `${JSON.stringify({
    baselineMB: base.rss / 2 ** 20,
    peakGrowthMB: (peak.rss - base.rss) / 2 ** 20,
    heapGrowthMB: (peak.heapTotal - base.heapTotal) / 2 ** 20,
    externalGrowthMB: (peak.external - base.external) / 2 ** 20,
    status: report.status,
    episodes: stored,
    error: report.error?.message,
    ms,
  })}\n`,
);
