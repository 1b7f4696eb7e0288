// "Also cited in N other episodes in M shows" (an episode's sources, a source's page, the sources in search) counted
// every citation of a work through its episode's row for the show: at a million episodes, with a work cited 13,097
// times, that was 2.7 ms of SQLite CPU per episode page on average and 30 ms for an episode citing that work, every
// citation a random read of an episodes row. A citation now carries its episode's show (episodes never move between
// shows), and one index, (source_id, show_id, episode_id), answers the counts without reading an episode; only the
// shows' visibility is looked up, a few thousand hot rows. Written by SourceRepository.replaceForEpisodes. At 1M
// episodes: the episode page's CPU 4.9 → 2.0 ms on SQLite, 1.7 + 4.7 → 1.1 + 1.3 ms on PostgreSQL (after
// `vacuum analyze episode_citations`, docs/deploy.md: the backfill leaves every row to be vacuumed).
import { type Kysely, sql } from 'kysely';
import type { Migration } from './types.ts';

export const citationShows: Migration = {
  name: '0034-citation-shows',
  async up(db: Kysely<unknown>, dialect): Promise<void> {
    await db.schema.alterTable('episode_citations').addColumn('show_id', 'integer').execute();
    if (dialect === 'postgres')
      await sql`update episode_citations c set show_id = e.show_id from episodes e where e.id = c.episode_id`.execute(
        db,
      );
    else
      await sql`update episode_citations set show_id = (select e.show_id from episodes e
        where e.id = episode_citations.episode_id)`.execute(db);
    await db.schema
      .createIndex('episode_citations_reach')
      .on('episode_citations')
      .columns(['source_id', 'show_id', 'episode_id'])
      .execute();
    await db.schema.dropIndex('episode_citations_source').execute();
  },
};
