// One search over shows, episodes and people; implemented over SQLite FTS5 and PostgreSQL full text in the store.
import type { SearchOptions, SearchResults } from '../store/ports.ts';

export type { SearchResults, SearchTotal } from '../store/ports.ts';

export interface SearchIndex {
  /** Ranked and paged as the store's `SearchRepository.search` (ports.ts); `audience`: only what it may see. */
  search(query: string, options: SearchOptions): Promise<SearchResults>;
}
