// Entity decoding for text and attribute values, done by us rather than the tokenizer so that breakage is seen and
// reported: the five XML entities and numeric references decode silently; HTML entities XML does not define
// (&nbsp; &rsquo; …) decode and are reported; unknown names (&gtgt;) stay literal and are reported; a bare `&`
// stays `&` and is reported. Nothing here ever expands an entity declared in a DTD.
import { decodeHTMLStrict } from 'entities';

export interface EntitySink {
  /** An entity that XML does not define; `decoded` says whether HTML knew it. */
  undefinedEntity(name: string, decoded: boolean): void;
  bareAmpersand(): void;
}

/** windows-1252 meanings of the numeric references &#128;–&#159; (HTML decodes them so; feeds mean them so). */
const C1_AS_CP1252: Readonly<Record<number, number>> = {
  128: 0x20ac,
  130: 0x201a,
  131: 0x0192,
  132: 0x201e,
  133: 0x2026,
  134: 0x2020,
  135: 0x2021,
  136: 0x02c6,
  137: 0x2030,
  138: 0x0160,
  139: 0x2039,
  140: 0x0152,
  142: 0x017d,
  145: 0x2018,
  146: 0x2019,
  147: 0x201c,
  148: 0x201d,
  149: 0x2022,
  150: 0x2013,
  151: 0x2014,
  152: 0x02dc,
  153: 0x2122,
  154: 0x0161,
  155: 0x203a,
  156: 0x0153,
  158: 0x017e,
  159: 0x0178,
};

/** Longest entity name we look for before deciding an `&` is bare. */
const MAX_ENTITY = 40;

function isNameChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || // a-z
    (c >= 0x41 && c <= 0x5a) || // A-Z
    (c >= 0x30 && c <= 0x39) || // 0-9
    c === 0x23 || // #
    c === 0x2e || // .
    c === 0x2d || // -
    c === 0x5f // _
  );
}

function numericReference(name: string): string | undefined {
  const hex = name.charCodeAt(1) === 0x78 || name.charCodeAt(1) === 0x58;
  const digits = name.slice(hex ? 2 : 1);
  if (digits.length === 0 || !(hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits)) return undefined;
  let cp = Number.parseInt(digits, hex ? 16 : 10);
  if (cp >= 0x80 && cp <= 0x9f) cp = C1_AS_CP1252[cp] ?? cp;
  if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(cp);
}

/** Decodes the entities in raw XML character data. Returns the input itself when it has no `&`. */
export function decodeEntities(raw: string, sink: EntitySink): string {
  let amp = raw.indexOf('&');
  if (amp < 0) return raw;
  let out = '';
  let last = 0;
  const n = raw.length;
  while (amp >= 0) {
    out += raw.slice(last, amp);
    let semi = -1;
    const limit = Math.min(n, amp + 1 + MAX_ENTITY);
    for (let j = amp + 1; j < limit; j++) {
      const c = raw.charCodeAt(j);
      if (c === 0x3b) {
        semi = j;
        break;
      }
      if (!isNameChar(c)) break;
    }
    if (semi <= amp + 1) {
      out += '&';
      sink.bareAmpersand();
      last = amp + 1;
    } else {
      const name = raw.slice(amp + 1, semi);
      let value: string | undefined;
      switch (name) {
        case 'amp':
          value = '&';
          break;
        case 'lt':
          value = '<';
          break;
        case 'gt':
          value = '>';
          break;
        case 'quot':
          value = '"';
          break;
        case 'apos':
          value = "'";
          break;
        default:
          if (name.charCodeAt(0) === 0x23) {
            value = numericReference(name);
            if (value === undefined) sink.undefinedEntity(name, false);
          } else {
            const entity = `&${name};`;
            const html = decodeHTMLStrict(entity);
            if (html !== entity) {
              value = html;
              sink.undefinedEntity(name, true);
            } else {
              sink.undefinedEntity(name, false);
            }
          }
      }
      out += value ?? raw.slice(amp, semi + 1);
      last = semi + 1;
    }
    amp = raw.indexOf('&', last);
  }
  return out + raw.slice(last);
}

// C0 control characters other than tab, newline and carriage return are not allowed in XML text: removed.
// C1 controls (U+0080–U+009F) in text are windows-1252 punctuation decoded as Latin-1 ("demoronised" back).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u0080-\u009f\ufffe\uffff]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_ALL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u0080-\u009f\ufffe\uffff]/g;

function replaceControl(c: string): string {
  const code = c.charCodeAt(0);
  if (code >= 0x80 && code <= 0x9f) {
    const mapped = C1_AS_CP1252[code];
    return mapped === undefined ? '' : String.fromCharCode(mapped);
  }
  return '';
}

/** Removes characters XML does not allow in text (C0 controls), maps C1 ones to windows-1252; input itself if none. */
export function stripControlChars(s: string): string {
  return CONTROL.test(s) ? s.replace(CONTROL_ALL, replaceControl) : s;
}

/**
 * An element's decoded text with the characters XML forbids taken out: every short value loses them all
 * (`stripControlChars`); long ones (show notes) only lose NULs, which databases reject, and only when the decoder saw
 * one could be there (`mayContainNul`) — a scan of every long value would cost more than the rest of the parse.
 */
export function cleanText(t: string, mayContainNul: boolean): string {
  if (t.length < 1024) return stripControlChars(t);
  return mayContainNul && t.indexOf('\u0000') >= 0 ? t.replaceAll('\u0000', '') : t;
}

/** An `&` that does not begin one of the five XML entities (which decode without a word to report). */
const NOT_PREDEFINED = /&(?!quot;|lt;|gt;|amp;|apos;)/;
/** A character no decoding or control-character removal can take away or turn into whitespace. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const LASTING = /[^\s\u0000-\u001f\u007f-\u009f\ufffe\uffff]/;

const SILENT: EntitySink = {
  undefinedEntity: () => {},
  bareAmpersand: () => {},
};

/**
 * Character data decoded only when it is read: for text that is often never used (an item's itunes:summary beside
 * its description is a second copy of the show notes, with every tag escaped as `&lt;…&gt;`). Only text whose
 * decoding has nothing to report waits — every `&` in it begins one of the five XML entities; the rest is decoded at
 * once, its problems reported in document order. Reading `value` gives what decoding at once would have.
 */
export class DeferredText {
  private decoded: string | undefined;

  private constructor(
    private readonly raw: string,
    private readonly mayContainNul: boolean,
  ) {}

  /** The deferred form of `raw` (character data as written), or undefined when decoding it would report problems. */
  static of(raw: string, mayContainNul: boolean): DeferredText | undefined {
    return NOT_PREDEFINED.test(raw) ? undefined : new DeferredText(raw, mayContainNul);
  }

  /** The decoded, cleaned text (see `cleanText`). */
  get value(): string {
    this.decoded ??= cleanText(decodeEntities(this.raw, SILENT), this.mayContainNul);
    return this.decoded;
  }

  /** Whether the text has anything but whitespace in it; decoded only when the raw text cannot tell. */
  hasContent(): boolean {
    return LASTING.test(this.raw) || this.value.trim().length > 0;
  }
}
