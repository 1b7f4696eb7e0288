// "Showing results for …": when a search finds no episode, each longer word of it is looked up by its first letters
// (the search's own prefix matching, so no index of its own) and replaced by the closest word of the titles and
// names found (an edit distance of 1–3 letters, by the word's length). The search then runs again with the
// corrected words. The show titles' own typo stage (docs/search.md) finds shows; this finds episodes too.
import type { Audience, SearchOptions, SearchResults } from '../store/ports.ts';

export interface Searcher {
  search(query: string, options: SearchOptions): Promise<SearchResults>;
}

/** At most this many words of a query are looked up: each costs a few searches, and only when nothing was found. */
const MAX_WORDS = 3;
/** Titles and names read per lookup. */
const PROBE_LIMIT = 50;

/**
 * The query with its misspelt words replaced by the closest words found in titles and names, lowercased; undefined
 * when no word looks misspelt or none has a close enough neighbour.
 */
export async function correctSpelling(
  search: Searcher,
  query: string,
  audience: Audience | undefined,
): Promise<string | undefined> {
  const words = query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  let changed = false;
  let looked = 0;
  const corrected: string[] = [];
  for (const word of words.slice(0, 8)) {
    if (word.length < 4 || /\p{N}/u.test(word) || looked >= MAX_WORDS) {
      corrected.push(word);
      continue;
    }
    looked++;
    const better = await closestWord(search, word, audience);
    if (better !== undefined && better !== word) changed = true;
    corrected.push(better ?? word);
  }
  return changed ? corrected.join(' ') : undefined;
}

/** The word itself when titles hold it, else the closest word of the titles sharing its first letters. */
async function closestWord(
  search: Searcher,
  word: string,
  audience: Audience | undefined,
): Promise<string | undefined> {
  const allowed = word.length <= 5 ? 1 : word.length <= 9 ? 2 : 3;
  // The typo may be anywhere after the first letters: a longer prefix first (fewer, closer titles), then shorter.
  for (let length = Math.min(5, word.length - 1); length >= 3; length--) {
    const found = await search.search(word.slice(0, length), {
      limit: PROBE_LIMIT,
      ...(audience ? { audience } : {}),
    });
    const counts = new Map<string, number>();
    const texts = [
      ...found.shows.map((s) => s.title ?? ''),
      ...found.episodes.map((e) => e.episode.title ?? ''),
      ...found.people.map((p) => p.name),
    ];
    for (const text of texts)
      for (const token of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
        counts.set(token, (counts.get(token) ?? 0) + 1);
    if (counts.has(word)) return word;
    let best: { word: string; distance: number; count: number } | undefined;
    for (const [token, count] of counts) {
      if (Math.abs(token.length - word.length) > allowed) continue;
      const distance = editDistance(word, token);
      if (distance > allowed) continue;
      if (
        best === undefined ||
        distance < best.distance ||
        (distance === best.distance && count > best.count)
      )
        best = { word: token, distance, count };
    }
    if (best !== undefined) return best.word;
  }
  return undefined;
}

/** Letters inserted, deleted, replaced or two neighbours swapped (optimal string alignment distance). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++)
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, at(i - 2, j - 2) + 1);
      d[i * cols + j] = v;
    }
  return at(a.length, b.length);
}
