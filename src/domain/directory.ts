// What a podcast directory (Podcast Index, Apple's search) says about a show Earshot does not necessarily have yet:
// one shape for every provider, after their answers were validated, bounded and mapped (src/directory/).

/** Which directory a result came from. */
export type DirectorySource = 'podcast-index' | 'apple';

export interface DirectoryResult {
  readonly title: string;
  /** By the one feed-URL rule (`normalizeFeedUrl`): results of several directories are merged on it. */
  readonly feedUrl: string;
  readonly author?: string;
  /** An http(s) image URL. */
  readonly artworkUrl?: string;
  /** Plain text, cut to a few hundred characters. */
  readonly description?: string;
  readonly categories: readonly string[];
  /** When the directory says. */
  readonly episodeCount?: number;
  /** Every directory that listed it, in the order they were merged. */
  readonly sources: readonly DirectorySource[];
}
