// An episode's citations as BibTeX and as CSL-JSON (the citation-style language's data format, read by Zotero,
// pandoc and citeproc). Pure; only the fields an entry gave are written.
import type { Citation } from '../domain/citation.ts';

/** One CSL-JSON item (the subset Earshot fills). */
export interface CslItem {
  id: string;
  type: 'book' | 'article-journal' | 'article-newspaper' | 'webpage' | 'document';
  title?: string;
  author?: { literal: string }[];
  'container-title'?: string;
  publisher?: string;
  issued?: { 'date-parts': number[][] };
  volume?: string;
  issue?: string;
  page?: string;
  URL?: string;
  DOI?: string;
  ISBN?: string;
  note: string;
}

const NEWSPAPER =
  /\b(?:times|post|news|guardian|journal|herald|tribune|gazette|telegraph|independent|observer)\b/i;
const PRESS = /\b(?:press|books|publishing|publishers|penguin|norton|verlag|random house|harper)\b/i;

/** What kind of work an entry names, from what it gave (a journal has volumes, a book a publisher). */
function typeOf(c: Citation): CslItem['type'] {
  if (c.volume !== undefined || c.issue !== undefined || c.doi !== undefined) return 'article-journal';
  if (c.isbn !== undefined || (c.container !== undefined && PRESS.test(c.container) && c.url === undefined))
    return 'book';
  if (c.container !== undefined && NEWSPAPER.test(c.container)) return 'article-newspaper';
  if (c.url !== undefined) return 'webpage';
  return 'document';
}

function dateParts(iso: string | undefined): number[][] | undefined {
  if (iso === undefined) return undefined;
  return [iso.split('-').map(Number)];
}

export function toCslJson(citations: readonly Citation[], idPrefix: string): CslItem[] {
  return citations.map((c, i) => {
    const type = typeOf(c);
    const item: CslItem = { id: `${idPrefix}-${i + 1}`, type, note: c.text };
    if (c.title !== undefined) item.title = c.title;
    if (c.authors !== undefined) item.author = c.authors.map((literal) => ({ literal }));
    if (c.container !== undefined) {
      if (type === 'book') item.publisher = c.container;
      else item['container-title'] = c.container;
    }
    if (c.publisher !== undefined && item.publisher === undefined) item.publisher = c.publisher;
    const issued = dateParts(c.date);
    if (issued !== undefined) item.issued = { 'date-parts': issued };
    if (c.volume !== undefined) item.volume = c.volume;
    if (c.issue !== undefined) item.issue = c.issue;
    if (c.pages !== undefined) item.page = c.pages;
    if (c.url !== undefined) item.URL = c.url;
    if (c.doi !== undefined) item.DOI = c.doi;
    if (c.isbn !== undefined) item.ISBN = c.isbn;
    return item;
  });
}

const BIBTEX_TYPES: Record<CslItem['type'], string> = {
  book: 'book',
  'article-journal': 'article',
  'article-newspaper': 'article',
  webpage: 'online',
  document: 'misc',
};

/** A BibTeX value: braces balanced (unbalanced ones dropped) and TeX's special characters escaped. */
function bibValue(text: string): string {
  let depth = 0;
  let out = '';
  for (const ch of text) {
    if (ch === '{') depth++;
    if (ch === '}') {
      if (depth === 0) continue;
      depth--;
    }
    out += ch === '\\' ? '\\textbackslash{}' : /[&%$#_]/.test(ch) ? `\\${ch}` : ch;
  }
  return out + '}'.repeat(depth);
}

export function toBibtex(citations: readonly Citation[], keyPrefix: string): string {
  return citations
    .map((c, i) => {
      const type = BIBTEX_TYPES[typeOf(c)];
      const fields: [string, string | undefined][] = [
        ['author', c.authors?.map((a) => `{${a}}`).join(' and ')],
        ['title', c.title],
        [type === 'article' ? 'journal' : type === 'book' ? 'publisher' : 'organization', c.container],
        ['institution', c.publisher],
        ['date', c.date],
        ['volume', c.volume],
        ['number', c.issue],
        ['pages', c.pages?.replace(/[–-]/, '--')],
        ['url', c.url],
        ['doi', c.doi],
        ['isbn', c.isbn],
        ['note', c.text],
      ];
      const body = fields
        .filter((f): f is [string, string] => f[1] !== undefined)
        .map(([name, value]) => `  ${name} = {${bibValue(value)}}`)
        .join(',\n');
      return `@${type}{${keyPrefix}-${i + 1},\n${body}\n}\n`;
    })
    .join('\n');
}
