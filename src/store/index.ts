// Opening the store. Only src/store knows SQL, Kysely or a driver; everyone else sees ports.ts.
import { StoreError } from './errors.ts';
import { migrations } from './migrations/index.ts';
import type { Store } from './ports.ts';
import { connect, sqliteFile } from './sql/connect.ts';
import { migrate } from './sql/migrate.ts';
import { ThreadedSearch } from './sql/search-threads.ts';
import { SqlStore } from './sql/store.ts';

export * from './ports.ts';
export { pgDumpHint } from './sql/maintenance.ts';

export interface StoreConfig {
  /** `postgres://…` for PostgreSQL, `:memory:` or a file path for SQLite; absent: `<dataDir>/earshot.db`. */
  databaseUrl?: string;
  dataDir: string;
  /**
   * Tests only: with `databaseUrl` `:memory:`, the database starts as a copy of this serialized one (from
   * `migratedSqliteImage`) instead of empty, so that opening finds every migration applied.
   */
  sqliteImage?: Buffer;
  /**
   * SQLite on a file: how many threads answer searches, each with a read-only connection of its own
   * (sql/search-threads.ts), so that a search never holds the event loop; 0 (the default): this connection answers.
   */
  searchThreads?: number;
}

/** Opens the database and migrates it to the current schema (idempotent). Fails with a `StoreError`. */
export async function openStore(config: StoreConfig): Promise<Store> {
  const { db, dialect, sqlite, driver } = await connect(
    config.databaseUrl ?? sqliteFile(config.dataDir),
    config.sqliteImage,
  );
  try {
    await migrate(db, dialect, migrations);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const threads =
    driver.kind === 'sqlite' && driver.file !== ':memory:' && (config.searchThreads ?? 0) > 0
      ? new ThreadedSearch(driver.file, config.searchThreads ?? 0)
      : undefined;
  return new SqlStore(db, dialect, false, sqlite, driver, threads);
}

/**
 * Tests only: a SQLite database migrated to the end, serialized. A test opens a copy in memory (`sqliteImage`) or
 * writes it out as a file in a fraction of the time that replaying every migration takes.
 */
export async function migratedSqliteImage(): Promise<Buffer> {
  const { db, dialect, driver } = await connect(':memory:');
  try {
    await migrate(db, dialect, migrations);
    if (driver.kind !== 'sqlite') throw new StoreError('unavailable', 'expected a SQLite connection');
    return driver.database.serialize();
  } finally {
    await db.destroy();
  }
}
