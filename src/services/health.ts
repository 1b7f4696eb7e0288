// What GET /healthz answers: the process is alive (it answered at all), and the database answered a probe a moment
// ago. The probe runs beside requests, never in front of them: a long write transaction (a big feed's ingest holds
// SQLite's one connection) delays the next probe, not the health answer. A probe that fails, or that has not
// answered for `stuckMs`, makes the answer unhealthy (503).

export interface Health {
  ok: boolean;
  [key: string]: unknown;
}

export interface HealthOptions {
  /** A probe older than this starts a new one in the background (the answer still uses the last result). */
  maxAgeMs: number;
  /** A probe still running after this long makes the answer unhealthy. */
  stuckMs: number;
  nowMs: () => number;
}

/** `probe` (e.g. counting feeds) behind a cache that never makes a health check wait for a busy database. */
export function backgroundHealth(
  probe: () => Promise<Record<string, unknown>>,
  options: HealthOptions,
): () => Promise<Health> {
  let last: { atMs: number; health: Health } | undefined;
  let running: { sinceMs: number; done: Promise<void> } | undefined;

  const run = (): Promise<void> => {
    const sinceMs = options.nowMs();
    const done = probe().then(
      (value) => {
        last = { atMs: options.nowMs(), health: { ok: true, ...value } };
      },
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        last = { atMs: options.nowMs(), health: { ok: false, database: `unavailable: ${message}` } };
      },
    );
    running = {
      sinceMs,
      done: done.finally(() => {
        running = undefined;
      }),
    };
    return running.done;
  };

  return async () => {
    if (last === undefined) await (running?.done ?? run());
    const nowMs = options.nowMs();
    if (running === undefined && last !== undefined && nowMs - last.atMs >= options.maxAgeMs) void run();
    if (running !== undefined && nowMs - running.sinceMs >= options.stuckMs) {
      const seconds = Math.round((nowMs - running.sinceMs) / 1000);
      return { ok: false, database: `no answer for ${seconds} s` };
    }
    // `last` is set once the first probe settled; the fallback only satisfies the compiler.
    const health = last?.health ?? { ok: false, database: 'not checked yet' };
    return { ...health, checkedMsAgo: Math.max(0, nowMs - (last?.atMs ?? nowMs)) };
  };
}
