// SQLite: the shows stage of a search ranks up to 400 matching shows by their title, latest episode and followers
// (sql/search.ts, `tieBreakers`). Read through the table, each is a show row (about 1 KB, on a page of its own among
// the JSON columns), and a search reading hundreds of episode and index pages has pushed those pages out of the 8 MiB
// page cache, so each is read from the operating system again. An index holding what the ranking reads (as
// `episodes_rank` does for episodes, migration 0017) is about 300 KB for 4,264 shows: the statement went from 1.4 to
// 0.6 ms a search at 1,002,679 episodes (`bench/lib/search-profile.ts … --statements`, one word). PostgreSQL reads the
// shows from its buffers and needs nothing of the kind.
import { type Kysely, sql } from 'kysely';
import type { Migration } from './types.ts';

export const showRank: Migration = {
  name: '0042-show-rank',
  async up(db: Kysely<unknown>, dialect): Promise<void> {
    if (dialect !== 'sqlite') return;
    await sql`create index shows_rank on shows (id, title, latest_episode_at, feed_id)`.execute(db);
  },
};
