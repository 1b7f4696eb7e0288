// Sources in search (issue 16, section 3): each source's reference line as it was written (its citation's `text`:
// authors, title, container, date, as the show notes give them) in a column of its own, indexed for words.
// SQLite: an FTS5 external-content index over it (porter + unicode61, as the episodes'); PostgreSQL: a GIN index over
// `to_tsvector('simple', …)`, the expression `src/store/sql/sources.ts` searches with.
import { type Kysely, sql } from 'kysely';
import { createContentFts } from './fts.ts';
import type { Migration, SqlDialect } from './types.ts';

export const sourceSearch: Migration = {
  name: '0028-source-search',
  async up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
    await sql`alter table sources add column search_text text not null default ''`.execute(db);
    if (dialect === 'sqlite') {
      await sql`update sources set search_text = coalesce(json_extract(citation_json, '$.text'), '')`.execute(
        db,
      );
      await createContentFts(db, {
        name: 'sources_fts',
        content: 'sources',
        columns: ['search_text'],
        tokenize: 'porter unicode61 remove_diacritics 2',
        prefix: '2 3 4 5 6',
      });
    } else {
      await sql`update sources set search_text = coalesce(citation_json::json->>'text', '')`.execute(db);
      await sql`create index sources_search on sources using gin (to_tsvector('simple', search_text))`.execute(
        db,
      );
    }
  },
};
