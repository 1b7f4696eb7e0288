import type { CreateTableBuilder, Kysely } from 'kysely';

export type SqlDialect = 'sqlite' | 'postgres';

/**
 * One step of the schema, the same for both dialects: written with Kysely's schema builder and dialect-neutral
 * types (text, integer, bigint, double precision). Where the dialects truly differ the step branches on `dialect`
 * inside itself; there is never a second migration tree.
 */
export interface Migration {
  /** `0001-initial`: the order of the list is the order of application, names are never reused. */
  name: string;
  up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void>;
}

/** An integer primary key the database numbers: AUTOINCREMENT on SQLite (ids never reused), identity on PostgreSQL. */
export function withId<T extends string>(
  table: CreateTableBuilder<T, never>,
  dialect: SqlDialect,
): CreateTableBuilder<T, 'id'> {
  return table.addColumn('id', 'integer', (col) =>
    dialect === 'sqlite' ? col.primaryKey().autoIncrement() : col.primaryKey().generatedByDefaultAsIdentity(),
  );
}
