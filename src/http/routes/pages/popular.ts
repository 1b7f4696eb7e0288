// The Popular Podcasts rail under a show or episode page: never the show being read, never a show twice.
import type { Show } from '../../../domain/show.ts';
import type { ShowCard } from '../../../views/models.ts';
import { showCard } from '../../present.ts';

export function popularCards(shows: readonly Show[], currentShowId: number, limit: number): ShowCard[] {
  const seen = new Set<number>([currentShowId]);
  const cards: ShowCard[] = [];
  for (const s of shows) {
    if (seen.has(s.id)) continue;
    seen.add(s.id);
    cards.push(showCard(s));
    if (cards.length >= limit) break;
  }
  return cards;
}
