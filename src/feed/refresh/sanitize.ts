// Show notes are sanitised once, at ingest, with an allowlist; pages render the stored result as is.
//
// A small allowlist walk over htmlparser2's events (the tokenizer sanitize-html and DOMPurify-free setups rely on),
// with sanitize-html's rules for what we configure: disallowed tags are dropped and their text kept, the bodies of
// script-like tags dropped with them, attributes kept per tag, URL attributes checked against allowed schemes, text and
// attribute values re-escaped. Not sanitize-html itself: it declares its `Frame` constructor inside every call, and
// each such constructor's map is allocated in V8's old space and keeps that call's whole working set reachable until
// the next full GC — ingesting a large feed then grew the heap by tens of MB of dead show notes.
import { cutAt, MAX_DESCRIPTION_CHARS } from '../../domain/limits.ts';
import { BoundedParser } from '../../markup/bounded-parser.ts';
import { type Turns, writeInTurns } from '../../markup/next-turn.ts';

export const LINK_REL = 'nofollow noopener ugc';

export const ALLOWED_TAGS: ReadonlySet<string> = new Set([
  'p',
  'br',
  'hr',
  'a',
  'b',
  'strong',
  'i',
  'em',
  'u',
  's',
  'del',
  'ins',
  'mark',
  'small',
  'sub',
  'sup',
  'ul',
  'ol',
  'li',
  'dl',
  'dt',
  'dd',
  'blockquote',
  'q',
  'cite',
  'code',
  'pre',
  'kbd',
  'abbr',
  'time',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'span',
  'div',
  'figure',
  'figcaption',
  'img',
  'table',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'th',
  'td',
  'caption',
]);

/** Attributes kept per tag; everything else (event handlers, style, class, srcset …) is dropped. */
export const ALLOWED_ATTRIBUTES: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['a', new Set(['href', 'title', 'rel'])],
  ['img', new Set(['src', 'alt', 'title', 'width', 'height', 'loading'])],
  ['abbr', new Set(['title'])],
  ['time', new Set(['datetime'])],
  ['ol', new Set(['start'])],
  ['td', new Set(['colspan', 'rowspan'])],
  ['th', new Set(['colspan', 'rowspan'])],
]);

/** Attributes holding a URL, whose scheme must be allowed (relative URLs are fine, `//host` is not). */
const URL_ATTRIBUTES = new Set(['href', 'src', 'cite']);
export const ALLOWED_SCHEMES: ReadonlySet<string> = new Set(['http', 'https', 'mailto']);
export const IMAGE_SCHEMES: ReadonlySet<string> = new Set(['http', 'https']);

/** Disallowed tags whose content is dropped with them, never shown as text. */
export const NON_TEXT_TAGS: ReadonlySet<string> = new Set([
  'script',
  'style',
  'textarea',
  'option',
  'noscript',
  'title',
  'iframe',
  'object',
  'template',
]);

const SELF_CLOSING = new Set(['img', 'br', 'hr']);

/** An empty value is kept only for these (every other attribute we allow needs a value). */
const ALLOWED_EMPTY = new Set(['alt']);

/** A name that cannot end the attribute or the tag early in the output. */
const VALID_ATTRIBUTE_NAME = /^[^\0\t\n\f\r /<=>]+$/;

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;');
}

/** Comments inside one URL attribute past which the URL is dropped rather than cleaned. */
const MAX_URL_COMMENTS = 16;

/** A URL with a scheme outside `allowed`, or protocol-relative (browsers ignore control characters and comments). */
function unsafeUrl(value: string, allowed: ReadonlySet<string>): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: those are exactly the characters browsers skip
  let href = value.replace(/[\x00-\x20]+/g, '');
  // Each comment removed copies the value once: a value made of thousands of them would cost quadratic time.
  for (let comments = 0; ; comments++) {
    const start = href.indexOf('<!--');
    if (start === -1) break;
    if (comments === MAX_URL_COMMENTS) return true;
    const end = href.indexOf('-->', start + 4);
    if (end === -1) break;
    href = href.slice(0, start) + href.slice(end + 3);
  }
  const scheme = /^([a-zA-Z][a-zA-Z0-9.\-+]*):/.exec(href)?.[1];
  if (scheme === undefined) return /^[/\\]{2}/.test(href);
  return !allowed.has(scheme.toLowerCase());
}

/** The attributes a tag keeps, set ones (rel on links, lazy images) last unless the feed gave them. */
function attributesOf(tag: string, attribs: Record<string, string>): string {
  const allowed = ALLOWED_ATTRIBUTES.get(tag);
  if (allowed === undefined) return '';
  const values = new Map(Object.entries(attribs));
  if (tag === 'a') values.set('rel', LINK_REL);
  else if (tag === 'img') values.set('loading', 'lazy');
  let out = '';
  for (const [name, value] of values) {
    if (!allowed.has(name) || !VALID_ATTRIBUTE_NAME.test(name)) continue;
    if (value === '' && !ALLOWED_EMPTY.has(name)) continue;
    if (URL_ATTRIBUTES.has(name) && unsafeUrl(value, tag === 'img' ? IMAGE_SCHEMES : ALLOWED_SCHEMES))
      continue;
    out += value === '' ? ` ${name}=""` : ` ${name}="${escapeAttribute(value)}"`;
  }
  return out;
}

/** One sanitising pass: htmlparser2 events in, allowed markup out (a plain class: nothing allocated per tag type). */
class Sanitizer {
  out = '';
  /** Set before parsing: a tag it flattens (nested too deep) is dropped, its text kept. */
  parser: BoundedParser | undefined;
  /** Open tags, and whether each was dropped (its closing tag is dropped too). */
  private readonly open: { tag: string; dropped: boolean }[] = [];
  /** Inside a dropped script-like tag: how many tags deep, its closing tag included. */
  private skipDepth = 0;

  onopentag(name: string, attribs: Record<string, string>): void {
    if (this.parser?.flattening === true) return;
    if (this.skipDepth > 0) {
      this.skipDepth++;
      return;
    }
    const dropped = !ALLOWED_TAGS.has(name);
    this.open.push({ tag: name, dropped });
    if (dropped) {
      if (NON_TEXT_TAGS.has(name)) this.skipDepth = 1;
      return;
    }
    this.out += `<${name}${attributesOf(name, attribs)}${SELF_CLOSING.has(name) ? ' />' : '>'}`;
  }

  ontext(text: string): void {
    if (this.skipDepth === 0) this.out += escapeText(text);
  }

  onclosetag(name: string): void {
    if (this.parser?.flattening === true) return;
    if (this.skipDepth > 0) {
      this.skipDepth--;
      if (this.skipDepth > 0) return;
    }
    const top = this.open.at(-1);
    // Bad markup: a closing tag that is not the innermost open one is ignored.
    if (top === undefined || top.tag !== name) return;
    this.open.pop();
    if (!top.dropped && !SELF_CLOSING.has(name)) this.out += `</${name}>`;
  }
}

export interface SanitizedNotes {
  /** Undefined when nothing meaningful is left. */
  html: string | undefined;
  /** Tags dropped because they were nested deeper than MAX_MARKUP_DEPTH (their text is kept). */
  flattened: number;
  /** The notes were cut to MAX_DESCRIPTION_CHARS (at a tag boundary). */
  truncated: boolean;
}

/** One sanitising parse, fed in one piece or several. */
function startPass(): { write: (piece: string) => void; end: () => { html: string; flattened: number } } {
  const sanitizer = new Sanitizer();
  const parser = new BoundedParser(sanitizer, { decodeEntities: true });
  sanitizer.parser = parser;
  return {
    write: (piece) => parser.write(piece),
    end: () => {
      parser.end();
      return { html: sanitizer.out.trim(), flattened: parser.flattened };
    },
  };
}

function sanitizePass(html: string): { html: string; flattened: number } {
  const pass = startPass();
  pass.write(html);
  return pass.end();
}

/**
 * Sanitised show notes, nested at most MAX_MARKUP_DEPTH deep (tags deeper are dropped, their text kept) and at most
 * about MAX_DESCRIPTION_CHARS long: longer output is cut at the limit (never inside a tag or a reference), and
 * sanitised again so every element left open is closed. Linear in the input's length.
 */
export function sanitizeShowNotesReport(html: string | undefined): SanitizedNotes {
  if (html === undefined) return { html: undefined, flattened: 0, truncated: false };
  return finished(sanitizePass(html));
}

/**
 * `sanitizeShowNotesReport` for long notes on a server's event loop: the notes are parsed in pieces, and the parse
 * waits for the next turn whenever it has held the loop for MARKUP_TURN_MS. The same result, piece by piece.
 */
export async function sanitizeShowNotesInTurns(html: string, turns: Turns): Promise<SanitizedNotes> {
  const pass = startPass();
  await writeInTurns(html, pass.write, turns);
  return finished(pass.end());
}

/** The first pass's output, cut to MAX_DESCRIPTION_CHARS and sanitised again when it is longer. */
function finished(first: { html: string; flattened: number }): SanitizedNotes {
  let clean = first.html;
  let truncated = false;
  if (clean.length > MAX_DESCRIPTION_CHARS) {
    truncated = true;
    clean = sanitizePass(cutMarkup(clean, MAX_DESCRIPTION_CHARS)).html;
  }
  return { html: clean === '' ? undefined : clean, flattened: first.flattened, truncated };
}

/** Sanitised markup cut to at most `length` characters, never inside a tag or a character reference. */
function cutMarkup(html: string, length: number): string {
  const tagStart = html.lastIndexOf('<', length - 1);
  const tagEnd = html.lastIndexOf('>', length - 1);
  if (tagStart > tagEnd) return html.slice(0, tagStart);
  const amp = html.lastIndexOf('&', length - 1);
  if (amp > tagEnd && html.indexOf(';', amp) >= length) return html.slice(0, amp);
  return cutAt(html, length);
}

/** Sanitised show-notes HTML, or undefined when nothing meaningful is left. */
export function sanitizeShowNotes(html: string | undefined): string | undefined {
  return sanitizeShowNotesReport(html).html;
}
