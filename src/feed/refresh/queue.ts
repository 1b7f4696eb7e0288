// The job queue behind one interface. This implementation keeps jobs in the store's jobs table (SQLite in the embedded
// setup, PostgreSQL otherwise), so that work survives a restart and several processes can share it.
import { randomUUID } from 'node:crypto';
import type { Job } from '../../domain/job.ts';
import type { Store } from '../../store/ports.ts';
import { batchCalls } from './batch.ts';

export type JobHandler = (payload: unknown, job: Job) => Promise<void>;

export interface WorkOptions {
  /** Jobs of this kind run at once in this process. */
  concurrency: number;
  /** How often to look for due jobs when idle. Default 1 s. */
  pollMs?: number;
  /** A claim lasts this long; a crashed worker's job is claimed again after it. Default 10 min. */
  lockMs?: number;
  /** When a failed job runs again; undefined gives up. Default: 1 min, 2 min, 4 min … up to 5 attempts. */
  retryAt?: (job: Job, error: unknown, now: Date) => Date | undefined;
  /** Told about handler failures (the queue itself never throws them). */
  onError?: (error: unknown, job: Job) => void;
}

export interface Worker {
  /** Stops claiming jobs, then waits for the ones running to finish. */
  stop(): Promise<void>;
  /** Jobs running now. */
  readonly running: number;
}

export interface JobQueue {
  /** `lane`: the job's fair-share lane (due jobs of different lanes are claimed round-robin; see JobRepository). */
  enqueue(
    kind: string,
    key: string,
    payload: unknown,
    runAt: Date,
    options?: { lane?: string },
  ): Promise<void>;
  /** Many jobs of one kind at once (one statement per few hundred). */
  enqueueMany(kind: string, jobs: readonly { key: string; payload: unknown }[], runAt: Date): Promise<void>;
  work(kind: string, handler: JobHandler, options: WorkOptions): Worker;
}

export function createJobQueue(
  store: Store,
  options: { now?: () => Date; workerId?: string } = {},
): JobQueue {
  const now = options.now ?? (() => new Date());
  const workerId = options.workerId ?? `earshot-${process.pid}-${randomUUID().slice(0, 8)}`;
  /** Wakes idle workers of a kind when this process enqueues due work. */
  const wakers = new Map<string, Set<() => void>>();
  /** Jobs finished in one turn of the event loop are removed together. */
  const complete = batchCalls<Job, undefined>(async (jobs) => {
    await store.jobs.completeMany(jobs);
    return jobs.map(() => undefined);
  });

  return {
    async enqueue(kind, key, payload, runAt, options = {}) {
      await store.jobs.enqueue({ kind, key, payload, runAt, ...options }, now());
      if (runAt.getTime() <= now().getTime()) for (const wake of wakers.get(kind) ?? []) wake();
    },

    async enqueueMany(kind, jobs, runAt) {
      if (jobs.length === 0) return;
      await store.jobs.enqueueMany(
        jobs.map(({ key, payload }) => ({ kind, key, payload, runAt })),
        now(),
      );
      if (runAt.getTime() <= now().getTime()) for (const wake of wakers.get(kind) ?? []) wake();
    },

    work(kind, handler, work) {
      const concurrency = Math.max(1, work.concurrency);
      const pollMs = work.pollMs ?? 1000;
      const lockMs = work.lockMs ?? 10 * 60_000;
      const retryAt = work.retryAt ?? defaultRetry;
      const inflight = new Set<Promise<void>>();
      // Claiming costs one statement however many jobs it takes: when jobs finish one by one, wait until a quarter of
      // the slots are free and claim them together — unless the wait is for new work (an enqueue, the poll timer).
      const batchMin = Math.max(1, Math.ceil(concurrency / 4));
      let eager = true;
      let stopping = false;
      let wakeUp: (() => void) | undefined;
      /** A wake-up that came while the loop was busy (claiming): it must not sleep before looking again. */
      let woken = false;
      const wake = (): void => {
        woken = true;
        wakeUp?.();
      };
      const wakeForWork = (): void => {
        eager = true;
        wake();
      };
      let set = wakers.get(kind);
      if (set === undefined) {
        set = new Set();
        wakers.set(kind, set);
      }
      set.add(wakeForWork);

      const run = async (job: Job): Promise<void> => {
        try {
          await handler(job.payload, job);
          await complete(job);
        } catch (error) {
          work.onError?.(error, job);
          const message = error instanceof Error ? error.message : String(error);
          try {
            await store.jobs.fail(job, message.slice(0, 500), retryAt(job, error, now()), now());
          } catch (storeError) {
            work.onError?.(storeError, job);
          }
        }
      };

      const loop = (async () => {
        while (!stopping) {
          const free = concurrency - inflight.size;
          let claimed = 0;
          if (free > 0 && (eager || free >= batchMin)) {
            eager = false;
            try {
              const jobs = await store.jobs.claim({ kind, workerId, now: now(), limit: free, lockMs });
              claimed = jobs.length;
              for (const job of jobs) {
                const p: Promise<void> = run(job).finally(() => {
                  inflight.delete(p);
                  wake();
                });
                inflight.add(p);
              }
            } catch (error) {
              work.onError?.(error, {
                id: 0,
                kind,
                key: '',
                payload: undefined,
                runAt: '',
                attempts: 0,
                revision: 0,
              });
            }
          }
          if (stopping) break;
          if (claimed > 0 && claimed === free) continue;
          if (woken) {
            woken = false;
            if (inflight.size < concurrency) continue;
          }
          await new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              eager = true;
              done();
            }, pollMs);
            function done(): void {
              clearTimeout(timer);
              wakeUp = undefined;
              woken = false;
              resolve();
            }
            wakeUp = done;
          });
        }
      })();

      return {
        get running() {
          return inflight.size;
        },
        async stop() {
          stopping = true;
          wake();
          await loop;
          set.delete(wakeForWork);
          await Promise.all([...inflight]);
        },
      };
    },
  };
}

function defaultRetry(job: Job, _error: unknown, now: Date): Date | undefined {
  if (job.attempts >= 5) return undefined;
  return new Date(now.getTime() + 60_000 * 2 ** (job.attempts - 1));
}
