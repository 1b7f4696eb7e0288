// One search over shows, episodes and people; implemented over SQLite FTS5 and PostgreSQL full text in the store.
import type { Episode } from '../domain/episode.ts';
import type { Person } from '../domain/person.ts';
import type { Show } from '../domain/show.ts';
import type { Audience } from '../store/ports.ts';

export interface SearchResults {
  shows: Show[];
  episodes: { episode: Episode; show: Show }[];
  people: Person[];
}

export interface SearchIndex {
  /** Words match by prefix (typing "stakh" finds "Stakhanov"). `audience`: only what it may see (ports.ts). */
  search(query: string, options: { limit: number; audience?: Audience }): Promise<SearchResults>;
}
