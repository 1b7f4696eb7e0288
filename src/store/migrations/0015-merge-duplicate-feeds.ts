// Before the one feed-URL rule (src/domain/feed-url.ts), the same feed could be stored twice under two spellings
// (`…/feed?` and `…/feed`, `HTTP://Host:80/…`, a credential stripped by one way in and kept by another). Feeds whose
// URLs normalise to the same string are merged into the oldest of them, and every feed's URL is rewritten to the
// rule's spelling (its old spelling kept as an alias, so lookups by it still work).
//
// What a listener had is kept: web follows, sync subscriptions, listening progress, queue entries, episode actions,
// the daily listening tally, URL aliases. The merged show's episodes are matched to the survivor's by guid (progress,
// queue entries, episode actions and transcripts re-pointed to the survivor's episode); unmatched ones move over.
//
// Shared `podcast:guid`s do NOT merge feeds: the guid is whatever a feed declares, so a feed could claim another
// show's guid and absorb its listeners; only URLs that are equal under the rule are certainly the same feed.
//
// Later migrations add columns to `feeds`; this one reads only `id`, `url` and `created_at` and never copies a feed
// row: it re-points the child rows it knows and deletes the duplicate row (the survivor keeps its own settings).
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { FeedUrlError, normalizeFeedUrl } from '../../domain/feed-url.ts';
import type { Migration } from './types.ts';

/** The crawler's job kind for "refresh this feed now", keyed by feed id (src/feed/refresh/crawler.ts). */
const REFRESH_JOB = 'refresh-feed';

interface FeedRow {
  id: number;
  url: string;
}

async function rows<T>(db: Kysely<unknown>, query: RawBuilder<T>): Promise<T[]> {
  return (await query.execute(db)).rows;
}

function ruleSpelling(url: string): string | undefined {
  try {
    return normalizeFeedUrl(url);
  } catch (error) {
    if (error instanceof FeedUrlError) return undefined; // a URL the rule refuses is left alone
    throw error;
  }
}

/** Merges feeds whose URLs are one under the feed-URL rule and respells every feed URL; returns what it did. */
async function mergeDuplicateFeeds(
  db: Kysely<unknown>,
  now: Date,
): Promise<{ merged: number; respelled: number }> {
  const at = now.toISOString();
  const feeds = await rows<FeedRow>(db, sql`select id, url from feeds order by created_at, id`);
  const groups = new Map<string, FeedRow[]>();
  for (const feed of feeds) {
    const spelling = ruleSpelling(feed.url);
    if (spelling === undefined) continue;
    const group = groups.get(spelling);
    if (group === undefined) groups.set(spelling, [{ id: Number(feed.id), url: feed.url }]);
    else group.push({ id: Number(feed.id), url: feed.url });
  }
  let merged = 0;
  let respelled = 0;
  for (const [spelling, [survivor, ...duplicates]] of groups) {
    if (survivor === undefined) continue;
    for (const duplicate of duplicates) {
      await mergeFeed(db, survivor.id, duplicate, at);
      merged++;
    }
    if (survivor.url === spelling) continue;
    // An alias with the new spelling that belongs to another feed (that feed redirected from here): leave it.
    const [owner] = await rows<{ feed_id: number }>(
      db,
      sql`select feed_id from feed_aliases where alias = ${spelling}`,
    );
    if (owner !== undefined && Number(owner.feed_id) !== survivor.id) continue;
    await sql`delete from feed_aliases where alias = ${spelling}`.execute(db);
    await sql`update feeds set url = ${spelling} where id = ${survivor.id}`.execute(db);
    await addAlias(db, survivor.id, survivor.url, at);
    respelled++;
  }
  return { merged, respelled };
}

async function addAlias(db: Kysely<unknown>, feedId: number, alias: string, at: string): Promise<void> {
  await sql`insert into feed_aliases (feed_id, alias, kind, created_at) values (${feedId}, ${alias}, 'other', ${at})
    on conflict (alias) do nothing`.execute(db);
}

/** Moves everything of `duplicate` to feed `survivorId`, then deletes the duplicate feed row. */
async function mergeFeed(
  db: Kysely<unknown>,
  survivorId: number,
  duplicate: FeedRow,
  at: string,
): Promise<void> {
  const dup = duplicate.id;
  await sql`update feed_aliases set feed_id = ${survivorId} where feed_id = ${dup}`.execute(db);
  await sql`insert into follows (user_id, feed_id, followed_at)
    select user_id, cast(${survivorId} as integer), followed_at from follows d where d.feed_id = ${dup}
      and not exists (select 1 from follows s where s.feed_id = ${survivorId} and s.user_id = d.user_id)`.execute(
    db,
  );
  await sql`delete from follows where feed_id = ${dup}`.execute(db);
  await sql`update sync_subscriptions set feed_id = ${survivorId} where feed_id = ${dup}`.execute(db);
  await sql`delete from jobs where kind = ${REFRESH_JOB} and ${sql.ref('key')} = ${String(dup)}`.execute(db);

  const [kept] = await rows<{ id: number }>(db, sql`select id from shows where feed_id = ${survivorId}`);
  const [gone] = await rows<{ id: number }>(db, sql`select id from shows where feed_id = ${dup}`);
  if (gone !== undefined) {
    if (kept === undefined) {
      // The survivor was never fetched: the duplicate's show (and its episodes) simply becomes its show.
      await sql`update shows set feed_id = ${survivorId} where id = ${gone.id}`.execute(db);
    } else {
      await mergeShow(db, Number(kept.id), Number(gone.id));
    }
  }
  await sql`delete from feeds where id = ${dup}`.execute(db);
  await addAlias(db, survivorId, duplicate.url, at);
}

/** Moves show `from`'s episodes and listening into show `into` (matched by guid), then deletes show `from`. */
async function mergeShow(db: Kysely<unknown>, into: number, from: number): Promise<void> {
  const survivors = new Map<string, number>();
  for (const e of await rows<{ id: number; guid: string }>(
    db,
    sql`select id, guid from episodes where show_id = ${into} order by id`,
  )) {
    if (!survivors.has(e.guid)) survivors.set(e.guid, Number(e.id));
  }
  const moving = await rows<{ id: number; guid: string }>(
    db,
    sql`select id, guid from episodes where show_id = ${from} order by id`,
  );
  for (const e of moving) {
    const match = survivors.get(e.guid);
    if (match === undefined) {
      await sql`update episodes set show_id = ${into} where id = ${e.id}`.execute(db);
      survivors.set(e.guid, Number(e.id));
    } else {
      await mergeEpisode(db, match, Number(e.id));
    }
  }
  await sql`insert into listening_daily (show_id, day, seconds)
    select cast(${into} as integer), day, seconds from listening_daily where show_id = ${from}
    on conflict (show_id, day) do update set seconds = listening_daily.seconds + excluded.seconds`.execute(
    db,
  );
  await sql`delete from shows where id = ${from}`.execute(db);
  await sql`update shows set
      episode_count = (select count(*) from episodes where show_id = ${into}),
      latest_episode_at = (select max(sort_key) from episodes where show_id = ${into})
    where id = ${into}`.execute(db);
}

interface ProgressRow {
  user_id: number;
  position_seconds: number;
  played: number;
  played_at: string | null;
  updated_at: string;
}

/** Re-points what listeners have on episode `from` to the same episode `into`, then deletes `from`. */
async function mergeEpisode(db: Kysely<unknown>, into: number, from: number): Promise<void> {
  const theirs = new Map<number, ProgressRow>();
  for (const p of await rows<ProgressRow>(
    db,
    sql`select user_id, position_seconds, played, played_at, updated_at from progress where episode_id = ${into}`,
  )) {
    theirs.set(Number(p.user_id), p);
  }
  for (const p of await rows<ProgressRow>(
    db,
    sql`select user_id, position_seconds, played, played_at, updated_at from progress where episode_id = ${from}`,
  )) {
    const other = theirs.get(Number(p.user_id));
    if (other === undefined) {
      await sql`update progress set episode_id = ${into} where user_id = ${p.user_id} and episode_id = ${from}`.execute(
        db,
      );
      continue;
    }
    // Both copies were listened to: the newer position, and played if either was.
    const newer = p.updated_at > other.updated_at ? p : other;
    const played = Number(p.played) === 1 || Number(other.played) === 1 ? 1 : 0;
    const playedAt = [p.played_at, other.played_at].filter((t): t is string => t !== null).sort()[0] ?? null;
    await sql`update progress set position_seconds = ${newer.position_seconds}, updated_at = ${newer.updated_at},
        played = ${played}, played_at = ${playedAt}
      where user_id = ${p.user_id} and episode_id = ${into}`.execute(db);
  }
  await sql`update queue_entries set episode_id = ${into} where episode_id = ${from}
    and user_id not in (select user_id from queue_entries where episode_id = ${into})`.execute(db);
  await sql`update sync_episode_actions set episode_ref = ${into} where episode_ref = ${from}`.execute(db);
  await sql`update episode_transcripts set episode_id = ${into} where episode_id = ${from}
    and not exists (select 1 from episode_transcripts where episode_id = ${into})`.execute(db);
  // What was not moved (progress and queue entries the survivor already had, credits) goes with the episode.
  await sql`delete from episodes where id = ${from}`.execute(db);
}

export const mergeDuplicateFeedsMigration: Migration = {
  name: '0015-merge-duplicate-feeds',
  async up(db: Kysely<unknown>): Promise<void> {
    await mergeDuplicateFeeds(db, new Date());
  },
};
