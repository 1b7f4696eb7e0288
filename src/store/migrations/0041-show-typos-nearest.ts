// PostgreSQL: the typo stage asks pg_trgm's GiST index for the show titles nearest the words (`<<->`, one minus
// word_similarity), instead of reading every title that holds any of the words' trigrams through the GIN index of
// migration 0017 and ordering them all by word_similarity. Beside a common word ("history", "the"), most of 4,264
// titles held one of its trigrams: 17–20 ms a search whose words matched no show title (searches of a word said in
// transcripts, one in four), every title tested against each trigram with ILIKE and scored; the nearest 50 from GiST
// take 3–4 ms whatever the words (1,002,679 episodes). The same titles come first either way: the order is the same
// measure. Without pg_trgm (0017 could not create it) there is no index to replace, and no typo stage.
import { type Kysely, sql } from 'kysely';
import { quoteIdent } from './0017-search-ranking.ts';
import type { Migration } from './types.ts';

export const showTyposNearest: Migration = {
  name: '0041-show-typos-nearest',
  async up(db: Kysely<unknown>, dialect): Promise<void> {
    if (dialect !== 'postgres') return;
    const { rows } = await sql<{ schema: string }>`select n.nspname as schema from pg_extension e
      join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'
      and exists (select 1 from pg_indexes where indexname = 'shows_title_trgm' and schemaname = current_schema())`.execute(
      db,
    );
    const trgm = rows[0]?.schema;
    if (trgm === undefined) return;
    await sql`drop index shows_title_trgm`.execute(db);
    await sql`create index shows_title_trgm on shows
      using gist (title ${sql.raw(`${quoteIdent(trgm)}.gist_trgm_ops`)})`.execute(db);
  },
};
