// The store's contract: the only way services, the crawler and the CLI reach the database.
// Implemented once over Kysely for SQLite (default) and PostgreSQL (src/store/sql/), and checked against both by one
// contract suite (test/support/store-contract.ts).
//
// Conventions that hold for every method:
// - Timestamps returned are ISO 8601 UTC strings in `toISOString()` form; time arguments are `Date`s. The database
//   stores the same ISO strings as text on both dialects, so string order is time order.
// - Booleans are stored as integers 0/1 on both dialects and come back as booleans.
// - Absent stays absent: optional fields are omitted, never '' / 0 / null.
// - Structured extras (funding, persons, transcripts …) are stored as JSON text and read back as written.
// - Failures are `StoreError`s with a `code`; "not found" on a `get` is `undefined`, not an error.
// - Nothing is ever deleted by the crawler: episodes that leave a feed are marked vanished.

import type {
  Episode,
  EpisodeContent,
  EpisodeListItem,
  EpisodeOrder,
  EpisodeUpsertResult,
} from '../domain/episode.ts';
import type {
  Feed,
  FeedAlias,
  FeedAliasKind,
  FeedToRefresh,
  FeedVisibility,
  FetchOutcome,
  ScheduleInputs,
} from '../domain/feed.ts';
import type { FeedProblem } from '../domain/feed-problem.ts';
import type { Job } from '../domain/job.ts';
import type { Credit, Person, PersonChange } from '../domain/person.ts';
import type { Show, ShowContent } from '../domain/show.ts';

import type { BrowseRepository } from './browse-ports.ts';
import type { ListenerStore } from './listener-ports.ts';
import type { MediaTextRepository } from './media-text-ports.ts';
import type { SourceRepository } from './source-ports.ts';
import type { SyncRepository } from './sync-ports.ts';

export { StoreError, type StoreErrorCode } from './errors.ts';

export interface Store {
  readonly feeds: FeedRepository;
  readonly shows: ShowRepository;
  readonly episodes: EpisodeRepository;
  readonly people: PersonRepository;
  readonly jobs: JobRepository;
  readonly search: SearchRepository;
  /** The catalogue as a listener browses it: A–Z, categories, new episodes, seasons (src/store/browse-ports.ts). */
  readonly browse: BrowseRepository;
  /** Accounts, sessions, follows, progress, queue (src/store/listener-ports.ts). */
  readonly listeners: ListenerStore;
  /** Fetched transcript/chapter texts and episode transcript text (src/store/media-text-ports.ts). */
  readonly mediaText: MediaTextRepository;
  /** The sources show notes cite and the episodes citing them (src/store/source-ports.ts). */
  readonly sources: SourceRepository;
  /** gPodder / Nextcloud sync state (src/store/sync-ports.ts). */
  readonly sync: SyncRepository;
  /** The database's own state, online backup and pool gauges, for the operator's commands and /metrics. */
  readonly maintenance: MaintenanceRepository;
  /** `sqlite` or `postgres`: for messages and benchmarks, never for branching outside the store. */
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * Runs `fn` with a store whose every call belongs to one transaction: committed when `fn` resolves, rolled back
   * (nothing half-written) when it throws. On SQLite the transaction takes the write lock up front
   * (`BEGIN IMMEDIATE`). Calling `transaction` on a transaction-scoped store just runs `fn` in the same transaction.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  /**
   * Lets transactions in flight finish (commit or roll back), then closes the connections; new work after `close`
   * began fails with `unavailable`. For graceful shutdown: nothing is left half-written.
   */
  close(): Promise<void>;
}

/**
 * Who is looking at the catalogue. Public shows are seen by everyone; a private show (its feed was added by a
 * listener) only by admins and by the listeners who follow its feed on the web or subscribe to it from a phone. To
 * anyone else a private show, its episodes, its people credits and its feed do not exist. An empty audience is an
 * anonymous visitor.
 */
export interface Audience {
  userId?: number;
  isAdmin?: boolean;
}

export interface FeedListing {
  feed: Feed;
  showId?: number;
  showTitle?: string;
  episodeCount: number;
  /** What the parser reported about the feed's last parsed body (a 304 keeps them); empty when nothing. */
  problems: FeedProblem[];
}

export interface NewFeedOptions {
  /** The listener who brings the feed in (absent: an administrator, the CLI, the demo). */
  addedByUserId?: number;
  /** When the new feed is first due for the schedule (default: at once). */
  firstCheckAt?: Date;
  /** `private` for a listener's feed (seen only by its followers and admins); default public. */
  visibility?: FeedVisibility;
}

export interface FeedRepository {
  /**
   * Adds a feed by URL, idempotently: a URL that is already a feed's URL or alias returns that feed with
   * `created: false`. The URL is stored as given (normalising is the caller's job). New feeds are due at once, or
   * at `firstCheckAt`. `addedByUserId` records the listener who brought the feed in (only on a feed it creates: an
   * existing feed keeps who added it). A new feed is public unless `visibility: 'private'` is given (a listener's
   * upload); an existing feed keeps its visibility whoever adds it again.
   */
  add(url: string, now: Date, options?: NewFeedOptions): Promise<{ feed: Feed; created: boolean }>;
  /**
   * When each feed the listener brought into the catalogue at or after `since` was added (ISO times, oldest first):
   * what the daily new-feed quota counts. Reads the (added_by_user_id, created_at) index.
   */
  addedSince(userId: number, since: Date): Promise<string[]>;
  /**
   * The feeds the listener brought into the catalogue at or after `since`, newest first, at most `limit`: with their
   * fetch state (never fetched yet, fetched, or the last error), for the listener's "recently added" list.
   */
  addedBy(userId: number, options: { since: Date; limit: number }): Promise<Feed[]>;
  /**
   * Makes a feed (and its show) public or private; `not-found` for an unknown feed. Returns the feed as it is now.
   * Advances `visibilityGeneration` in the same transaction.
   */
  setVisibility(feedId: number, visibility: FeedVisibility): Promise<Feed>;
  /**
   * A counter advanced by every change that may take a show out of public view (`setVisibility`, `remove`), in the
   * change's own transaction. A process that caches what anonymous visitors see polls it and forgets its pages when
   * it moves, so a change made by any process (another web process, the CLI) ends every process's copies.
   */
  visibilityGeneration(): Promise<number>;
  /**
   * Whether the audience may see this feed (and its show): public, an admin, or a listener who follows the feed or
   * subscribes to it from a phone. False for an unknown feed.
   */
  isVisible(feedId: number, audience: Audience): Promise<boolean>;
  get(id: number): Promise<Feed | undefined>;
  /** Several feeds in one statement, in no particular order; unknown ids are left out. */
  getMany(ids: readonly number[]): Promise<Feed[]>;
  /** The feed whose URL or any alias (old URL, `podcast:guid`) is `urlOrAlias`. */
  findByUrl(urlOrAlias: string): Promise<Feed | undefined>;
  /**
   * Records an old URL or a `podcast:guid` for the feed. Idempotent; returns false when the alias already belongs
   * to another feed (it is then left there) or equals a feed's current URL.
   */
  addAlias(feedId: number, alias: string, kind: FeedAliasKind, now: Date): Promise<boolean>;
  aliases(feedId: number): Promise<FeedAlias[]>;
  /**
   * Moves the feed to `newUrl` (a 301/308 or new-feed-url that parsed as a feed), keeping the old URL as an alias of
   * `kind`. Throws `conflict` when `newUrl` is another feed's URL or alias, `not-found` for an unknown feed.
   */
  moveUrl(feedId: number, newUrl: string, kind: FeedAliasKind, now: Date): Promise<Feed>;
  /** Every feed with its health and show, ordered by URL, paged by offset. */
  list(options?: { limit?: number; offset?: number }): Promise<FeedListing[]>;
  count(): Promise<number>;
  /**
   * Feeds due for a check at `now`, most overdue first: not gone, not paused, `nextCheckAt` ≤ now, and no `retryAfterUntil` in
   * the future. Reads the `next_check_at` index, so it costs the same with 10 or 100,000 feeds.
   */
  due(now: Date, limit: number): Promise<Feed[]>;
  /**
   * Takes the `limit` most overdue of the `due` feeds for a crawler, in one statement: their next check moves to
   * `until` (the lease), so no other crawler takes them, and a crawler that dies holding them finds them due again
   * when the lease runs out. Returned in no particular order. Two crawlers never lease the same feed at once
   * (`FOR UPDATE SKIP LOCKED` on PostgreSQL, one `UPDATE … RETURNING` on SQLite). Only what a refresh reads comes
   * back: the crawler leases every feed it fetches, and each column returned costs.
   */
  leaseDue(now: Date, limit: number, until: Date): Promise<FeedToRefresh[]>;
  /**
   * Renews leases still held: moves the next check of each of `feedIds` whose next check is still exactly `from` (the
   * lease it was given, not yet replaced by a finished refresh's schedule or another crawler's lease) to `to`. Returns
   * the ids it renewed; a lease that ran out and was taken by another crawler is not.
   */
  renewLease(feedIds: readonly number[], from: Date, to: Date): Promise<number[]>;
  /**
   * Records one fetch: counts it (and 304s), sets last fetch/success, error streak (reset on success, +1 on error),
   * status (`active` on success, `failing` on error; a gone feed stays gone), validators and body hash (only when
   * given), parser problems (on `ok`), last error, retry-after and the next check.
   */
  recordFetch(feedId: number, outcome: FetchOutcome): Promise<Feed>;
  /**
   * `recordFetch` for many feeds in one transaction (the crawler's 304s and failures arrive by the dozen). Nothing is
   * returned; a feed that no longer exists is skipped.
   */
  recordFetches(records: readonly { feedId: number; outcome: FetchOutcome }[]): Promise<void>;
  /**
   * Pauses a feed (never `due`, never leased: the crawler skips it; a refresh asked for by name still runs) or
   * resumes it (due at once). Pausing twice keeps the first time. `not-found` for an unknown feed.
   */
  setPaused(feedId: number, paused: boolean, now: Date): Promise<Feed>;
  /**
   * Deletes a feed with its show, episodes, aliases and problems, and every listener's follow, progress and queue
   * entries for it, in one transaction. The sync history (subscription URLs and uploaded episode actions) is kept,
   * unlinked from the feed. `not-found` for an unknown feed. Advances `visibilityGeneration`.
   */
  remove(feedId: number): Promise<void>;
  /** How many feeds `due` would return at `now` without a limit (one indexed count, for the metrics). */
  countDue(now: Date): Promise<number>;
  /** 410: the feed is gone; it keeps its episodes and is never due again. */
  markGone(feedId: number, at: Date, httpStatus?: number): Promise<Feed>;
  /** Schedules the next check of one feed or several (e.g. "refresh now" when a listener opens a show). */
  setNextCheck(feedId: number | readonly number[], at: Date): Promise<void>;
  /**
   * What scheduling the next check needs, in one statement: the show's channel hints and the sort keys of its latest
   * `limit` published episodes (vanished ones included), newest first. Undefined while the feed has no show.
   */
  scheduleHistory(feedId: number, limit: number): Promise<ScheduleHistory | undefined>;
}

/** The schedule inputs as read from the show and its episodes (see `Feed.schedule` for the stored copy). */
export type ScheduleHistory = ScheduleInputs;

export interface ShowPage {
  items: Show[];
  total: number;
}

/** A keyset page of public ids (the sitemap): ids in (afterId, throughId], ascending, at most `limit`. */
export interface PublicIdsQuery {
  afterId: number;
  throughId: number;
  limit: number;
}

export interface PublicEntry {
  id: number;
  /** ISO 8601: a show's last change, an episode's publication date. */
  lastModified?: string;
}

export interface ShowRepository {
  /**
   * Creates or replaces the feed's one show from the parsed channel (and its `podcast:person` credits).
   * Returns the show and whether its content changed.
   */
  upsert(feedId: number, content: ShowContent, now: Date): Promise<{ show: Show; changed: boolean }>;
  get(id: number): Promise<Show | undefined>;
  getByFeed(feedId: number): Promise<Show | undefined>;
  /**
   * Shows with the newest episodes first (shows without episodes last). With `audience`, only the shows it may see
   * (see `Audience`); without, every show (the crawler, the CLI).
   */
  listRecentlyUpdated(limit: number, audience?: Audience): Promise<Show[]>;
  /** Shows by title (case-insensitive), paged by offset; `audience` as for `listRecentlyUpdated`. */
  list(options: { limit: number; offset?: number; audience?: Audience }): Promise<ShowPage>;
  /** Public shows only, never a private feed's (the sitemap). */
  listPublic(query: PublicIdsQuery): Promise<PublicEntry[]>;
  /** The highest id `listPublic` could return; 0 when there is none. */
  maxPublicId(): Promise<number>;
}

export interface EpisodeUpsertOptions {
  now: Date;
  /**
   * True when `items` is everything the feed lists (a full, successful parse): stored episodes not among them are
   * marked vanished. An empty `items` never vanishes anything (a feed that shrinks to nothing is suspect).
   */
  complete: boolean;
  /**
   * Applied to new and changed items only, just before they are stored (the crawler sanitises show notes here). The
   * content hash is of the item as given, so an unchanged item is recognised without preparing it again.
   */
  prepare?: (item: EpisodeContent) => EpisodeContent;
}

export interface EpisodeListOptions {
  order?: EpisodeOrder;
  /** Default 20, at most 500. */
  limit?: number;
  /** `next` from the previous page. Malformed cursors throw `invalid`. */
  cursor?: string;
  /** Default true: vanished episodes stay in the archive. */
  includeVanished?: boolean;
  /** Default true. False leaves out `contentHtml` (the full show notes), which a list page does not show. */
  withContent?: boolean;
}

export interface EpisodePage {
  items: Episode[];
  /** Absent on the last page. */
  next?: string;
}

export interface EpisodeListPage {
  items: EpisodeListItem[];
  /** Absent on the last page; interchangeable with `EpisodePage.next` of the same show and order. */
  next?: string;
}

export interface EpisodeRepository {
  /**
   * Writes a feed's items for a show, in one transaction (batched, so a feed of thousands of items is fine).
   * Identity (protocols.md §2.5), in this order, each stored episode matched at most once per call:
   * 1. same guid within the show; when several items (or stored episodes) share a guid, they are told apart by
   *    enclosure URL, then by enclosure URL without query;
   * 2. a new guid whose enclosure URL without query equals a stored episode's is that episode (its guid is
   *    updated): feeds that change guids on every fetch do not duplicate;
   * 3. otherwise a new episode. An item repeated verbatim in one call is written once.
   * A changed enclosure under the same guid updates the same row. Reappearing vanished episodes are restored.
   * Every episode matched or inserted gets `lastSeenAt = now`. A huge feed may be written in several calls with the
   * same `now` (and `complete: false`) inside one `transaction`: episodes an earlier call with that `now` matched are
   * not matched again, then `markVanished(showId, now, now)` finishes the job.
   */
  upsertForShow(
    showId: number,
    items: readonly EpisodeContent[],
    options: EpisodeUpsertOptions,
  ): Promise<EpisodeUpsertResult>;
  /**
   * Marks vanished the show's episodes not seen since `notSeenSince` (`lastSeenAt` before it) and not already
   * vanished; returns how many. For batched refreshes, after a complete parse only.
   */
  markVanished(showId: number, notSeenSince: Date, now: Date): Promise<number>;
  /**
   * One page of a show's episodes, keyset-paged on (sort key, id) so every page costs the same whatever the show's
   * size. `newest`: sort key descending, ties by id descending; `oldest`: both ascending.
   */
  listForShow(showId: number, options?: EpisodeListOptions): Promise<EpisodePage>;
  /**
   * The same page as `listForShow` with only what a list page shows of each episode (`EpisodeListItem`): a narrower,
   * cheaper read, for the show page.
   */
  listItemsForShow(
    showId: number,
    options?: Omit<EpisodeListOptions, 'withContent'>,
  ): Promise<EpisodeListPage>;
  get(id: number): Promise<Episode | undefined>;
  /** The episode of a show with this guid (a non-vanished one first when several share it). */
  findByGuid(showId: number, guid: string): Promise<Episode | undefined>;
  /** Episodes whose enclosure URL is exactly `url`, else whose enclosure URL without query matches; at most 20. */
  findByEnclosureUrl(url: string, showId?: number): Promise<Episode[]>;
  count(showId?: number): Promise<number>;
  /** Episodes of public shows that have not vanished (the sitemap). */
  listPublic(query: PublicIdsQuery): Promise<PublicEntry[]>;
  /** The highest id `listPublic` could return; 0 when there is none. */
  maxPublicId(): Promise<number>;
}

export interface PersonCredits {
  shows: { showId: number; title?: string; role: string; group: string }[];
  /** Newest first. */
  episodes: {
    episodeId: number;
    showId: number;
    title?: string;
    publishedAt?: string;
    role: string;
    group: string;
  }[];
}

/** A show a person is credited on, on the show itself or in some of its episodes (the admin's split by show). */
export interface CreditedShow {
  showId: number;
  title?: string;
  /** The person's roles on the show itself (none: credited only in episodes). */
  roles: string[];
  /** Episodes of the show crediting the person. */
  episodes: number;
}

/** Someone who shares episodes or shows with a person, with how many. */
export interface Collaborator {
  person: Person;
  /** Episodes both are credited in. */
  episodes: number;
  /** Shows both are credited on (co-hosts and crew). */
  shows: number;
}

/**
 * People: a person is one or more names as feeds write them (a row each, `personKey` unique), joined into one person
 * when a new name comes with the link or picture of a known person of the same family name (at ingest, inside the
 * refresh's transaction; a link two names share in one feed identifies neither), or by an admin's `merge`. Credits
 * point to names; every read answers with the person the name belongs to. A re-crawl never joins or separates names
 * that already exist, so an admin's merge or split stays. Two people who share a name on different shows are told
 * apart by an admin's `splitByShow`: on those shows the name resolves to a person of its own, at every re-crawl too.
 */
export interface PersonRepository {
  /** The row of this id, whether or not it was merged into another person (see `resolve`). */
  get(id: number): Promise<Person | undefined>;
  /** The person the name of this id belongs to (itself unless merged); undefined when there is no such id. */
  resolve(id: number): Promise<Person | undefined>;
  /** By name, matched as `personKey` does (case and spacing ignored). */
  findByName(name: string): Promise<Person | undefined>;
  /**
   * The names joined into a person, the person's own first. With `audience`, only names credited in a show it may see
   * (the person's own included: a page then goes by the first name left).
   */
  names(personId: number, options?: { audience?: Audience }): Promise<Person[]>;
  /** Credits of a show ("Hosts And Creators"), in feed order, each as the person it belongs to. */
  forShow(showId: number): Promise<Credit[]>;
  forEpisode(episodeId: number): Promise<Credit[]>;
  /**
   * Everything a person (every name joined into them) appears in; episodes capped at `episodeLimit` (default 100).
   * With `audience`, only credits in shows it may see.
   */
  credits(personId: number, options?: { episodeLimit?: number; audience?: Audience }): Promise<PersonCredits>;
  /**
   * The people who share the most episodes (then shows) with a person, most first, at most `limit` (default 12); with
   * `audience`, counting only shows it may see.
   */
  collaborators(personId: number, options?: { limit?: number; audience?: Audience }): Promise<Collaborator[]>;
  /**
   * An admin joins person `fromId` (every name of theirs) into person `intoId`; recorded, so `undo` restores it.
   * Throws PersonChangeError `not-found` or `same-person`.
   */
  merge(fromId: number, intoId: number, now: Date): Promise<PersonChange>;
  /**
   * An admin takes the name `nameId` out of the person it is joined to (when it is the person's own name, the
   * person's other names stay together under the oldest of them). Throws PersonChangeError `not-found` or
   * `not-joined` (a name alone is already its own person).
   */
  split(nameId: number, now: Date): Promise<PersonChange>;
  /** Every show a person (any of their names) is credited on, by title: what an admin may split off by show. */
  creditedShows(personId: number): Promise<CreditedShow[]>;
  /**
   * An admin says the person's credits on `showIds` belong to someone else of the same name: those credits (on the
   * shows and in their episodes) move to a new person with the same name(s), and on those shows the names resolve to
   * the new person from now on (a re-crawl credits them there). Returns the change (`personId` the new person,
   * `otherId` the person split from); `undo` moves the credits back and forgets the new person. Throws
   * PersonChangeError `not-found`, `no-credits` (none on those shows) or `nothing-left` (every credit is on them).
   */
  splitByShow(personId: number, showIds: readonly number[], now: Date): Promise<PersonChange>;
  /**
   * Restores the names (and, for a split by show, the credits and the shows' name overrides) a change touched to
   * exactly what they were before it. Throws PersonChangeError `not-found`,
   * `already-undone`, or `conflict` when a later change touched the same names (undo that one first).
   */
  undo(changeId: number, now: Date): Promise<PersonChange>;
  /** The admin's changes, newest first, at most `limit`. */
  changes(limit: number): Promise<PersonChange[]>;
}

export interface EnqueueRequest {
  kind: string;
  /** De-duplication key within the kind (e.g. the feed id for refreshes). */
  key: string;
  payload?: unknown;
  runAt: Date;
  /** Fair-share lane (see `claim`); set when the job is created, kept by later enqueues of the same key. */
  lane?: string;
}

export interface ClaimRequest {
  kind: string;
  /** Identifies the claiming worker; stored in `lockedBy`. */
  workerId: string;
  now: Date;
  limit: number;
  /** The claim lasts this long; past it the job may be claimed again (a crashed worker). */
  lockMs: number;
}

export interface JobRepository {
  /**
   * Adds a job, or when (kind, key) exists updates that one job: payload replaced, `runAt` moved earlier (never
   * later), a failed job revived, and its revision bumped so a worker running it now will run it once more.
   */
  enqueue(request: EnqueueRequest, now: Date): Promise<{ job: Job; created: boolean }>;
  /** `enqueue` for many jobs in one statement per chunk (the crawler's tick); a key given twice counts once (last). */
  enqueueMany(requests: readonly EnqueueRequest[], now: Date): Promise<void>;
  /**
   * Atomically claims up to `limit` due jobs of a kind (run at ≤ now, not failed, unlocked or lock expired),
   * incrementing `attempts`. Fair share: lanes take turns — each lane's oldest due job, oldest first, then each
   * lane's second, and so on (no lane is one lane) — so one lane's thousands of jobs never hold back another lane's
   * one. Returned in that order. Two claimers never get the same job (`FOR UPDATE SKIP LOCKED` on PostgreSQL, one
   * `UPDATE … RETURNING` on SQLite).
   */
  claim(request: ClaimRequest): Promise<Job[]>;
  /** Done: removes the job, unless it was enqueued again meanwhile (then it is unlocked to run again). */
  complete(job: Job): Promise<void>;
  /** `complete` for many jobs, in a few statements. */
  completeMany(jobs: readonly Job[]): Promise<void>;
  /** Failed: unlocks it with `error` recorded, to run again at `retryAt`; without `retryAt` it is failed for good. */
  fail(job: Job, error: string, retryAt: Date | undefined, now: Date): Promise<void>;
  get(kind: string, key: string): Promise<Job | undefined>;
  /** Jobs not failed for good, of one kind or all. */
  count(kind?: string): Promise<number>;
}

export interface SearchResults {
  /** The first page only (empty on later pages). */
  shows: Show[];
  /** This page of episodes. */
  episodes: { episode: Episode; show: Show }[];
  /** The first page only (empty on later pages). */
  people: Person[];
  /** The page asked for (1 = the first). */
  page: number;
  /** Whether a next page of episodes exists. */
  hasMore: boolean;
  /** How many episodes match, for "about 1,240 episodes". */
  episodeTotal: SearchTotal;
}

export interface SearchTotal {
  count: number;
  /**
   * False when `count` is an estimate: past 500 matches it is estimated without the audience's filter or the
   * transcripts (SQLite: from the newest 10,000 episodes, scaled; PostgreSQL: the planner's statistics).
   */
  exact: boolean;
}

export interface SearchOptions {
  /** Per page, ≤ 100: episodes per page, and at most this many shows and people on the first page. */
  limit: number;
  /** 1-based; pages go as deep as the ranked candidates (sql/search.ts `CANDIDATES` per stage). */
  page?: number;
  audience?: Audience;
  /** Narrow the episodes (and, by show and person, the shows) to those matching every filter given. */
  filters?: SearchFilters;
}

/**
 * Filters a search applies as it reads its indexes (so totals and pages count only what passes): episodes of the
 * show `showId`, episodes crediting the person `personId` (or of a show crediting them), episodes published at or
 * after `publishedFrom` and before `publishedBefore` (ISO 8601 instants, compared with the stored publication date;
 * an episode without one passes no date filter). Shows are narrowed by `showId` and `personId` (a show crediting the
 * person, or with an episode crediting them), never by date; people are never narrowed.
 */
export interface SearchFilters {
  showId?: number;
  personId?: number;
  publishedFrom?: string;
  publishedBefore?: string;
}

export interface SearchRepository {
  /**
   * Shows (title, author, description; show titles within a typo or two), episodes (title, description, fetched
   * transcript text; vanished ones too) and people (name) matching every word of `query`, the last word also as a
   * prefix ("stakh" finds "Stakhanov"). Case and (on SQLite) diacritics are ignored; anything but letters and digits
   * separates words, so no input is query syntax. SQLite stems English words (porter); PostgreSQL matches words as
   * written ('simple').
   * Order (THE ORDERING in sql/search.ts and docs/search.md): matches in the title (a person's name) first, then in
   * the description, then (episodes) in the transcript, whole words before a last-word prefix, then (shows) typo
   * matches; within each, relevance (a BM25-style title score) in bands, then popularity and recency, then the id.
   * Episodes come without `contentHtml` (as `listForShow` with `withContent: false`).
   * With `audience`, only shows and episodes it may see, and people credited in one of them; the filter is applied
   * inside each lookup, so hidden rows never take a place in a page.
   */
  search(query: string, options: SearchOptions): Promise<SearchResults>;
}

export interface StoreStatus {
  dialect: 'sqlite' | 'postgres';
  /** Migrations recorded in the database, and known to this Earshot. */
  migrationsApplied: number;
  migrationsKnown: number;
  /** Names of known migrations not applied (empty once the store is open: opening migrates). */
  pending: string[];
  /** On disk: the SQLite file and its WAL, or PostgreSQL's `pg_database_size`. 0 for an in-memory database. */
  sizeBytes: number;
  /** SQLite: the database file. */
  file?: string;
}

export interface PoolStats {
  /** Connections open, idle among them, and queries waiting for one. */
  total: number;
  idle: number;
  waiting: number;
}

export type BackupResult =
  | { kind: 'written'; file: string; bytes: number }
  /** PostgreSQL: the store does not copy a server's database; this is the command that does. */
  | { kind: 'use-pg-dump'; hint: string };

export interface MaintenanceRepository {
  status(): Promise<StoreStatus>;
  /**
   * SQLite: a consistent online copy of the database into `file` (SQLite's backup API; writers carry on meanwhile).
   * PostgreSQL: nothing is written; the answer names the pg_dump command to run. `unavailable` when writing fails.
   */
  backup(file: string): Promise<BackupResult>;
  /** The connection pool's gauges; undefined on SQLite, which has one connection and no pool. */
  pool(): PoolStats | undefined;
  /**
   * SQLite with searches on threads (`EARSHOT_SEARCH_THREADS`): the threads started (total), those with no search to
   * answer (idle), and the searches queued behind one already running (waiting). Undefined otherwise.
   */
  searchThreads(): PoolStats | undefined;
  /**
   * One bounded step of folding the search indexes' segments together (SQLite FTS5's incremental 'merge', about
   * `pages` pages written per index; migration 0032): lookups then read fewer, larger lists. Resolves true while
   * more remains to fold, false once they are tidy (and always on PostgreSQL, whose GIN indexes need no such step).
   */
  tidySearchIndexes(pages: number): Promise<boolean>;
}
