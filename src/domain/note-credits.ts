// People credited in words rather than tags: "with special guest Jane Doe" in show notes, "hosted by …", a
// "Guests:" line, and the show's `itunes:author` / `itunes:owner`. Pure and bounded: at most NOTES_SCAN_CHARS of text
// are read and at most MAX_NOTE_CREDITS people come out. Precision over recall: a phrase yields a person only when
// what follows it looks like a personal name (two to four capitalised words, no company or platform word), so
// "hosted by Libsyn" and "with guest appearances from our listeners" yield nobody.
import type { CreditedPerson } from './person.ts';
import { personKey } from './person.ts';

/** Characters of show notes read (credits sit near the top). */
export const NOTES_SCAN_CHARS = 20_000;
/** People taken from one episode's notes. */
export const MAX_NOTE_CREDITS = 12;
/** Phrases looked at in one text, at most (notes repeating "with guest" thousands of times cost no more). */
const MAX_PHRASES = 64;

type Role = 'guest' | 'host';

/**
 * The phrases that introduce a credit, each ending where the name list starts. Case-insensitive; `\s` runs only, so
 * the scan stays linear.
 */
const TRIGGERS: readonly { pattern: RegExp; role: Role }[] = [
  {
    // "with guest", "with special guests", "with guest star", "featuring special guest", "with our special guest:"
    pattern:
      /\b(?:with|featuring|feat\.)\s+(?:(?:our|my|a|very)\s+)*(?:special\s+)?guests?(?:\s+(?:stars?|players?|hosts?|speakers?))?\s*:?\s+/giu,
    role: 'guest',
  },
  { pattern: /\bfeaturing\s+/giu, role: 'guest' },
  {
    // "my guest today is", "our guests this week are", "today's guest is", "this week's guest is"
    pattern:
      /\b(?:my|our|today['’]s|this\s+week['’]s|tonight['’]s)\s+(?:special\s+)?guests?\s+(?:(?:today|tonight|this\s+week|on\s+(?:this|today['’]s)\s+(?:episode|show))\s+)?(?:is|are)\s+/giu,
    role: 'guest',
  },
  { pattern: /\binterview(?:ed)?\s+with\s+/giu, role: 'guest' },
  { pattern: /(?:^|\n)[ \t]*(?:special\s+)?guests?[ \t]*:[ \t]*/giu, role: 'guest' },
  { pattern: /\b(?:co-?)?hosted\s+by\s+/giu, role: 'host' },
  { pattern: /(?:^|\n)[ \t]*(?:co-?)?hosts?[ \t]*:[ \t]*/giu, role: 'host' },
];

/** Lowercase words that may describe a person before the name: "my guest today is historian Jane Doe". */
const DESCRIPTORS = new Set(
  `the a an author historian journalist comedian actor actress writer novelist poet professor economist scientist
  researcher filmmaker director producer musician artist designer expert entrepreneur podcaster psychologist
  doctor physician lawyer activist chef editor reporter photographer founder former fellow renowned
  award-winning best-selling bestselling acclaimed legendary`.split(/\s+/u),
);

/** Titles dropped from the front of a name. */
const TITLES = new Set(
  'dr dr. prof prof. professor sir dame rev rev. mr mr. mrs mrs. ms ms. capt capt. captain'.split(' '),
);

/** Lowercase particles allowed inside a name ("Ludwig van Beethoven", "Leonardo da Vinci"). */
const PARTICLES = new Set('van von de da di del della der den du le la bin ibn al el'.split(' '));

/** Capitalised words of companies, platforms and media: a "name" holding one is not a person's. Case-folded. */
const ORG_WORDS = new Set(
  `podcast podcasts pod media network networks radio studio studios productions production records news inc llc
  ltd co corp company group show shows team music simplecast libsyn acast anchor spotify apple google amazon
  buzzsprout podbean megaphone soundcloud youtube patreon audioboom spreaker transistor captivate redcircle omny
  art19 iheart iheartpodcasts iheartradio npr bbc pbs cbs nbc abc cnn wondery stitcher adswizz foundation institute
  university college society club church department ministry council association press books magazine times post
  journal channel tv films entertainment games labs academy school center centre collective crew`.split(
    /\s+/u,
  ),
);

/** Capitalised words that start a sentence or a heading rather than a name. Case-folded. */
const COMMON_WORDS = new Set(
  `special guest guests host hosts episode episodes part season live today tonight this that our your my their the
  and with from for in on at of by to we you he she they it his her sponsored sponsor sponsors ad ads support
  supported listen subscribe follow mr mrs ms dr prof new chapter intro introduction independent contractor`.split(
    /\s+/u,
  ),
);

/** A capitalised word: a capital, then letters (at least one lowercase), apostrophes or hyphens ("O'Brien", "Jean-Luc"). */
const NAME_WORD = /^\p{Lu}[\p{L}'’-]*\p{Ll}[\p{L}'’-]*$/u;
/** An initial: "V.", "J.R.", or a bare capital between words ("Heidi N Closet"). */
const INITIAL = /^(?:\p{Lu}\.)+$|^\p{Lu}$/u;

/**
 * People credited in show notes (plain text: see `notesText`), in order of mention, each name once. Roles: `host` for
 * "hosted by" and a "Hosts:" line, `guest` otherwise.
 */
export function creditsInNotes(text: string): CreditedPerson[] {
  const scanned = text.length > NOTES_SCAN_CHARS ? text.slice(0, NOTES_SCAN_CHARS) : text;
  const found: { at: number; person: CreditedPerson }[] = [];
  for (const { pattern, role } of TRIGGERS) {
    pattern.lastIndex = 0;
    let phrases = 0;
    for (let m = pattern.exec(scanned); m !== null && phrases < MAX_PHRASES; m = pattern.exec(scanned)) {
      phrases++;
      for (const name of namesAt(scanned, m.index + m[0].length))
        found.push({ at: m.index, person: { name, role, group: 'cast' } });
      if (m[0].length === 0) pattern.lastIndex++;
    }
  }
  found.sort((a, b) => a.at - b.at);
  const out: CreditedPerson[] = [];
  const seen = new Set<string>();
  for (const { person } of found) {
    const key = personKey(person.name);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(person);
    if (out.length >= MAX_NOTE_CREDITS) break;
  }
  return out;
}

/**
 * The people a show names as its `itunes:author` ("Tracy V. Wilson and Holly Frey", "john@example.com (John Doe)")
 * and `itunes:owner`, when they look like personal names (a network or company yields nobody).
 */
export function creditsFromAuthor(
  author: string | undefined,
  ownerName: string | undefined,
): CreditedPerson[] {
  const out: CreditedPerson[] = [];
  const seen = new Set<string>();
  const add = (names: string[], role: string, group: string) => {
    for (const name of names) {
      const key = personKey(name);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ name, role, group });
    }
  };
  if (author !== undefined) add(namesInByline(author), 'author', 'writing');
  if (ownerName !== undefined) add(namesInByline(ownerName), 'owner', 'administration');
  return out;
}

/**
 * `persons` (the feed's own `podcast:person` credits) followed by `extra` credits for people the feed does not
 * already credit: the feed's word on a person's role wins.
 */
export function withExtraCredits(
  persons: readonly CreditedPerson[] | undefined,
  extra: readonly CreditedPerson[],
): CreditedPerson[] | undefined {
  if (extra.length === 0) return persons === undefined ? undefined : [...persons];
  const known = new Set((persons ?? []).map((p) => personKey(p.name)));
  const added = extra.filter((p) => !known.has(personKey(p.name)));
  if (added.length === 0) return persons === undefined ? undefined : [...persons];
  return [...(persons ?? []), ...added];
}

/** Block elements whose edges end a line of text (a credit never runs across them). */
const BLOCK_TAG = /<\s*\/?\s*(?:br|p|li|h\d|div|tr|dd|dt|blockquote)\b/iuy;

/**
 * Show notes (HTML or text) as plain text for `creditsInNotes`: tags dropped, blocks on lines, common entities read.
 * One pass (a `<` without a `>` after it ends the text), so hostile markup costs time linear in its length.
 */
export function notesText(notes: string): string {
  const cut = notes.length > NOTES_SCAN_CHARS * 2 ? notes.slice(0, NOTES_SCAN_CHARS * 2) : notes;
  const parts: string[] = [];
  let at = 0;
  while (at < cut.length) {
    const open = cut.indexOf('<', at);
    if (open === -1) {
      parts.push(cut.slice(at));
      break;
    }
    parts.push(cut.slice(at, open));
    const close = cut.indexOf('>', open);
    if (close === -1) break;
    BLOCK_TAG.lastIndex = open;
    parts.push(BLOCK_TAG.test(cut) ? '\n' : ' ');
    at = close + 1;
  }
  return parts
    .join('')
    .replace(
      /&(#x[0-9a-f]{1,6}|#\d{1,7}|amp|lt|gt|quot|apos|nbsp|rsquo|lsquo|ldquo|rdquo);/giu,
      (_, e: string) => decodeEntity(e),
    );
}

function decodeEntity(entity: string): string {
  const named: Record<string, string> = {
    amp: '&',
    lt: '<',
    gt: '>',
    quot: '"',
    apos: "'",
    nbsp: ' ',
    rsquo: '’',
    lsquo: '‘',
    ldquo: '“',
    rdquo: '”',
  };
  const lower = entity.toLowerCase();
  const plain = named[lower];
  if (plain !== undefined) return plain;
  const code = lower.startsWith('#x')
    ? Number.parseInt(lower.slice(2), 16)
    : Number.parseInt(lower.slice(1), 10);
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
}

/** A byline's names: split on "and", "&", ",", ";"; an e-mail address's name in brackets is taken ("a@b.c (Jo Doe)"). */
function namesInByline(byline: string): string[] {
  const bracketed = /^\s*\S+@\S+\s*\(([^()]{1,200})\)\s*$/u.exec(byline);
  const text = bracketed?.[1] ?? byline;
  if (text.length > 500) return [];
  const names: string[] = [];
  for (const part of text.split(/\s*(?:,|;|&|\band\b)\s*/iu)) {
    const words = part.trim().split(/\s+/u);
    const name = nameOf(words);
    if (name !== undefined && name.used === words.length) names.push(name.name);
  }
  return names;
}

/**
 * The names in a list starting at `from`: "Jane Doe", "Jane Doe and John Roe", "A B, C D and E F". Items joined only
 * by commas count only when the list ends with "and"/"&" (else "Jane Doe, Information Analysis" would make a second
 * person of a company).
 */
function namesAt(text: string, from: number): string[] {
  // One line, up to a sentence's end; 300 characters are plenty for a list of names.
  const rest = text.slice(from, from + 300);
  const line = /^[^\n!?;:()[\]{}"“”<>|]*/u.exec(rest)?.[0] ?? '';
  const words = line.split(/\s+/u).filter((w) => w !== '');
  let i = 0;
  // "historian Jane Doe", "the software expert Jane Doe": up to four describing words first.
  let described = 0;
  while (
    i < words.length &&
    described < 4 &&
    DESCRIPTORS.has(stripPunctuation(words[i] ?? '').toLowerCase())
  ) {
    i++;
    described++;
  }
  const items: { name: string; joiner: 'start' | 'comma' | 'and' }[] = [];
  let joiner: 'start' | 'comma' | 'and' = 'start';
  while (i < words.length) {
    const name = nameOf(words.slice(i, i + 8));
    if (name === undefined) break;
    items.push({ name: name.name, joiner });
    i += name.used;
    const last = words[i - 1] ?? '';
    if (/[.]$/u.test(last) && !INITIAL.test(last)) break;
    if (/,$/u.test(last)) {
      joiner = 'comma';
      if (/^(?:and|&)$/iu.test(words[i] ?? '')) {
        joiner = 'and';
        i++;
      }
      continue;
    }
    if (/^(?:and|&)$/iu.test(words[i] ?? '')) {
      joiner = 'and';
      i++;
      continue;
    }
    break;
  }
  // The list is the first name, up to the last one joined by "and": commas after that are not the list's.
  let lastAnd = 0;
  items.forEach((item, index) => {
    if (item.joiner === 'and') lastAnd = index;
  });
  return items.slice(0, lastAnd + 1).map((item) => item.name);
}

/** The personal name at the start of `words`, and how many words it took; undefined when it does not start with one. */
function nameOf(words: readonly string[]): { name: string; used: number } | undefined {
  let i = 0;
  if (TITLES.has((words[0] ?? '').toLowerCase())) i++;
  const parts: string[] = [];
  while (i < words.length && parts.length < 5) {
    const raw = words[i] ?? '';
    const word = stripPunctuation(raw);
    const lower = word.toLowerCase();
    const isParticle =
      parts.length > 0 && PARTICLES.has(word) && NAME_WORD.test(stripPunctuation(words[i + 1] ?? ''));
    const isInitial = parts.length > 0 && INITIAL.test(word);
    // A company or platform word in or right after a name ("Jane Doe Productions"): not a person.
    if (ORG_WORDS.has(lower) && /^\p{Lu}/u.test(word)) return undefined;
    const isWord = NAME_WORD.test(word) && !COMMON_WORDS.has(lower);
    if (!isParticle && !isInitial && !isWord) break;
    parts.push(word);
    i++;
    // The name ends at its punctuation: "Jane Doe, the author", "Jane Doe." ("V." is an initial: kept whole).
    if (word !== raw) break;
  }
  // Two to four words, the last a real word (not an initial or a particle).
  const last = parts.at(-1) ?? '';
  const words2 = parts.filter((p) => !PARTICLES.has(p));
  if (words2.length < 2 || parts.length > 5 || !NAME_WORD.test(last)) return undefined;
  if (parts.filter((p) => NAME_WORD.test(p)).length > 4) return undefined;
  return { name: parts.join(' '), used: i };
}

/** A word without the punctuation around it ("Doe," → "Doe", "(Jane" → "Jane"); an initial keeps its dot. */
function stripPunctuation(word: string): string {
  const trimmed = word.replace(/^[("'“‘]+/u, '').replace(/[)"'”’,!?;:]+$/u, '');
  if (/^(?:\p{Lu}\.)+$/u.test(trimmed)) return trimmed;
  return trimmed.replace(/\.+$/u, '');
}
