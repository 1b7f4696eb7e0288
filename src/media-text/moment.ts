// The moment of a transcript where a search's words are said: the cue a transcript hit links to
// (`/episodes/ID?t=SECONDS`) and the line shown in context on the results page. Pure; bounded by the cues it reads.
import type { Cue, ParsedTranscript } from './types.ts';

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
  return foldWords(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
}

/** Lower case, diacritics off: the text `momentWords` splits. */
function foldWords(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** The distinct words of `query` that count, as the search counts them. */
function queryWords(query: string): string[] {
  return [...new Set(momentWords(query))].slice(0, MAX_WORDS);
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
  const words = queryWords(query);
  if (words.length === 0) return false;
  // Every results page asks this of each episode's title and description: the words are looked for where a word of
  // the folded text starts, rather than the text split into all its words.
  const folded = /[\u0080-\uffff]/.test(text) ? foldWords(text) : text.toLowerCase();
  const last = words.length - 1;
  return words.every((w, i) => {
    for (let at = wordStart(folded, w, 0); at >= 0; at = wordStart(folded, w, at + 1)) {
      TOKEN.lastIndex = at;
      if (matches(TOKEN.exec(folded)?.[0] ?? '', w, i === last)) return true;
    }
    return false;
  });
}

/** A word of folded text: a run of letters and digits (sticky: read where `lastIndex` says). */
const TOKEN = /[\p{L}\p{N}]+/uy;

/** Where, from `from` on, a word of `folded` starts with `word` (-1 when nowhere). */
function wordStart(folded: string, word: string, from: number): number {
  for (let at = folded.indexOf(word, from); at >= 0; at = folded.indexOf(word, at + 1))
    if (at === 0 || !WORD_END.test(folded.slice(Math.max(0, at - 2), at))) return at;
  return -1;
}

/**
 * The first cue that holds every word of `query` (alone, or together with the next cue when the words run across
 * two), else the first that holds most of them; undefined when no cue holds any, or the query has no words. Only
 * meaningful for a timed transcript (the caller checks).
 */
export function findMoment(cues: readonly Cue[], query: string): TranscriptMoment | undefined {
  const words = queryWords(query);
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

/**
 * Where each cue of a transcript starts in its searchable text (`transcriptPlainText`: the cues' text joined by
 * spaces) and when it is said: stored beside that text, it finds a search hit's moment from the one row the search
 * reads, without the parsed file. Untimed transcripts have no moments (no seek links), and say only that.
 */
export type CueMarks =
  | { timed: false }
  | {
      timed: true;
      /** Per cue, the offset (UTF-16 units) of its first character in the text. */
      offsets: number[];
      /** Per cue, its start in whole seconds (what a moment shows). */
      starts: number[];
      /** Per cue, its speaker's index in `speakers`, or -1. */
      speakerOf: number[];
      speakers: string[];
    };

/** The marks of `transcript`'s cues in `transcriptPlainText(transcript.cues)`. */
export function cueMarks(transcript: Pick<ParsedTranscript, 'timed' | 'cues'>): CueMarks {
  if (!transcript.timed) return { timed: false };
  const offsets: number[] = [];
  const starts: number[] = [];
  const speakerOf: number[] = [];
  const speakers: string[] = [];
  const speakerIndex = new Map<string, number>();
  let offset = 0;
  for (const cue of transcript.cues) {
    offsets.push(offset);
    starts.push(wholeSeconds(cue.start));
    let index = -1;
    if (cue.speaker !== undefined) {
      index = speakerIndex.get(cue.speaker) ?? speakers.length;
      if (index === speakers.length) {
        speakers.push(cue.speaker);
        speakerIndex.set(cue.speaker, index);
      }
    }
    speakerOf.push(index);
    offset += cue.text.length + 1;
  }
  return { timed: true, offsets, starts, speakerOf, speakers };
}

/**
 * The stored form of `marks`: JSON, one flat array of (offset, start, speaker) triples for the cues (a few bytes a
 * cue beside the ~60 characters of its text), the speakers' names once.
 */
export function encodeCueMarks(marks: CueMarks): string {
  if (!marks.timed) return '{"v":1,"timed":false}';
  const cues: number[] = [];
  for (let i = 0; i < marks.offsets.length; i++)
    cues.push(marks.offsets[i] as number, marks.starts[i] as number, marks.speakerOf[i] as number);
  return JSON.stringify({ v: 1, speakers: marks.speakers, cues });
}

/**
 * `encodeCueMarks`'s output read back, checked against the text it marks (`textLength`): undefined for anything
 * else (another version, a damaged value), which the caller treats as no marks.
 */
export function decodeCueMarks(stored: string, textLength: number): CueMarks | undefined {
  let value: unknown;
  try {
    value = JSON.parse(stored);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || !('v' in value) || value.v !== 1) return undefined;
  if ('timed' in value && value.timed === false) return { timed: false };
  if (!('cues' in value) || !Array.isArray(value.cues) || value.cues.length % 3 !== 0) return undefined;
  if (!('speakers' in value) || !Array.isArray(value.speakers)) return undefined;
  const speakers: string[] = [];
  for (const s of value.speakers as unknown[]) {
    if (typeof s !== 'string') return undefined;
    speakers.push(s);
  }
  const flat = value.cues as unknown[];
  const offsets: number[] = [];
  const starts: number[] = [];
  const speakerOf: number[] = [];
  let previous = -1;
  for (let i = 0; i < flat.length; i += 3) {
    const [offset, start, speaker] = [flat[i], flat[i + 1], flat[i + 2]];
    if (typeof offset !== 'number' || typeof start !== 'number' || typeof speaker !== 'number')
      return undefined;
    if (!Number.isInteger(offset) || offset <= previous || offset > textLength) return undefined;
    if (!Number.isInteger(start) || start < 0) return undefined;
    if (!Number.isInteger(speaker) || speaker < -1 || speaker >= speakers.length) return undefined;
    offsets.push(offset);
    starts.push(start);
    speakerOf.push(speaker);
    previous = offset;
  }
  if (offsets.length === 0) return undefined;
  return { timed: true, offsets, starts, speakerOf, speakers };
}

/**
 * `findMoment` over a transcript's stored text and its cues' marks, with the same answer (the same cue, time,
 * speaker and line): the text is folded once (lower case, diacritics off) and each query word is looked for where a
 * word of the text starts with it, which bounds what each cue can hold; only the cues that could be the moment, or
 * hold more words than the best so far, are split into words and judged, in order, as `findMoment` judges every cue
 * (a cue none of the words starts in can be neither the moment nor the start of one).
 */
export function findMomentInText(
  text: string,
  marks: Extract<CueMarks, { timed: true }>,
  query: string,
): TranscriptMoment | undefined {
  const words = queryWords(query);
  if (words.length === 0) return undefined;
  const { offsets } = marks;
  const total = offsets.length;
  const cueAt = (i: number): Cue => {
    const speaker = marks.speakerOf[i] as number;
    return {
      start: marks.starts[i] as number,
      ...(speaker < 0 ? {} : { speaker: marks.speakers[speaker] as string }),
      text: text.slice(offsets[i], i + 1 < total ? (offsets[i + 1] as number) - 1 : text.length),
    };
  };
  // The folded text and where each cue starts in it: the same offsets when folding keeps every character (ASCII);
  // else the cues are joined by NUL (a word boundary folding keeps) and the starts found again after it.
  let folded: string;
  let starts: readonly number[];
  if (!/[\u0080-\uffff]/.test(text)) {
    folded = text.toLowerCase();
    starts = offsets;
  } else {
    const pieces: string[] = [];
    for (let i = 0; i < total; i++) pieces.push(cueAt(i).text);
    if (text.includes('\0'))
      return findMoment(
        pieces.map((_, i) => cueAt(i)),
        query,
      );
    folded = foldWords(pieces.join('\0'));
    const found: number[] = [0];
    for (let at = folded.indexOf('\0'); at >= 0; at = folded.indexOf('\0', at + 1)) found.push(at + 1);
    if (found.length !== total)
      return findMoment(
        pieces.map((_, i) => cueAt(i)),
        query,
      );
    starts = found;
  }
  const limit = Math.min(total, MOMENT_MAX_CUES);
  // Per cue a word starts in, which words do (bit i: words[i]): an upper bound of what the cue holds.
  const starting = new Map<number, number>();
  words.forEach((word, bit) => {
    for (let at = wordStart(folded, word, 0); at >= 0; ) {
      const cue = cueIndex(starts, at);
      if (cue >= limit) break;
      starting.set(cue, (starting.get(cue) ?? 0) | (1 << bit));
      // One start of the word is enough for its cue: go on from the next cue.
      const next = starts[cue + 1];
      if (next === undefined) break;
      at = wordStart(folded, word, next);
    }
  });
  const all = (1 << words.length) - 1;
  const last = words.length - 1;
  const found = (tokens: readonly string[]): boolean[] =>
    words.map((w, i) => tokens.some((t) => matches(t, w, i === last)));
  let best: { index: number; count: number } | undefined;
  for (const i of [...starting.keys()].sort((a, b) => a - b)) {
    const here = starting.get(i) as number;
    const before = starting.get(i - 1) ?? 0;
    // Judged only when it could be the moment (every word here, or with the cue before) or beat the best so far.
    if (here !== all && (here | before) !== all && bitCount(here) <= (best?.count ?? 0)) continue;
    const cue = cueAt(i);
    const tokens = momentWords(cue.text);
    const count = found(tokens).filter(Boolean).length;
    if (count === words.length) return moment(cue, words);
    if (count > 0 && i > 0 && (here | before) === all) {
      const previous = cueAt(i - 1);
      if (found([...momentWords(previous.text), ...tokens]).every(Boolean))
        return moment(previous, words, cue);
    }
    if (count > (best?.count ?? 0)) best = { index: i, count };
  }
  return best === undefined ? undefined : moment(cueAt(best.index), words);
}

/** Whether a string ends in a letter or digit (the character before a word's start must not). */
const WORD_END = /[\p{L}\p{N}]$/u;

function bitCount(bits: number): number {
  let n = 0;
  for (let b = bits; b !== 0; b &= b - 1) n++;
  return n;
}

/** The cue whose text holds offset `at`: the last start at or before it. */
function cueIndex(starts: readonly number[], at: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function wholeSeconds(start: number): number {
  return Number.isFinite(start) ? Math.max(0, Math.floor(start)) : 0;
}
