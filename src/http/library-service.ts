// Reads that combine the catalogue with one listener's data, for the pages and the API.
import type { Episode } from '../domain/episode.ts';
import type { Show } from '../domain/show.ts';
import { POPULARITY, rankShows } from '../services/popularity.ts';
import type { Progress } from '../store/listener-ports.ts';
import type { Audience, Store } from '../store/ports.ts';
import type { EpisodeRow, ShowCard } from '../views/models.ts';
import { episodeRow, showCard } from './present.ts';
import type { ServerDeps } from './server.ts';

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

export async function rowsForProgress(store: Store, items: Progress[]): Promise<EpisodeRow[]> {
  const shows = new ShowLoader(store);
  const rows: EpisodeRow[] = [];
  for (const p of items) {
    const ep = await store.episodes.get(p.episodeId);
    if (!ep) continue;
    const show = await shows.get(ep.showId);
    if (!show) continue;
    rows.push(episodeRow(ep, show, { progress: p, withShow: true }));
  }
  return rows;
}

export async function rowsForEpisodes(
  deps: ServerDeps,
  userId: number | undefined,
  episodes: Episode[],
  withShow: boolean,
  showHint?: Show | ReadonlyMap<number, Show>,
): Promise<EpisodeRow[]> {
  const progress =
    userId !== undefined && deps.listeners
      ? await deps.listeners.library.progressFor(
          userId,
          episodes.map((e) => e.id),
        )
      : undefined;
  const shows = new ShowLoader(deps.store);
  const rows: EpisodeRow[] = [];
  for (const ep of episodes) {
    const known =
      showHint === undefined
        ? undefined
        : 'feedId' in showHint
          ? showHint.id === ep.showId
            ? showHint
            : undefined
          : showHint.get(ep.showId);
    const show = known ?? (await shows.get(ep.showId));
    if (!show) continue;
    const p = progress?.get(ep.id);
    rows.push(episodeRow(ep, show, { withShow, ...(p ? { progress: p } : {}) }));
  }
  return rows;
}

/**
 * Popular shows, cached briefly: the home page must stay fast whatever the listening volume. One list for every
 * visitor, so only public shows are in it (a listener's private feeds are in their library, never in a shared rail).
 */
export class PopularShows {
  #cache: { at: number; cards: ShowCard[]; ids: number[] } | undefined;
  constructor(
    readonly deps: ServerDeps,
    readonly ttlMs = 60_000,
  ) {}

  async list(limit: number, now: Date): Promise<{ cards: ShowCard[]; ids: number[] }> {
    const c = this.#cache;
    if (c && now.getTime() - c.at < this.ttlMs && c.cards.length >= Math.min(limit, c.cards.length)) {
      return { cards: c.cards.slice(0, limit), ids: c.ids.slice(0, limit) };
    }
    const size = Math.max(limit, 12);
    const ids: number[] = [];
    const cards: ShowCard[] = [];
    if (this.deps.listeners) {
      const since = new Date(now.getTime() - POPULARITY.horizonDays * 86_400_000);
      const ranked = rankShows(await this.deps.listeners.library.signals(since), now);
      for (const r of ranked.slice(0, size)) {
        const show = await this.deps.store.shows.get(r.showId);
        if (show?.isPublic) {
          ids.push(show.id);
          cards.push(showCard(show));
        }
      }
    }
    if (cards.length < size) {
      for (const show of await this.deps.store.shows.listRecentlyUpdated(size, EVERYONE)) {
        if (cards.length >= size) break;
        if (ids.includes(show.id)) continue;
        ids.push(show.id);
        cards.push(showCard(show));
      }
    }
    this.#cache = { at: now.getTime(), cards, ids };
    return { cards: cards.slice(0, limit), ids: ids.slice(0, limit) };
  }

  invalidate(): void {
    this.#cache = undefined;
    this.#recent = undefined;
  }

  #recent: { at: number; cards: ShowCard[] } | undefined;

  /** Recently updated shows, cached as briefly as the ranking. */
  async recent(limit: number, now: Date): Promise<ShowCard[]> {
    const r = this.#recent;
    if (r && now.getTime() - r.at < this.ttlMs && r.cards.length >= limit) return r.cards.slice(0, limit);
    const cards = (await this.deps.store.shows.listRecentlyUpdated(limit, EVERYONE)).map(showCard);
    this.#recent = { at: now.getTime(), cards };
    return cards;
  }
}
