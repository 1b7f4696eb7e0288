// Podcast directories (Podcast Index, Apple's search) behind one Directory port; their requests go through the one
// outbound door (src/feed/fetch/), their answers are validated and bounded here.
export { APPLE_SEARCH_BASE_URL, type AppleSearchOptions, appleSearchProvider } from './apple.ts';
export {
  createDirectory,
  DEFAULT_DIRECTORY_LIMIT,
  type Directory,
  type DirectoryProblem,
  type DirectorySearch,
  MAX_TERMS_LENGTH,
  mergeResults,
} from './directory.ts';
export { directoryFromConfig } from './from-config.ts';
export {
  PODCAST_INDEX_BASE_URL,
  type PodcastIndexOptions,
  podcastIndexHeaders,
  podcastIndexProvider,
} from './podcast-index.ts';
export { DirectoryError, type DirectoryErrorCode, type DirectoryProvider } from './provider.ts';
