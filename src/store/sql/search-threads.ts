// SQLite searches (the catalogue's and the sources') on threads of their own. better-sqlite3 runs a statement on the
// calling thread, so in process a search's 5–15 ms of SQL at a million episodes holds the web server's one event loop:
// every page asked meanwhile waits, and a second core stays idle. Here each thread (search-thread.ts) has its own
// read-only connection to the store's file; the event loop only sends the words and receives the results (about
// 0.6 ms of CPU a search for the hop: bench/README.md). Started at the first search, so a process that never searches
// (the CLI, the crawler) starts none.
import { Worker } from 'node:worker_threads';
import { StoreError } from '../errors.ts';
import type { Audience, PoolStats, SearchOptions, SearchRepository, SearchResults } from '../ports.ts';
import type { SourceRepository, SourceSearchHit } from '../source-ports.ts';
import type { SearchAnswer, SearchJob, SearchThreadData } from './search-thread.ts';

type Answered = SearchResults | SourceSearchHit[];

interface Waiting {
  resolve: (results: Answered) => void;
  reject: (error: Error) => void;
}

/** One thread and the searches it has been sent and not yet answered. */
class SearchThread {
  readonly waiting = new Map<number, Waiting>();
  readonly #worker: Worker;

  constructor(data: SearchThreadData, onGone: (thread: SearchThread) => void) {
    this.#worker = startWorker(data);
    // An idle thread keeps no process alive; one with a search to answer does.
    this.#worker.unref();
    this.#worker.on('message', (answer: SearchAnswer) => {
      const waiting = this.waiting.get(answer.id);
      if (waiting === undefined) return;
      this.#forget(answer.id);
      if ('results' in answer) waiting.resolve(answer.results);
      else
        waiting.reject(
          answer.error.code === undefined
            ? new Error(answer.error.message)
            : new StoreError(answer.error.code, answer.error.message),
        );
    });
    const gone = (why: string): void => {
      onGone(this);
      const error = new StoreError('unavailable', `the search thread stopped: ${why}`);
      for (const id of [...this.waiting.keys()]) {
        this.waiting.get(id)?.reject(error);
        this.#forget(id);
      }
    };
    this.#worker.on('error', (error) => gone(error.message));
    this.#worker.on('exit', (code) => gone(`exit code ${code}`));
  }

  ask(job: SearchJob): Promise<Answered> {
    return new Promise((resolve, reject) => {
      if (this.waiting.size === 0) this.#worker.ref();
      this.waiting.set(job.id, { resolve, reject });
      this.#worker.postMessage(job);
    });
  }

  #forget(id: number): void {
    this.waiting.delete(id);
    if (this.waiting.size === 0) this.#worker.unref();
  }

  async stop(): Promise<void> {
    await this.#worker.terminate();
  }
}

/**
 * The thread's entry beside this file: `.js` once built. From the sources (`.ts`: the tests, `node --import tsx`)
 * the thread registers tsx's loader first, which a worker does not inherit from `--import`.
 */
function startWorker(data: SearchThreadData): Worker {
  // A search holds a few hundred candidates; a thread that needed more than this has gone wrong, and stops alone.
  const options = { workerData: data, resourceLimits: { maxOldGenerationSizeMb: 256 } };
  const here = import.meta.url;
  const fromSources = here.endsWith('.ts');
  const entry = new URL(fromSources ? './search-thread.ts' : './search-thread.js', here);
  if (!fromSources) return new Worker(entry, options);
  const boot = [
    `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};`,
    'register();',
    `await import(${JSON.stringify(entry.href)});`,
  ].join('\n');
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), options);
}

/**
 * A `SearchRepository` answering from `count` threads over the SQLite file `file`, each search sent to the thread
 * with the fewest waiting. A thread that dies fails its waiting searches (`unavailable`) and is started again by the
 * next search.
 */
export class ThreadedSearch implements SearchRepository {
  readonly #threads: (SearchThread | undefined)[];
  #nextId = 1;
  #closed = false;

  constructor(
    private readonly file: string,
    count: number,
  ) {
    this.#threads = Array.from({ length: Math.max(1, count) }, () => undefined);
  }

  async search(query: string, options: SearchOptions): Promise<SearchResults> {
    const results = await this.#ask({ id: this.#nextId++, kind: 'catalogue', query, options });
    if (Array.isArray(results)) throw new StoreError('unavailable', 'a search thread answered with sources');
    return results;
  }

  /** `SourceRepository.search`, on the threads. */
  async searchSources(
    query: string,
    options: { limit: number; audience?: Audience },
  ): Promise<SourceSearchHit[]> {
    const hits = await this.#ask({ id: this.#nextId++, kind: 'sources', query, options });
    if (!Array.isArray(hits))
      throw new StoreError('unavailable', 'a search thread answered with a catalogue search');
    return hits;
  }

  /** `sources` with its `search` answered on the threads; the rest (writes among them) by `sources` itself. */
  withSources(sources: SourceRepository): SourceRepository {
    return {
      search: (query, options) => this.searchSources(query, options),
      replaceForEpisodes: (showId, entries, now) => sources.replaceForEpisodes(showId, entries, now),
      forEpisode: (episodeId) => sources.forEpisode(episodeId),
      get: (id) => sources.get(id),
      citingEpisodes: (sourceId, options) => sources.citingEpisodes(sourceId, options),
      reach: (sourceIds, options) => sources.reach(sourceIds, options),
    };
  }

  #ask(job: SearchJob): Promise<Answered> {
    if (this.#closed) return Promise.reject(new StoreError('unavailable', 'the store is closing'));
    return this.#leastBusy().ask(job);
  }

  /** An idle thread; else one not started yet; else the one with the fewest searches waiting. */
  #leastBusy(): SearchThread {
    let best: SearchThread | undefined;
    for (const thread of this.#threads)
      if (thread !== undefined && (best === undefined || thread.waiting.size < best.waiting.size))
        best = thread;
    const free = this.#threads.indexOf(undefined);
    if (best !== undefined && (best.waiting.size === 0 || free < 0)) return best;
    const thread = new SearchThread({ file: this.file }, (gone) => {
      const at = this.#threads.indexOf(gone);
      if (at >= 0) this.#threads[at] = undefined;
    });
    this.#threads[Math.max(free, 0)] = thread;
    return thread;
  }

  /** The threads started, those with nothing to answer, and the searches queued behind one already running. */
  stats(): PoolStats {
    const started = this.#threads.filter((thread) => thread !== undefined);
    return {
      total: started.length,
      idle: started.filter((thread) => thread.waiting.size === 0).length,
      waiting: started.reduce((queued, thread) => queued + Math.max(0, thread.waiting.size - 1), 0),
    };
  }

  /** Stops every thread; searches still waiting fail with `unavailable`. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#threads.map((thread) => thread?.stop()));
  }
}
