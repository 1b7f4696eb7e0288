// The listener repositories against SQLite always, and PostgreSQL when EARSHOT_TEST_DATABASE_URL answers
// (test/support/postgres.ts); with them the quota and fair-share contract (issue 12), which needs listeners.
import { postgresSkip } from '../../test/support/postgres.ts';
import { listenerContract } from '../../test/support/store-contract-listeners.ts';
import { quotaContract } from '../../test/support/store-contract-quota.ts';

listenerContract('sqlite');
quotaContract('sqlite');
const skip = await postgresSkip();
listenerContract('postgres', skip === undefined ? {} : { skip });
quotaContract('postgres', skip === undefined ? {} : { skip });
