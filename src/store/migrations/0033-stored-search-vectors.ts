// PostgreSQL: transcripts and sources are searched through vectors stored beside their text, as episodes' are
// (migration 0017's `episode_search`), not through indexes over `to_tsvector(text)`. With only the expression
// indexes, every row a lookup touched had its vector computed again from the text: when the planner walked the ids
// backwards (a common word), or rechecked the GIN index's matches (a prefix, the word being typed), or scanned the
// table (a word in most transcripts) — 7.7 s for one word said in 80 % of 10,190 transcripts, 270 ms for a prefix
// in 14,639 reference lines, on the bench:web catalogue of 100,000 episodes. A stored, generated column is computed
// once per write. SQLite's FTS5 indexes hold their own copy of the words already.
import { type Kysely, sql } from 'kysely';
import type { Migration } from './types.ts';

export const storedSearchVectors: Migration = {
  name: '0033-stored-search-vectors',
  async up(db: Kysely<unknown>, dialect): Promise<void> {
    if (dialect !== 'postgres') return;
    await sql`alter table episode_transcripts add column search tsvector
      generated always as (to_tsvector('simple', text)) stored`.execute(db);
    await sql`drop index episode_transcripts_fts`.execute(db);
    await sql`create index episode_transcripts_search on episode_transcripts using gin (search)`.execute(db);
    await sql`alter table sources add column search tsvector
      generated always as (to_tsvector('simple', search_text)) stored`.execute(db);
    await sql`drop index sources_search`.execute(db);
    await sql`create index sources_search on sources using gin (search)`.execute(db);
    await sql`analyze episode_transcripts`.execute(db);
    await sql`analyze sources`.execute(db);
  },
};
