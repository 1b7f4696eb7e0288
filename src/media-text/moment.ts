// The moment of a transcript where a search's words are said: the cue a transcript hit links to
// (`/episodes/ID?t=SECONDS`) and the line shown in context on the results page. Pure; bounded by the cues it reads.
import type { Cue } from './types.ts';

export interface TranscriptMoment {
  /** Where the cue starts, in whole seconds (what `?t=` takes). */
  startSeconds: number;
  speaker?: string;
  /** The cue's words around the first match, at most about `MOMENT_TEXT_CHARS` characters ("…" where cut). */
  text: string;
}

/** How many cues are read at the most (a day of speech is ~20,000 cues). */
export const MOMENT_MAX_CUES = 50_000;
/** How long the shown line is at the most. */
export const MOMENT_TEXT_CHARS = 200;
/** How many query words count at the most (as the search itself: a query is a few words). */
const MAX_WORDS = 8;

/** Lower case, diacritics off, split on anything but letters and digits: the search's own notion of a word. */
export function momentWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
}

/**
 * Whether `token` (a word of the transcript) is what `word` (a word of the query) asked for: the same word, or the
 * word with a short ending (the search stems English words: "movement" finds "movements"); the last word of a query
 * is also matched as a prefix, as the search matches it (the word being typed).
 */
function matches(token: string, word: string, prefix: boolean): boolean {
  if (!token.startsWith(word)) return false;
  return prefix || token.length - word.length <= 3;
}

/** Whether `text` holds every word of `query`, matched as `findMoment` matches them (false for a query of no words). */
export function holdsEveryWord(text: string, query: string): boolean {
  const words = [...new Set(momentWords(query))].slice(0, MAX_WORDS);
  const tokens = momentWords(text);
  const last = words.length - 1;
  return words.length > 0 && words.every((w, i) => tokens.some((t) => matches(t, w, i === last)));
}

/**
 * The first cue that holds every word of `query` (alone, or together with the next cue when the words run across
 * two), else the first that holds most of them; undefined when no cue holds any, or the query has no words. Only
 * meaningful for a timed transcript (the caller checks).
 */
export function findMoment(cues: readonly Cue[], query: string): TranscriptMoment | undefined {
  const words = [...new Set(momentWords(query))].slice(0, MAX_WORDS);
  if (words.length === 0) return undefined;
  const last = words.length - 1;
  const found = (tokens: readonly string[]): boolean[] =>
    words.map((w, i) => tokens.some((t) => matches(t, w, i === last)));
  let best: { index: number; count: number } | undefined;
  let previous: string[] = [];
  const limit = Math.min(cues.length, MOMENT_MAX_CUES);
  for (let i = 0; i < limit; i++) {
    const tokens = momentWords((cues[i] as Cue).text);
    const here = found(tokens);
    const count = here.filter(Boolean).length;
    if (count === words.length) return moment(cues[i] as Cue, words);
    if (count > 0) {
      // Words split across this cue and the one before: the moment is where the phrase starts.
      const spanning = found([...previous, ...tokens]);
      if (spanning.every(Boolean)) return moment(cues[i - 1] as Cue, words, cues[i]);
    }
    if (count > (best?.count ?? 0)) best = { index: i, count };
    previous = tokens;
  }
  return best === undefined ? undefined : moment(cues[best.index] as Cue, words);
}

function moment(cue: Cue, words: readonly string[], next?: Cue): TranscriptMoment {
  const text = next === undefined ? cue.text : `${cue.text} ${next.text}`;
  return {
    startSeconds: Math.max(0, Math.floor(cue.start)),
    ...(cue.speaker === undefined ? {} : { speaker: cue.speaker }),
    text: excerpt(text.replace(/\s+/g, ' ').trim(), words),
  };
}

/** At most MOMENT_TEXT_CHARS of `text`, cut at spaces around the first word of the query it holds. */
function excerpt(text: string, words: readonly string[]): string {
  if (text.length <= MOMENT_TEXT_CHARS) return text;
  const lower = text.toLowerCase();
  const at = Math.max(0, Math.min(...words.map((w) => lower.indexOf(w)).filter((i) => i >= 0), text.length));
  let start = Math.max(0, at - MOMENT_TEXT_CHARS / 3);
  if (start > 0) start = text.indexOf(' ', start) + 1 || start;
  let end = Math.min(text.length, start + MOMENT_TEXT_CHARS);
  if (end < text.length) end = text.lastIndexOf(' ', end) > start ? text.lastIndexOf(' ', end) : end;
  return `${start > 0 ? '…' : ''}${text.slice(start, end).trim()}${end < text.length ? '…' : ''}`;
}
