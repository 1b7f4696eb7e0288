// Browsing by popularity (issue 15): the shows people listen to (the ranking of popularity.ts), then every other show
// by its newest episode. The ranking is computed from the listening signals at most once a minute and kept as a list
// of ids; a page of it is a slice of that list read through the store's visibility (and category) filter, and past
// its end the store's recency list takes over, keyset-paged, skipping the shows already listed.
import type { Show } from '../domain/show.ts';
import type { Audience } from '../store/ports.ts';
import type { LibraryReads } from './library-service.ts';
import { POPULARITY, rankShows } from './popularity.ts';

/** Where a popularity page starts: a place in the ranking, or a cursor of the recency list after it. */
export type PopularCursor = { rank: number } | { recent: string };

export interface PopularPage {
  items: Show[];
  next?: PopularCursor;
}

/** Ranked ids read per store call when filling a page (most are visible, so one call usually fills it). */
const RANK_CHUNK = 200;

export class PopularBrowse {
  #ranked: { at: number; ids: number[]; set: ReadonlySet<number> } | undefined;

  constructor(
    readonly deps: LibraryReads,
    readonly ttlMs = 60_000,
  ) {}

  invalidate(): void {
    this.#ranked = undefined;
  }

  /** Show ids with listening in the last 90 days, most popular first (every show, visible or not). */
  async ranking(now: Date): Promise<{ ids: number[]; set: ReadonlySet<number> }> {
    const cached = this.#ranked;
    if (cached && now.getTime() - cached.at < this.ttlMs) return cached;
    let ids: number[] = [];
    if (this.deps.listeners) {
      const since = new Date(now.getTime() - POPULARITY.horizonDays * 86_400_000);
      ids = rankShows(await this.deps.listeners.library.signals(since), now).map((r) => r.showId);
    }
    const ranked = { at: now.getTime(), ids, set: new Set(ids) };
    this.#ranked = ranked;
    return ranked;
  }

  /** One page of shows by popularity for the audience, in `category` when given. */
  async page(
    options: { audience: Audience; limit: number; category?: string; after?: PopularCursor },
    now: Date,
  ): Promise<PopularPage> {
    const { audience, limit } = options;
    const filter = { audience, ...(options.category !== undefined ? { category: options.category } : {}) };
    const ranked = await this.ranking(now);
    const items: Show[] = [];
    if (options.after === undefined || 'rank' in options.after) {
      let rank = options.after?.rank ?? 0;
      while (rank < ranked.ids.length) {
        const chunk = ranked.ids.slice(rank, rank + RANK_CHUNK);
        const shows = await this.deps.store.browse.showsAmong(chunk, filter);
        const byId = new Map(shows.map((s) => [s.id, s]));
        for (const id of chunk) {
          const show = byId.get(id);
          if (show === undefined) {
            rank++;
            continue;
          }
          if (items.length === limit) return { items, next: { rank } };
          items.push(show);
          rank++;
        }
      }
    }
    // The ranking ends exactly at a page's end: the rest of the shows start on the next page.
    if (items.length === limit) return { items, next: { recent: '' } };
    let cursor =
      options.after !== undefined && 'recent' in options.after && options.after.recent !== ''
        ? options.after.recent
        : undefined;
    for (;;) {
      const want = limit - items.length;
      const page = await this.deps.store.browse.showsByRecency({
        ...filter,
        limit: want,
        ...(cursor !== undefined ? { after: cursor } : {}),
      });
      for (const show of page.items) if (!ranked.set.has(show.id)) items.push(show);
      if (page.next === undefined) return { items };
      cursor = page.next;
      if (items.length === limit) return { items, next: { recent: cursor } };
    }
  }
}

/** A popularity cursor as a URL parameter (`r12`; `t<cursor>`, `t` alone: the recency list from its start), and back. */
export function formatPopularCursor(cursor: PopularCursor): string {
  return 'rank' in cursor ? `r${cursor.rank}` : `t${cursor.recent}`;
}

export function parsePopularCursor(text: string): PopularCursor | undefined {
  const rank = /^r(\d{1,7})$/.exec(text);
  if (rank) return { rank: Number(rank[1]) };
  if (text.startsWith('t')) return { recent: text.slice(1) };
  return undefined;
}
