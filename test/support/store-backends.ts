// The databases that tests run a suite on, each giving a fresh store per test: SQLite in memory always; PostgreSQL
// in a throw-away schema when EARSHOT_TEST_DATABASE_URL reaches one (test/support/postgres.ts), else reported as
// skipped with the reason.
import type { Store } from '../../src/store/index.ts';
import { freshPostgresStore, postgresSkip } from './postgres.ts';
import { freshMemoryStore } from './sqlite-image.ts';

export interface Backend {
  name: string;
  skip?: string;
  fresh(dir: string): Promise<{ store: Store; drop(): Promise<void> }>;
}

export const sqlite: Backend = {
  name: 'SQLite',
  async fresh(dir) {
    const store = await freshMemoryStore(dir);
    return { store, drop: () => store.close() };
  },
};

/** PostgreSQL, whether or not it is there (see storeBackends for the one that says why it is skipped). */
const postgres: Backend = {
  name: 'PostgreSQL',
  fresh: () => freshPostgresStore(),
};

/**
 * SQLite and PostgreSQL, the latter with the reason it is skipped when it is not there. Awaited by a test file before
 * it declares its tests (a module-level await here would resume every importing file in the first one's context).
 */
export async function storeBackends(): Promise<readonly Backend[]> {
  const skip = await postgresSkip();
  return [sqlite, skip === undefined ? postgres : { ...postgres, skip }];
}

/** Runs `run` on a fresh store of `kind` (SQLite in memory, or a PostgreSQL schema of its own) and drops it after. */
export async function withFreshStore(
  kind: 'sqlite' | 'postgres',
  run: (store: Store) => Promise<void>,
): Promise<void> {
  const { store, drop } = await (kind === 'sqlite' ? sqlite : postgres).fresh('/nonexistent');
  try {
    await run(store);
  } finally {
    await drop();
  }
}
