// A fixed-window failure counter per key, in memory: enough to slow password guessing on one process.

export class RateLimiter {
  readonly #hits = new Map<string, { count: number; resetAt: number }>();
  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Seconds to wait when the key is over its limit, else undefined. */
  blocked(key: string, nowMs: number): number | undefined {
    const entry = this.#hits.get(key);
    if (!entry || entry.resetAt <= nowMs) return undefined;
    return entry.count >= this.limit ? Math.ceil((entry.resetAt - nowMs) / 1000) : undefined;
  }

  fail(key: string, nowMs: number): void {
    const entry = this.#hits.get(key);
    if (!entry || entry.resetAt <= nowMs) this.#hits.set(key, { count: 1, resetAt: nowMs + this.windowMs });
    else entry.count++;
    if (this.#hits.size > 10_000) {
      for (const [k, v] of this.#hits) if (v.resetAt <= nowMs) this.#hits.delete(k);
    }
  }

  reset(key: string): void {
    this.#hits.delete(key);
  }
}
