// `earshot parse <file-or-url>`: runs the feed parser and prints what it found as one JSON document, so that people
// can see why a feed looks the way it does. Exit 0 when it parsed (problems or not), 2 when it is not a feed, 1 when
// the input could not be read. The document is streamed: a file is parsed as it is read, and each episode is
// serialised as soon as it is parsed.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NotAFeedError, type ParsedEpisode } from '../../feed/parse/index.ts';
import { FeedStreamParser } from '../../feed/parse/stream.ts';
import type { CliIo, Command } from '../command.ts';
import { EXIT } from '../command.ts';

const USAGE = `Usage: earshot parse <file-or-url> [--content-type "<header value>"] [--base-url <url>]

Parses a podcast feed and prints {"feed": …, "episodes": […], "problems": […]} as JSON.
  <file-or-url>      a feed file, or an http(s) URL to fetch
  --content-type     the HTTP Content-Type to assume (its charset takes part in decoding)
  --base-url         the URL relative links resolve against (default: the URL, or the file's file:// URL)

Exit codes: 0 parsed (even with problems), 2 not a feed, 1 the input could not be read.
See docs/parse-output.md for every field.
`;

interface ParseArgs {
  target: string;
  contentType?: string;
  baseUrl?: string;
}

function parseArgs(args: string[]): ParseArgs | string {
  let target: string | undefined;
  let contentType: string | undefined;
  let baseUrl: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    const eq = a.indexOf('=');
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const inline = a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : undefined;
    if (flag === '--content-type' || flag === '--base-url') {
      const value = inline ?? args[++i];
      if (value === undefined) return `${flag} needs a value`;
      if (flag === '--content-type') contentType = value;
      else baseUrl = value;
    } else if (a.startsWith('--') && a.length > 2) {
      return `unknown option ${a}`;
    } else if (target === undefined) {
      target = a;
    } else {
      return `unexpected argument ${a}`;
    }
  }
  if (target === undefined) return 'missing <file-or-url>';
  if (baseUrl !== undefined && !URL.canParse(baseUrl)) return `--base-url ${baseUrl} is not an absolute URL`;
  return {
    target,
    ...(contentType === undefined ? {} : { contentType }),
    ...(baseUrl === undefined ? {} : { baseUrl }),
  };
}

/** The feed's bytes: a whole body fetched from a URL, or a file read piece by piece while it is parsed. */
type Input =
  | { kind: 'body'; body: Uint8Array; url: string; contentType?: string }
  | { kind: 'file'; file: FileHandle; url: string };

class InputError extends Error {
  constructor(
    message: string,
    readonly exit: number = EXIT.failure,
  ) {
    super(message);
  }
}

async function loadUrl(url: string): Promise<Input> {
  const { createFetcher, earshotUserAgent, FeedFetchError } = await import('../../feed/fetch/index.ts');
  // The parser decides whether it is a feed (and says why not), so the fetcher does not refuse HTML itself.
  const fetcher = createFetcher({
    userAgent: earshotUserAgent('cli', 'https://github.com/earshot'),
    rejectHtml: false,
  });
  try {
    const r = await fetcher.fetchFeed(url);
    if (r.kind !== 'ok') throw new InputError(`${url}: the server answered ${r.status} without a body`);
    return {
      kind: 'body',
      body: r.body,
      url: r.finalUrl,
      ...(r.contentType === undefined ? {} : { contentType: r.contentType }),
    };
  } catch (err) {
    if (err instanceof InputError) throw err;
    if (err instanceof FeedFetchError) {
      throw new InputError(
        `${url}: ${err.message}`,
        err.code === 'not-a-feed' ? EXIT.notAFeed : EXIT.failure,
      );
    }
    throw err;
  } finally {
    await fetcher.close();
  }
}

function readError(target: string, err: unknown): InputError {
  const code = (err as NodeJS.ErrnoException).code; // fs errors always carry a code
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EISDIR'
        ? 'is a directory'
        : code === 'EACCES'
          ? 'permission denied'
          : String(err);
  return new InputError(`cannot read ${target}: ${why}`);
}

async function load(target: string, cwd: string): Promise<Input> {
  if (/^https?:\/\//i.test(target)) return loadUrl(target);
  const path = resolve(cwd, target);
  try {
    return { kind: 'file', file: await open(path), url: pathToFileURL(path).href };
  } catch (err) {
    throw readError(target, err);
  }
}

/**
 * Bytes read and parsed at a time. parseFeed takes 2 MiB pieces, which turns long runs of text into external strings
 * (faster while the episodes are kept); here every episode is dropped once serialised, and 64 KiB pieces keep the
 * decoded text in the young generation, where it is freed at once: peak RSS for a 25 MB feed falls from ~150 to
 * ~80 MB, at the same speed. The parser's output does not depend on how its input is cut.
 */
const CHUNK = 64 * 1024;

async function feedParser(input: Input, parser: FeedStreamParser, target: string): Promise<void> {
  if (input.kind === 'body') {
    for (let offset = 0; offset < input.body.length; offset += CHUNK)
      parser.write(input.body.subarray(offset, offset + CHUNK));
    return;
  }
  for (;;) {
    // A new buffer each time: the decoder keeps the first pieces until it has seen enough to choose the encoding.
    const buffer = Buffer.allocUnsafe(CHUNK);
    let bytesRead: number;
    try {
      // Read synchronously: this command does nothing else meanwhile, and an asynchronous read of each piece is a
      // round trip through the thread pool (a 25 MB feed: 400 of them, ~0.2 s of waiting).
      bytesRead = readSync(input.file.fd, buffer, 0, CHUNK, null);
    } catch (err) {
      throw readError(target, err);
    }
    if (bytesRead === 0) return;
    parser.write(buffer.subarray(0, bytesRead));
  }
}

/** `JSON.stringify(value, null, 2)` for a value nested `depth` levels deep in a document indented the same way. */
function nested(value: unknown, depth: number): string {
  return JSON.stringify(value, null, 2).replaceAll('\n', `\n${'  '.repeat(depth)}`);
}

/**
 * Writes `chunk` and waits until the stream has handed it on: a slow reader slows the writer (nothing piles up in
 * memory), and a buffer written may be reused afterwards.
 */
function write(out: NodeJS.WritableStream, chunk: string | Uint8Array): Promise<void> {
  return new Promise((ok, fail) => {
    out.write(chunk, (err) => (err ? fail(err) : ok()));
  });
}

/**
 * Where the episodes' JSON waits while the rest of the feed is parsed: the feed comes first in the output, but it is
 * complete only at the end of the document (channel elements may follow the items). Episodes are serialised as they
 * are parsed, a few at a time, and past SPOOL_IN_MEMORY characters the text goes on to a temporary file, so a feed of
 * any size is never held in memory, neither as objects nor as one JSON string.
 */
class EpisodeSpool {
  private batch: ParsedEpisode[] = [];
  private text = '';
  private serialised = 0;
  private dir: string | undefined;
  private fd: number | undefined;

  add(episode: ParsedEpisode): void {
    this.batch.push(episode);
    if (this.batch.length === BATCH) this.serialise();
  }

  private serialise(): void {
    if (this.batch.length === 0) return;
    // `[[e1, e2]]` is indented as the episodes are inside the document: "[\n  [" + "\n    {e1},\n    {e2}" + "\n  ]\n]".
    const json = JSON.stringify([this.batch], null, 2).slice(5, -6);
    this.text += this.serialised === 0 ? json : `,${json}`;
    this.serialised += this.batch.length;
    this.batch = [];
    if (this.text.length < SPOOL_IN_MEMORY) return;
    if (this.fd === undefined) {
      this.dir = mkdtempSync(join(tmpdir(), 'earshot-parse-'));
      this.fd = openSync(join(this.dir, 'episodes.json'), 'w+');
    }
    // Synchronous, as the parser calls back: at most SPOOL_IN_MEMORY characters ever wait in memory.
    writeSync(this.fd, this.text);
    this.text = '';
  }

  /** Writes `[…]`, the episodes as `JSON.stringify` indents them inside the document, to `out`. */
  async writeTo(out: NodeJS.WritableStream): Promise<void> {
    this.serialise();
    if (this.serialised === 0) return write(out, '[]');
    await write(out, '[');
    if (this.fd !== undefined) {
      // One buffer, reused once each piece has been written: fresh buffers are freed only by a GC, which this phase
      // hardly triggers, so the copy would hold as much memory as the file is long.
      const piece = Buffer.allocUnsafe(COPY_PIECE);
      for (let position = 0; ; ) {
        const n = readSync(this.fd, piece, 0, COPY_PIECE, position);
        if (n === 0) break;
        position += n;
        await write(out, piece.subarray(0, n));
      }
    }
    await write(out, `${this.text}\n  ]`);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    if (this.dir !== undefined) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Episodes serialised at a time. */
const BATCH = 16;
/** Episode JSON kept in memory before it goes on to the spool file (characters). */
const SPOOL_IN_MEMORY = 64 * 1024;
/** Bytes copied from the spool file to the output at a time. */
const COPY_PIECE = 1024 * 1024;

export const parseCommand: Command = {
  name: 'parse',
  summary: 'parse a feed file or URL and print what Earshot reads from it as JSON',
  usage: USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    const parsed = parseArgs(args);
    if (typeof parsed === 'string') {
      io.stderr.write(`earshot parse: ${parsed}\n\n${USAGE}`);
      return EXIT.usage;
    }
    let input: Input;
    try {
      input = await load(parsed.target, io.cwd);
    } catch (err) {
      if (err instanceof InputError) {
        io.stderr.write(`earshot parse: ${err.message}\n`);
        return err.exit;
      }
      io.stderr.write(`earshot parse: ${err instanceof Error ? err.message : String(err)}\n`);
      return EXIT.failure;
    }
    const contentType = parsed.contentType ?? (input.kind === 'body' ? input.contentType : undefined);
    // Printed as `JSON.stringify({ feed, episodes, problems }, null, 2)` would print parseFeed's result, without
    // ever holding the whole result or the whole text: episodes are serialised as they are parsed.
    const spool = new EpisodeSpool();
    // A reader that goes away early (`earshot parse feed.xml | head`) is no error: the output just ends there.
    const readerGone = (): void => {};
    io.stdout.on('error', readerGone);
    try {
      const parser = new FeedStreamParser({
        url: parsed.baseUrl ?? input.url,
        ...(contentType === undefined ? {} : { contentType }),
        onEpisode: (episode) => spool.add(episode),
      });
      await feedParser(input, parser, parsed.target);
      const { feed, problems } = parser.end();
      await write(io.stdout, `{\n  "feed": ${nested(feed, 1)},\n  "episodes": `);
      await spool.writeTo(io.stdout);
      await write(io.stdout, `,\n  "problems": ${nested(problems, 1)}\n}\n`);
      return EXIT.ok;
    } catch (err) {
      if (err instanceof NotAFeedError) {
        io.stderr.write(`earshot parse: ${parsed.target} is not a feed: ${err.message}\n`);
        return EXIT.notAFeed;
      }
      if (err instanceof InputError) {
        io.stderr.write(`earshot parse: ${err.message}\n`);
        return err.exit;
      }
      if ((err as NodeJS.ErrnoException).code === 'EPIPE') return EXIT.ok; // errors thrown here are Errors
      throw err;
    } finally {
      io.stdout.off('error', readerGone);
      spool.close();
      if (input.kind === 'file') await input.file.close();
    }
  },
};
