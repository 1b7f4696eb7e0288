import type { Kysely } from 'kysely';
import type { ListenerStore } from '../listener-ports.ts';
import type { SqlDialect } from '../migrations/index.ts';
import type { Store } from '../ports.ts';
import type { SyncRepository } from '../sync-ports.ts';
import { inTransaction } from './connect.ts';
import { SqlEpisodeRepository } from './episodes.ts';
import { SqlFeedRepository } from './feeds.ts';
import { SqlJobRepository } from './jobs.ts';
import { createListenerRepositories } from './listeners.ts';
import { SqlPersonRepository } from './people.ts';
import type { Database } from './schema.ts';
import { SqlSearchRepository } from './search.ts';
import { SqlShowRepository } from './shows.ts';
import { createSyncRepository } from './sync.ts';

/** The one Store implementation, over a database handle or over one transaction of it. */
export class SqlStore implements Store {
  readonly feeds: SqlFeedRepository;
  readonly shows: SqlShowRepository;
  readonly episodes: SqlEpisodeRepository;
  readonly people: SqlPersonRepository;
  readonly jobs: SqlJobRepository;
  readonly sync: SyncRepository;
  readonly listeners: ListenerStore;
  readonly search: SqlSearchRepository;

  constructor(
    private readonly db: Kysely<Database>,
    readonly dialect: SqlDialect,
    private readonly inside: boolean,
  ) {
    this.feeds = new SqlFeedRepository(db);
    this.shows = new SqlShowRepository(db);
    this.episodes = new SqlEpisodeRepository(db, (fn) => inTransaction(db, dialect, fn));
    this.sync = createSyncRepository(db, dialect);
    this.listeners = createListenerRepositories(db, dialect, inside);
    this.search = new SqlSearchRepository(db, dialect);
    this.people = new SqlPersonRepository(db);
    this.jobs = new SqlJobRepository(db, dialect);
  }

  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.inside) return fn(this);
    return inTransaction(this.db, this.dialect, (trx) => fn(new SqlStore(trx, this.dialect, true)));
  }

  async close(): Promise<void> {
    if (!this.inside) await this.db.destroy();
  }
}
