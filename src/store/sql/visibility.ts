// Which shows an audience may see, as one SQL condition on the shows table: `is_public` (a column of the row already
// read) for everyone, plus — for a signed-in listener — the feeds they follow or subscribe to from a phone (two small
// per-listener subqueries, evaluated once per statement, not per row). Admins see everything.
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Audience } from '../ports.ts';

export function visibleShows(audience: Audience | undefined, table = 'shows'): RawBuilder<SqlBool> {
  // No audience (the crawler, the CLI) or an admin: every show.
  if (audience === undefined || audience.isAdmin === true) return sql<SqlBool>`1 = 1`;
  const isPublic = sql.ref(`${table}.is_public`);
  if (audience.userId === undefined) return sql<SqlBool>`${isPublic} = 1`;
  const feedId = sql.ref(`${table}.feed_id`);
  const user = audience.userId;
  return sql<SqlBool>`(${isPublic} = 1
    or ${feedId} in (select f.feed_id from follows f where f.user_id = ${user})
    or ${feedId} in (select s.feed_id from sync_subscriptions s where s.user_id = ${user} and s.subscribed = 1))`;
}
