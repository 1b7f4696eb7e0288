// The store contract against PostgreSQL (EARSHOT_TEST_DATABASE_URL; test/support/postgres.ts): each test in its own
// migrated schema that no other test touches. Without the variable or a reachable server, every test is skipped with why.
import { migratedSchema, postgresSkip } from '../../test/support/postgres.ts';
import { type StoreHarness, storeContract } from '../../test/support/store-contract.ts';
import { operatorsContract } from '../../test/support/store-contract-ops.ts';
import { openStore } from './index.ts';

const skip = await postgresSkip();
const postgresHarness: StoreHarness = {
  ...(skip === undefined ? {} : { skip }),
  async fresh() {
    const schema = await migratedSchema();
    return {
      open: () => openStore({ dataDir: '/nonexistent', databaseUrl: schema.url }),
      drop: () => schema.drop(),
    };
  },
};
storeContract('PostgreSQL', postgresHarness);
operatorsContract('PostgreSQL', postgresHarness);
