// A search thread: one read-only SQLite connection answering the searches `search-threads.ts` sends it, off the web
// server's event loop: the catalogue's search and the sources' (a search page asks both). The same repositories as
// in process; only the connection is its own.
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { StoreError } from '../errors.ts';
import type { Audience, SearchOptions, SearchResults } from '../ports.ts';
import type { SourceSearchHit } from '../source-ports.ts';
import { connectSqliteReader } from './connect.ts';
import { SqlSearchRepository } from './search.ts';
import { SqlSourceRepository } from './sources.ts';

/** What the pool sends: one search of the catalogue (`SearchRepository`) or of the sources (`SourceRepository`). */
export type SearchJob =
  | { id: number; kind: 'catalogue'; query: string; options: SearchOptions }
  | { id: number; kind: 'sources'; query: string; options: { limit: number; audience?: Audience } };

/** What the thread answers: the results, or the error (a `StoreError`'s code when it was one). */
export type SearchAnswer =
  | { id: number; results: SearchResults | SourceSearchHit[] }
  | { id: number; error: { code: StoreError['code'] | undefined; message: string } };

/** Everything the thread needs to open its connection. */
export interface SearchThreadData {
  file: string;
}

function serve(port: MessagePort, data: SearchThreadData): void {
  const { db } = connectSqliteReader(data.file);
  const catalogue = new SqlSearchRepository(db, 'sqlite');
  const sources = new SqlSourceRepository(db, 'sqlite');
  port.on('message', (job: SearchJob) => {
    const answer: Promise<SearchResults | SourceSearchHit[]> =
      job.kind === 'catalogue'
        ? catalogue.search(job.query, job.options)
        : sources.search(job.query, job.options);
    answer.then(
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
