// The store contract against PostgreSQL: EARSHOT_TEST_DATABASE_URL (CI: postgres://postgres@127.0.0.1:5432/test).
// Each test gets its own schema (random name, selected with search_path, dropped after), so runs never collide.
// Without the variable or a reachable server, every test is reported as skipped with the reason.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type StoreHarness, storeContract } from '../../test/support/store-contract.ts';
import { operatorsContract } from '../../test/support/store-contract-ops.ts';
import { openStore } from './index.ts';

const url = process.env.EARSHOT_TEST_DATABASE_URL;

async function reachable(target: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: target, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return `PostgreSQL at EARSHOT_TEST_DATABASE_URL is unreachable (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    await client.end().catch(() => {});
  }
}

const skip =
  url === undefined
    ? 'EARSHOT_TEST_DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test); skipping PostgreSQL store tests'
    : await reachable(url);

/** `url` with `search_path` set to `schema` (keeping any other query parameters). */
function withSchema(base: string, schema: string): string {
  const parsed = new URL(base);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

const postgresHarness: StoreHarness = {
  ...(skip === undefined ? {} : { skip }),
  async fresh() {
    if (url === undefined) throw new Error('unreachable: skipped without a URL');
    const schema = `earshot_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    return {
      open: () => openStore({ dataDir: '/nonexistent', databaseUrl: withSchema(url, schema) }),
      async drop() {
        await admin.query(`drop schema ${schema} cascade`);
        await admin.end();
      },
    };
  },
};
storeContract('PostgreSQL', postgresHarness);
operatorsContract('PostgreSQL', postgresHarness);
