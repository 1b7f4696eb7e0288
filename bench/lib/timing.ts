// Throughput measurement for the parse benchmark: warm up, then time N repeated runs and report the median.
// The machine is shared (load averages above 10 on 2 cores are common here), so the figure that ranks the
// parsers is the process CPU time of a run (user + system; it includes the GC's helper threads), which waiting
// for a core inflates far less than wall time. The median (not the best) run is reported, so one lucky run
// cannot flatter a contender; the spread (min–max) is kept to show how stable the figure was.
import { performance } from 'node:perf_hooks';

export interface Timing {
  /** Median CPU time of one run, in milliseconds. */
  medianCpuMs: number;
  /** Fastest and slowest run's CPU time, in milliseconds. */
  minCpuMs: number;
  maxCpuMs: number;
  /** Median wall time of one run, in milliseconds. */
  medianWallMs: number;
  runs: number;
  /** Megabytes (10^6 bytes) of input per CPU second, at the median run. */
  mbPerSec: number;
  /** Megabytes per wall-clock second, at the median wall time. */
  wallMbPerSec: number;
}

export interface MeasureOptions {
  /** Untimed runs first (JIT, inline caches, lazy module init). */
  warmups: number;
  minRuns: number;
  maxRuns: number;
  /** Keep going past minRuns while the timed runs have used less CPU than this (ms). */
  cpuBudgetMs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

export async function measure(bytes: number, fn: () => unknown, opts: MeasureOptions): Promise<Timing> {
  for (let i = 0; i < opts.warmups; i++) await fn();
  const cpu: number[] = [];
  const wall: number[] = [];
  let used = 0;
  while (cpu.length < opts.maxRuns && (cpu.length < opts.minRuns || used < opts.cpuBudgetMs)) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    const w = performance.now() - t0;
    const c = process.cpuUsage(c0);
    const ms = (c.user + c.system) / 1000;
    cpu.push(ms);
    wall.push(w);
    used += ms;
  }
  const medianCpuMs = median(cpu);
  const medianWallMs = median(wall);
  return {
    medianCpuMs,
    minCpuMs: Math.min(...cpu),
    maxCpuMs: Math.max(...cpu),
    medianWallMs,
    runs: cpu.length,
    mbPerSec: bytes / 1e6 / (medianCpuMs / 1000),
    wallMbPerSec: bytes / 1e6 / (medianWallMs / 1000),
  };
}

/**
 * Several contenders on the same input, measured in rounds: each round runs every contender once (the order rotating
 * from round to round), so a burst of load on the shared machine, or garbage one contender leaves for the next to
 * collect, lands on all of them alike rather than on whoever happened to be measured then. (No forced GC between runs:
 * its helper threads go on sweeping into the next run's process CPU time.) Each contender's figure is the median of its
 * runs, as in `measure`.
 */
export async function measureRounds<K extends string>(
  bytes: number,
  contenders: Readonly<Record<K, () => unknown>>,
  opts: MeasureOptions,
): Promise<Record<K, Timing>> {
  // Object.keys gives back exactly the keys of `contenders`, which are K.
  const names = Object.keys(contenders) as K[];
  for (let i = 0; i < opts.warmups; i++) for (const name of names) await contenders[name]();
  const cpu = new Map<K, number[]>(names.map((n) => [n, []]));
  const wall = new Map<K, number[]>(names.map((n) => [n, []]));
  let rounds = 0;
  let used = 0;
  while (rounds < opts.maxRuns && (rounds < opts.minRuns || used < opts.cpuBudgetMs)) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + rounds) % names.length];
      if (name === undefined) continue;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await contenders[name]();
      const w = performance.now() - t0;
      const c = process.cpuUsage(c0);
      cpu.get(name)?.push((c.user + c.system) / 1000);
      wall.get(name)?.push(w);
    }
    rounds++;
    // The budget is per contender: the slowest one's CPU so far.
    used = Math.max(...names.map((n) => (cpu.get(n) ?? []).reduce((a, b) => a + b, 0)));
  }
  const out = {} as Record<K, Timing>; // filled for every name just below
  for (const name of names) {
    const c = cpu.get(name) ?? [];
    const w = wall.get(name) ?? [];
    const medianCpuMs = median(c);
    const medianWallMs = median(w);
    out[name] = {
      medianCpuMs,
      minCpuMs: Math.min(...c),
      maxCpuMs: Math.max(...c),
      medianWallMs,
      runs: c.length,
      mbPerSec: bytes / 1e6 / (medianCpuMs / 1000),
      wallMbPerSec: bytes / 1e6 / (medianWallMs / 1000),
    };
  }
  return out;
}
