// One search over shows, episodes and people; implemented over SQLite FTS5 and PostgreSQL full text in the store.
import type { Episode } from '../domain/episode.ts';
import type { Person } from '../domain/person.ts';
import type { Show } from '../domain/show.ts';

export interface SearchResults {
  shows: Show[];
  episodes: { episode: Episode; show: Show }[];
  people: Person[];
}

export interface SearchIndex {
  /** Words match by prefix (typing "stakh" finds "Stakhanov"). */
  search(query: string, options: { limit: number }): Promise<SearchResults>;
}
