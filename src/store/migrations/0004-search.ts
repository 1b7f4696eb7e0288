// Full-text search over shows, episodes and people: SQLite FTS5 external-content tables kept in step by triggers;
// PostgreSQL GIN expression indexes over to_tsvector('simple', …) (no extra columns, nothing to keep in step).
import { type Kysely, sql } from 'kysely';
import { createContentFts } from './fts.ts';
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
      await createContentFts(db, {
        name: `${table}_fts`,
        content: table,
        columns,
        tokenize: 'porter unicode61 remove_diacritics 2',
        prefix: '2 3',
      });
    }
  },
};

export const SEARCH_COLUMNS = INDEXED;
