// PostgreSQL: shows are searched through their words stored in a side table, `show_search` (the title, and title +
// author + description), kept in step by a trigger, as episodes' are (migration 0017's `episode_search`), not through
// 0004's and 0017's indexes over `to_tsvector(…)`. With the expression indexes every show a lookup touched had its
// vector computed again from its text — when the planner walked the ids backwards (a common word) or rechecked the
// GIN index's matches: 23–50 µs a show with real descriptions, 8–20 ms for one word pair over the 4,264 shows of the
// bench:web catalogue, on every first page of results. A side table, not generated columns on `shows`: every read of
// a show row (pages, feeds, the crawler) would carry the vectors. SQLite's FTS5 indexes hold their own copy already.
import { type Kysely, sql } from 'kysely';
import type { Migration } from './types.ts';

export const showSearch: Migration = {
  name: '0036-show-search',
  async up(db: Kysely<unknown>, dialect): Promise<void> {
    if (dialect !== 'postgres') return;
    await sql`create table show_search (
      id integer primary key references shows (id) on delete cascade,
      title tsvector not null,
      body tsvector not null)`.execute(db);
    await sql`create function show_search_sync() returns trigger language plpgsql as $$
      begin
        insert into show_search (id, title, body)
          values (new.id, to_tsvector('simple', coalesce(new.title, '')),
            to_tsvector('simple', coalesce(new.title, '') || ' ' || coalesce(new.author, '') || ' ' ||
              coalesce(new.description, '')))
          on conflict (id) do update set title = excluded.title, body = excluded.body;
        return null;
      end $$`.execute(db);
    await sql`create trigger show_search_insert after insert on shows
      for each row execute function show_search_sync()`.execute(db);
    await sql`create trigger show_search_update after update of title, author, description on shows
      for each row execute function show_search_sync()`.execute(db);
    await sql`insert into show_search (id, title, body)
      select id, to_tsvector('simple', coalesce(title, '')),
        to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(author, '') || ' ' || coalesce(description, ''))
      from shows`.execute(db);
    await sql`create index show_search_title on show_search using gin (title)`.execute(db);
    await sql`create index show_search_body on show_search using gin (body)`.execute(db);
    await sql`drop index shows_fts`.execute(db);
    await sql`drop index shows_title_fts`.execute(db);
    await sql`analyze show_search`.execute(db);
  },
};
