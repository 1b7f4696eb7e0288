// Child process of `npm run bench:crawl`: ingest one big feed through Earshot's real refresh path (fetch → spool →
// stream-parse → sanitise → batched upserts in one transaction) into a fresh SQLite store, and report the peak RSS
// growth over the post-GC baseline (taken after the store and fetcher are open) as one JSON line on stdout, with what
// made up the growth at the peak: V8's heap (committed) and memory outside it that V8 knows of (Buffers); the rest is
// native (SQLite, malloc'd memory freed but kept by the allocator).
// Run: node --expose-gc --import tsx bench/lib/crawl-memory.ts <feed url> <data dir>
import { join } from 'node:path';
import { createFetcher } from '../../src/feed/fetch/index.ts';
import { refreshFeed } from '../../src/feed/refresh/refresh.ts';
import { openStore } from '../../src/store/index.ts';

const [url, dir] = process.argv.slice(2);
if (url === undefined || dir === undefined) {
  console.error('usage: crawl-memory.ts <feed url> <data dir>');
  process.exit(1);
}
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error('run with --expose-gc');
  process.exit(1);
}
const store = await openStore({ dataDir: dir, databaseUrl: join(dir, 'earshot.sqlite') });
const fetcher = createFetcher({ userAgent: 'Earshot-bench/0', allowPrivate: true });
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
const stored = await store.episodes.count();
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
