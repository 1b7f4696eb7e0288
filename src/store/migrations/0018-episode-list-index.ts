// The show page lists 31 episodes of a show in date order. On SQLite an episode row is several KB (its show notes sit
// among the columns), so each listed episode cost a table page read, past the notes to the columns after them: at a
// million episodes that was a millisecond of CPU a page (issue 13). The listing index now carries the columns an
// episode row shows (see ITEM_COLUMNS in src/store/sql/episodes.ts), so the listing reads a few index pages and no
// table row; it replaces episodes_show_order, whose columns are its prefix. PostgreSQL keeps episodes_show_order:
// its heap rows are small (long notes are TOASTed), and an index entry there is limited to ~2.7 KB, which a long
// title plus long URLs could exceed.
import { type Kysely, sql } from 'kysely';
import type { Migration } from './types.ts';

export const episodeListIndex: Migration = {
  name: '0018-episode-list-index',
  async up(db: Kysely<unknown>, dialect): Promise<void> {
    if (dialect !== 'sqlite') return;
    await sql`create index episodes_show_items on episodes (show_id, sort_key, id, title, published_at,
      duration_seconds, season, episode, episode_type, enclosure_url, enclosure_type, enclosure_length, image_url)`.execute(
      db,
    );
    await sql`drop index episodes_show_order`.execute(db);
  },
};
