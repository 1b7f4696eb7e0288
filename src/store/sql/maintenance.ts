// What the operator's commands need from the database itself: its state for `earshot doctor`, an online backup for
// `earshot backup`, and the connection pool's gauges for /metrics. The only code that touches the drivers' own
// handles (better-sqlite3's backup API, pg's Pool counters) besides connect.ts.
import { statSync } from 'node:fs';
import { type Kysely, sql } from 'kysely';
import { StoreError } from '../errors.ts';
import { FTS_TABLES } from '../migrations/0032-search-index-merging.ts';
import type { Migration, SqlDialect } from '../migrations/index.ts';
import type { BackupResult, MaintenanceRepository, PoolStats, StoreStatus } from '../ports.ts';
import type { DriverHandles } from './connect.ts';
import type { Database } from './schema.ts';

export class SqlMaintenance implements MaintenanceRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
    private readonly known: readonly Migration[],
    private readonly driver?: DriverHandles,
    /** SQLite's search threads, when searches run on them. */
    private readonly threads?: { stats(): PoolStats },
  ) {}

  async status(): Promise<StoreStatus> {
    const applied = new Set(
      (await this.db.selectFrom('schema_migrations').select('name').execute()).map((r) => r.name),
    );
    const pending = this.known.filter((m) => !applied.has(m.name)).map((m) => m.name);
    const base = { migrationsApplied: applied.size, migrationsKnown: this.known.length, pending };
    if (this.dialect === 'postgres') {
      const { rows } = await sql<{
        size: number | string;
      }>`select pg_database_size(current_database()) as size`.execute(this.db);
      return { dialect: 'postgres', ...base, sizeBytes: Number(rows[0]?.size ?? 0) };
    }
    const file = this.driver?.kind === 'sqlite' ? this.driver.file : ':memory:';
    if (file === ':memory:') return { dialect: 'sqlite', ...base, sizeBytes: 0 };
    return { dialect: 'sqlite', ...base, sizeBytes: fileSize(file) + fileSize(`${file}-wal`), file };
  }

  async backup(file: string): Promise<BackupResult> {
    if (this.dialect === 'postgres') {
      // pg_dump is PostgreSQL's own consistent online backup; the URL stays in the environment, never printed.
      return { kind: 'use-pg-dump', hint: pgDumpHint(file) };
    }
    if (this.driver?.kind !== 'sqlite')
      throw new StoreError('unavailable', 'this store has no database file to back up');
    const { database } = this.driver;
    try {
      // SQLite's online backup API: a consistent copy while the server keeps reading and writing.
      await database.backup(file);
    } catch (error) {
      throw new StoreError(
        'unavailable',
        `cannot write the backup to ${file}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    return { kind: 'written', file, bytes: fileSize(file) };
  }

  async tidySearchIndexes(pages: number): Promise<boolean> {
    if (this.dialect !== 'sqlite') return false;
    const changes = async (): Promise<number> => {
      const { rows } = await sql<{ n: number }>`select total_changes() as n`.execute(this.db);
      return Number(rows[0]?.n ?? 0);
    };
    let more = false;
    for (const table of FTS_TABLES) {
      const before = await changes();
      await sql`insert into ${sql.id(table)} (${sql.id(table)}, rank) values ('merge', ${Math.max(1, Math.floor(pages))})`.execute(
        this.db,
      );
      // FTS5's own signal: a merge that found nothing to do changes fewer than two rows.
      if ((await changes()) - before >= 2) more = true;
    }
    return more;
  }

  pool(): PoolStats | undefined {
    if (this.driver?.kind !== 'postgres') return undefined;
    const { pool } = this.driver;
    return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
  }

  searchThreads(): PoolStats | undefined {
    return this.threads?.stats();
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** The pg_dump command line that backs up Earshot's PostgreSQL database to `file` (the URL stays in the environment). */
export function pgDumpHint(file: string): string {
  return `pg_dump --format=custom --file=${JSON.stringify(file)} "$EARSHOT_DATABASE_URL"`;
}
