// The listener repositories against SQLite always, and PostgreSQL when EARSHOT_TEST_DATABASE_URL answers
// (test/support/postgres.ts); with them the quota and fair-share contract (issue 12), which needs listeners.
import { postgresSkip } from '../../test/support/postgres.ts';
import { listenerContract } from '../../test/support/store-contract-listeners.ts';
import { quotaContract } from '../../test/support/store-contract-quota.ts';

// Asked before any test is declared: a test declared after a top-level await can run after this file's hooks.
const skip = await postgresSkip();

listenerContract('sqlite');
quotaContract('sqlite');
listenerContract('postgres', skip === undefined ? {} : { skip });
quotaContract('postgres', skip === undefined ? {} : { skip });
