// `earshot parse <file-or-url>`: runs the feed parser and prints what it found as one JSON document, so that people
// can see why a feed looks the way it does. Exit 0 when it parsed (problems or not), 2 when it is not a feed, 1 when
// the input could not be read.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseFeed } from '../../feed/parse/index.ts';
import { NotAFeedError } from '../../feed/parse/types.ts';
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

interface Loaded {
  body: Uint8Array;
  url: string;
  contentType?: string;
}

class InputError extends Error {
  constructor(
    message: string,
    readonly exit: number = EXIT.failure,
  ) {
    super(message);
  }
}

async function loadUrl(url: string): Promise<Loaded> {
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

async function load(target: string, cwd: string): Promise<Loaded> {
  if (/^https?:\/\//i.test(target)) return loadUrl(target);
  const path = resolve(cwd, target);
  try {
    return { body: await readFile(path), url: pathToFileURL(path).href };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code; // fs errors always carry a code
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : String(err);
    throw new InputError(`cannot read ${target}: ${why}`);
  }
}

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
    let input: Loaded;
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
    const contentType = parsed.contentType ?? input.contentType;
    try {
      const result = parseFeed({
        body: input.body,
        url: parsed.baseUrl ?? input.url,
        ...(contentType === undefined ? {} : { contentType }),
      });
      io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return EXIT.ok;
    } catch (err) {
      if (err instanceof NotAFeedError) {
        io.stderr.write(`earshot parse: ${parsed.target} is not a feed: ${err.message}\n`);
        return EXIT.notAFeed;
      }
      throw err;
    }
  },
};
