// Prefix indexes for 2–6 characters on every SQLite FTS5 table (0004 and 0006 had 2 and 3). FTS5 answers a prefix
// query longer than its prefix indexes by merging the whole doclist of every word it covers (≈10 ms for "hist" on
// 100,000 episodes); with a prefix index it streams newest first and stops at the LIMIT (≈0.2 ms). The tables are
// recreated with the same columns and tokenizer and rebuilt from their content tables; the triggers of 0004/0006 name
// the tables and keep working. PostgreSQL (GIN over to_tsvector, `:*` prefix queries) needs nothing.
import { type Kysely, sql } from 'kysely';
import type { Migration, SqlDialect } from './types.ts';

const TABLES = [
  { fts: 'shows_fts', content: 'shows', rowid: 'id', columns: ['title', 'author', 'description'] },
  { fts: 'episodes_fts', content: 'episodes', rowid: 'id', columns: ['title', 'description'] },
  { fts: 'people_fts', content: 'people', rowid: 'id', columns: ['name'] },
  { fts: 'episode_transcripts_fts', content: 'episode_transcripts', rowid: 'episode_id', columns: ['text'] },
] as const;

export const searchPrefixes: Migration = {
  name: '0007-search-prefixes',
  async up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
    if (dialect === 'postgres') return;
    for (const { fts, content, rowid, columns } of TABLES) {
      await sql`drop table ${sql.id(fts)}`.execute(db);
      await sql`create virtual table ${sql.id(fts)} using fts5(${sql.join(columns.map((c) => sql.id(c)))},
        content=${sql.lit(content)}, content_rowid=${sql.lit(rowid)},
        tokenize='porter unicode61 remove_diacritics 2', prefix='2 3 4 5 6')`.execute(db);
      await sql`insert into ${sql.id(fts)}(${sql.id(fts)}) values ('rebuild')`.execute(db);
    }
  },
};
