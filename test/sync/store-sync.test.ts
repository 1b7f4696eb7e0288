// The sync repository contract on both databases.
import { postgresSkip } from '../support/postgres.ts';
import { syncStoreContract } from '../support/store-contract-sync.ts';

// Asked before any test is declared: a test declared after a top-level await can run after this file's hooks.
const pgSkip = await postgresSkip();

syncStoreContract('sqlite');
syncStoreContract('postgres', pgSkip);
