// Reads that combine the catalogue with one listener's data, for the pages and the API. Domain records out; the
// pages present them (src/http/routes/pages/rows.ts).
import type { Episode, EpisodeListItem } from '../domain/episode.ts';
import type { Show } from '../domain/show.ts';
import type { LibraryRepository, Progress } from '../store/listener-ports.ts';
import type { Audience, Store } from '../store/ports.ts';
import { POPULARITY, rankShows } from './popularity.ts';

/** What these reads need: the catalogue and, when accounts are on, the listeners' libraries. */
export interface LibraryReads {
  store: Store;
  listeners?: { library: LibraryRepository };
}

/** An episode with its show and, when known, the listener's progress in it. */
export interface ListenedEpisode<E extends EpisodeListItem = Episode> {
  episode: E;
  show: Show;
  progress?: Progress;
}

/** An anonymous visitor: the audience of everything shared between visitors. */
const EVERYONE: Audience = {};

/** Loads shows by id with a small per-call memo (lists often repeat a show). */
export class ShowLoader {
  readonly #memo = new Map<number, Promise<Show | undefined>>();
  constructor(readonly store: Store) {}
  get(id: number): Promise<Show | undefined> {
    let p = this.#memo.get(id);
    if (!p) {
      p = this.store.shows.get(id);
      this.#memo.set(id, p);
    }
    return p;
  }
}

/** Each progress entry with its episode and show (entries whose episode or show is gone are left out). */
export async function withEpisodes(store: Store, items: Progress[]): Promise<Required<ListenedEpisode>[]> {
  const shows = new ShowLoader(store);
  const out: Required<ListenedEpisode>[] = [];
  for (const p of items) {
    const episode = await store.episodes.get(p.episodeId);
    if (!episode) continue;
    const show = await shows.get(episode.showId);
    if (!show) continue;
    out.push({ episode, show, progress: p });
  }
  return out;
}

/**
 * Each episode with its show (from `showHint` when it has it) and the listener's progress, in the given order;
 * episodes whose show is gone are left out.
 */
export async function withShowsAndProgress<E extends EpisodeListItem>(
  reads: LibraryReads,
  userId: number | undefined,
  episodes: E[],
  showHint?: Show | ReadonlyMap<number, Show>,
): Promise<ListenedEpisode<E>[]> {
  const progress =
    userId !== undefined && reads.listeners
      ? await reads.listeners.library.progressFor(
          userId,
          episodes.map((e) => e.id),
        )
      : undefined;
  const shows = new ShowLoader(reads.store);
  const out: ListenedEpisode<E>[] = [];
  for (const episode of episodes) {
    const known =
      showHint === undefined
        ? undefined
        : 'feedId' in showHint
          ? showHint.id === episode.showId
            ? showHint
            : undefined
          : showHint.get(episode.showId);
    const show = known ?? (await shows.get(episode.showId));
    if (!show) continue;
    const p = progress?.get(episode.id);
    out.push({ episode, show, ...(p ? { progress: p } : {}) });
  }
  return out;
}

/**
 * Popular shows, cached briefly: the home page must stay fast whatever the listening volume. One list for every
 * visitor, so only public shows are in it (a listener's private feeds are in their library, never in a shared rail).
 */
export class PopularShows {
  #cache: { at: number; shows: Show[] } | undefined;
  constructor(
    readonly deps: LibraryReads,
    readonly ttlMs = 60_000,
  ) {}

  async list(limit: number, now: Date): Promise<Show[]> {
    const c = this.#cache;
    if (c && now.getTime() - c.at < this.ttlMs && c.shows.length >= Math.min(limit, c.shows.length)) {
      return c.shows.slice(0, limit);
    }
    const size = Math.max(limit, 12);
    const ids: number[] = [];
    const shows: Show[] = [];
    if (this.deps.listeners) {
      const since = new Date(now.getTime() - POPULARITY.horizonDays * 86_400_000);
      const ranked = rankShows(await this.deps.listeners.library.signals(since), now);
      for (const r of ranked.slice(0, size)) {
        const show = await this.deps.store.shows.get(r.showId);
        if (show?.isPublic) {
          ids.push(show.id);
          shows.push(show);
        }
      }
    }
    if (shows.length < size) {
      for (const show of await this.deps.store.shows.listRecentlyUpdated(size, EVERYONE)) {
        if (shows.length >= size) break;
        if (ids.includes(show.id)) continue;
        ids.push(show.id);
        shows.push(show);
      }
    }
    this.#cache = { at: now.getTime(), shows };
    return shows.slice(0, limit);
  }

  invalidate(): void {
    this.#cache = undefined;
    this.#recent = undefined;
  }

  #recent: { at: number; shows: Show[] } | undefined;

  /** Recently updated shows, cached as briefly as the ranking. */
  async recent(limit: number, now: Date): Promise<Show[]> {
    const r = this.#recent;
    if (r && now.getTime() - r.at < this.ttlMs && r.shows.length >= limit) return r.shows.slice(0, limit);
    const shows = await this.deps.store.shows.listRecentlyUpdated(limit, EVERYONE);
    this.#recent = { at: now.getTime(), shows };
    return shows;
  }
}
