// "Find podcasts": a directory search (src/directory/) with each result marked as the viewer may know it here —
// followed by them, or in the catalogue with its show — and what following or adding a result does.
import type { DirectoryResult } from '../domain/directory.ts';
import type { FeedVisibility } from '../domain/feed.ts';
import type { LibraryRepository } from '../store/listener-ports.ts';
import type { Audience, Store } from '../store/ports.ts';

/** Where a directory's result stands here, for this viewer. */
export type CatalogueMark =
  /** The viewer follows its feed (its show is there once the feed was fetched). */
  | { kind: 'following'; feedId: number; showId?: number }
  /** In the catalogue, and the viewer may see it. */
  | { kind: 'in-catalogue'; feedId: number; showId?: number };

export interface FoundPodcast {
  result: DirectoryResult;
  /** Absent: not here, or here but private to others (which must not show). */
  mark?: CatalogueMark;
}

/**
 * Marks each result the viewer can see here. A private feed the viewer does not follow is left unmarked, exactly as
 * if it were not here: the page must not tell anyone that another listener follows it.
 */
export async function markInCatalogue(
  store: Store,
  library: LibraryRepository | undefined,
  results: readonly DirectoryResult[],
  audience: Audience,
): Promise<FoundPodcast[]> {
  return Promise.all(
    results.map(async (result): Promise<FoundPodcast> => {
      const feed = await store.feeds.findByUrl(result.feedUrl);
      if (feed === undefined) return { result };
      const following =
        audience.userId !== undefined && library !== undefined
          ? await library.isFollowing(audience.userId, feed.id)
          : false;
      const visible = following || feed.isPublic || audience.isAdmin === true;
      if (!visible && !(await store.feeds.isVisible(feed.id, audience))) return { result };
      const show = await store.shows.getByFeed(feed.id);
      const showId = show === undefined ? {} : { showId: show.id };
      return { result, mark: { kind: following ? 'following' : 'in-catalogue', feedId: feed.id, ...showId } };
    }),
  );
}

/** What an admin's "add to the public catalogue" needs (src/main.ts's feed admin and the store). */
export interface PublicCatalogue {
  addFeed(url: string, visibility?: FeedVisibility): Promise<{ feedId: number; created: boolean }>;
}

/**
 * An admin puts a directory's result in the public catalogue: added (and fetched soon) when new, published when it
 * was private to its followers. Returns the feed id and what changed.
 */
export async function addToPublicCatalogue(
  store: Store,
  feeds: PublicCatalogue,
  url: string,
): Promise<{ feedId: number; change: 'added' | 'published' | 'already-public' }> {
  const { feedId, created } = await feeds.addFeed(url, 'public');
  if (created) return { feedId, change: 'added' };
  const feed = await store.feeds.get(feedId);
  if (feed !== undefined && !feed.isPublic) {
    await store.feeds.setVisibility(feedId, 'public');
    return { feedId, change: 'published' };
  }
  return { feedId, change: 'already-public' };
}
