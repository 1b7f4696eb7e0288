// The sync repository contract on both databases.
import { postgresSkip } from '../support/postgres.ts';
import { syncStoreContract } from '../support/store-contract-sync.ts';

syncStoreContract('sqlite');
syncStoreContract('postgres', await postgresSkip());
