// Builds the sync service from the rest of Earshot: the store (catalogue), the listener store (accounts, library),
// the feed admin (adding feeds through the crawler, with its SSRF guard), and the sync repository.
import { type FeedVisibility, withoutCredentials } from '../domain/feed.ts';
import type { Show } from '../domain/show.ts';
import type { LibraryRepository, SignInFailureRepository, UserRepository } from '../store/listener-ports.ts';
import type { Store } from '../store/ports.ts';
import type { SyncRepository } from '../store/sync-ports.ts';
import type {
  DirectoryPodcast,
  FeedRef,
  SyncAccounts,
  SyncCatalogue,
  SyncLibrary,
  SyncQuota,
} from '../sync/ports.ts';
import { SyncService } from '../sync/service.ts';
import { verifyPassword } from './passwords.ts';

export function accountsFrom(users: UserRepository): SyncAccounts {
  // A disabled account is no account to sync (its app passwords and sessions stop working).
  const pick = (u: { id: number; name: string; disabledAt?: string } | undefined) =>
    u === undefined || u.disabledAt !== undefined ? undefined : { id: u.id, name: u.name };
  return {
    verifyPassword: async (name, password) => {
      const user = await verifyPassword(users, name, password);
      return user === undefined ? undefined : { id: user.id, name: user.name, authEpoch: user.authEpoch };
    },
    authEpoch: (id) => users.authEpoch(id),
    byName: async (name) => pick(await users.findByName(name)),
    byId: async (id) => pick(await users.get(id)),
  };
}

export function libraryFrom(library: LibraryRepository): SyncLibrary {
  return {
    follow: (userId, feedId, at) => library.follow(userId, feedId, at),
    unfollow: (userId, feedId) => library.unfollow(userId, feedId),
    saveProgress: async (userId, episodeId, seconds, at) => {
      await library.savePosition(userId, episodeId, seconds, at);
    },
    setPlayed: async (userId, episodeId, played, at) => {
      await library.setPlayed(userId, episodeId, played, at);
    },
  };
}

export interface CatalogueDeps {
  store: Store;
  /**
   * The crawler's entry point for feeds listeners subscribe to (it decides their visibility); without it feeds are
   * added to the store directly (the fetcher still guards SSRF), with `listenerFeeds` visibility.
   */
  addFeed?: (url: string, options?: { addedByUserId?: number }) => Promise<{ feedId: number }>;
  /** Visibility of a feed a listener adds: `private` (the default) unless the operator made followed feeds public. */
  listenerFeeds?: FeedVisibility;
  /** Full-text search (the store's search); without it, titles are matched in the recently updated shows. */
  search?: (query: string, limit: number) => Promise<Show[]>;
  now?: () => Date;
}

export function catalogueFrom(deps: CatalogueDeps): SyncCatalogue {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());
  // The directory (toplist, search, suggestions) is public: only public shows, and never a URL's credentials.
  const directoryEntry = async (show: Show): Promise<DirectoryPodcast | undefined> => {
    if (!show.isPublic) return undefined;
    const feed = await store.feeds.get(show.feedId);
    if (feed === undefined) return undefined;
    const p: DirectoryPodcast = { url: withoutCredentials(feed.url), subscribers: 0 };
    if (show.title !== undefined) p.title = show.title;
    if (show.author !== undefined) p.author = show.author;
    if (show.description !== undefined) p.description = show.description;
    if (show.link !== undefined) p.website = show.link;
    if (show.imageUrl !== undefined) p.logoUrl = show.imageUrl;
    return p;
  };
  const entries = async (shows: readonly Show[]) =>
    (await Promise.all(shows.map(directoryEntry))).filter((p): p is DirectoryPodcast => p !== undefined);
  const showOf = async (feed: FeedRef) => feed.showId;
  // Every uploaded action names its feed by URL: remember feeds with their show for a minute. Feeds not fetched
  // yet (no show) and unknown URLs are never remembered, so their first episodes are matched at once.
  const feedCache = new Map<string, { ref: FeedRef; until: number }>();
  const FEED_CACHE_MS = 60_000;

  return {
    async feedByUrl(url) {
      const nowMs = Date.now();
      const hit = feedCache.get(url);
      if (hit !== undefined && hit.until > nowMs) return hit.ref;
      const feed = await store.feeds.findByUrl(url);
      if (feed === undefined) return undefined;
      const show = await store.shows.getByFeed(feed.id);
      const ref = show === undefined ? { feedId: feed.id } : { feedId: feed.id, showId: show.id };
      if (feedCache.size > 10_000) feedCache.clear();
      if (show !== undefined) feedCache.set(url, { ref, until: nowMs + FEED_CACHE_MS });
      return ref;
    },
    async episodeByGuid(feed, guid) {
      const showId = await showOf(feed);
      return showId === undefined ? undefined : (await store.episodes.findByGuid(showId, guid))?.id;
    },
    async episodeByEnclosureUrl(feed, url) {
      const showId = await showOf(feed);
      if (showId === undefined) return undefined;
      return (await store.episodes.findByEnclosureUrl(url, showId)).find((e) => e.enclosure?.url === url)?.id;
    },
    async episodeByEnclosureUrlWithoutQuery(feed, url) {
      const showId = await showOf(feed);
      if (showId === undefined) return undefined;
      return (await store.episodes.findByEnclosureUrl(url, showId))[0]?.id;
    },
    async addFeed(url, options = {}) {
      if (deps.addFeed !== undefined) return deps.addFeed(url, options);
      const visibility = deps.listenerFeeds ?? 'private';
      return { feedId: (await store.feeds.add(url, now(), { ...options, visibility })).feed.id };
    },
    async episodeInfo(episodeId) {
      const episode = await store.episodes.get(episodeId);
      if (episode === undefined) return undefined;
      const show = await store.shows.get(episode.showId);
      const feed = show === undefined ? undefined : await store.feeds.get(show.feedId);
      if (feed === undefined) return undefined;
      return {
        episodeId,
        feedId: feed.id,
        // What phones see of a feed never carries `user:pass@` (their uploads drop it too).
        feedUrl: withoutCredentials(feed.url),
        guid: episode.guid,
        ...(episode.enclosure === undefined ? {} : { enclosureUrl: episode.enclosure.url }),
        ...(episode.durationSeconds === undefined ? {} : { durationSeconds: episode.durationSeconds }),
      };
    },
    async feedInfo(feedId) {
      const feed = await store.feeds.get(feedId);
      if (feed === undefined) return undefined;
      const show = await store.shows.getByFeed(feedId);
      return {
        url: withoutCredentials(feed.url),
        ...(show?.title === undefined ? {} : { title: show.title }),
        ...(show?.link === undefined ? {} : { website: show.link }),
        ...(show?.description === undefined ? {} : { description: show.description }),
      };
    },
    async feedUrls(feedId) {
      const feed = await store.feeds.get(feedId);
      if (feed === undefined) return [];
      const aliases = await store.feeds.aliases(feedId);
      return [feed.url, ...aliases.filter((a) => a.kind !== 'podcast-guid').map((a) => a.alias)];
    },
    async toplist(limit) {
      return entries(await store.shows.listRecentlyUpdated(limit, {}));
    },
    async search(query, limit) {
      if (deps.search !== undefined) return entries(await deps.search(query, limit));
      const words = query.toLowerCase().split(/\s+/).filter(Boolean);
      const shows = (await store.shows.list({ limit: 500, audience: {} })).items.filter((s) =>
        words.every((w) => `${s.title ?? ''} ${s.author ?? ''}`.toLowerCase().includes(w)),
      );
      return entries(shows.slice(0, limit));
    },
  };
}

export interface SyncServiceFactoryDeps extends CatalogueDeps {
  repo: SyncRepository;
  users: UserRepository;
  /** Failed Basic sign-ins, shared by every process (the store's `listeners.signInFailures` when absent). */
  signInFailures?: SignInFailureRepository;
  /** The longest a sign-in waits while its name is under attack (EARSHOT_SIGN_IN_MAX_DELAY_MS). */
  signInMaxDelayMs?: number;
  library?: LibraryRepository;
  /** Per-listener limits (src/services/listener-quota.ts); without it, none. */
  quota?: SyncQuota;
  warn?: (message: string) => void;
  observe?: (kind: string, count: number) => void;
}

/** The one SyncService of a server process. */
export function createSyncService(deps: SyncServiceFactoryDeps): SyncService {
  return new SyncService({
    repo: deps.repo,
    accounts: accountsFrom(deps.users),
    signInFailures: deps.signInFailures ?? deps.store.listeners.signInFailures,
    ...(deps.signInMaxDelayMs === undefined ? {} : { signInMaxDelayMs: deps.signInMaxDelayMs }),
    catalogue: catalogueFrom(deps),
    ...(deps.library === undefined ? {} : { library: libraryFrom(deps.library) }),
    ...(deps.quota === undefined ? {} : { quota: deps.quota }),
    // A listener's subscription changes hold their lock in the database: one at a time across web processes.
    exclusive: (userId, fn) => deps.users.exclusive(userId, fn),
    // The store's transaction gives transaction-scoped sync and listener repositories (same database).
    transaction: (fn) =>
      deps.store.transaction((tx) =>
        fn({
          repo: tx.sync,
          ...(deps.library === undefined ? {} : { library: libraryFrom(tx.listeners.library) }),
        }),
      ),
    ...(deps.now === undefined ? {} : { now: deps.now }),
    ...(deps.warn === undefined ? {} : { warn: deps.warn }),
    ...(deps.observe === undefined ? {} : { observe: deps.observe }),
  });
}
