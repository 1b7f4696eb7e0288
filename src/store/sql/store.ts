import type { Kysely } from 'kysely';
import { StoreError } from '../errors.ts';
import type { ListenerStore } from '../listener-ports.ts';
import type { MediaTextRepository } from '../media-text-ports.ts';
import type { SqlDialect } from '../migrations/index.ts';
import { migrations } from '../migrations/index.ts';
import type { SearchRepository, Store } from '../ports.ts';
import type { SourceRepository } from '../source-ports.ts';
import type { SyncRepository } from '../sync-ports.ts';
import { SqlBrowseRepository } from './browse.ts';
import { type DriverHandles, inTransaction, type SqliteStatements } from './connect.ts';
import { type InTransaction, SqlEpisodeRepository } from './episodes.ts';
import { SqlFeedRepository } from './feeds.ts';
import { SqlJobRepository } from './jobs.ts';
import { createListenerRepositories } from './listeners.ts';
import { SqlMaintenance } from './maintenance.ts';
import { createMediaTextRepository } from './media-text.ts';
import { SqlPersonRepository } from './people.ts';
import type { Database } from './schema.ts';
import { SqlSearchRepository } from './search.ts';
import type { ThreadedSearch } from './search-threads.ts';
import { SqlShowRepository } from './shows.ts';
import { SqlSourceRepository } from './sources.ts';
import { createSyncRepository } from './sync.ts';

/**
 * The one Store implementation, over a database handle or over one transaction of it. The root store tracks the
 * transactions in flight: `close` lets them finish (commit or roll back) before closing the connections, and refuses
 * new ones meanwhile.
 */
export class SqlStore implements Store {
  readonly feeds: SqlFeedRepository;
  readonly shows: SqlShowRepository;
  readonly episodes: SqlEpisodeRepository;
  readonly people: SqlPersonRepository;
  readonly jobs: SqlJobRepository;
  readonly sync: SyncRepository;
  readonly listeners: ListenerStore;
  readonly mediaText: MediaTextRepository;
  readonly sources: SourceRepository;
  readonly search: SearchRepository;
  readonly browse: SqlBrowseRepository;
  readonly maintenance: SqlMaintenance;

  constructor(
    private readonly db: Kysely<Database>,
    readonly dialect: SqlDialect,
    private readonly inside: boolean,
    private readonly sqlite?: SqliteStatements,
    /** The driver's handles (openStore gives them; a store built on a bare Kysely handle has no backup or pool). */
    private readonly driver?: DriverHandles,
    /**
     * SQLite on a file: searches (the catalogue's and the sources') answered on threads of their own (openStore);
     * else by this connection.
     */
    private readonly threads?: ThreadedSearch,
  ) {
    this.maintenance = new SqlMaintenance(db, dialect, migrations, driver, threads);
    const run: InTransaction = (fn) => this.track(() => inTransaction(db, dialect, fn));
    this.feeds = new SqlFeedRepository(db, run, dialect, sqlite);
    this.shows = new SqlShowRepository(db, run);
    this.episodes = new SqlEpisodeRepository(db, run);
    this.sync = createSyncRepository(db, dialect);
    this.listeners = createListenerRepositories(db, dialect, inside);
    this.mediaText = createMediaTextRepository(db, dialect);
    this.search = threads ?? new SqlSearchRepository(db, dialect);
    this.browse = new SqlBrowseRepository(db, dialect);
    this.people = new SqlPersonRepository(db, run);
    const sources = new SqlSourceRepository(db, dialect);
    this.sources = threads === undefined ? sources : threads.withSources(sources);
    this.jobs = new SqlJobRepository(db, dialect);
  }

  private readonly inFlight = new Set<Promise<unknown>>();
  private closing = false;

  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.inside) return fn(this);
    return this.track(() =>
      inTransaction(this.db, this.dialect, (trx) =>
        fn(new SqlStore(trx, this.dialect, true, this.sqlite, this.driver)),
      ),
    );
  }

  private track<T>(start: () => Promise<T>): Promise<T> {
    if (this.inside) return start();
    if (this.closing) return Promise.reject(new StoreError('unavailable', 'the store is closing'));
    const running = start();
    this.inFlight.add(running);
    const forget = () => this.inFlight.delete(running);
    running.then(forget, forget);
    return running;
  }

  async close(): Promise<void> {
    if (this.inside) return;
    this.closing = true;
    await Promise.allSettled([...this.inFlight]);
    await this.threads?.close();
    await this.db.destroy();
  }
}
