// The media-text cache: fetched transcripts and chapters, and each episode's transcript text for search.

export type MediaTextKind = 'transcript' | 'chapters';

export interface MediaTextCacheEntry {
  kind: MediaTextKind;
  url: string;
  /** ISO time of the last attempt (successful, revalidated or failed). */
  fetchedAt: string;
  /** ISO time after which the service looks again. */
  expiresAt: string;
  etag?: string;
  lastModified?: string;
  /** The parsed result as JSON text, from the last successful fetch (kept across later failures). */
  payload?: string;
  /** The code of the last attempt's failure; absent when it succeeded. */
  errorCode?: string;
}

export interface EpisodeTranscriptText {
  episodeId: number;
  url: string;
  language?: string;
  /** The cue text joined by spaces. */
  text: string;
  /**
   * Where each cue starts in `text` and when it is said, as src/media-text's `encodeCueMarks` writes them (migration
   * 0035): what a search hit's moment is found from. Absent for rows written before it.
   */
  cues?: string;
  updatedAt: string;
}

export interface MediaTextRepository {
  get(kind: MediaTextKind, url: string): Promise<MediaTextCacheEntry | undefined>;
  /** Inserts or replaces the entry for (kind, url); absent optional fields are stored as absent. */
  put(entry: MediaTextCacheEntry): Promise<void>;
  /**
   * Inserts or replaces the episode's transcript text (and its cues' marks: absent ones are stored as absent).
   * Unknown episode ids are ignored (returns false).
   */
  putEpisodeText(entry: EpisodeTranscriptText): Promise<boolean>;
  getEpisodeText(episodeId: number): Promise<EpisodeTranscriptText | undefined>;
  /** The transcript texts of those of `episodeIds` that have one, in one statement (a results page's hits). */
  getEpisodeTexts(episodeIds: readonly number[]): Promise<EpisodeTranscriptText[]>;
}
