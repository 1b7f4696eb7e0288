// Group commit for the crawler's small writes and reads. A 304 costs the database one short UPDATE, but one
// statement (and one transaction) per feed costs more than the HTTP request did; the refreshes that finish in one
// turn of the event loop are written together instead. Each caller still waits for its own write: the promise settles
// only when the batch's transaction has.
import type { FetchOutcome } from '../../domain/feed.ts';
import type { Store } from '../../store/ports.ts';

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Calls are handed to `flush` together: those made during one turn of the event loop (flushed in the turn's check
 * phase, `setImmediate`), or with `windowMs`, those made within that long of the first one waiting. `flush` returns
 * one result per item, in order. A failed flush fails every call in it.
 */
export function batchCalls<I, O>(
  flush: (items: I[]) => Promise<O[]>,
  options: { windowMs?: number } = {},
): (item: I) => Promise<O> {
  const windowMs = options.windowMs ?? 0;
  let waiting: Waiting<I, O>[] = [];
  const run = (): void => {
    const batch = waiting;
    waiting = [];
    flush(batch.map((w) => w.item)).then(
      (results) => {
        batch.forEach((w, i) => {
          // flush promises one result per item; a shorter array is a bug there, reported to the caller.
          if (i < results.length) w.resolve(results[i] as O);
          else
            w.reject(new Error(`batch flush returned ${results.length} results for ${batch.length} items`));
        });
      },
      (error: unknown) => {
        for (const w of batch) w.reject(error);
      },
    );
  };
  return (item) =>
    new Promise<O>((resolve, reject) => {
      if (waiting.length === 0) {
        if (windowMs > 0) setTimeout(run, windowMs);
        else setImmediate(run);
      }
      waiting.push({ item, resolve, reject });
    });
}

/**
 * How long a fetch record may wait for others to share its transaction. A busy crawler finishes a refresh every few
 * hundred µs, so one event-loop turn held two or three records and the commits (WAL writes, locking) cost more than
 * the updates; a few milliseconds gather dozens. Nothing waits on them but the refresh's report: its host slot is
 * already free.
 */
const RECORD_WINDOW_MS = 5;

/** `store.feeds.recordFetch` for the crawler: the records of a few milliseconds in one transaction. */
export function createFetchRecorder(store: Store): (feedId: number, outcome: FetchOutcome) => Promise<void> {
  const record = batchCalls<{ feedId: number; outcome: FetchOutcome }, undefined>(
    async (records) => {
      await store.feeds.recordFetches(records);
      return records.map(() => undefined);
    },
    { windowMs: RECORD_WINDOW_MS },
  );
  return (feedId, outcome) => record({ feedId, outcome });
}
