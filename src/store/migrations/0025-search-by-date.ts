// Episode titles searched newest first by publication date (issue 13): the title stage of a search
// (src/store/sql/search.ts) reads the matches of its words in date order and stops once the page's first relevance
// band is full, instead of ranking the newest 400 ids (crawl order, not date order) of a common word.
//
// SQLite: a contentless FTS5 index of episode titles whose rowid is a date key, (publication minute × 2^35) + id, so
// that FTS5's own rowid order is date order and the id is the key's low 35 bits (ids below 34 billion); minutes are
// clamped to ±2^27 (≈ 1715–2225) and a missing or unreadable date sorts as the oldest. It replaces 0017's
// `episodes_title_fts` (same tokenizer and prefix indexes), whose triggers are dropped with it.
//
// PostgreSQL: `episode_search` (0017) gets a copy of `published_at` (ISO text, which sorts as time; '' when missing,
// the oldest) and an index (published_at desc, id desc): the title stage walks it newest first, testing each row's
// stored title vector, and stops at its limit; for rare words the planner reads the GIN index and sorts the few
// matches instead.
import { type Kysely, sql } from 'kysely';
import type { Migration } from './types.ts';

/** The episode id in a date key of SQLite's `episodes_title_by_date`: its low 35 bits. */
export const DATE_KEY_ID_MASK = 34359738367;

/** The date key of SQLite's `episodes_title_by_date` for an episode row (`new`, `old`, or `e` in the rebuild). */
function sqliteDateKey(row: 'new' | 'old' | 'e'): string {
  return `(min(max(coalesce(cast(strftime('%s', ${row}.published_at) as integer) / 60, -134217728), -134217728),
    134217727) * 34359738368 + ${row}.id)`;
}

export const searchByDate: Migration = {
  name: '0025-search-by-date',
  async up(db: Kysely<unknown>, dialect): Promise<void> {
    if (dialect === 'sqlite') {
      for (const trigger of ['insert', 'delete', 'update'])
        await sql`drop trigger ${sql.id(`episodes_title_fts_${trigger}`)}`.execute(db);
      await sql`drop table episodes_title_fts`.execute(db);
      await sql`create virtual table episodes_title_by_date using fts5(title, content='', contentless_delete=1,
        tokenize='porter unicode61 remove_diacritics 2', prefix='2 3 4 5 6')`.execute(db);
      const key = { new: sql.raw(sqliteDateKey('new')), old: sql.raw(sqliteDateKey('old')) };
      await sql`create trigger episodes_title_by_date_insert after insert on episodes begin
        insert into episodes_title_by_date (rowid, title) values (${key.new}, new.title); end`.execute(db);
      await sql`create trigger episodes_title_by_date_delete after delete on episodes begin
        delete from episodes_title_by_date where rowid = ${key.old}; end`.execute(db);
      await sql`create trigger episodes_title_by_date_update after update of title, published_at on episodes begin
        delete from episodes_title_by_date where rowid = ${key.old};
        insert into episodes_title_by_date (rowid, title) values (${key.new}, new.title); end`.execute(db);
      await sql`insert into episodes_title_by_date (rowid, title)
        select ${sql.raw(sqliteDateKey('e'))}, e.title from episodes e`.execute(db);
      return;
    }
    await sql`alter table episode_search add column published_at text not null default ''`.execute(db);
    await sql`update episode_search s set published_at = e.published_at from episodes e
      where e.id = s.id and e.published_at is not null`.execute(db);
    await sql`create or replace function episode_search_sync() returns trigger language plpgsql as $$
      begin
        insert into episode_search (id, title, body, published_at)
          values (new.id, to_tsvector('simple', coalesce(new.title, '')),
            to_tsvector('simple', coalesce(new.title, '') || ' ' || coalesce(new.description, '')),
            coalesce(new.published_at, ''))
          on conflict (id) do update set title = excluded.title, body = excluded.body,
            published_at = excluded.published_at;
        return null;
      end $$`.execute(db);
    await sql`drop trigger episode_search_update on episodes`.execute(db);
    await sql`create trigger episode_search_update after update of title, description, published_at on episodes
      for each row execute function episode_search_sync()`.execute(db);
    await sql`create index episode_search_recent on episode_search (published_at desc, id desc)`.execute(db);
    await sql`analyze episode_search`.execute(db);
  },
};
