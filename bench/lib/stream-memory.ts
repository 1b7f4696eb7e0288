// Child process of the parse benchmark: stream-parse one file with FeedStreamParser from a file stream and
// report the peak RSS growth over the post-GC baseline as one JSON line on stdout.
// Run: node --expose-gc --import tsx bench/lib/stream-memory.ts <file>
import { streamParseFile } from './earshot.ts';

const file = process.argv[2];
if (file === undefined) {
  console.error('usage: stream-memory.ts <feed file>');
  process.exit(1);
}
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error('run with --expose-gc');
  process.exit(1);
}
gc();
gc();
const baseline = process.memoryUsage().rss;
let peak = baseline;
const sample = () => {
  const rss = process.memoryUsage().rss;
  if (rss > peak) peak = rss;
};
const timer = setInterval(sample, 2);
const t0 = performance.now();
const { episodes, problems } = await streamParseFile(file, sample);
const ms = performance.now() - t0;
clearInterval(timer);
sample();
process.stdout.write(
  `${JSON.stringify({ baselineMB: baseline / 2 ** 20, peakGrowthMB: (peak - baseline) / 2 ** 20, episodes, problems, ms })}\n`,
);
