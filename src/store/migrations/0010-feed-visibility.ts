// Feeds get a visibility (issue 12, finding 2). Until now every URL a listener uploaded through sync or OPML became a
// public catalogue show, its URL — premium feeds carry the listener's token or `user:pass@` in it — on public pages.
// `feeds.is_public` is the truth; `shows.is_public` is a copy, so that lists and search filter on one column of the
// table they already read, never a join per row.
//
// Existing feeds: the store cannot tell which an admin added and which arrived through a phone, and an operator
// upgrading expects the catalogue people browse today to stay as it is. So existing feeds stay public, except those
// whose URL carries credentials (`user:pass@`, a token-like query parameter or path segment: `feedUrlHasSecret`),
// which become private at once; an admin can publish any of them again. New feeds get their visibility from who adds
// them (see FeedRepository.add).
import { type Kysely, sql } from 'kysely';
import { feedUrlHasSecret } from '../../domain/feed.ts';
import type { Migration } from './types.ts';

export const feedVisibility: Migration = {
  name: '0010-feed-visibility',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('feeds')
      .addColumn('is_public', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await db.schema
      .alterTable('shows')
      .addColumn('is_public', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    const { rows } = await sql<{ id: number; url: string }>`select id, url from feeds`.execute(db);
    const secret = rows.filter((r) => feedUrlHasSecret(r.url)).map((r) => Number(r.id));
    for (let i = 0; i < secret.length; i += 500) {
      const ids = sql.join(secret.slice(i, i + 500));
      await sql`update feeds set is_public = 0 where id in (${ids})`.execute(db);
      await sql`update shows set is_public = 0 where feed_id in (${ids})`.execute(db);
    }
  },
};
