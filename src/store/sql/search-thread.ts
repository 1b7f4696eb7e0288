// A search thread: one read-only SQLite connection answering the searches `search-threads.ts` sends it, off the web
// server's event loop. The same `SqlSearchRepository` as in process; only the connection is its own.
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { StoreError } from '../errors.ts';
import type { SearchOptions, SearchResults } from '../ports.ts';
import { connectSqliteReader } from './connect.ts';
import { SqlSearchRepository } from './search.ts';

/** What the pool sends: one search. */
export interface SearchJob {
  id: number;
  query: string;
  options: SearchOptions;
}

/** What the thread answers: the results, or the error (a `StoreError`'s code when it was one). */
export type SearchAnswer =
  | { id: number; results: SearchResults }
  | { id: number; error: { code: StoreError['code'] | undefined; message: string } };

/** Everything the thread needs to open its connection. */
export interface SearchThreadData {
  file: string;
}

function serve(port: MessagePort, data: SearchThreadData): void {
  const { db } = connectSqliteReader(data.file);
  const search = new SqlSearchRepository(db, 'sqlite');
  port.on('message', (job: SearchJob) => {
    search.search(job.query, job.options).then(
      (results) => port.postMessage({ id: job.id, results } satisfies SearchAnswer),
      (error: unknown) =>
        port.postMessage({
          id: job.id,
          error: {
            code: error instanceof StoreError ? error.code : undefined,
            message: error instanceof Error ? error.message : String(error),
          },
        } satisfies SearchAnswer),
    );
  });
}

if (parentPort !== null) serve(parentPort, workerData as SearchThreadData);
