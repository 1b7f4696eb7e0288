// The sync repository contract on both databases.
import { postgresUnavailable, syncStoreContract } from '../support/store-contract-sync.ts';

syncStoreContract('sqlite');
syncStoreContract('postgres', await postgresUnavailable());
