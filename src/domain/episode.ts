// Episodes and the pure rules about their identity and order.

import type { ParsedEpisode } from '../feed/parse/types.ts';

/**
 * What a refresh writes for an episode: the parsed item, with `contentHtml` already sanitised.
 * Stored and read back unchanged: absent fields stay absent.
 */
export type EpisodeContent = ParsedEpisode;

export interface Episode extends EpisodeContent {
  id: number;
  showId: number;
  firstSeenAt: string;
  lastSeenAt: string;
  /** Set when a complete fetch of the feed no longer listed the episode; it is kept, never deleted. */
  vanishedAt?: string;
  /** The date the episode is ordered by: `publishedAt` normalised, else `firstSeenAt`. */
  sortKey: string;
}

/** `newest`: latest first (the default listing); `oldest`: first first (serial shows). */
export type EpisodeOrder = 'newest' | 'oldest';

/** What an upsert of a feed's items did. The four counts are disjoint and add up to the stored episodes touched. */
export interface EpisodeUpsertResult {
  inserted: number;
  /** Content changed, or the episode reappeared after having vanished. */
  updated: number;
  unchanged: number;
  /** Newly marked vanished by this upsert. */
  vanished: number;
}

/**
 * The enclosure URL without its query string and fragment: the identity of last resort for feeds whose guids
 * change on every fetch (tracking parameters often change too). Returns the input trimmed when it is not a URL.
 */
export function enclosureUrlWithoutQuery(url: string): string {
  const trimmed = url.trim();
  const cut = trimmed.search(/[?#]/);
  return cut === -1 ? trimmed : trimmed.slice(0, cut);
}

/**
 * The ordering key of an episode: its publication date normalised to `toISOString()` form (so that string order is
 * time order), else the time it was first seen.
 */
export function episodeSortKey(publishedAt: string | undefined, firstSeenAt: string): string {
  if (publishedAt !== undefined) {
    const time = Date.parse(publishedAt);
    // Years outside 0000–9999 would not sort as strings; treat them as undated.
    if (Number.isFinite(time) && time >= Date.UTC(0, 0, 1) && time < Date.UTC(10000, 0, 1)) {
      return new Date(time).toISOString();
    }
  }
  return firstSeenAt;
}
