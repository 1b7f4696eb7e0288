// Finding the source lists in show notes: the entries under a "Sources" / "Research" / "References" / "Further
// reading" / "Bibliography" / "Links" heading (a list, or one entry a line), and any other list whose entries read
// as references (most link somewhere or quote a title). Pure: HTML in, entries out, at most
// MAX_CITATIONS_PER_EPISODE of them.
import type { Citation } from '../domain/citation.ts';
import { MAX_CITATION_CHARS, MAX_CITATIONS_PER_EPISODE, MAX_DESCRIPTION_CHARS } from '../domain/limits.ts';
import { BoundedParser } from '../markup/bounded-parser.ts';
import { parseCitation } from './parse.ts';

/** One entry of a source list as found in the notes: its text and the first link in it. */
export interface CitationEntry {
  text: string;
  link?: string;
}

const HEADING =
  /^(?:(?:selected |additional |episode |show |related |key |primary |secondary |main )?(?:sources?|research|references?|bibliography|works cited|citations?|reading list|links?|resources?(?: (?:we|i) like)?|further reading|recommended reading|suggested reading|reading|notes and sources|sources and (?:further )?reading|links (?:and|&) resources|mentioned in (?:this|the) episode|show notes and links)|for further reading|to learn more|learn more)\s*[:.]?$/i;
/** Lines that end a source list given one entry a line. */
const LIST_END =
  /privacy information|learn more about your ad|ad-?choices|^see omnystudio|^support (?:the|this|us)|patreon\.com/i;
const BLOCK = new Set([
  'p',
  'div',
  'li',
  'br',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'blockquote',
  'tr',
  'dd',
  'dt',
  'section',
  'hr',
]);

interface Line {
  text: string;
  link?: string;
  /** The list (counted in document order) whose item this line is. */
  list?: number;
}

/** The show notes' source-list entries, read into citations, in order. */
export function extractCitations(html: string): Citation[] {
  const out: Citation[] = [];
  for (const entry of findCitationEntries(html)) {
    const citation = parseCitation(entry.text, entry.link);
    if (citation !== undefined && (citation.title !== undefined || citation.url !== undefined))
      out.push(citation);
  }
  return out;
}

/** The entries of the notes' source lists (see the file's comment). */
export function findCitationEntries(html: string): CitationEntry[] {
  const lines = toLines(html.length > MAX_DESCRIPTION_CHARS ? html.slice(0, MAX_DESCRIPTION_CHARS) : html);
  const entries: CitationEntry[] = [];
  const taken = new Set<number>();
  const add = (line: Line): void => {
    if (entries.length >= MAX_CITATIONS_PER_EPISODE) return;
    if (line.text.length > MAX_CITATION_CHARS) return;
    entries.push(line.link === undefined ? { text: line.text } : { text: line.text, link: line.link });
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === undefined || !isHeading(line)) continue;
    const next = lines[i + 1];
    if (next === undefined) continue;
    if (next.list !== undefined) {
      const list = next.list;
      taken.add(list);
      for (let j = i + 1; j < lines.length && lines[j]?.list === list; j++) {
        const item = lines[j];
        if (item !== undefined) add(item);
        i = j;
      }
      continue;
    }
    for (let j = i + 1; j < lines.length; j++) {
      const item = lines[j];
      if (item === undefined || item.list !== undefined || isHeading(item) || LIST_END.test(item.text)) break;
      add(item);
      i = j;
    }
  }
  // Lists under no heading: taken when most of their entries read as references.
  const byList = new Map<number, Line[]>();
  for (const line of lines) {
    if (line.list === undefined || taken.has(line.list)) continue;
    byList.set(line.list, [...(byList.get(line.list) ?? []), line]);
  }
  for (const items of byList.values()) {
    const referenceLike = items.filter(looksLikeReference).length;
    if (items.length >= 2 && referenceLike * 10 >= items.length * 6) for (const item of items) add(item);
  }
  return entries;
}

function isHeading(line: Line): boolean {
  return line.list === undefined && line.text.length <= 60 && HEADING.test(line.text);
}

/** A link, a quoted title with a date, or an inverted author with a date. */
function looksLikeReference(line: Line): boolean {
  if (line.link !== undefined || /https?:\/\//.test(line.text)) return true;
  const hasDate = /\b(?:1[5-9]|20)\d\d\b/.test(line.text);
  return hasDate && (/[“"«][^”"»]{3,}[”"»]/.test(line.text) || /^\p{Lu}[\p{L}'’-]+, \p{Lu}/u.test(line.text));
}

/** The notes as lines: each block element and <br> ends one; list items remember their list. */
function toLines(html: string): Line[] {
  const lines: Line[] = [];
  const lists: number[] = [];
  let listCount = 0;
  let text = '';
  let link: string | undefined;
  let itemList: number | undefined;
  const flush = (): void => {
    const clean = text.replace(/\s+/g, ' ').trim();
    if (clean !== '') {
      const line: Line = { text: clean };
      if (link !== undefined) line.link = link;
      if (itemList !== undefined) line.list = itemList;
      lines.push(line);
    }
    text = '';
    link = undefined;
  };
  const parser = new BoundedParser(
    {
      onopentag(name, attributes) {
        if (BLOCK.has(name)) flush();
        if (name === 'ul' || name === 'ol') {
          lists.push(++listCount);
          itemList = undefined;
        } else if (name === 'li') itemList = lists[lists.length - 1];
        else if (name === 'a' && link === undefined && attributes.href !== undefined) link = attributes.href;
      },
      ontext(data) {
        text += data;
      },
      onclosetag(name) {
        if (!BLOCK.has(name)) return;
        flush();
        if (name === 'ul' || name === 'ol') {
          lists.pop();
          itemList = undefined;
        } else if (name === 'li') itemList = undefined;
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  flush();
  return lines;
}
