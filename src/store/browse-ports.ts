// The catalogue as a listener browses it (issue 15): shows A–Z and by recency, by category, the newest episodes of
// the whole instance, a long show's seasons and years. Every list is keyset-paged (an opaque `after` cursor from the
// previous page), so a page deep into thousands of shows or a million episodes costs what the first does.
// Visibility as everywhere (see `Audience` in ports.ts): a private show, its episodes and its categories exist only
// for admins and its followers; counts count only what the audience may see.
import type { ShowCategory } from '../domain/categories.ts';
import type { EpisodeCitation } from '../domain/citation.ts';
import type { Episode, EpisodeListItem, EpisodeOrder } from '../domain/episode.ts';
import type { Credit } from '../domain/person.ts';
import type { Show } from '../domain/show.ts';
import type { Audience } from './ports.ts';
import type { SourceReach } from './source-ports.ts';

export interface ShowListQuery {
  audience: Audience;
  /** At most 100. */
  limit: number;
  /** `next` of the previous page of the same order; a malformed one throws `invalid`. */
  after?: string;
  /** Only shows listed under this category slug (a top-level category's slug includes its sub-categories'). */
  category?: string;
}

export interface ShowListPage {
  items: Show[];
  /** Absent on the last page. */
  next?: string;
}

export interface CategoryCount extends ShowCategory {
  /** Shows the audience may see in this category. */
  shows: number;
}

export interface SeasonCount {
  season: number;
  episodes: number;
}

export interface EpisodeItemsPage {
  items: EpisodeListItem[];
  /** Absent on the last page. */
  next?: string;
}

export interface BrowseRepository {
  /**
   * Shows by title, A–Z (case-insensitive; untitled first), ties by id. `from` starts the list at the first title
   * that sorts at or after it (the A–Z letter jump); ignored with `after`.
   */
  showsByTitle(query: ShowListQuery & { from?: string }): Promise<ShowListPage>;
  /** Shows with the newest episode first (shows without episodes last), ties by id, newest first. */
  showsByRecency(query: ShowListQuery): Promise<ShowListPage>;
  /** Of `ids`, the shows the audience may see (and in `category`, when given), in the order of `ids`. */
  showsAmong(ids: readonly number[], options: { audience: Audience; category?: string }): Promise<Show[]>;
  /** How many shows the audience may see, in `category` when given. */
  countShows(options: { audience: Audience; category?: string }): Promise<number>;
  /** Every category with at least one show the audience may see, with how many; by slug. */
  categoryCounts(audience: Audience): Promise<CategoryCount[]>;
  /** The name shows give the category with this slug (any show: ask `countShows` first whether the audience sees one). */
  categoryName(slug: string): Promise<string | undefined>;
  /** The categories a show is listed under (its stored `itunes:category` names mapped onto the tree). */
  categoriesOf(showId: number): Promise<ShowCategory[]>;
  /**
   * Episodes of the shows the audience may see, newest first (sort key, then id, descending), vanished ones left
   * out, none dated after `now` (a feed's far-future date does not hold the top of the list).
   */
  newEpisodes(options: {
    audience: Audience;
    limit: number;
    after?: string;
    now: Date;
  }): Promise<EpisodeItemsPage>;
  /** The seasons of a show's episodes (not vanished ones), lowest first, with how many episodes each. */
  seasons(showId: number): Promise<SeasonCount[]>;
  /** The years of a show's first and last episode (by sort key), undefined for a show without episodes. */
  episodeYears(showId: number): Promise<{ first: number; last: number } | undefined>;
  /** One page of a show's episodes of one season, as `listItemsForShow` pages them (the same cursors). */
  listSeason(
    showId: number,
    season: number,
    options: { order: EpisodeOrder; limit: number; cursor?: string },
  ): Promise<EpisodeItemsPage>;
  /**
   * A cursor for `listItemsForShow` or `listSeason` that starts the list at `year`: newest first, at the last
   * episode of that year (or the first earlier one); oldest first, at its first (or the first later one).
   */
  cursorAtYear(year: number, order: EpisodeOrder): string;
  /**
   * Everything a show's page shows, in one statement (one round trip on PostgreSQL): the show, one page of its
   * episodes (as `listItemsForShow`, or `listSeason` for a season), its credits (as `people.forShow`), `seasons`,
   * `episodeYears` and `categoriesOf`. Undefined: no such show. Whether the audience may see the show is the
   * caller's question, as after `shows.get`.
   */
  showPage(showId: number, list: ShowPageList): Promise<ShowPageReads | undefined>;
  /**
   * Everything an episode's page reads from the catalogue, in one statement: the episode, its show, the episode's
   * and the show's credits (as `people.forEpisode` and `people.forShow`) and its citations (as
   * `sources.forEpisode`), with how widely each source is cited for a visitor. Undefined: no such episode. Visibility is the caller's question, as after `episodes.get`.
   */
  episodePage(episodeId: number): Promise<EpisodePageReads | undefined>;
}

/** The episode list of a show's page. */
export interface ShowPageList {
  /** Absent: the show's own order, oldest first for a serial and newest first for any other show. */
  order?: EpisodeOrder;
  /** At most 100. */
  limit: number;
  /** `next` of the previous page of the same list (a malformed one throws `invalid`). */
  after?: string;
  /** Without `after`: the list starts at this year (as a `cursorAtYear` cursor would start it). */
  year?: number;
  /** Only this season's episodes. */
  season?: number;
}

export interface ShowPageReads {
  show: Show;
  /** The page of episodes `ShowPageList` asked for. */
  episodes: EpisodeItemsPage;
  credits: Credit[];
  seasons: SeasonCount[];
  /** The years of the first and last episode by sort key; absent for a show without episodes. */
  years?: { first: number; last: number };
  categories: ShowCategory[];
}

export interface EpisodePageReads {
  episode: Episode;
  show: Show;
  /** The episode's own credits. */
  credits: Credit[];
  showCredits: Credit[];
  citations: EpisodeCitation[];
  /** `sources.reach` of the cited sources for an anonymous visitor: other episodes of public shows citing each. */
  publicReach: SourceReach[];
}
