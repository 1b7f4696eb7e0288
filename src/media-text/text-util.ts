// Small shared helpers: decoding bytes to text, timestamps, whitespace, speaker prefixes.
import { decodeHTML } from 'entities';

/** Decodes a fetched body: a BOM wins, then the Content-Type charset, else UTF-8 (invalid bytes become U+FFFD). */
export function decodeText(body: Uint8Array, contentType?: string): string {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return new TextDecoder('utf-8').decode(body);
  if (body[0] === 0xff && body[1] === 0xfe) return new TextDecoder('utf-16le').decode(body);
  if (body[0] === 0xfe && body[1] === 0xff) return new TextDecoder('utf-16be').decode(body);
  const charset = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  if (charset !== undefined) {
    try {
      return new TextDecoder(charset.toLowerCase()).decode(body);
    } catch {
      // Unknown charset label: fall back to UTF-8 below.
    }
  }
  return new TextDecoder('utf-8').decode(body);
}

/** True when text decoded from bytes is plainly not text: NULs or many control/replacement characters. */
export function looksBinary(text: string): boolean {
  const sample = text.slice(0, 4096);
  if (sample.length === 0) return false;
  let bad = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c === 0) return true;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || c === 0xfffd) bad++;
  }
  return bad / sample.length > 0.1;
}

/** Strips a leading BOM and turns CRLF / CR line ends into LF. */
export function normaliseNewlines(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/** Collapses runs of whitespace to one space and trims. */
export function squash(text: string): string {
  return text.replace(/[\s\u00a0]+/g, ' ').trim();
}

/** Decodes HTML character references (`&amp;`, `&#39;`, `&nbsp;` …). */
export function decodeEntities(text: string): string {
  return text.includes('&') ? decodeHTML(text) : text;
}

const CLOCK = /^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d+))?$/;

/**
 * `HH:MM:SS.mmm`, `H:MM:SS,mmm`, `MM:SS.mmm`, `M:SS` → seconds (millisecond precision). Undefined when it is not a
 * clock time.
 */
export function parseClock(value: string): number | undefined {
  const m = CLOCK.exec(value.trim());
  if (m === null) return undefined;
  const hours = m[1] === undefined ? 0 : Number(m[1]);
  const minutes = Number(m[2]);
  const seconds = Number(m[3]);
  if (minutes >= 60 && m[1] !== undefined) return undefined;
  if (seconds >= 60) return undefined;
  const fraction = m[4] === undefined ? 0 : Number(`0.${m[4]}`);
  return roundMs(hours * 3600 + minutes * 60 + seconds + fraction);
}

export function roundMs(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/** A number of seconds from a JSON value: a finite non-negative number, a numeric string, or a clock string. */
export function secondsFrom(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? roundMs(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return roundMs(Number(trimmed));
  return parseClock(trimmed);
}

// `Travis: …`, `Dr. Jane Doe: …`, `SPEAKER 1: …` — a short run of capitalised words (or digits) before a colon.
const SPEAKER_PREFIX =
  /^((?:[\p{Lu}][\p{L}\p{M}'’.-]*|\d+)(?: (?:[\p{Lu}][\p{L}\p{M}'’.-]*|\d+)){0,3}):\s+(\S[\s\S]*)$/u;

/** Words that end in a colon in prose without naming anyone. */
const NOT_SPEAKERS = new Set([
  'note',
  'notes',
  'warning',
  'caution',
  'update',
  'edit',
  'source',
  'sources',
  'link',
  'links',
  'tip',
  'example',
  'chapter',
  'transcript',
]);

/** Splits a `Name: text` prefix off a cue's text; undefined when there is none. */
export function speakerPrefix(text: string): { speaker: string; text: string } | undefined {
  const m = SPEAKER_PREFIX.exec(text);
  if (m === null || m[1] === undefined || m[2] === undefined) return undefined;
  if (m[1].length > 40 || /^\d+$/.test(m[1]) || NOT_SPEAKERS.has(m[1].toLowerCase())) return undefined;
  return { speaker: m[1], text: m[2] };
}

/** Stable sort by start time. */
export function byStart<T extends { start: number }>(items: T[]): T[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => a.item.start - b.item.start || a.index - b.index)
    .map((x) => x.item);
}
