// Opening the store. Only src/store knows SQL, Kysely or a driver; everyone else sees ports.ts.
import { migrations } from './migrations/index.ts';
import type { Store } from './ports.ts';
import { connect, sqliteFile } from './sql/connect.ts';
import { migrate } from './sql/migrate.ts';
import { SqlStore } from './sql/store.ts';

export * from './ports.ts';
export { pgDumpHint } from './sql/maintenance.ts';

export interface StoreConfig {
  /** `postgres://…` for PostgreSQL, `:memory:` or a file path for SQLite; absent: `<dataDir>/earshot.db`. */
  databaseUrl?: string;
  dataDir: string;
}

/** Opens the database and migrates it to the current schema (idempotent). Fails with a `StoreError`. */
export async function openStore(config: StoreConfig): Promise<Store> {
  const { db, dialect, sqlite, driver } = await connect(config.databaseUrl ?? sqliteFile(config.dataDir));
  try {
    await migrate(db, dialect, migrations);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new SqlStore(db, dialect, false, sqlite, driver);
}
