// Throughput measurement for the parse benchmark: warm up, then time repeated runs and keep the best one.
// The machine is shared (load averages above 10 on 2 cores are common here), so the figure that ranks the
// parsers is the process CPU time of a run (user + system; it includes the GC's helper threads), which waiting
// for a core does not inflate. The best wall time is kept too, for the record.
import { performance } from 'node:perf_hooks';

export interface Timing {
  /** Best CPU time of one run, in milliseconds. */
  bestCpuMs: number;
  /** Best wall time of one run, in milliseconds. */
  bestWallMs: number;
  runs: number;
  /** Megabytes (10^6 bytes) of input per CPU second at the best run. */
  mbPerSec: number;
  /** Megabytes per wall-clock second at the best run. */
  wallMbPerSec: number;
}

export async function measure(
  bytes: number,
  fn: () => unknown,
  opts: { minRuns: number; maxRuns: number; budgetMs: number },
): Promise<Timing> {
  await fn(); // warm-up: JIT, lazy module init
  let bestCpu = Number.POSITIVE_INFINITY;
  let bestWall = Number.POSITIVE_INFINITY;
  let runs = 0;
  const start = performance.now();
  while (runs < opts.maxRuns && (runs < opts.minRuns || performance.now() - start < opts.budgetMs)) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    bestCpu = Math.min(bestCpu, (c.user + c.system) / 1000);
    bestWall = Math.min(bestWall, wall);
    runs++;
  }
  return {
    bestCpuMs: bestCpu,
    bestWallMs: bestWall,
    runs,
    mbPerSec: bytes / 1e6 / (bestCpu / 1000),
    wallMbPerSec: bytes / 1e6 / (bestWall / 1000),
  };
}
