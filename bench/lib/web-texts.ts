// The parts of the bench:web catalogue that exercise search's later stages (issue 16 §3): episodes' source lists,
// written the way real history shows write them (MLA- and Chicago-like entries under a "Sources:" heading, some
// works cited by many episodes across shows), and their fetched transcripts (WebVTT with speakers and timings). Words
// come from the catalogue's vocabulary (drawn with the same skew as titles) plus SPOKEN, words that appear in
// transcripts only: a search for one of them can match nowhere but in a transcript. Deterministic (seeded PRNGs).
import { prng } from '../../test/support/random.ts';

/**
 * Words said in transcripts and written nowhere else in the catalogue (no title, description, note or source uses
 * them), most frequent first: the "word said in a transcript" search row draws from them.
 */
export const SPOKEN =
  `actually basically honestly remember listeners welcome incredible fascinating obviously literally
imagine wonderful terrible anyway yesterday somebody everybody absolutely definitely probably tremendous hilarious
bizarre awkward gorgeous shocking unbelievable apparently seriously suddenly eventually meanwhile afterwards
whatnot folks buddy grandma grandpa neighbours sandwich coffee breakfast weekend birthday holiday vacation umbrella
blanket pillow kitchen bathroom staircase doorway chimney basement attic suitcase notebook pencil envelope postcard
telephone doorbell elevator escalator parking traffic pedestrian bicycle skateboard trampoline karaoke podcasting
microphone headphones recording studio editing producer intern mailbag voicemail shoutout giveaway merch`
    .split(/\s+/)
    .filter((w) => w.length > 0);

const SURNAMES = [
  'Applebaum',
  'Kotkin',
  'Siegelbaum',
  'Knight',
  'Overy',
  'Remnick',
  'Schmemann',
  'Newman',
  'Costea',
  'Figes',
  'Hobsbawm',
  'Tuchman',
  'Beard',
  'Frankopan',
  'Sobel',
  'Lepore',
  'Ó Gráda',
  'Müller-Lindqvist',
  'Okonkwo',
  'Nakamura',
];
const FIRST = [
  'Anne',
  'Stephen',
  'Lewis H.',
  'Amy',
  'Richard',
  'David',
  'Serge',
  'Dina',
  'Mary',
  'Eric',
  'Jill',
];
const PUBLISHERS: Array<[string, string]> = [
  ['New York', 'Penguin'],
  ['Princeton', 'Princeton University Press'],
  ['Cambridge', 'Cambridge University Press'],
  ['New York', 'Norton'],
  ['London', 'Bloomsbury'],
  ['Oxford', 'Oxford University Press'],
];
const JOURNALS = [
  'Europe-Asia Studies',
  'Russian History',
  'Journal of Social History',
  'The American Historical Review',
  'Past & Present',
  'Journal of Maritime Research',
];
const PAPERS = [
  'New York Times',
  'The Washington Post',
  'BBC News',
  'The Guardian',
  'Time',
  'The Conversation',
];
const MONTHS = [
  'Jan.',
  'Feb.',
  'March',
  'April',
  'May',
  'June',
  'July',
  'Aug.',
  'Sept.',
  'Oct.',
  'Nov.',
  'Dec.',
];

/** How many shared works episodes draw from (skewed: the first are cited by many episodes of many shows). */
const POOL_SIZE = 3_000;
/** The share of an episode's entries drawn from the shared works (the rest are its own: news, web pages). */
const SHARED_SHARE = 0.6;

type Word = () => string;

function pick<T>(xs: readonly T[], r: () => number): T {
  const x = xs[Math.floor(r() * xs.length)];
  if (x === undefined) throw new Error('nothing to pick from');
  return x;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function titleCase(ws: string): string {
  return ws
    .split(' ')
    .map((w) => (w.length > 3 ? cap(w) : w))
    .join(' ');
}

/** A word drawn from `words` with the catalogue's skew toward the front. */
function skewed(words: readonly string[], r: () => number, power = 2.4): Word {
  return () => words[Math.floor(words.length * r() ** power)] ?? words[0] ?? 'history';
}

/** One shared work's reference line, in one of the forms real source lists use (text; the caller escapes it). */
function sharedWork(i: number, vocabulary: readonly string[]): string {
  const r = prng(90_000 + i);
  const word = skewed(vocabulary, r);
  const words = (n: number): string => Array.from({ length: n }, word).join(' ');
  const year = 1950 + Math.floor(r() * 74);
  const last = pick(SURNAMES, r);
  const first = pick(FIRST, r);
  switch (i % 4) {
    case 0: {
      // Chicago book, some with an ISBN.
      const [city, publisher] = pick(PUBLISHERS, r);
      const isbn =
        r() < 0.4 ? ` ISBN 978-1-${String(10_000 + i).padStart(5, '0')}-${100 + (i % 900)}-${i % 10}` : '';
      return `${last}, ${first}. ${titleCase(cap(words(3)))}: ${titleCase(words(4))}. ${city}: ${publisher}, ${year}.${isbn}`;
    }
    case 1: {
      // MLA encyclopedia entry with its URL.
      const topic = word();
      return `Britannica, The Editors of Encyclopaedia. "${topic}". Encyclopedia Britannica, ${1 + Math.floor(r() * 28)} ${pick(MONTHS, r)} ${2000 + Math.floor(r() * 25)}, https://www.encyclopedia.example/topic/${topic}-${i}`;
    }
    case 2: {
      // Chicago journal article.
      const p = 100 + Math.floor(r() * 700);
      return `${last}, ${first}. “${titleCase(cap(words(5)))}.” ${pick(JOURNALS, r)} ${1 + Math.floor(r() * 60)}, no. ${1 + Math.floor(r() * 6)} (${year}): ${p}–${p + 10 + Math.floor(r() * 40)}.`;
    }
    default: {
      // APA article with a DOI.
      const other = pick(SURNAMES, r);
      return `${last}, ${first.charAt(0)}., & ${other}, ${pick(FIRST, r).charAt(0)}. (${year}). ${cap(words(6))}. ${pick(JOURNALS, r)}, ${1 + Math.floor(r() * 60)}(${1 + Math.floor(r() * 6)}), ${10 + Math.floor(r() * 300)}-${320 + Math.floor(r() * 300)}. https://doi.org/10.5555/bench.${i}`;
    }
  }
}

/**
 * One episode's source list (3 to 10 entries): about SHARED_SHARE of them shared works (drawn with a skew: a few
 * are cited across many shows), the rest the episode's own news and web pages. `id` makes its own entries unique.
 */
export function sourceEntries(
  r: () => number,
  vocabulary: readonly string[],
  id: string,
  pool: (i: number) => string,
): string[] {
  const word = skewed(vocabulary, r);
  const words = (n: number): string => Array.from({ length: n }, word).join(' ');
  const out: string[] = [];
  const used = new Set<number>();
  const n = 3 + Math.floor(r() * 8);
  for (let k = 0; k < n; k++) {
    if (r() < SHARED_SHARE) {
      const i = Math.floor(POOL_SIZE * r() ** 2);
      if (!used.has(i)) {
        used.add(i);
        out.push(pool(i));
        continue;
      }
    }
    const year = 1980 + Math.floor(r() * 45);
    const month = pick(MONTHS, r);
    const day = 1 + Math.floor(r() * 28);
    if (r() < 0.5) {
      out.push(
        `“${cap(words(6))}.” ${pick(PAPERS, r)}. ${month} ${day}, ${year}. https://news.example/${year}/${id}-${k}`,
      );
    } else {
      out.push(
        `${pick(SURNAMES, r)}, ${pick(FIRST, r)}. “${titleCase(cap(words(5)))}.” ${cap(word())} Society. ${day} ${month} ${year}. https://society.example/${id}/${k}`,
      );
    }
  }
  return out;
}

/** The shared works, built once per vocabulary and kept (a work's line is the same in every episode citing it). */
export function sharedWorks(vocabulary: readonly string[]): (i: number) => string {
  const cache = new Map<number, string>();
  return (i) => {
    let line = cache.get(i);
    if (line === undefined) {
      line = sharedWork(i, vocabulary);
      cache.set(i, line);
    }
    return line;
  };
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** WebVTT's `HH:MM:SS.mmm`. */
function timestamp(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(Math.floor(ms / 3_600_000))}:${two(Math.floor(ms / 60_000) % 60)}:${two(Math.floor(ms / 1000) % 60)}.${String(ms % 1000).padStart(3, '0')}`;
}

/**
 * The WebVTT transcript served at `url` (the same bytes for the same URL): 40 to 120 cues of 6 to 14 words, host and
 * guest taking turns (`<v Name>`), about a quarter of the words from SPOKEN and the rest from the vocabulary with the
 * titles' skew. Shorter than a real hour (~9,000 words): a search reads a transcript's index entries, not its length,
 * and the catalogue stays small enough to build at a million episodes.
 */
export function transcriptVtt(
  url: string,
  vocabulary: readonly string[],
  speakers: readonly [string, string],
): string {
  const r = prng(hash(url));
  const word = skewed(vocabulary, r);
  const spoken = skewed(SPOKEN, r, 1.6);
  const lines = ['WEBVTT', ''];
  let at = 2 + Math.floor(r() * 20);
  const cues = 40 + Math.floor(r() * 81);
  for (let c = 0; c < cues; c++) {
    const n = 6 + Math.floor(r() * 9);
    const text = Array.from({ length: n }, () => (r() < 0.25 ? spoken() : word())).join(' ');
    const length = 2 + r() * 6;
    lines.push(`${timestamp(at)} --> ${timestamp(at + length)}`, `<v ${speakers[c % 2]}>${cap(text)}.`, '');
    at += length + r() * 2;
  }
  return lines.join('\n');
}
