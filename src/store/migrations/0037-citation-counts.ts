// How widely a work is cited, kept as counts: `source_show_citations` holds, for each source and each show citing it,
// how many of the show's episodes cite it (an episode listing a work twice counts once). The episode page's "also
// cited in N other episodes in M shows" counted every citation of each of its works (migration 0034's index, one
// entry per citing episode): 0.87 ms of the page's 0.96 ms statement on SQLite at a million episodes on average,
// 2.3 ms for a page citing works, since a work cited thousands of times was counted entry by entry on every visit.
// Now a work costs one row per show citing it. Kept in step by triggers on `episode_citations`, so every way a
// citation goes (an episode's notes rewritten, an episode, show or source deleted through the cascades) counts.
// The triggers check for another entry of the same episode and work: SQLite runs a row's AFTER trigger as soon as
// the row is written, so the entry itself is excluded on insert and already gone on delete; PostgreSQL runs AFTER
// row triggers at the end of the statement, when a statement's other rows are all written, so its triggers run
// BEFORE each row, when they see the rows of the statement written so far and not the row itself.
import { type Kysely, sql } from 'kysely';
import type { Migration } from './types.ts';

export const citationCounts: Migration = {
  name: '0037-citation-counts',
  async up(db: Kysely<unknown>, dialect): Promise<void> {
    await sql`create table source_show_citations (
      source_id integer not null references sources (id) on delete cascade,
      show_id integer not null references shows (id) on delete cascade,
      episodes integer not null,
      primary key (source_id, show_id))`.execute(db);
    await sql`create index source_show_citations_show on source_show_citations (show_id)`.execute(db);
    if (dialect === 'postgres') {
      await sql`create function source_show_citations_count() returns trigger language plpgsql as $$
        begin
          if tg_op = 'INSERT' then
            if new.show_id is not null and not exists (select 1 from episode_citations o
                where o.episode_id = new.episode_id and o.source_id = new.source_id) then
              insert into source_show_citations (source_id, show_id, episodes) values (new.source_id, new.show_id, 1)
                on conflict (source_id, show_id) do update set episodes = source_show_citations.episodes + 1;
            end if;
            return new;
          end if;
          if old.show_id is not null and not exists (select 1 from episode_citations o
              where o.episode_id = old.episode_id and o.source_id = old.source_id and o.position <> old.position) then
            update source_show_citations set episodes = episodes - 1
              where source_id = old.source_id and show_id = old.show_id;
            delete from source_show_citations
              where source_id = old.source_id and show_id = old.show_id and episodes <= 0;
          end if;
          return old;
        end $$`.execute(db);
      await sql`create trigger source_show_citations_count before insert or delete on episode_citations
        for each row execute function source_show_citations_count()`.execute(db);
    } else {
      await sql`create trigger source_show_citations_insert after insert on episode_citations
        when new.show_id is not null and not exists (select 1 from episode_citations o
          where o.episode_id = new.episode_id and o.source_id = new.source_id and o.position <> new.position)
        begin
          insert into source_show_citations (source_id, show_id, episodes) values (new.source_id, new.show_id, 1)
            on conflict (source_id, show_id) do update set episodes = episodes + 1;
        end`.execute(db);
      await sql`create trigger source_show_citations_delete after delete on episode_citations
        when old.show_id is not null and not exists (select 1 from episode_citations o
          where o.episode_id = old.episode_id and o.source_id = old.source_id)
        begin
          update source_show_citations set episodes = episodes - 1
            where source_id = old.source_id and show_id = old.show_id;
          delete from source_show_citations
            where source_id = old.source_id and show_id = old.show_id and episodes <= 0;
        end`.execute(db);
    }
    await sql`insert into source_show_citations (source_id, show_id, episodes)
      select source_id, show_id, count(distinct episode_id) from episode_citations
      where show_id is not null group by source_id, show_id`.execute(db);
    if (dialect === 'postgres') await sql`analyze source_show_citations`.execute(db);
  },
};
