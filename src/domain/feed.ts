// A feed as the crawler sees it: where it lives, how fetching it went, when to look again.
// Timestamps are ISO 8601 UTC strings (`Date.prototype.toISOString()`), like everywhere in the domain.

import type { FeedProblem } from '../feed/parse/types.ts';
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
  /** The listener who brought the feed into the catalogue (absent: an administrator, the CLI, the demo). */
  addedByUserId?: number;
}

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
