import { type Kysely, type Selectable, sql } from 'kysely';
import type { Feed, FeedAlias, FeedAliasKind, FetchOutcome, ScheduleInputs } from '../../domain/feed.ts';
import type { ShowContent } from '../../domain/show.ts';
import type { FeedProblem } from '../../feed/parse/types.ts';
import { StoreError } from '../errors.ts';
import type { SqlDialect } from '../migrations/index.ts';
import type { FeedListing, FeedRepository, ScheduleHistory } from '../ports.ts';
import type { InTransaction } from './episodes.ts';
import { chunks, compact, fromFlag, fromJson, iso, toJson } from './rows.ts';
import type { Database, FeedsTable } from './schema.ts';

type FeedRow = Selectable<FeedsTable>;

function toFeed(row: FeedRow): Feed {
  return compact<Feed>({
    id: row.id,
    url: row.url,
    status: row.status,
    createdAt: row.created_at,
    etag: row.etag,
    lastModified: row.last_modified,
    bodyHash: row.body_hash,
    lastFetchAt: row.last_fetch_at,
    lastSuccessAt: row.last_success_at,
    nextCheckAt: row.next_check_at,
    errorStreak: row.error_streak,
    lastErrorCode: row.last_error_code,
    lastErrorMessage: row.last_error_message,
    lastErrorAt: row.last_error_at,
    httpStatus: row.http_status,
    fetchCount: row.fetch_count,
    notModifiedCount: row.not_modified_count,
    problems: fromJson<FeedProblem[]>(row.problems_json),
    retryAfterUntil: row.retry_after_until,
    // `?? null`: a database migrated only part-way (a test of an older migration) has no such column yet.
    schedule: fromJson<ScheduleInputs>(row.schedule_json ?? null),
  });
}

export class SqlFeedRepository implements FeedRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly inTransaction: InTransaction,
    private readonly dialect: SqlDialect,
  ) {}

  async add(url: string, now: Date): Promise<{ feed: Feed; created: boolean }> {
    const existing = await this.findByUrl(url);
    if (existing !== undefined) return { feed: existing, created: false };
    const row = await this.db
      .insertInto('feeds')
      .values({ url, status: 'active', created_at: iso(now), next_check_at: iso(now) })
      .onConflict((oc) => oc.column('url').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row !== undefined) return { feed: toFeed(row), created: true };
    // Lost a race with another writer adding the same URL.
    const raced = await this.findByUrl(url);
    if (raced === undefined) throw new StoreError('conflict', `feed ${url} could not be added`);
    return { feed: raced, created: false };
  }

  async get(id: number): Promise<Feed | undefined> {
    const row = await this.db.selectFrom('feeds').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toFeed(row);
  }

  async getMany(ids: readonly number[]): Promise<Feed[]> {
    const out: Feed[] = [];
    for (const batch of chunks(ids, 500)) {
      const rows = await this.db.selectFrom('feeds').selectAll().where('id', 'in', batch).execute();
      for (const row of rows) out.push(toFeed(row));
    }
    return out;
  }

  async findByUrl(urlOrAlias: string): Promise<Feed | undefined> {
    const direct = await this.db
      .selectFrom('feeds')
      .selectAll()
      .where('url', '=', urlOrAlias)
      .executeTakeFirst();
    if (direct !== undefined) return toFeed(direct);
    const viaAlias = await this.db
      .selectFrom('feed_aliases')
      .innerJoin('feeds', 'feeds.id', 'feed_aliases.feed_id')
      .selectAll('feeds')
      .where('feed_aliases.alias', '=', urlOrAlias)
      .executeTakeFirst();
    return viaAlias && toFeed(viaAlias);
  }

  async addAlias(feedId: number, alias: string, kind: FeedAliasKind, now: Date): Promise<boolean> {
    const owner = await this.findByUrl(alias);
    if (owner !== undefined) return owner.id === feedId && owner.url !== alias;
    const inserted = await this.db
      .insertInto('feed_aliases')
      .values({ feed_id: feedId, alias, kind, created_at: iso(now) })
      .onConflict((oc) => oc.column('alias').doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async aliases(feedId: number): Promise<FeedAlias[]> {
    const rows = await this.db
      .selectFrom('feed_aliases')
      .selectAll()
      .where('feed_id', '=', feedId)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ feedId: r.feed_id, alias: r.alias, kind: r.kind, createdAt: r.created_at }));
  }

  async moveUrl(feedId: number, newUrl: string, kind: FeedAliasKind, now: Date): Promise<Feed> {
    const feed = await this.get(feedId);
    if (feed === undefined) throw new StoreError('not-found', `no feed ${feedId}`);
    if (feed.url === newUrl) return feed;
    const owner = await this.findByUrl(newUrl);
    if (owner !== undefined && owner.id !== feedId) {
      throw new StoreError('conflict', `${newUrl} already belongs to feed ${owner.id}`);
    }
    // The new URL stops being an alias (it is the URL now); the old one becomes one.
    await this.inTransaction(async (db) => {
      await db.deleteFrom('feed_aliases').where('alias', '=', newUrl).execute();
      await db.updateTable('feeds').set({ url: newUrl }).where('id', '=', feedId).execute();
      await db
        .insertInto('feed_aliases')
        .values({ feed_id: feedId, alias: feed.url, kind, created_at: iso(now) })
        .execute();
    });
    return { ...feed, url: newUrl };
  }

  async list(options: { limit?: number; offset?: number } = {}): Promise<FeedListing[]> {
    const rows = await this.db
      .selectFrom('feeds')
      .leftJoin('shows', 'shows.feed_id', 'feeds.id')
      .selectAll('feeds')
      .select([
        'shows.id as show_id',
        'shows.title as show_title',
        'shows.episode_count as show_episode_count',
      ])
      .orderBy('feeds.url')
      .limit(options.limit ?? 1000)
      .offset(options.offset ?? 0)
      .execute();
    return rows.map((row) =>
      compact<FeedListing>({
        feed: toFeed(row),
        showId: row.show_id,
        showTitle: row.show_title,
        episodeCount: row.show_episode_count ?? 0,
      }),
    );
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('feeds')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async due(now: Date, limit: number): Promise<Feed[]> {
    const rows = await this.db
      .selectFrom('feeds')
      .selectAll()
      .where('id', 'in', this.dueIds(now, limit))
      .orderBy('next_check_at')
      .orderBy('id')
      .execute();
    return rows.map(toFeed);
  }

  async leaseDue(now: Date, limit: number, until: Date): Promise<Feed[]> {
    const due = this.dueIds(now, limit);
    const rows = await this.db
      .updateTable('feeds')
      .set({ next_check_at: iso(until) })
      // SQLite runs one UPDATE at a time (the statement is atomic); PostgreSQL needs the row locks.
      .where('id', 'in', this.dialect === 'postgres' ? due.forUpdate().skipLocked() : due)
      .returningAll()
      .execute();
    return rows.map(toFeed);
  }

  /** The ids of the `limit` most overdue due feeds (the one definition of "due", on the next_check_at index). */
  private dueIds(now: Date, limit: number) {
    const at = iso(now);
    return this.db
      .selectFrom('feeds')
      .select('id')
      .where('status', '!=', 'gone')
      .where('next_check_at', '<=', at)
      .where((eb) => eb.or([eb('retry_after_until', 'is', null), eb('retry_after_until', '<=', at)]))
      .orderBy('next_check_at')
      .orderBy('id')
      .limit(limit);
  }

  async recordFetch(feedId: number, outcome: FetchOutcome): Promise<Feed> {
    const { rows } = await this.fetchUpdate(this.db, feedId, outcome, true);
    const row = rows[0];
    if (row === undefined) throw new StoreError('not-found', `no feed ${feedId}`);
    return toFeed(row);
  }

  async recordFetches(records: readonly { feedId: number; outcome: FetchOutcome }[]): Promise<void> {
    if (records.length === 0) return;
    await this.inTransaction(async (db) => {
      for (const { feedId, outcome } of records) await this.fetchUpdate(db, feedId, outcome, false);
    });
  }

  /**
   * The one UPDATE that records a fetch (see FeedRepository.recordFetch for what it sets). Written as one fixed
   * statement per outcome kind — optional values through `coalesce` — rather than with the query builder: it runs for
   * every feed the crawler fetches, and building the query cost more than running it.
   */
  private fetchUpdate(db: Kysely<Database>, feedId: number, outcome: FetchOutcome, returning: boolean) {
    const at = iso(outcome.at);
    const next = iso(outcome.nextCheckAt);
    const httpStatus = outcome.httpStatus ?? null;
    const schedule = outcome.schedule === undefined ? null : toJson(outcome.schedule);
    const ret = returning ? sql` returning *` : sql``;
    if (outcome.kind === 'error') {
      return sql<FeedRow>`update feeds set last_fetch_at = ${at}, fetch_count = fetch_count + 1,
        next_check_at = ${next}, status = case when status = 'gone' then status else 'failing' end,
        http_status = coalesce(${httpStatus}, http_status), schedule_json = coalesce(${schedule}, schedule_json),
        error_streak = error_streak + 1, last_error_code = ${outcome.code},
        last_error_message = ${outcome.message}, last_error_at = ${at},
        retry_after_until = ${outcome.retryAfterUntil === undefined ? null : iso(outcome.retryAfterUntil)}
        where id = ${feedId}${ret}`.execute(db);
    }
    // A 304 keeps the stored problems; an `ok` without problems given keeps them too.
    const problems = outcome.kind === 'ok' ? outcome.problems : undefined;
    const problemsJson = problems === undefined || problems.length === 0 ? null : toJson(problems);
    return sql<FeedRow>`update feeds set last_fetch_at = ${at}, fetch_count = fetch_count + 1,
      next_check_at = ${next}, status = case when status = 'gone' then status else 'active' end,
      http_status = coalesce(${httpStatus}, http_status), schedule_json = coalesce(${schedule}, schedule_json),
      error_streak = 0, last_success_at = ${at}, retry_after_until = null,
      not_modified_count = not_modified_count + ${outcome.kind === 'not-modified' ? 1 : 0},
      etag = coalesce(${outcome.etag ?? null}, etag),
      last_modified = coalesce(${outcome.lastModified ?? null}, last_modified),
      body_hash = coalesce(${outcome.bodyHash ?? null}, body_hash),
      problems_json = case when ${problems === undefined ? 0 : 1} = 1 then ${problemsJson} else problems_json end
      where id = ${feedId}${ret}`.execute(db);
  }

  async markGone(feedId: number, at: Date, httpStatus?: number): Promise<Feed> {
    const row = await this.db
      .updateTable('feeds')
      .set((eb) => ({
        status: 'gone' as const,
        next_check_at: null,
        last_fetch_at: iso(at),
        fetch_count: eb('fetch_count', '+', 1),
        http_status: httpStatus ?? null,
      }))
      .where('id', '=', feedId)
      .returningAll()
      .executeTakeFirst();
    if (row === undefined) throw new StoreError('not-found', `no feed ${feedId}`);
    return toFeed(row);
  }

  async scheduleHistory(feedId: number, limit: number): Promise<ScheduleHistory | undefined> {
    const { rows } = await sql<{
      extras_json: string | null;
      complete: number | null;
      update_frequency_json: string | null;
      sort_key: string | null;
      published_at: string | null;
    }>`select s.extras_json, s.complete, s.update_frequency_json, e.sort_key, e.published_at
      from shows s left join episodes e on e.id in
        (select id from episodes where show_id = s.id order by sort_key desc, id desc limit ${limit})
      where s.feed_id = ${feedId}
      order by e.sort_key desc, e.id desc`.execute(this.db);
    const first = rows[0];
    if (first === undefined) return undefined;
    const extras = fromJson<Partial<ShowContent>>(first.extras_json) ?? {};
    return compact<ScheduleHistory>({
      ttlMinutes: extras.ttlMinutes,
      skipHours: extras.skipHours,
      skipDays: extras.skipDays,
      updateFrequency: fromJson(first.update_frequency_json),
      complete: fromFlag(first.complete),
      publishDates: rows.flatMap((r) => (r.published_at === null || r.sort_key === null ? [] : [r.sort_key])),
    });
  }

  async setNextCheck(feedId: number | readonly number[], at: Date): Promise<void> {
    const ids = typeof feedId === 'number' ? [feedId] : feedId;
    for (const batch of chunks(ids, 500)) {
      await this.db
        .updateTable('feeds')
        .set({ next_check_at: iso(at) })
        .where('id', 'in', batch)
        .where('status', '!=', 'gone')
        .execute();
    }
  }
}
