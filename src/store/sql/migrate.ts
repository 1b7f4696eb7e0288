// Applies the one migration list in order, once each, recording names in `schema_migrations`.
import { type Kysely, sql } from 'kysely';
import { StoreError } from '../errors.ts';
import type { Migration, SqlDialect } from '../migrations/index.ts';
import { inTransaction } from './connect.ts';
import type { Database } from './schema.ts';

/** Arbitrary constant key for the PostgreSQL advisory lock that serialises concurrent migrators. */
const MIGRATION_LOCK = 7_314_004;

/** Brings the schema up to date; returns the names applied now (empty when it already was). Idempotent. */
export async function migrate(
  db: Kysely<Database>,
  dialect: SqlDialect,
  list: readonly Migration[],
): Promise<string[]> {
  await db.schema
    .createTable('schema_migrations')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('applied_at', 'text', (c) => c.notNull())
    .execute();
  return inTransaction(db, dialect, async (trx) => {
    if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx);
    const applied = new Set(
      (await trx.selectFrom('schema_migrations').select('name').execute()).map((r) => r.name),
    );
    const known = new Set(list.map((m) => m.name));
    const unknown = [...applied].filter((name) => !known.has(name));
    if (unknown.length > 0) {
      throw new StoreError(
        'schema-too-new',
        `the database has migrations this Earshot does not know: ${unknown.join(', ')}`,
      );
    }
    const done: string[] = [];
    for (const migration of list) {
      if (applied.has(migration.name)) continue;
      // The schema builder does not depend on the table types; the migration sees the database untyped.
      await migration.up(trx as Kysely<unknown>, dialect);
      await trx
        .insertInto('schema_migrations')
        .values({ name: migration.name, applied_at: new Date().toISOString() })
        .execute();
      done.push(migration.name);
    }
    return done;
  });
}
