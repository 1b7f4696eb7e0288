// A show: one per feed, everything the pages need from the feed's channel.

import type { ParsedFeed } from '../feed/parse/types.ts';

/**
 * What a refresh writes for a show: the parsed channel as is (live items are not part of a show).
 * Stored and read back unchanged: absent fields stay absent.
 */
export type ShowContent = Omit<ParsedFeed, 'liveItems'>;

export interface Show extends ShowContent {
  id: number;
  feedId: number;
  /** Number of stored episodes, vanished ones included. */
  episodeCount: number;
  /** Newest episode date (published, else first seen); absent while there are no episodes. */
  latestEpisodeAt?: string;
  createdAt: string;
  /** Last time the channel data changed. */
  updatedAt: string;
  /** The feed's visibility (`Feed.isPublic`), copied onto the show so that lists and search filter on one column. */
  isPublic: boolean;
}
