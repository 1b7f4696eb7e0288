// Throughput measurement for the parse benchmark: warm up, then time repeated runs and keep the best one
// (the machine is shared, so the fastest run is the least disturbed measurement of the code itself).
import { performance } from 'node:perf_hooks';

export interface Timing {
  /** Best wall time of one run, in milliseconds. */
  bestMs: number;
  runs: number;
  /** Megabytes (10^6 bytes) of input per second at the best run. */
  mbPerSec: number;
}

export async function measure(
  bytes: number,
  fn: () => unknown,
  opts: { minRuns: number; maxRuns: number; budgetMs: number },
): Promise<Timing> {
  await fn(); // warm-up: JIT, lazy module init
  let best = Number.POSITIVE_INFINITY;
  let runs = 0;
  const start = performance.now();
  while (runs < opts.maxRuns && (runs < opts.minRuns || performance.now() - start < opts.budgetMs)) {
    const t0 = performance.now();
    await fn();
    const ms = performance.now() - t0;
    if (ms < best) best = ms;
    runs++;
  }
  return { bestMs: best, runs, mbPerSec: bytes / 1e6 / (best / 1000) };
}
