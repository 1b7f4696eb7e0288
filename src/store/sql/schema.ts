// The database as Kysely sees it, written by hand to match src/store/migrations/.
// Conventions: timestamps are ISO 8601 UTC text (`toISOString()`); booleans are integers 0/1; structured extras are
// JSON text in `*_json` columns; NULL means absent.

import type { Generated } from 'kysely';
import type { DeviceType, EpisodeActionKind, SubscriptionChangeKind } from '../../domain/sync.ts';
import type { SettingsScope } from '../sync-ports.ts';

/** An id or counter the database fills in. */
type Auto = Generated<number>;

export interface Database {
  schema_migrations: SchemaMigrationsTable;
  feeds: FeedsTable;
  feed_problems: FeedProblemsTable;
  feed_aliases: FeedAliasesTable;
  shows: ShowsTable;
  show_categories: ShowCategoriesTable;
  episodes: EpisodesTable;
  people: PeopleTable;
  person_changes: PersonChangesTable;
  show_person_names: ShowPersonNamesTable;
  show_persons: ShowPersonsTable;
  episode_persons: EpisodePersonsTable;
  jobs: JobsTable;
  users: UsersTable;
  user_sessions: UserSessionsTable;
  app_settings: AppSettingsTable;
  follows: FollowsTable;
  progress: ProgressTable;
  queue_entries: QueueEntriesTable;
  listening_daily: ListeningDailyTable;
  sign_in_failures: SignInFailuresTable;
  sync_devices: SyncDevicesTable;
  sync_subscriptions: SyncSubscriptionsTable;
  sync_subscription_changes: SyncSubscriptionChangesTable;
  sync_episode_actions: SyncEpisodeActionsTable;
  sync_sessions: SyncSessionsTable;
  sync_login_flows: SyncLoginFlowsTable;
  sync_app_passwords: SyncAppPasswordsTable;
  sync_settings: SyncSettingsTable;
  media_text_cache: MediaTextCacheTable;
  episode_transcripts: EpisodeTranscriptsTable;
  cache_generations: CacheGenerationsTable;
  sources: SourcesTable;
  source_keys: SourceKeysTable;
  episode_citations: EpisodeCitationsTable;
  source_show_citations: SourceShowCitationsTable;
  source_citations: SourceCitationsTable;
}

export interface SchemaMigrationsTable {
  name: string;
  applied_at: string;
}

export interface FeedsTable {
  id: Auto;
  url: string;
  status: 'active' | 'failing' | 'gone';
  created_at: string;
  etag: string | null;
  last_modified: string | null;
  body_hash: string | null;
  last_fetch_at: string | null;
  last_success_at: string | null;
  next_check_at: string | null;
  error_streak: Auto;
  last_error_code: string | null;
  last_error_message: string | null;
  last_error_at: string | null;
  http_status: number | null;
  fetch_count: Auto;
  not_modified_count: Auto;
  retry_after_until: string | null;
  schedule_json: string | null;
  /** 1: in the public catalogue; 0: seen only by admins and the feed's followers (migration 0010). */
  is_public: Generated<number>;
  /** Set while the operator has paused the feed: the crawler skips it. */
  paused_at: string | null;
  /** The listener who brought the feed into the catalogue (null: an administrator, the CLI, the demo). */
  added_by_user_id: number | null;
}

/** The parser's problems with a feed's last parsed body (a feed without any has no row). */
export interface FeedProblemsTable {
  feed_id: number;
  problems_json: string;
}

export interface FeedAliasesTable {
  id: Auto;
  feed_id: number;
  alias: string;
  kind: 'redirect' | 'new-feed-url' | 'podcast-guid' | 'other';
  created_at: string;
}

export interface ShowsTable {
  id: Auto;
  feed_id: number;
  format: 'rss' | 'atom' | 'rdf';
  title: string | null;
  link: string | null;
  description: string | null;
  language: string | null;
  author: string | null;
  owner_name: string | null;
  owner_email: string | null;
  image_url: string | null;
  explicit: number | null;
  type: 'episodic' | 'serial' | null;
  podcast_guid: string | null;
  medium: string | null;
  locked: number | null;
  complete: number | null;
  block: number | null;
  categories_json: string | null;
  funding_json: string | null;
  social_json: string | null;
  value_json: string | null;
  location_json: string | null;
  license_json: string | null;
  update_frequency_json: string | null;
  persons_json: string | null;
  /** Every other channel field, as one JSON object. */
  extras_json: string | null;
  content_hash: string;
  episode_count: Auto;
  latest_episode_at: string | null;
  created_at: string;
  updated_at: string;
  /** A copy of the feed's `is_public`, for filters on the shows table alone. */
  is_public: Generated<number>;
}

/** One category a show is listed under (migration 0021; src/domain/categories.ts says which). */
export interface ShowCategoriesTable {
  show_id: number;
  /** The category's slug: an official one of the Apple tree, or one made from a name the tree does not know. */
  slug: string;
  name: string;
  /** The show's title in lower case (`categoryTitleKey`): a category's shows A–Z, read in index order. */
  title_key: string;
}

export interface EpisodesTable {
  id: Auto;
  show_id: number;
  guid: string;
  guid_source: 'guid' | 'enclosure' | 'link' | 'hash';
  enclosure_url: string | null;
  enclosure_url_base: string | null;
  enclosure_type: string | null;
  enclosure_length: number | null;
  title: string | null;
  link: string | null;
  description: string | null;
  content_html: string | null;
  published_at: string | null;
  duration_seconds: number | null;
  image_url: string | null;
  explicit: number | null;
  season: number | null;
  episode: number | null;
  episode_type: 'full' | 'trailer' | 'bonus' | null;
  transcripts_json: string | null;
  chapters_json: string | null;
  soundbites_json: string | null;
  funding_json: string | null;
  persons_json: string | null;
  value_json: string | null;
  alternate_enclosures_json: string | null;
  /** Every other item field, as one JSON object. */
  extras_json: string | null;
  content_hash: string;
  sort_key: string;
  first_seen_at: string;
  last_seen_at: string;
  vanished_at: string | null;
}

export interface PeopleTable {
  id: Auto;
  /** `personKey(name)`. */
  key: string;
  name: string;
  href: string | null;
  img: string | null;
  created_at: string;
  /** The person this name belongs to (migration 0027); null: this name is the person. */
  merged_into: number | null;
}

/** An admin's merge or split of people (migration 0027), or split by show (0030), undoable. */
export interface PersonChangesTable {
  id: Auto;
  kind: 'merge' | 'split' | 'split-show';
  person_id: number;
  other_id: number;
  /**
   * Merge and split: `[{ id, before, after }]`, `merged_into` of each changed row. Split by show: an object, the new
   * rows, the shows and the overrides before and after (`ShowSplit` in sql/people.ts).
   */
  rows_json: string;
  created_at: string;
  undone_at: string | null;
}

/** On show `show_id`, the name `key` is the people row `person_id` (an admin's split by show, migration 0030). */
export interface ShowPersonNamesTable {
  show_id: number;
  key: string;
  person_id: number;
}

export interface ShowPersonsTable {
  show_id: number;
  person_id: number;
  role: string;
  person_group: string;
  position: number;
}

export interface EpisodePersonsTable {
  episode_id: number;
  person_id: number;
  role: string;
  person_group: string;
  position: number;
}

export interface JobsTable {
  id: Auto;
  kind: string;
  key: string;
  payload_json: string | null;
  run_at: string;
  attempts: Auto;
  locked_by: string | null;
  locked_until: string | null;
  last_error: string | null;
  failed_at: string | null;
  revision: Auto;
  created_at: string;
  /** Fair-share lane: due jobs of different lanes are claimed round-robin (null is one lane). */
  lane: string | null;
}

// Listeners (0002-listeners, 0011-auth, 0014-listener-quota, 0016-operators).

export interface UsersTable {
  id: Auto;
  name: string;
  /** The name as compared: NFC, trimmed, lower case. */
  name_key: string;
  /** The password's hash (`src/services/passwords.ts`); the store never sees a password. */
  password_hash: string;
  is_admin: number;
  created_at: string;
  updated_at: string;
  /** Moves on whenever the account's credentials change or it is signed out everywhere. */
  auth_epoch: Auto;
  /** What the name looks like (`userNameSkeleton`). */
  name_skeleton: string | null;
  disabled_at: string | null;
  last_seen_at: string | null;
}

export interface UserSessionsTable {
  token_hash: string;
  user_id: number;
  created_at: string;
  expires_at: string;
}

/** One counter per kind of content processes cache, advanced by the changes that must end those caches (0019). */
export interface CacheGenerationsTable {
  name: string;
  /** bigint: PostgreSQL's driver returns it as a string, SQLite's as a number. */
  generation: number | string;
}

export interface AppSettingsTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface FollowsTable {
  user_id: number;
  feed_id: number;
  followed_at: string;
}

export interface ProgressTable {
  user_id: number;
  episode_id: number;
  position_seconds: number;
  played: number;
  played_at: string | null;
  updated_at: string;
}

export interface QueueEntriesTable {
  user_id: number;
  episode_id: number;
  position: number;
  added_at: string;
}

export interface ListeningDailyTable {
  show_id: number;
  day: string;
  seconds: number;
}

export interface SignInFailuresTable {
  key: string;
  count: number;
  reset_ms: number;
}

// Phone sync (0003-sync, 0011-auth, 0012-idempotent-actions).

export interface SyncDevicesTable {
  user_id: number;
  device_id: string;
  caption: string | null;
  type: DeviceType;
  synchronized: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface SyncSubscriptionsTable {
  user_id: number;
  url: string;
  subscribed: number;
  feed_id: number | null;
  updated_ms: number;
}

export interface SyncSubscriptionChangesTable {
  id: Auto;
  user_id: number;
  url: string;
  kind: SubscriptionChangeKind;
  received_ms: number;
  device_id: string | null;
}

export interface SyncEpisodeActionsTable {
  id: Auto;
  user_id: number;
  podcast: string;
  episode: string;
  guid: string | null;
  action: EpisodeActionKind;
  timestamp_ms: number;
  received_ms: number;
  device_id: string | null;
  started: number | null;
  position: number | null;
  total: number | null;
  episode_ref: number | null;
  web_key: string | null;
}

export interface SyncSessionsTable {
  token_hash: string;
  user_id: number;
  created_at: string;
  expires_at: string;
  app_password_id: number | null;
}

export interface SyncLoginFlowsTable {
  poll_hash: string;
  login_hash: string;
  address: string;
  expires_ms: number;
  user_id: number | null;
  label: string | null;
}

export interface SyncAppPasswordsTable {
  id: Auto;
  user_id: number;
  label: string;
  secret_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface SyncSettingsTable {
  user_id: number;
  scope: SettingsScope;
  scope_key: string;
  values_json: string;
}

// Transcripts and chapters (0005-media-text, 0006-transcript-search).

export interface MediaTextCacheTable {
  kind: string;
  url: string;
  fetched_at: string;
  expires_at: string;
  etag: string | null;
  last_modified: string | null;
  payload: string | null;
  error_code: string | null;
}

export interface EpisodeTranscriptsTable {
  episode_id: number;
  url: string;
  language: string | null;
  text: string;
  updated_at: string;
  /** The cues' marks in `text` (migration 0035), as src/media-text/moment.ts encodes them; null before 0035. */
  cues: string | null;
}

/** A work cited by show notes (migration 0026): its fullest citation as JSON (`Citation`). */
export interface SourcesTable {
  id: Auto;
  citation_json: string;
  created_at: string;
  /** The citation's reference line, for search (0028; FTS5 `sources_fts` / a GIN index over its tsvector). */
  search_text: Generated<string>;
}

/** A key a source is known by (`citationKeys`): `doi:…`, `isbn:…`, `url:…`, `title:…|…`. */
export interface SourceKeysTable {
  key: string;
  source_id: number;
}

/** An episode's citation entries in order, each as read (`Citation` JSON) and matched to its source. */
export interface EpisodeCitationsTable {
  episode_id: number;
  position: number;
  source_id: number;
  citation_json: string;
  /** The citing episode's show (migration 0034), for counting a source's reach without reading episodes. */
  show_id: number | null;
}

/**
 * For each source and each show citing it, how many of the show's episodes cite it (migration 0037; kept by
 * triggers on episode_citations): a source's reach read from one row per show.
 */
export interface SourceShowCitationsTable {
  source_id: number;
  show_id: number;
  episodes: number;
}

/** For each source, its citing episodes and shows over every show (migration 0038; sums of source_show_citations). */
export interface SourceCitationsTable {
  source_id: number;
  episodes: number;
  shows: number;
}
