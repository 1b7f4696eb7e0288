// Decoding a feed body as it streams: Content-Encoding layers, lying servers, double gzip, and the size cap.
import { createHash } from 'node:crypto';
import { pipeline, Readable, type Transform } from 'node:stream';
import {
  brotliDecompressSync,
  constants,
  createBrotliDecompress,
  createGunzip,
  createInflate,
  createInflateRaw,
  gunzipSync,
  inflateRawSync,
  inflateSync,
} from 'node:zlib';
import { FeedFetchError } from './errors.ts';

export interface DecodeOptions {
  /** The response's Content-Encoding header, if any. */
  contentEncoding: string | undefined;
  /** Cap on decoded bytes (and on raw bytes). */
  maxBytes: number;
  url: string;
  /** Refuse a body that is plainly an HTML page. */
  rejectHtml: boolean;
  /** Frees the underlying response when the body is given up unread. */
  release?: () => void;
}

const SNIFF_BYTES = 512;

function isGzip(head: Uint8Array): boolean {
  return head[0] === 0x1f && head[1] === 0x8b;
}

/** A zlib header (0x78 …) rather than raw deflate. */
function isZlib(head: Uint8Array): boolean {
  const [a, b] = head;
  return a !== undefined && b !== undefined && (a & 0x0f) === 8 && (a * 256 + b) % 31 === 0;
}

/** Starts like markup text (after a BOM and whitespace): the server lied about compressing it. */
function looksLikeText(head: Uint8Array): boolean {
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  else if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return true;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09))
    i++;
  const c = head[i];
  const d = head[i + 1];
  if (c !== 0x3c || d === undefined) return false; // '<'
  return d === 0x3f || d === 0x21 || (d >= 0x41 && d <= 0x5a) || (d >= 0x61 && d <= 0x7a); // ? ! letters
}

/** True when the first bytes are an HTML page rather than a feed. */
export function looksLikeHtml(head: Uint8Array): boolean {
  const text = Buffer.from(head.subarray(0, SNIFF_BYTES))
    .toString('latin1')
    .replace(/^\uFEFF|^ï»¿/, '')
    .trimStart()
    .toLowerCase();
  if (text.startsWith('<!doctype html') || text.startsWith('<html')) return true;
  // a comment or whitespace before <html>
  return /^(?:<!--[\s\S]*?-->\s*)+<(?:!doctype html|html)/.test(text);
}

/** Reads until at least `n` bytes have been buffered (or the stream ended), and returns them with the rest. */
async function peek(
  source: AsyncIterable<Uint8Array>,
  n: number,
): Promise<{ head: Uint8Array; rest: AsyncIterable<Uint8Array>; done: boolean }> {
  const iterator = source[Symbol.asyncIterator]();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let done = false;
  while (size < n) {
    const next = await iterator.next();
    if (next.done === true) {
      done = true;
      break;
    }
    chunks.push(next.value);
    size += next.value.byteLength;
  }
  const head = chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks);
  async function* rest(): AsyncGenerator<Uint8Array> {
    try {
      if (head.byteLength > 0) yield head;
      if (done) return;
      while (true) {
        const next = await iterator.next();
        if (next.done === true) return;
        yield next.value;
      }
    } finally {
      if (!done) await iterator.return?.();
    }
  }
  return { head, rest: rest(), done };
}

function through(source: AsyncIterable<Uint8Array>, transform: Transform): AsyncIterable<Uint8Array> {
  // pipeline propagates errors and destroys the source when the consumer stops early.
  return pipeline(Readable.from(source, { objectMode: false }), transform, () => {});
}

// Truncated compressed bodies still yield what arrived: the parser can salvage a cut-off feed.
const lenientZlib = { finishFlush: constants.Z_SYNC_FLUSH };
const lenientBrotli = { finishFlush: constants.BROTLI_OPERATION_FLUSH };

async function decodeLayer(
  source: AsyncIterable<Uint8Array>,
  coding: string,
): Promise<AsyncIterable<Uint8Array>> {
  const { head, rest } = await peek(source, 16);
  if (head.byteLength === 0) return rest;
  if (coding === 'gzip' || coding === 'x-gzip') {
    return isGzip(head) ? through(rest, createGunzip(lenientZlib)) : rest; // not gzip after all: the header lied
  }
  if (coding === 'deflate') {
    if (isGzip(head)) return through(rest, createGunzip(lenientZlib));
    if (looksLikeText(head)) return rest;
    return through(rest, isZlib(head) ? createInflate(lenientZlib) : createInflateRaw(lenientZlib));
  }
  if (coding === 'br') {
    if (isGzip(head)) return through(rest, createGunzip(lenientZlib));
    if (looksLikeText(head)) return rest;
    return through(rest, createBrotliDecompress(lenientBrotli));
  }
  return rest; // identity, or a coding we do not know: hand the bytes on and let the parser judge
}

/**
 * The decoded body, chunk by chunk: undoes each declared Content-Encoding (last applied first), then any
 * undeclared gzip layers left (double gzip, or gzip sent without the header), enforcing the cap on decoded bytes
 * as it goes and hashing what it yields.
 */
export class DecodedBody implements AsyncIterable<Uint8Array> {
  #source: AsyncIterable<Uint8Array>;
  #options: DecodeOptions;
  #hash = createHash('sha256');
  #digest: string | undefined;
  #bytes = 0;
  #started = false;
  #cancelled = false;

  constructor(source: AsyncIterable<Uint8Array>, options: DecodeOptions) {
    this.#source = source;
    this.#options = options;
  }

  /** Decoded bytes read so far. */
  get bytesRead(): number {
    return this.#bytes;
  }

  /** Hex SHA-256 of the decoded body; available once the body has been read to the end. */
  get sha256(): string {
    if (this.#digest === undefined) throw new Error('the body has not been read to the end yet');
    return this.#digest;
  }

  /**
   * The body exactly as it arrives — Content-Encoding not undone, not hashed — read instead of iterating this object
   * (once): the raw size cap applies, and the connection is freed if it is not read to the end. For spooling a big
   * body compressed; `over` decodes the spooled bytes later.
   */
  async *raw(): AsyncGenerator<Uint8Array> {
    if (this.#started) throw new Error('a feed body can be read only once');
    this.#started = true;
    let completed = false;
    try {
      yield* capped(this.#source, this.#options.maxBytes, this.#options.url, 'raw');
      completed = true;
    } finally {
      if (!completed) this.#options.release?.();
    }
  }

  /** The same decoding (encodings, cap, HTML refusal, hash) over `raw`: bytes `raw()` gave, read back from a spool. */
  over(raw: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): DecodedBody {
    const { release: _release, ...options } = this.#options;
    return new DecodedBody(Symbol.asyncIterator in raw ? raw : fromSync(raw), options);
  }

  /** Gives the body up without reading it (frees the connection). Safe to call more than once. */
  async cancel(): Promise<void> {
    if (this.#cancelled) return;
    this.#cancelled = true;
    if (!this.#started) {
      this.#started = true;
      this.#options.release?.();
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    if (this.#started) throw new Error('a feed body can be read only once');
    this.#started = true;
    const { maxBytes, url } = this.#options;
    const codings = (this.#options.contentEncoding ?? '')
      .split(',')
      .map((c) => c.trim().toLowerCase())
      .filter((c) => c !== '' && c !== 'identity')
      .reverse();
    let completed = false;
    try {
      let stream: AsyncIterable<Uint8Array>;
      const raw = await peek(capped(this.#source, maxBytes, url, 'raw'), SMALL_BODY_BYTES);
      if (raw.done) {
        // Small bodies (most feeds) are decoded in one synchronous step: same rules, far less per-fetch overhead.
        stream = once(decodeAllSync(raw.head, codings, maxBytes, url));
      } else {
        stream = raw.rest;
        for (const coding of codings) stream = await decodeLayer(stream, coding);
        for (let extra = 0; extra < 3; extra++) {
          const { head, rest } = await peek(stream, 2);
          stream = rest;
          if (!isGzip(head)) break;
          stream = through(stream, createGunzip(lenientZlib));
        }
      }
      const { head, rest } = await peek(stream, SNIFF_BYTES);
      if (this.#options.rejectHtml && looksLikeHtml(head)) {
        throw new FeedFetchError('not-a-feed', 'the server answered an HTML page, not a feed', { url });
      }
      for await (const chunk of rest) {
        this.#bytes += chunk.byteLength;
        if (this.#bytes > maxBytes) {
          throw new FeedFetchError('too-large', `the decoded feed is larger than ${maxBytes} bytes`, { url });
        }
        this.#hash.update(chunk);
        yield chunk;
      }
      completed = true;
    } catch (error) {
      if (error instanceof FeedFetchError) throw error;
      if (isZlibError(error)) {
        throw new FeedFetchError('bad-encoding', `the body could not be decoded: ${errorMessage(error)}`, {
          url,
          cause: error,
        });
      }
      throw error;
    } finally {
      if (!completed) this.#options.release?.();
    }
    this.#digest = this.#hash.digest('hex');
  }
}

async function* capped(
  source: AsyncIterable<Uint8Array>,
  maxBytes: number,
  url: string,
  what: string,
): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of source) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      throw new FeedFetchError('too-large', `the ${what} feed body is larger than ${maxBytes} bytes`, {
        url,
      });
    }
    yield chunk;
  }
}

const SMALL_BODY_BYTES = 1024 * 1024;

async function* fromSync(chunks: Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* chunks;
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  if (bytes.byteLength > 0) yield bytes;
}

/** The whole-buffer twin of the streaming layers above, for bodies that arrived completely. */
function decodeAllSync(
  raw: Uint8Array,
  codings: readonly string[],
  maxBytes: number,
  url: string,
): Uint8Array {
  const limits = { ...lenientZlib, maxOutputLength: maxBytes + 1 };
  let bytes = raw;
  try {
    for (const coding of codings) {
      if (bytes.byteLength === 0) break;
      if (isGzip(bytes)) {
        if (coding === 'gzip' || coding === 'x-gzip' || coding === 'deflate' || coding === 'br') {
          bytes = gunzipSync(bytes, limits);
        }
      } else if (coding === 'deflate' && !looksLikeText(bytes)) {
        bytes = isZlib(bytes) ? inflateSync(bytes, limits) : inflateRawSync(bytes, limits);
      } else if (coding === 'br' && !looksLikeText(bytes)) {
        bytes = brotliDecompressSync(bytes, { ...lenientBrotli, maxOutputLength: maxBytes + 1 });
      }
    }
    for (let extra = 0; extra < 3 && isGzip(bytes); extra++) bytes = gunzipSync(bytes, limits);
  } catch (error) {
    if (
      error instanceof RangeError ||
      (error instanceof Error && 'code' in error && error.code === 'ERR_BUFFER_TOO_LARGE')
    ) {
      throw new FeedFetchError('too-large', `the decoded feed is larger than ${maxBytes} bytes`, {
        url,
        cause: error,
      });
    }
    throw error;
  }
  return bytes;
}

function isZlibError(error: unknown): boolean {
  if (!(error instanceof Error) || !('code' in error)) return false;
  const code = error.code;
  return typeof code === 'string' && /^(?:Z_|ERR__|ERR_BROTLI|ERR_ZLIB)/.test(code);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
