// Show notes arrive sanitised at ingest. This pass makes them useful on the episode page:
// bare URLs in text become links, and clock timestamps (12:34, 1:02:03) become seek links.
// It only touches text outside <a>, so running it twice changes nothing (idempotent).

import { cutAt, MAX_DESCRIPTION_CHARS } from '../domain/limits.ts';

const TAG = /(<[^>]*>)/;
/** Sanitising may lengthen notes a little past their cap (closing tags, escapes); anything longer is cut. */
const MAX_NOTES_CHARS = MAX_DESCRIPTION_CHARS + 16 * 1024;
const URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TIME_RE = /(?<![\d:.])(?:(\d{1,2}):)?([0-5]?\d):([0-5]\d)(?![\d:]|\.\d)/g;

/** Characters a URL in prose is not taken to end with (the sentence's punctuation). */
const TRAILING_CHARS = new Set(['.', ',', ';', ':', '!', '?', '\u2019', '\u201d', "'", '"', '*']);

function count(text: string, ch: string): number {
  let n = 0;
  for (let i = text.indexOf(ch); i !== -1; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

/** The URL without trailing punctuation and unbalanced closing brackets. Linear in the URL's length. */
function trimUrl(url: string): string {
  let u = url;
  // Text is already HTML-escaped: stop at an escaped quote or an entity that cannot be part of a URL.
  const stop = u.search(/&(?:quot|#34|#39|lt|gt);/);
  if (stop >= 0) u = u.slice(0, stop);
  const open = { '(': count(u, '('), '[': count(u, '[') };
  const close = { ')': count(u, ')'), ']': count(u, ']') };
  let end = u.length;
  for (;;) {
    const before = end;
    while (end > 0 && TRAILING_CHARS.has(u.charAt(end - 1))) end--;
    // Drop one unbalanced closing bracket: "(see https://x.org/a)".
    if (u.charAt(end - 1) === ')' && open['('] < close[')']) {
      end--;
      close[')']--;
    }
    if (u.charAt(end - 1) === ']' && open['['] < close[']']) {
      end--;
      close[']']--;
    }
    if (end === before) return u.slice(0, end);
  }
}

function seekLinks(text: string): string {
  return text.replace(TIME_RE, (match, h: string | undefined, m: string, s: string) => {
    if (h !== undefined && Number(m) > 59) return match;
    const seconds = (h ? Number(h) * 3600 : 0) + Number(m) * 60 + Number(s);
    return `<a href="?t=${seconds}" class="seek" data-seek="${seconds}">${match}</a>`;
  });
}

function linkifyText(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    const url = trimUrl(m[0]);
    if (url.length <= 'https://'.length) continue;
    const start = m.index;
    out += seekLinks(text.slice(last, start));
    out += `<a href="${url}" rel="nofollow noopener ugc" target="_blank">${url}</a>`;
    last = start + url.length;
  }
  return out + seekLinks(text.slice(last));
}

/** Sanitised show-notes HTML in, the same HTML with clickable URLs and timestamps out. */
export function enhanceShowNotes(sanitisedHtml: string): string {
  // Notes are capped at ingest; notes stored before that are cut here, before the last tag within the cap.
  let notes = sanitisedHtml;
  if (notes.length > MAX_NOTES_CHARS) {
    const tag = notes.lastIndexOf('<', MAX_NOTES_CHARS);
    notes = cutAt(notes, tag > 0 ? tag : MAX_NOTES_CHARS);
  }
  const parts = notes.split(TAG);
  let anchorDepth = 0;
  let out = '';
  for (const part of parts) {
    if (part.startsWith('<')) {
      if (/^<a[\s>]/i.test(part)) anchorDepth++;
      else if (/^<\/a\s*>/i.test(part)) anchorDepth = Math.max(0, anchorDepth - 1);
      out += part;
    } else {
      out += anchorDepth > 0 ? part : linkifyText(part);
    }
  }
  return out;
}

/** A small bounded cache so notes are enhanced once per episode version, not once per request. */
export class NotesCache {
  readonly #map = new Map<string, string>();
  constructor(readonly limit = 500) {}
  get(key: string, notes: string): string {
    const hit = this.#map.get(key);
    if (hit !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, hit);
      return hit;
    }
    const value = enhanceShowNotes(notes);
    this.#map.set(key, value);
    if (this.#map.size > this.limit) {
      const oldest = this.#map.keys().next();
      if (!oldest.done) this.#map.delete(oldest.value);
    }
    return value;
  }
}
