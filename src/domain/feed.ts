// A feed as the crawler sees it: where it lives, how fetching it went, when to look again.
// Timestamps are ISO 8601 UTC strings (`Date.prototype.toISOString()`), like everywhere in the domain.

import type { FeedProblem } from './feed-problem.ts';
import type { ShowContent } from './show.ts';

/** `active`: polled normally; `failing`: the last fetch failed (backing off); `gone`: 410, never polled again. */
export type FeedStatus = 'active' | 'failing' | 'gone';

/** Why an old URL or identifier still points at a feed. */
export type FeedAliasKind = 'redirect' | 'new-feed-url' | 'podcast-guid' | 'other';

export interface FeedAlias {
  feedId: number;
  /** An old URL, or the `podcast:guid` value for kind `podcast-guid`. */
  alias: string;
  kind: FeedAliasKind;
  createdAt: string;
}

export interface Feed {
  id: number;
  url: string;
  status: FeedStatus;
  createdAt: string;
  /** Conditional-GET validators exactly as the server sent them. */
  etag?: string;
  lastModified?: string;
  /** Hash of the last body that parsed, to spot a 200 with unchanged content. */
  bodyHash?: string;
  lastFetchAt?: string;
  lastSuccessAt?: string;
  /** When the feed is next due (a new feed: when it was added). Absent only for gone feeds. */
  nextCheckAt?: string;
  /** Consecutive failed fetches; 0 after any success. */
  errorStreak: number;
  lastErrorCode?: string;
  lastErrorMessage?: string;
  lastErrorAt?: string;
  /** HTTP status of the last response, when there was one. */
  httpStatus?: number;
  fetchCount: number;
  notModifiedCount: number;
  /** A 429/503 `Retry-After` forbids fetching before this. */
  retryAfterUntil?: string;
  /** What scheduling its next check needs, as of the last body ingested (absent before the first). */
  schedule?: ScheduleInputs;
  /**
   * Public feeds are in the catalogue for everyone. A private one (a listener's upload, often a premium feed with a
   * token in its URL) is seen only by admins and the listeners who follow or subscribe to it, until an admin
   * publishes it.
   */
  isPublic: boolean;
  /** Set while the operator has paused the feed: the crawler skips it (it is never due). */
  pausedAt?: string;
  /** The listener who brought the feed into the catalogue (absent: an administrator, the CLI, the demo). */
  addedByUserId?: number;
}

/** Who added a feed decides its visibility: an admin (web, CLI, demo) adds public feeds, a listener private ones. */
export type FeedVisibility = 'public' | 'private';

/** What refreshing a feed reads of it, and so what the crawler leases: the rest of the row stays in the database. */
export type FeedToRefresh = Pick<
  Feed,
  | 'id'
  | 'url'
  | 'status'
  | 'etag'
  | 'lastModified'
  | 'bodyHash'
  | 'lastFetchAt'
  | 'lastSuccessAt'
  | 'errorStreak'
  | 'schedule'
>;

/** The channel's scheduling hints and the sort keys of its latest published episodes, newest first. */
export type ScheduleInputs = Pick<
  ShowContent,
  'ttlMinutes' | 'skipHours' | 'skipDays' | 'updateFrequency' | 'complete'
> & {
  publishDates: string[];
};

/** What one fetch of a feed came to; `recordFetch` turns it into health and schedule. */
export type FetchOutcome =
  | {
      kind: 'ok' | 'not-modified';
      at: Date;
      httpStatus?: number;
      etag?: string;
      lastModified?: string;
      bodyHash?: string;
      /** Replaces the stored problems (only for `ok`: a 304 keeps the previous ones). */
      problems?: FeedProblem[];
      nextCheckAt: Date;
      /** Replaces the stored schedule inputs (after an ingest, or the first time they were read). */
      schedule?: ScheduleInputs;
    }
  | {
      kind: 'error';
      at: Date;
      code: string;
      message: string;
      httpStatus?: number;
      nextCheckAt: Date;
      retryAfterUntil?: Date;
      schedule?: ScheduleInputs;
    };

/** Share of fetches answered 304, 0 when never fetched. */
export function notModifiedShare(feed: Pick<Feed, 'fetchCount' | 'notModifiedCount'>): number {
  return feed.fetchCount === 0 ? 0 : feed.notModifiedCount / feed.fetchCount;
}

/**
 * Query parameter names that carry a per-listener secret in premium feed URLs (Patreon `auth`, Supercast and Memberful
 * `token`/`key`, signed URLs …).
 */
const SECRET_PARAM = /(auth|token|key|secret|pass|pwd|sig|session|private|code|hash|uid|subscriber)/i;
/** A path segment that looks generated: 16+ characters of letters and digits (and - _), with both in it. */
const SECRET_SEGMENT = /^(?=[A-Za-z0-9_-]{16,}$)(?=.*\d)(?=.*[A-Za-z])/;

/**
 * True when the URL carries credentials: `user:pass@`, a secret-looking query parameter, or a token-like path
 * segment (`/p/3f9a…/`). Such a URL is kept for fetching but is never shown to anyone who did not upload it.
 */
export function feedUrlHasSecret(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.username !== '' || u.password !== '') return true;
  for (const name of u.searchParams.keys()) if (SECRET_PARAM.test(name)) return true;
  return u.pathname.split('/').some((segment) => SECRET_SEGMENT.test(segment));
}

/** The URL without `user:pass@`: credentials are used for fetching and never rendered, not even to followers. */
export function withoutCredentials(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  if (u.username === '' && u.password === '') return url;
  u.username = '';
  u.password = '';
  return u.toString();
}
