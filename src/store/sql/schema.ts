// The database as Kysely sees it, written by hand to match src/store/migrations/.
// Conventions: timestamps are ISO 8601 UTC text (`toISOString()`); booleans are integers 0/1; structured extras are
// JSON text in `*_json` columns; NULL means absent.

import type { Generated } from 'kysely';

/** An id or counter the database fills in. */
type Auto = Generated<number>;

export interface Database {
  schema_migrations: SchemaMigrationsTable;
  feeds: FeedsTable;
  feed_problems: FeedProblemsTable;
  feed_aliases: FeedAliasesTable;
  shows: ShowsTable;
  episodes: EpisodesTable;
  people: PeopleTable;
  show_persons: ShowPersonsTable;
  episode_persons: EpisodePersonsTable;
  jobs: JobsTable;
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
