// PostgreSQL: every word of the searchable text in one list, `search_words`, so that the word being typed (the last
// word of a search, looked up as a prefix) is searched as the words it begins, not as a GIN partial match. A partial
// match reads the whole posting list of every word the prefix covers before the other words can narrow anything:
// "dog journalist mus…" read every title holding "music" (138,401 at 1,000,000 episodes), 63 ms for the title stage
// where the three whole words take 5 ms. As `'dog' & 'journalist' & ('music' | 'musical' | …)` the index walks from
// its rarest word (src/store/sql/pg-words.ts).
//
// The list is filled by triggers on every table whose words are searched: the stored vectors of episodes and shows
// (migrations 0017, 0036: their bodies hold the titles too), transcripts and sources (0033), and people's names. It
// only grows: a word no text holds any more is looked up for nothing, never wrongly. No unique index, on purpose:
// two writers adding the same new word at once would otherwise wait for each other's commit, and two feeds refreshed
// together could deadlock over two new words; here each adds the words it does not see, and a word added twice is
// read once (`distinct`). SQLite's FTS5 indexes keep prefix indexes of their own (migration 0007).
import { type Kysely, sql } from 'kysely';
import type { Migration } from './types.ts';

/** Each searched table, the expression of its words for the trigger, and the columns whose change re-reads them. */
const SOURCES = [
  { table: 'episode_search', vector: 'new.body', columns: ['title', 'body'] },
  { table: 'show_search', vector: 'new.body', columns: ['title', 'body'] },
  { table: 'episode_transcripts', vector: 'new.search', columns: ['text'] },
  { table: 'sources', vector: 'new.search', columns: ['search_text'] },
  { table: 'people', vector: `to_tsvector('simple', coalesce(new.name, ''))`, columns: ['name'] },
] as const;

/** Every word of the searched tables, read from their vectors (10.2 s at 1,000,000 episodes), into the empty list. */
export const FILL_SEARCH_WORDS = `insert into search_words (word)
  select word from ts_stat('select body from episode_search')
  union select word from ts_stat('select body from show_search')
  union select word from ts_stat('select search from episode_transcripts')
  union select word from ts_stat('select search from sources')
  union select word from ts_stat('select to_tsvector(''simple'', coalesce(name, '''')) from people')`;

export const searchWords: Migration = {
  name: '0039-search-words',
  async up(db: Kysely<unknown>, dialect): Promise<void> {
    if (dialect !== 'postgres') return;
    // "C": byte order, so that `like 'mus%'` reads one range of the index whatever the database's collation.
    await sql`create table search_words (word text collate "C" not null)`.execute(db);
    for (const { table, vector, columns } of SOURCES) {
      const fn = sql.id(`${table}_words`);
      // EXECUTE: planned afresh on every call, for the list as it is now. A plan kept by PL/pgSQL (or by a SQL
      // function, from PostgreSQL 18) would be the one made while the list was empty: a scan of the whole list for
      // every word once it has grown (30 ms an episode, measured).
      await sql`create function ${fn}() returns trigger language plpgsql as ${sql.raw(`$$ begin
        execute 'insert into search_words (word) select distinct w from unnest($1) w
          where not exists (select 1 from search_words s where s.word = w)' using tsvector_to_array(${vector});
        return null; end $$`)}`.execute(db);
      await sql`create trigger ${sql.id(`${table}_words`)} after insert or update of ${sql.join(
        columns.map((c) => sql.id(c)),
      )} on ${sql.id(table)} for each row execute function ${fn}()`.execute(db);
    }
    await sql.raw(FILL_SEARCH_WORDS).execute(db);
    await sql`create index search_words_word on search_words (word)`.execute(db);
    await sql`analyze search_words`.execute(db);
  },
};
