// One citation entry, as shows write them (MLA, Chicago, APA, a title and a link), read into fields. Pure: text in,
// a `Citation` out. What the entry does not say stays absent; the entry itself is kept as written.
import type { Citation } from '../domain/citation.ts';
import { MAX_CITATION_CHARS } from '../domain/limits.ts';
import { parseAuthors } from './authors.ts';
import { findDate } from './dates.ts';
import { splitSentences } from './sentences.ts';

const URL_PATTERN = /(?:https?:\/\/|www\.)[^\s<>"“”«»]+/i;
const DOI_PATTERN = /\b(?:doi:\s*|https?:\/\/(?:dx\.)?doi\.org\/)?(10\.\d{4,9}\/[^\s"<>“”]+)/i;
const ISBN_PATTERN = /\bISBN(?:-1[03])?:?\s*((?:97[89][\s-]?)?\d[\d\s-]{7,14}[\dXx])\b/i;
/** Databases an entry names after its container ("… pp. 259–92. JSTOR"): where it was read, not what holds it. */
const DATABASE_TAIL = /[\s.,]*\b(?:JSTOR|Project MUSE|EBSCOhost|ProQuest|Gale|Google Books|Web)\.?\s*$/i;
const NOISE = [
  /\b(?:accessed|retrieved|viewed)(?: on)?:?\s+[^.,;]*\d{4}[.,]?/gi,
  /\b(?:available (?:at|from|online)|retrieved from|online at|link)\s*:?\s*$/gi,
  /\[(?:online|electronic resource|internet)\]/gi,
];
/** Quoted titles: curly, straight, guillemets and low-high quotes. */
const QUOTED = /“([^”]*)”?|"([^"]*)"|«\s*([^»]*?)\s*»|„([^“”]*)[“”]/;
/** "WP: NOTAM", "Wikipedia: Ötzi": a site named before the title. */
const SITE_PREFIX =
  /^(WP|Wikipedia|YouTube|GitHub|Twitter|Amazon|IMDb|Vimeo|\p{Lu}[\p{L}]* Wiki|\p{Lu}[\p{L}]* Verlag)\s*:\s*(.+)$/iu;
const SITE_NAMES: Record<string, string> = {
  wp: 'Wikipedia',
  wikipedia: 'Wikipedia',
  youtube: 'YouTube',
  github: 'GitHub',
  twitter: 'Twitter',
  amazon: 'Amazon',
  imdb: 'IMDb',
  vimeo: 'Vimeo',
};

/**
 * Reads one entry of a source list. `link` is where the entry links to, when it links (its text need not show the
 * URL). Returns undefined for an entry that is empty or longer than MAX_CITATION_CHARS.
 */
export function parseCitation(entry: string, link?: string): Citation | undefined {
  const text = entry.replace(/\s+/g, ' ').trim();
  if (text === '' || text.length > MAX_CITATION_CHARS) return undefined;
  const out: Citation = { text };
  let work = text.replace(/^(?:[-–—•*·]|\d{1,3}[.)])\s+/, '');

  const url = URL_PATTERN.exec(work);
  if (url) {
    out.url = trimUrl(url[0]);
    work = `${work.slice(0, url.index)} ${work.slice(url.index + out.url.length)}`;
  } else if (link !== undefined && /^https?:\/\//i.test(link)) {
    out.url = link;
  }
  const doi = DOI_PATTERN.exec(work) ?? (out.url === undefined ? null : DOI_PATTERN.exec(out.url));
  if (doi?.[1] !== undefined) {
    out.doi = trimUrl(doi[1]);
    if (doi.input === work) work = work.replace(doi[0], ' ');
  }
  const isbn = ISBN_PATTERN.exec(work);
  if (isbn?.[1] !== undefined) {
    out.isbn = isbn[1].replace(/\s+/g, '-');
    work = work.replace(isbn[0], ' ');
  }
  for (const noise of NOISE) work = work.replace(noise, ' ');
  work = work.replace(/\s+/g, ' ').trim();
  // A URL that ended the entry often leaves "…, " or ":" behind.
  work = work.replace(/[\s,;:–—-]+$/, '').replace(DATABASE_TAIL, '');

  const quoted = titleQuote(work);
  if (quoted) {
    const inner = quoted[1] ?? quoted[2] ?? quoted[3] ?? quoted[4] ?? '';
    const title = cleanTitle(inner);
    if (title !== '') out.title = title;
    const before = work.slice(0, quoted.index);
    const after = work.slice(quoted.index + quoted[0].length);
    readBefore(out, before);
    readTail(out, after);
    return out;
  }

  work = linkListShape(out, work);
  const site = SITE_PREFIX.exec(work) ?? SITE_DASH.exec(work);
  if (site?.[1] !== undefined && site[2] !== undefined) {
    const name = SITE_NAMES[site[1].toLowerCase()];
    if (name !== '') out.container = name ?? site[1];
    const title = cleanTitle(site[2]);
    if (title !== '') out.title = title;
    return out;
  }

  const sentences = splitSentences(work);
  const [first, second] = sentences;
  if (first === undefined) return out;
  if (second !== undefined && looksInverted(first)) {
    // Last, First. Title. Container, Date.
    readBefore(out, first);
    const title = cleanTitle(second);
    if (title !== '') out.title = title;
    readTail(out, sentences.slice(2).join('. '));
    return out;
  }
  const byline = /^(.+?),?\s+by\s+(\p{Lu}[^,;()\s]*\s\p{Lu}[^,;()]*?)(?:\s*[,(]\s*(.*?)\)?)?$/u.exec(first);
  if (byline?.[1] !== undefined && byline[2] !== undefined && second === undefined) {
    // "Clean Code by Robert C. Martin"
    const authors = parseAuthors(byline[2]);
    const title = cleanTitle(byline[1]);
    if (authors.length > 0 && title !== '') {
      out.title = title;
      out.authors = authors;
      if (byline[3] !== undefined) readTail(out, byline[3]);
      return out;
    }
  }
  const title = cleanTitle(first);
  if (title !== '') out.title = title;
  readTail(out, sentences.slice(1).join('. '));
  return out;
}

/**
 * A quoted title: one that the entry begins with, or that follows its authors, and that ends a part of the entry
 * (“Title.” or “Title,” or "Title". ) — not a phrase quoted inside a headline.
 */
function titleQuote(work: string): RegExpExecArray | null {
  // One attempt, at the first opening quote: trying every quote of a line of quotes would be quadratic.
  const first = work.search(/[“"«„]/);
  if (first < 0) return null;
  const sticky = new RegExp(QUOTED.source, 'y');
  sticky.lastIndex = first;
  const quoted = sticky.exec(work);
  if (!quoted) return null;
  const inner = (quoted[1] ?? quoted[2] ?? quoted[3] ?? quoted[4] ?? '').trim();
  const after = work.slice(quoted.index + quoted[0].length);
  if (quoted.index > 0 || /[.,!?]$/.test(inner) || /^\s*(?:[.,:;]|$)/.test(after)) return quoted;
  return null;
}

/** Sites named before a title with a dash ("Twitter - @LaunchedFM"); '' for words that name no site ("Website"). */
const SITE_DASH =
  /^(Twitter|Reddit|Instagram|Facebook|YouTube|GitHub|LinkedIn|Mastodon|Medium|Website|Web|Site|Homepage|Blog)\s+[-–—]\s+(.+)$/i;
Object.assign(SITE_NAMES, {
  reddit: 'Reddit',
  instagram: 'Instagram',
  facebook: 'Facebook',
  linkedin: 'LinkedIn',
  mastodon: 'Mastodon',
  medium: 'Medium',
  website: '',
  web: '',
  site: '',
  homepage: '',
  blog: '',
});

/**
 * The shapes of a link list's entries: a section label ("Picks: …"), the text given twice over, a date first
 * ("2nd June 2020 – …"), a closing remark in brackets ("(blog post)", "(by Jordan Singer)"), a name and its tagline
 * ("Egghead.io- Bite-sized training") and a title and its author ("Designing for the command line - Amanda Pinsker").
 */
function linkListShape(out: Citation, text: string): string {
  let work = text.replace(/^(?:tips?|picks?|links?|mentioned|see also)\s*:\s+/i, '');
  const half = work.length / 2;
  if (Number.isInteger(half) && half > 3 && work.slice(0, half) === work.slice(half))
    work = work.slice(0, half);
  const dated = /^(.{6,25}?)\s+[–—-]\s+(.+)$/.exec(work);
  if (dated?.[1] !== undefined && dated[2] !== undefined) {
    const found = findDate(dated[1]);
    if (found !== undefined && found.text.length >= dated[1].length - 4 && found.iso.length > 4) {
      out.dateText = dated[1];
      out.date = found.iso;
      work = dated[2];
    }
  }
  const by = /^(.+?)\s*\(by ([^()]+)\)$/i.exec(work);
  if (by?.[1] !== undefined && by[2] !== undefined) {
    const authors = parseAuthors(by[2]);
    if (authors.length > 0) out.authors = authors;
    work = by[1];
  }
  // A remark in brackets (it has a lower-case word, or names the medium), or a bracket never closed.
  work = work
    .replace(/\s*\((?=[^()]*\b(?:\p{Ll}{2,}|Archive|Video|PDF|Audio)\b)[^()]*\)$/u, '')
    .replace(/\s*\([^()]*$/, '');
  const tagline = /^(\S(?:.*\S)?)- (.+)$/.exec(work);
  if (tagline?.[1] !== undefined && !/\s-\s/.test(work)) return tagline[1];
  // Split at the last spaced dash by hand: a regular expression for "anything, a dash, a name" is quadratic.
  const at = Math.max(work.lastIndexOf(' - '), work.lastIndexOf(' – '), work.lastIndexOf(' — '));
  if (at > 0 && out.authors === undefined) {
    const title = work.slice(0, at).trim();
    const name = work.slice(at + 3).trim();
    if (/\s/.test(title) && /^\p{Lu}[\p{L}'’.-]+(?:\s\p{Lu}[\p{L}'’.-]+){1,2}$/u.test(name)) {
      out.authors = [name];
      return title;
    }
  }
  return work;
}

/** What comes before the title: the authors, and in APA a "(2002)." after them. */
function readBefore(out: Citation, before: string): void {
  let rest = before.trim();
  const year = /\(((?:1[5-9]|20)\d\d[a-z]?(?:,[^)]*)?)\)[.,]?\s*$/.exec(rest);
  if (year?.[1] !== undefined) {
    const found = findDate(year[1]);
    if (found !== undefined) {
      out.dateText = found.text;
      out.date = found.iso;
    }
    rest = rest.slice(0, year.index);
  }
  const authors = parseAuthors(rest);
  if (authors.length > 0) out.authors = authors;
}

/** What comes after the title: container, publisher, date, volume, issue and pages. */
function readTail(out: Citation, tail: string): void {
  let rest = ` ${tail} `;
  const take = (pattern: RegExp): RegExpExecArray | null => {
    const m = pattern.exec(rest);
    if (m) rest = `${rest.slice(0, m.index)} ${rest.slice(m.index + m[0].length)}`;
    return m;
  };
  const apa = take(/\b(\d{1,4})\((\d+(?:[/–-]\d+)?)\)(?:,\s*(\d+(?:\s*[–-]\s*\d+)?))?/);
  if (apa?.[1] !== undefined && apa[2] !== undefined) {
    out.volume = apa[1];
    out.issue = apa[2];
    if (apa[3] !== undefined) out.pages = apa[3].replace(/\s+/g, '');
  }
  const volume = take(/\b(?:vol(?:ume)?s?\.?)\s*([0-9IVXLCivxlc]+)\b/i);
  if (volume?.[1] !== undefined) out.volume = volume[1];
  const issue = take(/\b(?:no|nos|iss|issue|number)\.?\s*(\d+(?:\s*[/–-]\s*\d+)?)\b/i);
  if (issue?.[1] !== undefined) out.issue = issue[1].replace(/\s+/g, '');
  const pages = take(/\b(?:pp?\.|pages?|pgs?\.)\s*([0-9]+(?:\s*[–-]\s*[0-9]+)?)/i);
  if (pages?.[1] !== undefined) out.pages = pages[1].replace(/\s+/g, '');
  // Chicago: "Europe-Asia Studies 54, no. 6 (2002): 867–903".
  if (out.issue !== undefined && out.volume === undefined) {
    const chicagoVolume = take(/\s(\d{1,4}),?\s*(?=[,\s]*(?:\(|$|,))/);
    if (chicagoVolume?.[1] !== undefined) out.volume = chicagoVolume[1];
  }
  const chicagoPages = take(/\)\s*:\s*(\d+(?:\s*[–-]\s*\d+)?)/);
  if (chicagoPages?.[1] !== undefined && out.pages === undefined) {
    out.pages = chicagoPages[1].replace(/\s+/g, '');
    rest = `${rest} )`;
  }
  if (out.date === undefined) {
    const found = findDate(rest);
    if (found !== undefined) {
      out.dateText = found.text;
      out.date = found.iso;
      rest = `${rest.slice(0, found.index)} ${rest.slice(found.index + found.text.length)}`;
    }
  } else {
    const again = findDate(rest);
    if (again !== undefined)
      rest = `${rest.slice(0, again.index)} ${rest.slice(again.index + again.text.length)}`;
  }
  const parts: string[] = [];
  for (const sentence of splitSentences(rest.replace(/\(\s*\)/g, ' '))) {
    for (const part of sentence.split(/\s*[,;]\s*/)) {
      const clean = part.replace(/^[\s.,:;()–—-]+|[\s.,:;()–—-]+$/g, '').trim();
      if (clean !== '' && /\p{L}/u.test(clean) && !/^(?:ed|eds|n\.d|print|online|web)$/i.test(clean))
        parts.push(clean);
    }
  }
  const [container, publisher] = parts;
  if (container !== undefined) {
    // Chicago books: "New York: Penguin".
    const place = /^\p{Lu}[\p{L} .]{1,30}:\s*(.+)$/u.exec(container);
    out.container = place?.[1] ?? container;
  }
  if (publisher !== undefined) out.publisher = parts.slice(1).join(', ');
}

/** "Applebaum, Anne", "Davies, R. W., and Oleg Khlevnyuk", "Britannica, The Editors of Encyclopaedia". */
function looksInverted(text: string): boolean {
  return /^\p{Lu}[\p{L}'’-]+(?: \p{Lu}[\p{L}'’-]+)?, (?:(?:\p{Lu}[\p{L}'’-]*\.?|of|de|van|von|der|la|le|du)\s?){1,5}(?:,? (?:and|&) .{1,80})?$/u.test(
    text,
  );
}

function cleanTitle(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/^[\s,;:–—-]+/, '')
    .replace(/[\s,;:–—-]+$/, '')
    .replace(/(?<![.]\p{L})\.$/u, '')
    .trim();
}

/** A URL without the punctuation that closed the sentence around it; a closing bracket stays when it is paired. */
function trimUrl(url: string): string {
  let out = url.replace(/[.,;:!?'’]+$/, '');
  while (/[)\]]$/.test(out)) {
    const open = out.endsWith(')') ? '(' : '[';
    const close = out.endsWith(')') ? ')' : ']';
    if (out.split(open).length >= out.split(close).length) break;
    out = out.slice(0, -1).replace(/[.,;:!?]+$/, '');
  }
  return out;
}
