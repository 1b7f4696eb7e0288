// The people graph's store contract on SQLite, and on PostgreSQL when EARSHOT_TEST_DATABASE_URL reaches one.

import { storeBackends } from '../../test/support/store-backends.ts';
import { peopleContract } from '../../test/support/store-contract-people.ts';

const backends = await storeBackends();

for (const backend of backends) peopleContract(backend);
