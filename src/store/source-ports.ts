// The sources that show notes cite (issue 16), identified across episodes and shows. Contract tested on both
// databases in test/support/store-contract-sources.ts.
import type { Citation, EpisodeCitation, Source, SourceCitingEpisode } from '../domain/citation.ts';
import type { Audience } from './ports.ts';

/** An episode of a show, named the way the feed names it, with the citations its notes now give. */
export interface EpisodeCitations {
  guid: string;
  enclosureUrl?: string;
  citations: readonly Citation[];
}

/** How widely a source is cited, as far as an audience may see. */
export interface SourceReach {
  sourceId: number;
  episodes: number;
  shows: number;
}

/** A source found by a search, with how widely it is cited as far as the audience may see. */
export interface SourceSearchHit {
  source: Source;
  episodes: number;
  shows: number;
}

export interface SourceRepository {
  /**
   * Sources whose reference line holds every word of `query` (the last also as a prefix; case and, on SQLite,
   * diacritics ignored, English words stemmed), cited by at least one episode `audience` may see: the most cited
   * first, then the newest; at most `limit`. Looks at the newest 200 matches at the most.
   */
  search(query: string, options: { limit: number; audience?: Audience }): Promise<SourceSearchHit[]>;
  /**
   * Replaces the citations of the show's episodes named in `entries` (by guid, and enclosure URL when several
   * episodes share a guid), matching each to a source by any key of `citationKeys` (a source found under one key
   * learns the entry's other keys), creating sources as needed. An empty list removes the episode's citations.
   * Entries naming no stored episode are ignored. Call inside the transaction that wrote the episodes.
   */
  replaceForEpisodes(showId: number, entries: readonly EpisodeCitations[], now: Date): Promise<void>;
  /** The episode's citations in the order of its notes. */
  forEpisode(episodeId: number): Promise<EpisodeCitation[]>;
  get(id: number): Promise<Source | undefined>;
  /**
   * The episodes citing a source that `audience` may see (newest first, at most `limit`, default 100), with how
   * many such episodes and shows there are in all. Without `audience`, every episode.
   */
  citingEpisodes(
    sourceId: number,
    options?: { audience?: Audience; limit?: number },
  ): Promise<{ episodes: SourceCitingEpisode[]; episodeCount: number; showCount: number }>;
  /** For each source, the episodes other than `exceptEpisodeId` citing it that `audience` may see. */
  reach(
    sourceIds: readonly number[],
    options: { exceptEpisodeId?: number; audience?: Audience },
  ): Promise<SourceReach[]>;
}
