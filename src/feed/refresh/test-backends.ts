// The databases refresh and queue tests run on: SQLite in memory always; PostgreSQL when EARSHOT_TEST_DATABASE_URL
// reaches one (each test in its own schema, dropped after), else reported as skipped with the reason.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Store } from '../../store/index.ts';

export interface Backend {
  name: string;
  skip?: string;
  fresh(dir: string): Promise<{ store: Store; drop(): Promise<void> }>;
}

export const sqlite: Backend = {
  name: 'SQLite',
  async fresh(dir) {
    const store = await openStore({ databaseUrl: ':memory:', dataDir: dir });
    return { store, drop: () => store.close() };
  },
};

// PostgreSQL when EARSHOT_TEST_DATABASE_URL reaches one: each test in its own schema, dropped after.
const pgUrl = process.env.EARSHOT_TEST_DATABASE_URL;
async function pgSkip(): Promise<string | undefined> {
  if (pgUrl === undefined) return 'EARSHOT_TEST_DATABASE_URL is not set; skipping the PostgreSQL run';
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return `PostgreSQL unreachable (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    await client.end().catch(() => {});
  }
}
const pgSkipReason = await pgSkip();
export const postgres: Backend = {
  name: 'PostgreSQL',
  ...(pgSkipReason === undefined ? {} : { skip: pgSkipReason }),
  async fresh() {
    const url = pgUrl ?? '';
    const schema = `earshot_refresh_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    const target = new URL(url);
    target.searchParams.set('options', `-c search_path=${schema}`);
    const store = await openStore({ dataDir: '/nonexistent', databaseUrl: target.toString() });
    return {
      store,
      async drop() {
        await store.close();
        await admin.query(`drop schema ${schema} cascade`);
        await admin.end();
      },
    };
  },
};

export const storeBackends: readonly Backend[] = [sqlite, postgres];
