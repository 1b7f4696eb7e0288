// A work's citations in all: `source_citations` holds, for each source, how many episodes cite it and in how many
// shows, over every show, public or not: the sums of migration 0037's counts per show, kept by triggers on them. The
// bench:web generator spreads a popular work over thousands of shows (608,867 (work, show) pairs for 653,385
// citations at a million episodes), so reading 0037's rows per page still read thousands of them for a page citing
// such a work. A visitor's "also cited in" is now this total less what private shows add (few shows, each looked up
// by its key) and less the page's own episode.
import { type Kysely, sql } from 'kysely';
import type { Migration } from './types.ts';

export const citationTotals: Migration = {
  name: '0038-citation-totals',
  async up(db: Kysely<unknown>, dialect): Promise<void> {
    await sql`create table source_citations (
      source_id integer primary key references sources (id) on delete cascade,
      episodes integer not null,
      shows integer not null)`.execute(db);
    if (dialect === 'postgres') {
      await sql`create function source_citations_total() returns trigger language plpgsql as $$
        begin
          if tg_op in ('UPDATE', 'DELETE') then
            update source_citations set episodes = episodes - old.episodes, shows = shows - 1
              where source_id = old.source_id;
            delete from source_citations where source_id = old.source_id and shows <= 0;
          end if;
          if tg_op in ('UPDATE', 'INSERT') then
            insert into source_citations (source_id, episodes, shows) values (new.source_id, new.episodes, 1)
              on conflict (source_id) do update set episodes = source_citations.episodes + excluded.episodes,
                shows = source_citations.shows + 1;
          end if;
          return null;
        end $$`.execute(db);
      await sql`create trigger source_citations_total after insert or update or delete on source_show_citations
        for each row execute function source_citations_total()`.execute(db);
    } else {
      await sql`create trigger source_citations_insert after insert on source_show_citations
        begin
          insert into source_citations (source_id, episodes, shows) values (new.source_id, new.episodes, 1)
            on conflict (source_id) do update set episodes = episodes + excluded.episodes, shows = shows + 1;
        end`.execute(db);
      await sql`create trigger source_citations_update after update of episodes on source_show_citations
        begin
          update source_citations set episodes = episodes - old.episodes + new.episodes
            where source_id = new.source_id;
        end`.execute(db);
      await sql`create trigger source_citations_delete after delete on source_show_citations
        begin
          update source_citations set episodes = episodes - old.episodes, shows = shows - 1
            where source_id = old.source_id;
          delete from source_citations where source_id = old.source_id and shows <= 0;
        end`.execute(db);
    }
    await sql`insert into source_citations (source_id, episodes, shows)
      select source_id, sum(episodes), count(*) from source_show_citations group by source_id`.execute(db);
    if (dialect === 'postgres') await sql`analyze source_citations`.execute(db);
  },
};
