// Politeness and concurrency: a global limit on work in flight plus a per-host limit (many feeds share one CDN).

/** At most `size` tasks at once; the rest wait in order. */
export class Semaphore {
  readonly #size: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    this.#size = Math.max(1, size);
  }

  /** Tasks running now. */
  get active(): number {
    return this.#active;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#size) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#active++;
    try {
      return await task();
    } finally {
      // A waiting task takes the slot over; only when none waits is it freed.
      const next = this.#waiting.shift();
      if (next !== undefined) next();
      else this.#active--;
    }
  }
}

/** At most `perHost` tasks at once for one host (a Semaphore per host, dropped when idle); the rest wait in order. */
export class HostLimiter {
  readonly #perHost: number;
  readonly #hosts = new Map<string, Semaphore>();

  constructor(perHost: number) {
    this.#perHost = Math.max(1, perHost);
  }

  async run<T>(host: string, task: () => Promise<T>): Promise<T> {
    let slots = this.#hosts.get(host);
    if (slots === undefined) {
      slots = new Semaphore(this.#perHost);
      this.#hosts.set(host, slots);
    }
    const s = slots;
    try {
      return await s.run(task);
    } finally {
      if (s.active === 0 && this.#hosts.get(host) === s) this.#hosts.delete(host);
    }
  }

  /** Tasks running now for `host`. */
  active(host: string): number {
    return this.#hosts.get(host)?.active ?? 0;
  }
}

/** The host a feed URL is polite about (lowercased host and port; unparsable URLs share one bucket). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return '';
  }
}

/**
 * Runs `fn` over `items` with at most `concurrency` in flight overall and `perHost` per host, in order of start.
 * Items whose host is saturated wait without holding a global slot hostage when other hosts are free.
 */
export async function mapPool<T, R>(
  items: readonly T[],
  options: { concurrency: number; perHost: number; hostOf: (item: T) => string; signal?: AbortSignal },
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  const perHost = Math.max(1, options.perHost);
  const concurrency = Math.max(1, options.concurrency);
  const queue = items.map((item, index) => ({ item, index, host: options.hostOf(item) }));
  const active = new Map<string, number>();
  let running = 0;
  let failure: { error: unknown } | undefined;

  await new Promise<void>((resolve) => {
    const pump = (): void => {
      if (failure !== undefined || options.signal?.aborted === true) {
        if (running === 0) resolve();
        return;
      }
      for (let i = 0; i < queue.length && running < concurrency; ) {
        const next = queue[i];
        if (next === undefined) break;
        if ((active.get(next.host) ?? 0) >= perHost) {
          i++;
          continue;
        }
        queue.splice(i, 1);
        running++;
        active.set(next.host, (active.get(next.host) ?? 0) + 1);
        fn(next.item, next.index)
          .then(
            (r) => {
              results[next.index] = r;
            },
            (error: unknown) => {
              failure ??= { error };
            },
          )
          .finally(() => {
            running--;
            const left = (active.get(next.host) ?? 1) - 1;
            if (left === 0) active.delete(next.host);
            else active.set(next.host, left);
            pump();
          });
      }
      if (running === 0 && (queue.length === 0 || failure !== undefined)) resolve();
    };
    pump();
  });
  if (failure !== undefined) throw failure.error;
  return results;
}
