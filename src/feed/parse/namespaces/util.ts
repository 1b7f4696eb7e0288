// Small helpers shared by the namespace handlers.

import type { Enclosure } from '../types.ts';
import { parseDate } from '../values/date.ts';
import type { HandlerContext, RawElement } from './handler.ts';

/**
 * A copy of `s` that shares no memory with a string it may have been sliced from. Slicing the concatenation makes V8
 * flatten it into a new sequential string first; the result is a slice of that new string.
 */
export function detachedCopy(s: string): string {
  return ` ${s}`.slice(1);
}

/** Trimmed text, or undefined when blank. */
export function textOf(el: RawElement): string | undefined {
  const t = el.text.trim();
  return t.length > 0 ? t : undefined;
}

// Regexes used on every item are module constants: a literal in a function body is a new RegExp object per call.
const WHITESPACE_TO_COLLAPSE = /\s\s|[\n\r\t]/;
const WHITESPACE_RUN = /\s+/g;
const DIGITS = /^\d+$/;

/** Trimmed text with runs of whitespace (line breaks in titles) collapsed to one space. */
export function lineOf(el: RawElement): string | undefined {
  const t = textOf(el);
  if (t === undefined) return undefined;
  return WHITESPACE_TO_COLLAPSE.test(t) ? t.replace(WHITESPACE_RUN, ' ') : t;
}

/** The first direct child with this local name (and namespace, default: same as the parent). */
export function child(el: RawElement, name: string, ns: string = el.ns): RawElement | undefined {
  for (const c of el.children) if (c.name === name && c.ns === ns) return c;
  return undefined;
}

/** A date value as ISO 8601 UTC, reporting `bad-date` for a non-blank value that is not one. */
export function dateOf(el: RawElement, ctx: HandlerContext): string | undefined {
  const t = textOf(el);
  if (t === undefined) return undefined;
  const iso = parseDate(t);
  if (iso === undefined) ctx.problem('bad-date', `<${el.name}> "${short(t)}" is not a date`);
  return iso;
}

export function short(s: string, max = 80): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

// ---- Enclosures ----------------------------------------------------------------------------------------------

const BY_EXTENSION: Readonly<Record<string, string>> = {
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  m4b: 'audio/mp4',
  aac: 'audio/aac',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/opus',
  wav: 'audio/wav',
  flac: 'audio/flac',
  mp4: 'video/mp4',
  m4v: 'video/x-m4v',
  mov: 'video/quicktime',
  webm: 'video/webm',
  ogv: 'video/ogg',
  mkv: 'video/x-matroska',
  pdf: 'application/pdf',
  epub: 'application/epub+zip',
};

/** Types that say nothing about the content: replaced by the type the file extension implies. */
const GENERIC = new Set([
  'application/octet-stream',
  'binary/octet-stream',
  'application/x-octet-stream',
  'application/download',
  'application/force-download',
  'application/x-download',
  'application/unknown',
  'application/binary',
  '*/*',
]);

/** Misspellings of real types. */
const ALIASES: Readonly<Record<string, string>> = {
  'audio/mp3': 'audio/mpeg',
  'audio/x-mp3': 'audio/mpeg',
  'audio/mpeg3': 'audio/mpeg',
  'audio/x-mpeg': 'audio/mpeg',
  'audio/x-mpeg-3': 'audio/mpeg',
  'audio/mpg': 'audio/mpeg',
  'audio/x-mpg': 'audio/mpeg',
  'audio/m4a': 'audio/mp4',
  'video/mp4v-es': 'video/mp4',
};

export function typeFromExtension(url: string): string | undefined {
  let path = url;
  const query = path.indexOf('?');
  const fragment = path.indexOf('#');
  const q = query < 0 ? fragment : fragment < 0 ? query : Math.min(query, fragment);
  if (q >= 0) path = path.slice(0, q);
  const dot = path.lastIndexOf('.');
  if (dot < 0 || dot < path.lastIndexOf('/')) return undefined;
  return BY_EXTENSION[path.slice(dot + 1).toLowerCase()];
}

/** The enclosure type to report: normalised, or inferred from the extension when missing or generic. */
export function enclosureType(raw: string | undefined, url: string, ctx: HandlerContext): string | undefined {
  const given = raw?.trim().toLowerCase();
  if (given === undefined || given.length === 0 || GENERIC.has(given) || !given.includes('/')) {
    const inferred = typeFromExtension(url);
    if (inferred !== undefined && given !== undefined && given.length > 0) {
      ctx.problem(
        'bad-enclosure',
        `enclosure type "${raw?.trim()}" replaced by ${inferred} (from the file name)`,
      );
    }
    return inferred ?? (given !== undefined && given.length > 0 ? given : undefined);
  }
  const alias = ALIASES[given];
  if (alias !== undefined) return alias;
  return given;
}

export function isPlayable(e: Enclosure): boolean {
  const t = e.type ?? typeFromExtension(e.url);
  return t !== undefined && (t.startsWith('audio/') || t.startsWith('video/'));
}

/** Builds an enclosure from url/type/length attribute values; undefined (with a problem) when the URL is unusable. */
export function makeEnclosure(
  rawUrl: string | undefined,
  rawType: string | undefined,
  rawLength: string | undefined,
  base: string,
  ctx: HandlerContext,
  what = 'enclosure',
): Enclosure | undefined {
  if (rawUrl === undefined || rawUrl.trim().length === 0) {
    ctx.problem('bad-enclosure', `${what} without a URL`);
    return undefined;
  }
  const url = ctx.resolveUrl(rawUrl, base);
  if (url === undefined) return undefined;
  const enclosure: Enclosure = { url };
  const type = enclosureType(rawType, url, ctx);
  if (type !== undefined) enclosure.type = type;
  if (rawLength !== undefined) {
    const t = rawLength.trim();
    if (DIGITS.test(t)) {
      const n = Number(t);
      if (n > 0 && Number.isSafeInteger(n)) enclosure.length = n;
    } else if (t.length > 0) {
      ctx.problem('bad-number', `${what} length "${short(t)}" is not a number of bytes`);
    }
  }
  return enclosure;
}
