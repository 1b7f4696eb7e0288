// Full-text search over shows, episodes and people: SQLite FTS5 external-content tables kept in step by triggers;
// PostgreSQL GIN expression indexes over to_tsvector('simple', …) (no extra columns, nothing to keep in step).
import { type Kysely, sql } from 'kysely';
import type { Migration, SqlDialect } from './types.ts';

/** The indexed text of each table; the search queries in sql/search.ts use the same columns. */
const INDEXED = {
  shows: ['title', 'author', 'description'],
  episodes: ['title', 'description'],
  people: ['name'],
} as const;

export const search: Migration = {
  name: '0004-search',
  async up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
    for (const [table, columns] of Object.entries(INDEXED)) {
      const fts = sql.id(`${table}_fts`);
      const content = sql.id(table);
      const cols = sql.join(columns.map((c) => sql.id(c)));
      if (dialect === 'postgres') {
        const document = sql.join(
          columns.map((c) => sql`coalesce(${sql.id(c)}, '')`),
          sql` || ' ' || `,
        );
        await sql`create index ${fts} on ${content} using gin (to_tsvector('simple', ${document}))`.execute(
          db,
        );
        continue;
      }
      // Trigger bodies name the NEW/OLD rows, which cannot be quoted identifiers; the names are the constants above.
      const newValues = sql.raw(columns.map((c) => `new.${c}`).join(', '));
      const oldValues = sql.raw(columns.map((c) => `old.${c}`).join(', '));
      await sql`create virtual table ${fts} using fts5(${cols}, content=${sql.lit(table)}, content_rowid='id', tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')`.execute(
        db,
      );
      await sql`create trigger ${sql.id(`${table}_fts_insert`)} after insert on ${content} begin
        insert into ${fts}(rowid, ${cols}) values (new.id, ${newValues}); end`.execute(db);
      await sql`create trigger ${sql.id(`${table}_fts_delete`)} after delete on ${content} begin
        insert into ${fts}(${fts}, rowid, ${cols}) values ('delete', old.id, ${oldValues}); end`.execute(db);
      await sql`create trigger ${sql.id(`${table}_fts_update`)} after update of ${cols} on ${content} begin
        insert into ${fts}(${fts}, rowid, ${cols}) values ('delete', old.id, ${oldValues});
        insert into ${fts}(rowid, ${cols}) values (new.id, ${newValues}); end`.execute(db);
      await sql`insert into ${fts}(${fts}) values ('rebuild')`.execute(db);
    }
  },
};

export const SEARCH_COLUMNS = INDEXED;
