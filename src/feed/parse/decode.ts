// Bytes → text, chunk by chunk, without ever holding the whole document. The encoding is decided once, from the
// first bytes: BOM, then the HTTP charset, then the XML declaration, then UTF-8. UTF-8 (declared, defaulted, or a
// Latin-1/windows-1252 declaration over bytes that are really UTF-8) is decoded strictly per chunk; a chunk with
// invalid bytes is decoded sequence by sequence, each invalid byte as windows-1252. That handles both a whole
// document in windows-1252 without a declaration and the common UTF-8 feed with one pasted cp1252 episode.

import { Buffer, isAscii, isUtf8, transcode } from 'node:buffer';
import { NotAFeedError, type ProblemCode } from './types.ts';

export type ProblemSink = (code: ProblemCode, message: string) => void;

/** How many bytes are looked at before the encoding is decided. */
const SNIFF_BYTES = 1024;

/** windows-1252 code points for bytes 0x80–0x9F (the five undefined bytes map to themselves, as browsers do). */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d,
  0x017d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
  0x0153, 0x9d, 0x017e, 0x0178,
];

function cp1252Char(byte: number): string {
  return String.fromCharCode(byte >= 0x80 && byte < 0xa0 ? (CP1252_HIGH[byte - 0x80] ?? byte) : byte);
}

/** Labels that mean "Latin-1-ish": decoded as windows-1252 where the bytes are not UTF-8 anyway. */
const LATIN_LABELS = new Set([
  'iso-8859-1',
  'iso8859-1',
  'iso_8859-1',
  'latin1',
  'latin-1',
  'l1',
  'us-ascii',
  'ascii',
  'ansi_x3.4-1968',
  'windows-1252',
  'cp1252',
  'x-cp1252',
]);
const UTF8_LABELS = new Set(['utf-8', 'utf8', 'unicode-1-1-utf-8']);

/** Length of the valid UTF-8 sequence starting at i, or 0 when the byte there does not start one. */
function utf8SequenceLength(b: Uint8Array, i: number): number {
  const c = b[i] ?? 0;
  const n = b.length;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => {
    const x = i + k < n ? (b[i + k] ?? 0) : -1;
    return x >= lo && x <= hi;
  };
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    return cont(1, c === 0xe0 ? 0xa0 : 0x80, c === 0xed ? 0x9f : 0xbf) && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    return cont(1, c === 0xf0 ? 0x90 : 0x80, c === 0xf4 ? 0x8f : 0xbf) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** How many leading bytes of b end on a sequence boundary (a trailing incomplete sequence is left for later). */
function completeUtf8Length(b: Uint8Array): number {
  const n = b.length;
  for (let k = 1; k <= 3 && k <= n; k++) {
    const c = b[n - k] ?? 0;
    if ((c & 0xc0) === 0x80) continue;
    if (c >= 0xc0) {
      const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      if (k < need) return n - k;
    }
    return n;
  }
  return n;
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Decodes valid UTF-8 runs as UTF-8 and every byte that is not part of one as windows-1252. */
export function decodeUtf8WithCp1252Fallback(
  b: Uint8Array,
  lenient: TextDecoder,
): { text: string; invalid: number } {
  let out = '';
  let runStart = 0;
  let invalid = 0;
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i] ?? 0;
    if (c < 0x80) {
      i++;
      continue;
    }
    const len = utf8SequenceLength(b, i);
    if (len > 0) {
      i += len;
      continue;
    }
    if (i > runStart) out += lenient.decode(b.subarray(runStart, i));
    out += cp1252Char(c);
    invalid++;
    i++;
    runStart = i;
  }
  if (runStart < n) out += lenient.decode(b.subarray(runStart, n));
  return { text: out, invalid };
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i] ?? 0);
  return s;
}

/** The charset parameter of an HTTP Content-Type header value. */
export function charsetFromContentType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const m = /charset\s*=\s*["']?([^;"'\s]+)/i.exec(contentType);
  return m?.[1]?.toLowerCase();
}

/** The encoding named in an XML declaration found in the first bytes (read as Latin-1). */
export function encodingFromDeclaration(head: string): string | undefined {
  const start = head.indexOf('<?xml');
  if (start < 0) return undefined;
  const end = head.indexOf('?>', start);
  const decl = head.slice(start, end < 0 ? undefined : end);
  const m = /encoding\s*=\s*["']\s*([A-Za-z0-9._:-]+)\s*["']/.exec(decl);
  return m?.[1]?.toLowerCase();
}

type Utf16Guess = 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be' | undefined;

/** Recognises UTF-16/32 without a BOM by where the zero bytes fall around ASCII markup. */
function guessWideEncoding(b: Uint8Array): Utf16Guess {
  if (b.length < 4) return undefined;
  const [b0, b1, b2, b3] = [b[0] ?? 0, b[1] ?? 0, b[2] ?? 0, b[3] ?? 0];
  if (b0 !== 0 && b1 === 0 && b2 === 0 && b3 === 0) return 'utf-32le';
  if (b0 === 0 && b1 === 0 && b2 === 0 && b3 !== 0) return 'utf-32be';
  let evenZero = 0;
  let oddZero = 0;
  const n = Math.min(b.length, 256) & ~1;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) evenZero++;
    if (b[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.6 && evenZero < pairs * 0.1) return 'utf-16le';
  if (evenZero > pairs * 0.6 && oddZero < pairs * 0.1) return 'utf-16be';
  return undefined;
}

function looksBinary(b: Uint8Array): string | undefined {
  if (b[0] === 0x1f && b[1] === 0x8b) return 'the body is gzip-compressed (decompress it first)';
  if (b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) return 'the body is a ZIP archive';
  const n = Math.min(b.length, SNIFF_BYTES);
  for (let i = 0; i < n; i++) {
    if (b[i] === 0) return 'the body contains NUL bytes: binary data, not a feed';
  }
  return undefined;
}

type Mode =
  | { kind: 'utf8'; declared: 'utf-8' | 'none' | 'latin'; label: string }
  | { kind: 'decoder'; decoder: TextDecoder }
  | { kind: 'utf32'; littleEndian: boolean };

/** Streaming bytes → string decoder; reports how it decided through `report`. */
export class ByteDecoder {
  private sniffBuffer: Uint8Array[] = [];
  private sniffLength = 0;
  private mode: Mode | undefined;
  private carry: Uint8Array | undefined;
  private readonly lenient = new TextDecoder('utf-8', { ignoreBOM: true });
  private sawMultibyte = false;
  private invalidBytes = 0;
  /** Whether a 0x00 byte has been written so far. */
  private zeroByteSeen = false;
  /** The encoding finally used, for messages and tests. */
  encoding = 'utf-8';

  constructor(
    private readonly contentType: string | undefined,
    private readonly report: ProblemSink,
  ) {}

  /**
   * Whether the text decoded so far may contain U+0000. UTF-8, and its windows-1252 fallback, only decode one from a
   * 0x00 byte, which a native scan of the bytes finds far faster than any search of the decoded text; other decoders
   * are not looked into (UTF-16 is full of zero bytes anyway).
   */
  get mayContainNul(): boolean {
    return this.zeroByteSeen || this.mode?.kind !== 'utf8';
  }

  write(chunk: Uint8Array): string {
    if (!this.zeroByteSeen && Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).indexOf(0) >= 0) {
      this.zeroByteSeen = true;
    }
    if (this.mode === undefined) {
      if (chunk.length === 0) return '';
      this.sniffBuffer.push(chunk);
      this.sniffLength += chunk.length;
      if (this.sniffLength < SNIFF_BYTES) return '';
      return this.decideAndFlush(false);
    }
    return this.decode(chunk, false);
  }

  end(): string {
    let text = '';
    if (this.mode === undefined) {
      if (this.sniffLength === 0) return '';
      text = this.decideAndFlush(true);
    } else {
      text = this.decode(new Uint8Array(0), true);
    }
    this.finalReport();
    return text;
  }

  private decideAndFlush(final: boolean): string {
    let head =
      this.sniffBuffer.length === 1
        ? (this.sniffBuffer[0] ?? new Uint8Array(0))
        : new Uint8Array(this.sniffLength);
    if (this.sniffBuffer.length > 1) {
      let o = 0;
      for (const c of this.sniffBuffer) {
        head.set(c, o);
        o += c.length;
      }
    }
    this.sniffBuffer = [];
    const skip = this.decide(head);
    head = head.subarray(skip);
    return this.decode(head, final);
  }

  /** Chooses the mode; returns how many leading bytes (a UTF-8 BOM) to skip. */
  private decide(b: Uint8Array): number {
    // 1. Byte order marks.
    if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
      this.setUtf8('utf-8', 'utf-8');
      return 3;
    }
    if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return this.setUtf32(true, 4);
    if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return this.setUtf32(false, 4);
    if (b[0] === 0xff && b[1] === 0xfe) return this.setDecoder('utf-16le');
    if (b[0] === 0xfe && b[1] === 0xff) return this.setDecoder('utf-16be');
    // UTF-16/32 without a BOM (zero bytes in a regular pattern) before the binary check.
    const wide = guessWideEncoding(b);
    if (wide === 'utf-32le' || wide === 'utf-32be') return this.setUtf32(wide === 'utf-32le', 0);
    if (wide !== undefined) return this.setDecoder(wide);
    const binary = looksBinary(b);
    if (binary !== undefined) throw new NotAFeedError('binary', binary);

    // 2. HTTP charset, 3. XML declaration.
    const httpLabel = charsetFromContentType(this.contentType);
    const declLabel = encodingFromDeclaration(latin1(b.subarray(0, SNIFF_BYTES)));
    const label = httpLabel ?? declLabel;
    if (label === undefined) {
      this.setUtf8('none', 'utf-8');
      return 0;
    }
    if (UTF8_LABELS.has(label)) {
      // An HTTP "utf-8" over a body that declares something specific and is not UTF-8: trust the declaration.
      if (
        httpLabel !== undefined &&
        declLabel !== undefined &&
        !this.isUtf8Family(declLabel) &&
        !validUtf8(b)
      ) {
        return this.useLabel(declLabel, b);
      }
      this.setUtf8('utf-8', label);
      return 0;
    }
    return this.useLabel(label, b);
  }

  private isUtf8Family(label: string): boolean {
    return UTF8_LABELS.has(label) || LATIN_LABELS.has(label);
  }

  private useLabel(label: string, b: Uint8Array): number {
    if (UTF8_LABELS.has(label)) {
      this.setUtf8('utf-8', label);
      return 0;
    }
    if (LATIN_LABELS.has(label)) {
      this.setUtf8('latin', label);
      return 0;
    }
    if (
      label.startsWith('utf-16') ||
      label.startsWith('utf-32') ||
      label === 'ucs-2' ||
      label === 'unicode'
    ) {
      // The declaration was readable one byte per character, so the document is not UTF-16/32.
      this.report(
        'encoding-mismatch',
        `declared ${label}, but the bytes are single-byte text; decoded as UTF-8`,
      );
      this.setUtf8('none', 'utf-8');
      return 0;
    }
    let decoder: TextDecoder;
    try {
      decoder = new TextDecoder(label);
    } catch {
      this.report('bad-encoding', `unknown encoding "${label}"; decoded as UTF-8`);
      this.setUtf8('none', 'utf-8');
      return 0;
    }
    if (validUtf8(b) && hasHighBytes(b)) {
      this.report('encoding-mismatch', `declared ${label}, but the bytes are valid UTF-8; decoded as UTF-8`);
      this.setUtf8('utf-8', 'utf-8');
      return 0;
    }
    this.mode = { kind: 'decoder', decoder };
    this.encoding = decoder.encoding;
    return 0;
  }

  private setUtf8(declared: 'utf-8' | 'none' | 'latin', label: string): void {
    this.mode = { kind: 'utf8', declared, label };
    this.encoding = 'utf-8';
  }

  private setDecoder(label: string): number {
    this.mode = { kind: 'decoder', decoder: new TextDecoder(label) };
    this.encoding = label;
    return 0;
  }

  private setUtf32(littleEndian: boolean, skip: number): number {
    this.mode = { kind: 'utf32', littleEndian };
    this.encoding = littleEndian ? 'utf-32le' : 'utf-32be';
    return skip;
  }

  private decode(chunk: Uint8Array, final: boolean): string {
    const mode = this.mode;
    if (mode === undefined) return '';
    if (mode.kind === 'decoder') return mode.decoder.decode(chunk, { stream: !final });
    let bytes = chunk;
    if (this.carry !== undefined) {
      bytes = concatBytes(this.carry, chunk);
      this.carry = undefined;
    }
    if (mode.kind === 'utf32') return this.decodeUtf32(bytes, mode.littleEndian, final);
    const cut = final ? bytes.length : completeUtf8Length(bytes);
    if (cut < bytes.length) this.carry = bytes.slice(cut);
    const body = cut < bytes.length ? bytes.subarray(0, cut) : bytes;
    if (body.length === 0) return '';
    // isUtf8 (simdutf) + a decoder that trusts it is measurably faster than a fatal TextDecoder on large feeds.
    if (isUtf8(body)) {
      const text = decodeValidUtf8(body);
      if (!this.sawMultibyte && text.length !== body.length) this.sawMultibyte = true;
      return text;
    }
    const { text, invalid } = decodeUtf8WithCp1252Fallback(body, this.lenient);
    this.invalidBytes += invalid;
    if (!this.sawMultibyte && hasValidMultibyte(body)) this.sawMultibyte = true;
    return text;
  }

  private decodeUtf32(bytes: Uint8Array, le: boolean, final: boolean): string {
    const whole = bytes.length - (bytes.length % 4);
    if (whole < bytes.length && !final) this.carry = bytes.slice(whole);
    const parts: string[] = [];
    const view = new DataView(bytes.buffer, bytes.byteOffset, whole);
    let codes: number[] = [];
    for (let i = 0; i < whole; i += 4) {
      const cp = view.getUint32(i, le);
      codes.push(cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? 0xfffd : cp);
      if (codes.length === 4096) {
        parts.push(String.fromCodePoint(...codes));
        codes = [];
      }
    }
    if (codes.length > 0) parts.push(String.fromCodePoint(...codes));
    const text = parts.join('');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  private finalReport(): void {
    const mode = this.mode;
    if (mode?.kind !== 'utf8') return;
    if (this.invalidBytes > 0) {
      if (mode.declared === 'latin') {
        if (this.sawMultibyte) {
          this.report(
            'bad-encoding',
            `declared ${mode.label}, but the bytes mix UTF-8 and single-byte text; decoded each part as what it is`,
          );
        }
        this.encoding = 'windows-1252';
        return;
      }
      const what = mode.declared === 'none' ? 'no encoding is declared and' : `declared ${mode.label}, but`;
      this.report(
        'bad-encoding',
        `${what} ${this.invalidBytes} byte(s) are not valid UTF-8; they were decoded as windows-1252`,
      );
      this.encoding = this.sawMultibyte ? 'utf-8' : 'windows-1252';
      return;
    }
    if (mode.declared === 'latin' && this.sawMultibyte) {
      this.report(
        'encoding-mismatch',
        `declared ${mode.label}, but the bytes are valid UTF-8; decoded as UTF-8`,
      );
    }
  }
}

/**
 * Bytes already known to be valid UTF-8 → a string. ASCII is copied as it is, one byte per character. Large runs of
 * text with non-ASCII characters are transcoded to UTF-16 natively in one piece (simdutf: ~2.5 GB/s, where V8's own
 * UTF-8 decoder, which Buffer#toString('utf8') uses, managed ~0.5) and copied into a string from there. Smaller writes
 * (a network stream's) keep Buffer#toString: transcode's buffers are malloc'd memory that is only freed once V8
 * collects them, which added ~5 MiB to the peak RSS of stream-parsing the 25 MB benchmark feed in 64 KiB writes. Node
 * built without ICU has no transcode at all.
 *
 * One piece, not pieces joined: a string that size goes straight to V8's large-object space, where pieces of 32 KiB
 * went through the young generation first (1.3 MB of a 1 MB feed's 4.2 MB of allocation), each scavenge copying the
 * episodes built so far; se-radio (1.0 MB) parsed 8–14% faster in the benchmark. Runs so large that their text has
 * more than Node's EXTERN_APEX characters (0xFBEE9) become external strings in malloc'd memory, which the GC never
 * moves: measured here, 0.09 ms per MB of UTF-16 to make, against 0.5–0.7 ms for a heap string of that size. (ASCII
 * runs that long become external strings through `toString('latin1')` by themselves.)
 */
function decodeValidUtf8(body: Uint8Array): string {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.length);
  if (isAscii(bytes)) return bytes.toString('latin1');
  if (bytes.length < TRANSCODE_MIN || typeof transcode !== 'function') return bytes.toString('utf8');
  return transcode(bytes, 'utf8', 'utf16le').toString('utf16le');
}

/** Runs from this size on are transcoded (parseFeed hands over 2 MiB at a time). */
const TRANSCODE_MIN = 128 * 1024;

function validUtf8(b: Uint8Array): boolean {
  // The sniff window may end inside a sequence: only judge complete sequences.
  const body = b.subarray(0, completeUtf8Length(b));
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(body);
    return true;
  } catch {
    return false;
  }
}

function hasHighBytes(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if ((b[i] ?? 0) >= 0x80) return true;
  return false;
}

function hasValidMultibyte(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) {
    if ((b[i] ?? 0) >= 0x80) {
      const len = utf8SequenceLength(b, i);
      if (len > 1) return true;
    }
  }
  return false;
}
