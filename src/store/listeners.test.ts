// The listener repositories (owner W) against SQLite always, and PostgreSQL when EARSHOT_TEST_DATABASE_URL answers;
// with them the quota and fair-share contract (issue 12), which needs listeners.
import pg from 'pg';
import { listenerContract } from '../../test/support/store-contract-listeners.ts';
import { quotaContract } from '../../test/support/store-contract-quota.ts';

const url = process.env.EARSHOT_TEST_DATABASE_URL;

async function reachable(target: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: target, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return `PostgreSQL at EARSHOT_TEST_DATABASE_URL is unreachable (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    await client.end().catch(() => {});
  }
}

listenerContract('sqlite');
quotaContract('sqlite');
const skip =
  url === undefined
    ? 'EARSHOT_TEST_DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test); skipping PostgreSQL listener tests'
    : await reachable(url);
listenerContract('postgres', { ...(skip ? { skip } : {}), ...(url ? { pgUrl: url } : {}) });
quotaContract('postgres', { ...(skip ? { skip } : {}), ...(url ? { pgUrl: url } : {}) });
