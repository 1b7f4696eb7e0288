// The one PostgreSQL harness of the tests. PostgreSQL is reached only through EARSHOT_TEST_DATABASE_URL (e.g.
// postgres://postgres@127.0.0.1:5432/test); when it is unset or does not answer, `postgresSkip` says why and the
// tests that need PostgreSQL are reported as skipped with that reason. Each test takes its own throw-away schema
// (random name, selected with search_path, dropped with everything in it after), so runs never collide.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/index.ts';

const VARIABLE = 'EARSHOT_TEST_DATABASE_URL';

/** The test PostgreSQL's URL, or undefined when none is configured (the test process's own boundary). */
export const pgUrl: string | undefined = process.env[VARIABLE] || undefined;

let skipReason: Promise<string | undefined> | undefined;

/** Why PostgreSQL tests cannot run here (unset or unreachable); undefined when they can. Asked once per process. */
export function postgresSkip(): Promise<string | undefined> {
  skipReason ??= (async () => {
    if (pgUrl === undefined)
      return `${VARIABLE} is not set (e.g. postgres://postgres@127.0.0.1:5432/test); skipping the PostgreSQL tests`;
    const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return undefined;
    } catch (error) {
      return `PostgreSQL at ${VARIABLE} is unreachable (${error instanceof Error ? error.message : String(error)}); skipping`;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return skipReason;
}

/** A fresh, empty schema: `url` selects it; `drop` removes it and everything in it (close its connections first). */
export interface ThrowAwaySchema {
  url: string;
  drop(): Promise<void>;
}

export async function throwAwaySchema(): Promise<ThrowAwaySchema> {
  if (pgUrl === undefined) throw new Error(`${VARIABLE} is not set: the test should have been skipped`);
  const schema = `earshot_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  try {
    await admin.query(`create schema ${schema}`);
  } catch (error) {
    await admin.end();
    throw error;
  }
  const url = new URL(pgUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    async drop() {
      try {
        await admin.query(`drop schema ${schema} cascade`);
      } finally {
        await admin.end();
      }
    },
  };
}

/** A store migrated to the end in a throw-away schema; `drop` closes it and removes the schema. */
export async function freshPostgresStore(): Promise<{ store: Store; drop(): Promise<void> }> {
  const schema = await throwAwaySchema();
  let store: Store;
  try {
    store = await openStore({ dataDir: '/nonexistent', databaseUrl: schema.url });
  } catch (error) {
    await schema.drop();
    throw error;
  }
  return {
    store,
    async drop() {
      await store.close();
      await schema.drop();
    },
  };
}
