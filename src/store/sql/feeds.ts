import { CompiledQuery, type Kysely, type RawBuilder, type Selectable, sql } from 'kysely';
import type {
  Feed,
  FeedAlias,
  FeedAliasKind,
  FeedToRefresh,
  FeedVisibility,
  FetchOutcome,
  ScheduleInputs,
} from '../../domain/feed.ts';
import type { FeedProblem } from '../../domain/feed-problem.ts';
import type { ShowContent } from '../../domain/show.ts';
import { StoreError } from '../errors.ts';
import type { SqlDialect } from '../migrations/index.ts';
import type { Audience, FeedListing, FeedRepository, NewFeedOptions, ScheduleHistory } from '../ports.ts';
import type { SqliteStatements } from './connect.ts';
import type { InTransaction } from './episodes.ts';
import { chunks, compact, fromFlag, fromJson, iso, toJson } from './rows.ts';
import type { Database, FeedsTable } from './schema.ts';

type FeedRow = Selectable<FeedsTable>;

/** The cache_generations row of changes that may take a show out of public view (visibilityGeneration). */
const VISIBILITY = 'catalogue-visibility';

function advanceVisibility(db: Kysely<Database>): Promise<unknown> {
  return db
    .updateTable('cache_generations')
    .set((eb) => ({ generation: eb('generation', '+', 1) }))
    .where('name', '=', VISIBILITY)
    .execute();
}

/** The columns of FeedToRefresh: what leaseDue returns. */
const TO_REFRESH = [
  'id',
  'url',
  'status',
  'etag',
  'last_modified',
  'body_hash',
  'last_fetch_at',
  'last_success_at',
  'error_streak',
  'schedule_json',
] as const;

/**
 * Rows as domain values; NULL columns become absent properties. Written out property by property rather than through
 * `compact`: the crawler turns every leased row into one.
 */
function toFeedToRefresh(row: Pick<FeedRow, (typeof TO_REFRESH)[number]>): FeedToRefresh {
  const feed: FeedToRefresh = { id: row.id, url: row.url, status: row.status, errorStreak: row.error_streak };
  if (row.etag !== null) feed.etag = row.etag;
  if (row.last_modified !== null) feed.lastModified = row.last_modified;
  if (row.body_hash !== null) feed.bodyHash = row.body_hash;
  if (row.last_fetch_at !== null) feed.lastFetchAt = row.last_fetch_at;
  if (row.last_success_at !== null) feed.lastSuccessAt = row.last_success_at;
  // `?? null`: a database migrated only part-way (a test of an older migration) has no such column yet.
  const schedule = fromJson<ScheduleInputs>(row.schedule_json ?? null);
  if (schedule !== undefined) feed.schedule = schedule;
  return feed;
}

function toFeed(row: FeedRow): Feed {
  const feed: Feed = {
    ...toFeedToRefresh(row),
    createdAt: row.created_at,
    fetchCount: row.fetch_count,
    notModifiedCount: row.not_modified_count,
    // `?? 1`: a database migrated only part-way (a test of an older migration) has no such column yet.
    isPublic: (row.is_public ?? 1) !== 0,
  };
  if (row.next_check_at !== null) feed.nextCheckAt = row.next_check_at;
  if (row.last_error_code !== null) feed.lastErrorCode = row.last_error_code;
  if (row.last_error_message !== null) feed.lastErrorMessage = row.last_error_message;
  if (row.last_error_at !== null) feed.lastErrorAt = row.last_error_at;
  if (row.http_status !== null) feed.httpStatus = row.http_status;
  if (row.retry_after_until !== null) feed.retryAfterUntil = row.retry_after_until;
  // `!= null`: a database migrated only part-way has no such column yet.
  if (row.paused_at != null) feed.pausedAt = row.paused_at;
  if (row.added_by_user_id != null) feed.addedByUserId = row.added_by_user_id;
  return feed;
}

/** One fetch record as the recording UPDATE reads it (a JSON object per record; absent values are null). */
interface FetchRecordRow {
  id: number;
  at: string;
  next: string;
  http_status: number | null;
  schedule: string | null;
  not_modified: number;
  etag: string | null;
  last_modified: string | null;
  body_hash: string | null;
  code: string | null;
  message: string | null;
  retry_after_until: string | null;
}

/** The columns of FetchRecordRow, with their SQL types, in one place for both readers below. */
const FETCH_RECORD_COLUMNS: readonly [keyof FetchRecordRow, 'integer' | 'text'][] = [
  ['id', 'integer'],
  ['at', 'text'],
  ['next', 'text'],
  ['http_status', 'integer'],
  ['schedule', 'text'],
  ['not_modified', 'integer'],
  ['etag', 'text'],
  ['last_modified', 'text'],
  ['body_hash', 'text'],
  ['code', 'text'],
  ['message', 'text'],
  ['retry_after_until', 'text'],
];

/**
 * PostgreSQL reads a batch's records as rows of one JSON parameter: one statement (one round trip) for the batch.
 * SQLite runs one statement per record instead — it has no round trips to save, and its UPDATE … FROM json_each cost
 * more than the row updates it replaced.
 */
const pgColumns = sql.raw(FETCH_RECORD_COLUMNS.map(([c, type]) => `${c} ${type}`).join(', '));
const pgRecords = (records: readonly FetchRecordRow[]) =>
  sql`jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as r(${pgColumns})`;

/** A value of the record being written: a bound parameter, or a column of PostgreSQL's `r` rows. */
type RecordValue = (column: keyof FetchRecordRow) => RawBuilder<unknown>;

/**
 * The SET list of the recording UPDATE (see FeedRepository.recordFetch for what it sets): one fixed text per kind of
 * outcome, optional values through `coalesce`. Columns the record shares with `feeds` are named `feeds.` on the right.
 */
function fetchSet(kind: 'success' | 'error', v: RecordValue) {
  if (kind === 'error') {
    return sql`last_fetch_at = ${v('at')}, fetch_count = fetch_count + 1, next_check_at = ${v('next')},
      status = case when status = 'gone' then status else 'failing' end,
      http_status = coalesce(${v('http_status')}, feeds.http_status),
      schedule_json = coalesce(${v('schedule')}, schedule_json), error_streak = error_streak + 1,
      last_error_code = ${v('code')}, last_error_message = ${v('message')}, last_error_at = ${v('at')},
      retry_after_until = ${v('retry_after_until')}`;
  }
  return sql`last_fetch_at = ${v('at')}, fetch_count = fetch_count + 1, next_check_at = ${v('next')},
    status = case when status = 'gone' then status else 'active' end,
    http_status = coalesce(${v('http_status')}, feeds.http_status),
    schedule_json = coalesce(${v('schedule')}, schedule_json), error_streak = 0, last_success_at = ${v('at')},
    retry_after_until = null, not_modified_count = not_modified_count + ${v('not_modified')},
    etag = coalesce(${v('etag')}, feeds.etag), last_modified = coalesce(${v('last_modified')}, feeds.last_modified),
    body_hash = coalesce(${v('body_hash')}, feeds.body_hash)`;
}

const RECORD_COLUMNS = new Set<string>(FETCH_RECORD_COLUMNS.map(([c]) => c));
function fetchRecordColumn(name: unknown): keyof FetchRecordRow {
  if (typeof name !== 'string' || !RECORD_COLUMNS.has(name))
    throw new Error(`not a record column: ${String(name)}`);
  // Checked against the list of FetchRecordRow's keys just above.
  return name as keyof FetchRecordRow;
}

const pgValue: RecordValue = (column) => sql.ref(`r.${column}`);

function successOrError(outcome: FetchOutcome): 'success' | 'error' {
  return outcome.kind === 'error' ? 'error' : 'success';
}

function fetchRecordRow(feedId: number, outcome: FetchOutcome): FetchRecordRow {
  const row: FetchRecordRow = {
    id: feedId,
    at: iso(outcome.at),
    next: iso(outcome.nextCheckAt),
    http_status: outcome.httpStatus ?? null,
    schedule: outcome.schedule === undefined ? null : toJson(outcome.schedule),
    not_modified: outcome.kind === 'not-modified' ? 1 : 0,
    etag: null,
    last_modified: null,
    body_hash: null,
    code: null,
    message: null,
    retry_after_until: null,
  };
  if (outcome.kind === 'error') {
    row.code = outcome.code;
    row.message = outcome.message;
    if (outcome.retryAfterUntil !== undefined) row.retry_after_until = iso(outcome.retryAfterUntil);
  } else {
    row.etag = outcome.etag ?? null;
    row.last_modified = outcome.lastModified ?? null;
    row.body_hash = outcome.bodyHash ?? null;
  }
  return row;
}

export class SqlFeedRepository implements FeedRepository {
  private readonly sqliteStatements = new Map<
    string,
    { sql: string; parameters: (keyof FetchRecordRow)[] }
  >();
  constructor(
    private readonly db: Kysely<Database>,
    private readonly inTransaction: InTransaction,
    private readonly dialect: SqlDialect,
    private readonly sqlite?: SqliteStatements,
  ) {}

  async add(url: string, now: Date, options: NewFeedOptions = {}): Promise<{ feed: Feed; created: boolean }> {
    const existing = await this.findByUrl(url);
    if (existing !== undefined) return { feed: existing, created: false };
    const row = await this.db
      .insertInto('feeds')
      .values({
        url,
        status: 'active',
        created_at: iso(now),
        next_check_at: iso(options.firstCheckAt ?? now),
        ...(options.addedByUserId === undefined ? {} : { added_by_user_id: options.addedByUserId }),
        // Public is the column's default (and what a database migrated only part-way, in tests, can store).
        ...(options.visibility === 'private' ? { is_public: 0 } : {}),
      })
      .onConflict((oc) => oc.column('url').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row !== undefined) return { feed: toFeed(row), created: true };
    // Lost a race with another writer adding the same URL.
    const raced = await this.findByUrl(url);
    if (raced === undefined) throw new StoreError('conflict', `feed ${url} could not be added`);
    return { feed: raced, created: false };
  }

  async setVisibility(feedId: number, visibility: FeedVisibility): Promise<Feed> {
    const isPublic = visibility === 'public' ? 1 : 0;
    const row = await this.inTransaction(async (db) => {
      const updated = await db
        .updateTable('feeds')
        .set({ is_public: isPublic })
        .where('id', '=', feedId)
        .returningAll()
        .executeTakeFirst();
      await db.updateTable('shows').set({ is_public: isPublic }).where('feed_id', '=', feedId).execute();
      if (updated !== undefined) await advanceVisibility(db);
      return updated;
    });
    if (row === undefined) throw new StoreError('not-found', `no feed ${feedId}`);
    return toFeed(row);
  }

  async isVisible(feedId: number, audience: Audience): Promise<boolean> {
    const row = await this.db
      .selectFrom('feeds')
      .select('is_public')
      .where('id', '=', feedId)
      .executeTakeFirst();
    if (row === undefined) return false;
    if (row.is_public !== 0 || audience.isAdmin === true) return true;
    if (audience.userId === undefined) return false;
    const user = audience.userId;
    const { rows } = await sql<{ n: number }>`select 1 as n where exists (select 1 from follows
        where user_id = ${user} and feed_id = ${feedId})
      or exists (select 1 from sync_subscriptions where user_id = ${user} and feed_id = ${feedId} and subscribed = 1)`.execute(
      this.db,
    );
    return rows.length > 0;
  }

  async addedSince(userId: number, since: Date): Promise<string[]> {
    const rows = await this.db
      .selectFrom('feeds')
      .select('created_at')
      .where('added_by_user_id', '=', userId)
      .where('created_at', '>=', iso(since))
      .orderBy('created_at')
      .execute();
    return rows.map((r) => r.created_at);
  }

  async addedBy(userId: number, options: { since: Date; limit: number }): Promise<Feed[]> {
    const rows = await this.db
      .selectFrom('feeds')
      .selectAll()
      .where('added_by_user_id', '=', userId)
      .where('created_at', '>=', iso(options.since))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(options.limit)
      .execute();
    return rows.map(toFeed);
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
      .leftJoin('feed_problems', 'feed_problems.feed_id', 'feeds.id')
      .selectAll('feeds')
      .select([
        'shows.id as show_id',
        'shows.title as show_title',
        'shows.episode_count as show_episode_count',
        'feed_problems.problems_json',
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
        problems: fromJson<FeedProblem[]>(row.problems_json) ?? [],
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

  async leaseDue(now: Date, limit: number, until: Date): Promise<FeedToRefresh[]> {
    const due = this.dueIds(now, limit);
    const rows = await this.db
      .updateTable('feeds')
      .set({ next_check_at: iso(until) })
      // SQLite runs one UPDATE at a time (the statement is atomic); PostgreSQL needs the row locks.
      .where('id', 'in', this.dialect === 'postgres' ? due.forUpdate().skipLocked() : due)
      .returning(TO_REFRESH)
      .execute();
    return rows.map(toFeedToRefresh);
  }

  async renewLease(feedIds: readonly number[], from: Date, to: Date): Promise<number[]> {
    const renewed: number[] = [];
    for (const batch of chunks(feedIds, 500)) {
      const rows = await this.db
        .updateTable('feeds')
        .set({ next_check_at: iso(to) })
        .where('id', 'in', batch)
        .where('next_check_at', '=', iso(from))
        .returning('id')
        .execute();
      for (const row of rows) renewed.push(row.id);
    }
    return renewed;
  }

  /** The ids of the `limit` most overdue due feeds (the one definition of "due", on the next_check_at index). */
  private dueIds(now: Date, limit: number) {
    const at = iso(now);
    return this.db
      .selectFrom('feeds')
      .select('id')
      .where('status', '!=', 'gone')
      .where('paused_at', 'is', null)
      .where('next_check_at', '<=', at)
      .where((eb) => eb.or([eb('retry_after_until', 'is', null), eb('retry_after_until', '<=', at)]))
      .orderBy('next_check_at')
      .orderBy('id')
      .limit(limit);
  }

  async countDue(now: Date): Promise<number> {
    const at = iso(now);
    const row = await this.db
      .selectFrom('feeds')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '!=', 'gone')
      .where('paused_at', 'is', null)
      .where('next_check_at', '<=', at)
      .where((eb) => eb.or([eb('retry_after_until', 'is', null), eb('retry_after_until', '<=', at)]))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async setPaused(feedId: number, paused: boolean, now: Date): Promise<Feed> {
    const row = await this.db
      .updateTable('feeds')
      .set(
        paused
          ? (eb) => ({ paused_at: eb.fn.coalesce('paused_at', sql.val(iso(now))) })
          : // Resumed: due at once (a gone feed stays never due).
            { paused_at: null, next_check_at: sql`case when status = 'gone' then null else ${iso(now)} end` },
      )
      .where('id', '=', feedId)
      .returningAll()
      .executeTakeFirst();
    if (row === undefined) throw new StoreError('not-found', `no feed ${feedId}`);
    return toFeed(row);
  }

  async remove(feedId: number): Promise<void> {
    await this.inTransaction(async (db) => {
      const feed = await db.selectFrom('feeds').select('id').where('id', '=', feedId).executeTakeFirst();
      if (feed === undefined) throw new StoreError('not-found', `no feed ${feedId}`);
      // The phones' sync history stays (gPodder clients expect their subscription list and uploaded actions back),
      // no longer linked to the feed and episodes that go now.
      await sql`update sync_subscriptions set feed_id = null where feed_id = ${feedId}`.execute(db);
      await sql`update sync_episode_actions set episode_ref = null where episode_ref in
        (select e.id from episodes e join shows s on s.id = e.show_id where s.feed_id = ${feedId})`.execute(
        db,
      );
      // Everything else hangs off the feed with ON DELETE CASCADE: aliases, problems, the show, its episodes,
      // credits and transcripts, and the listeners' follows, progress, queue entries and listening counts.
      await db.deleteFrom('feeds').where('id', '=', feedId).execute();
      await advanceVisibility(db);
    });
  }

  async visibilityGeneration(): Promise<number> {
    const row = await this.db
      .selectFrom('cache_generations')
      .select('generation')
      .where('name', '=', VISIBILITY)
      .executeTakeFirst();
    return Number(row?.generation ?? 0);
  }

  async recordFetch(feedId: number, outcome: FetchOutcome): Promise<Feed> {
    const write = async (db: Kysely<Database>): Promise<Feed> => {
      const record = fetchRecordRow(feedId, outcome);
      const [row] = await this.fetchUpdate(db, successOrError(outcome), [record], 'returning');
      if (row === undefined) throw new StoreError('not-found', `no feed ${feedId}`);
      await this.replaceProblems(db, feedId, outcome);
      return toFeed(row);
    };
    return outcome.kind === 'ok' && outcome.problems !== undefined
      ? this.inTransaction(write)
      : write(this.db);
  }

  async recordFetches(records: readonly { feedId: number; outcome: FetchOutcome }[]): Promise<void> {
    if (records.length === 0) return;
    await this.inTransaction(async (db) => {
      // Grouped by kind (on PostgreSQL one statement per group). A feed recorded twice in one batch splits it, so
      // that both of its records count, in order.
      const pending = { success: [] as FetchRecordRow[], error: [] as FetchRecordRow[] };
      const inPending = new Set<number>();
      const flush = async (): Promise<void> => {
        for (const kind of ['success', 'error'] as const) {
          if (pending[kind].length > 0) await this.fetchUpdate(db, kind, pending[kind], 'in-transaction');
          pending[kind] = [];
        }
        inPending.clear();
      };
      for (const { feedId, outcome } of records) {
        if (inPending.has(feedId)) await flush();
        pending[successOrError(outcome)].push(fetchRecordRow(feedId, outcome));
        inPending.add(feedId);
      }
      await flush();
      // Problems come with an ingest, which records itself; here only for completeness (a feed that vanished is
      // skipped, like its record).
      const withProblems = records.filter((r) => r.outcome.kind === 'ok' && r.outcome.problems !== undefined);
      if (withProblems.length === 0) return;
      const ids = withProblems.map((r) => r.feedId);
      const live = new Set(
        (await db.selectFrom('feeds').select('id').where('id', 'in', ids).execute()).map((f) => f.id),
      );
      for (const { feedId, outcome } of withProblems)
        if (live.has(feedId)) await this.replaceProblems(db, feedId, outcome);
    });
  }

  /** An `ok` with problems given replaces the stored ones (none: the row goes); anything else keeps them. */
  private async replaceProblems(db: Kysely<Database>, feedId: number, outcome: FetchOutcome): Promise<void> {
    if (outcome.kind !== 'ok' || outcome.problems === undefined) return;
    if (outcome.problems.length === 0) {
      await db.deleteFrom('feed_problems').where('feed_id', '=', feedId).execute();
      return;
    }
    const problemsJson = JSON.stringify(outcome.problems);
    await db
      .insertInto('feed_problems')
      .values({ feed_id: feedId, problems_json: problemsJson })
      .onConflict((oc) => oc.column('feed_id').doUpdateSet({ problems_json: problemsJson }))
      .execute();
  }

  /**
   * The one UPDATE that records fetches, for any number of feeds (see `fetchSet`). `returning` (recordFetch) gives the
   * updated rows; without it (recordFetches) the caller is inside its transaction, where SQLite may run the statement
   * directly (see SqliteStatements).
   */
  private async fetchUpdate(
    db: Kysely<Database>,
    kind: 'success' | 'error',
    records: readonly FetchRecordRow[],
    how: 'returning' | 'in-transaction',
  ): Promise<FeedRow[]> {
    const returning = how === 'returning';
    if (this.dialect === 'postgres') {
      const ret = returning ? sql` returning feeds.*` : sql``;
      const set = fetchSet(kind, pgValue);
      const { rows } = await sql<FeedRow>`update feeds set ${set} from ${pgRecords(records)}
        where feeds.id = r.id${ret}`.execute(db);
      return rows;
    }
    const statement = this.sqliteFetchUpdate(kind, returning);
    if (how === 'in-transaction' && this.sqlite !== undefined) {
      const prepared = this.sqlite.prepare(statement.sql);
      for (const record of records) prepared.run(statement.parameters.map((name) => record[name]));
      return [];
    }
    const out: FeedRow[] = [];
    for (const record of records) {
      const parameters = statement.parameters.map((name) => record[name]);
      const { rows } = await db.executeQuery<FeedRow>(CompiledQuery.raw(statement.sql, parameters));
      out.push(...rows);
    }
    return out;
  }

  /**
   * SQLite's recording UPDATE, compiled once per kind: its parameters are the names of the record's fields, in the
   * order the statement binds them, so each record costs a lookup per parameter and no query building.
   */
  private sqliteFetchUpdate(kind: 'success' | 'error', returning: boolean) {
    const key = `${kind}${returning ? ' returning' : ''}`;
    let compiled = this.sqliteStatements.get(key);
    if (compiled === undefined) {
      const set = fetchSet(kind, (column) => sql.val(column));
      const ret = returning ? sql` returning *` : sql``;
      const query = sql`update feeds set ${set} where id = ${sql.val('id')}${ret}`.compile(this.db);
      compiled = { sql: query.sql, parameters: query.parameters.map(fetchRecordColumn) };
      this.sqliteStatements.set(key, compiled);
    }
    return compiled;
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
