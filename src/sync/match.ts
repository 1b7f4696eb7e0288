// Matching an uploaded episode action to one of our episodes (protocols.md §1.4, §2.5).
import { feedUrlOrUndefined } from './subscriptions.ts';

/** What matching needs from the catalogue; the store implements it. Ids are whatever the store uses. */
export interface EpisodeCatalogue<FeedId, EpisodeId> {
  /** The feed whose URL or URL alias (pre-redirect, new-feed-url) is `url`, if any. */
  feedByUrl(url: string): Promise<FeedId | undefined>;
  episodeByGuid(feed: FeedId, guid: string): Promise<EpisodeId | undefined>;
  episodeByEnclosureUrl(feed: FeedId, url: string): Promise<EpisodeId | undefined>;
  /** Episodes whose enclosure URL, with its query string and fragment cut, equals `url`. */
  episodeByEnclosureUrlWithoutQuery(feed: FeedId, url: string): Promise<EpisodeId | undefined>;
}

export type EpisodeMatch<FeedId, EpisodeId> =
  | {
      kind: 'matched';
      feed: FeedId;
      episode: EpisodeId;
      via: 'guid' | 'enclosure' | 'enclosure-without-query';
    }
  | { kind: 'unknown-episode'; feed: FeedId }
  | { kind: 'unknown-feed' };

/**
 * Finds the episode an action means: the feed by its URL as the client knows it (exact, then normalised, both
 * through the alias table), then the episode by guid within that show, then by exact enclosure URL, then by
 * enclosure URL without query string. The action's `episode` field is an enclosure URL; some clients put a guid there.
 */
export async function matchEpisode<FeedId, EpisodeId>(
  catalogue: EpisodeCatalogue<FeedId, EpisodeId>,
  action: { podcast: string; episode: string; guid?: string },
): Promise<EpisodeMatch<FeedId, EpisodeId>> {
  let feed = await catalogue.feedByUrl(action.podcast);
  if (feed === undefined) {
    const normalised = feedUrlOrUndefined(action.podcast);
    if (normalised !== undefined && normalised !== action.podcast)
      feed = await catalogue.feedByUrl(normalised);
  }
  if (feed === undefined) return { kind: 'unknown-feed' };
  if (action.guid !== undefined) {
    const byGuid = await catalogue.episodeByGuid(feed, action.guid);
    if (byGuid !== undefined) return { kind: 'matched', feed, episode: byGuid, via: 'guid' };
  }
  const byUrl = await catalogue.episodeByEnclosureUrl(feed, action.episode);
  if (byUrl !== undefined) return { kind: 'matched', feed, episode: byUrl, via: 'enclosure' };
  const bare = withoutQuery(action.episode);
  const byBare = await catalogue.episodeByEnclosureUrlWithoutQuery(feed, bare);
  if (byBare !== undefined) return { kind: 'matched', feed, episode: byBare, via: 'enclosure-without-query' };
  if (action.guid === undefined) {
    // gPodder's `episode` is sometimes the guid itself (for items without an enclosure).
    const episodeAsGuid = await catalogue.episodeByGuid(feed, action.episode);
    if (episodeAsGuid !== undefined) return { kind: 'matched', feed, episode: episodeAsGuid, via: 'guid' };
  }
  return { kind: 'unknown-episode', feed };
}

/** The enclosure URL without its query string and fragment (PodFetch's fallback for tracking parameters). */
export function withoutQuery(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}
