// A unit of background work in the queue.

export interface Job {
  id: number;
  kind: string;
  /** De-duplication key, unique per kind: enqueueing the same (kind, key) again updates the one job. */
  key: string;
  payload: unknown;
  runAt: string;
  /** How many times it has been claimed. */
  attempts: number;
  lockedBy?: string;
  lockedUntil?: string;
  lastError?: string;
  /** Set when a failure gave up on the job; it is never claimed again. */
  failedAt?: string;
  /** Changes on every enqueue of the same (kind, key); completing an outdated revision re-arms the job. */
  revision: number;
  /** Fair-share lane (e.g. the listener who asked for it): due jobs of different lanes are claimed round-robin. */
  lane?: string;
}
