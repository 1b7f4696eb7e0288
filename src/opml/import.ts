// OPML subscription lists → feed entries (protocols.md §3). Pure: text or bytes in, entries and problems out.
// Lenient on purpose: exports from AntennaPod, gPodder, mygpo, Overcast and Pocket Casts all differ, and a
// raw `&`, a BOM or a missing XML declaration are common. One bad outline never aborts the import.
import { FeedUrlError, normalizeFeedUrl } from '../domain/feed-url.ts';
import { MAX_MARKUP_DEPTH } from '../domain/limits.ts';
import { BoundedParser } from '../markup/bounded-parser.ts';
import { type Turns, writeInTurns } from '../markup/next-turn.ts';

export interface OpmlEntry {
  /** Normalised feed URL. */
  url: string;
  /** `title`, else `text`, else the URL. */
  title: string;
  htmlUrl?: string;
  description?: string;
  /** Titles of the folders the outline sat in, outermost first (Overcast/Pocket Casts nest feeds). */
  folders?: string[];
}

export interface OpmlProblem {
  /** `too-deep`: outlines nested deeper than MAX_MARKUP_DEPTH, read as if they sat at that depth. */
  code: 'bad-url' | 'duplicate' | 'too-deep';
  message: string;
  /** The URL as written in the file (absent for `too-deep`). */
  url?: string;
}

export interface OpmlImport {
  title?: string;
  entries: OpmlEntry[];
  problems: OpmlProblem[];
}

export class OpmlError extends Error {
  override readonly name = 'OpmlError';
  constructor(
    readonly code: 'not-opml' | 'empty',
    message: string,
  ) {
    super(message);
  }
}

/** Outline types that are never subscriptions (Overcast's extended export nests played-episode outlines). */
const SKIPPED_TYPES = new Set(['podcast-episode', 'episode']);

export function parseOpml(input: string | Uint8Array): OpmlImport {
  const text = opmlText(input);
  const reader = opmlReader();
  reader.write(text);
  return reader.end();
}

/**
 * parseOpml for a caller that must stay responsive (a web server): the file is parsed in pieces, waiting for
 * `turns.pause()` whenever a turn has taken MARKUP_TURN_MS. The result is the same as parseOpml's.
 */
export async function parseOpmlInTurns(input: string | Uint8Array, turns: Turns): Promise<OpmlImport> {
  const text = opmlText(input);
  const reader = opmlReader();
  await writeInTurns(text, (piece) => reader.write(piece), turns);
  return reader.end();
}

function opmlText(input: string | Uint8Array): string {
  const text = (typeof input === 'string' ? input : decode(input)).replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new OpmlError('empty', 'the OPML file is empty');
  return text;
}

/** Reads an OPML file given in pieces. Linear in its length: outlines deeper than MAX_MARKUP_DEPTH are flattened. */
function opmlReader(): { write(text: string): void; end(): OpmlImport } {
  const entries: OpmlEntry[] = [];
  const problems: OpmlProblem[] = [];
  const seen = new Set<string>();
  /**
   * One frame per open outline: its folder title, whether it (or an ancestor) is skipped, and (worked out when an
   * entry inside needs it, then shared) the folders from the outermost down to it.
   */
  const stack: Frame[] = [];
  const foldersTo = (at: number): string[] => {
    const f = stack[at];
    if (f === undefined) return [];
    if (f.path === undefined) {
      const outer = foldersTo(at - 1);
      f.path = f.folder === undefined ? outer : [...outer, f.folder];
    }
    return f.path;
  };
  let sawOpml = false;
  let inHeadTitle = false;
  let headTitle = '';

  const parser = new BoundedParser(
    {
      onopentag(rawName, rawAttrs) {
        const name = localName(rawName);
        if (name === 'opml') sawOpml = true;
        if (name === 'title' && stack.length === 0) inHeadTitle = true;
        if (name !== 'outline') return;
        const attrs = lowerKeys(rawAttrs);
        const parentSkipped = stack.at(-1)?.skip ?? false;
        const type = attrs.type?.trim().toLowerCase();
        const skip = parentSkipped || (type !== undefined && SKIPPED_TYPES.has(type));
        const rawUrl = skip ? undefined : (attrs.xmlurl ?? (type === 'link' ? undefined : attrs.url));
        const title = clean(attrs.title) ?? clean(attrs.text);
        stack.push(rawUrl === undefined && title !== undefined ? { folder: title, skip } : { skip });
        if (rawUrl === undefined || rawUrl.trim() === '') return;

        let url: string;
        try {
          url = normalizeFeedUrl(rawUrl);
        } catch (error) {
          const message = error instanceof FeedUrlError ? error.message : 'unreadable URL';
          problems.push({
            code: 'bad-url',
            message: `skipped ${title ?? 'an outline'}: ${message}`,
            url: rawUrl,
          });
          return;
        }
        if (seen.has(url)) {
          problems.push({ code: 'duplicate', message: `listed more than once: ${url}`, url: rawUrl });
          return;
        }
        seen.add(url);
        const entry: OpmlEntry = { url, title: title ?? url };
        const htmlUrl = clean(attrs.htmlurl);
        if (htmlUrl !== undefined) entry.htmlUrl = htmlUrl;
        const description = clean(attrs.description) ?? gpodderDescription(attrs);
        if (description !== undefined) entry.description = description;
        const folders = foldersTo(stack.length - 2);
        if (folders.length > 0) entry.folders = [...folders];
        entries.push(entry);
      },
      ontext(data) {
        if (inHeadTitle) headTitle += data;
      },
      onclosetag(rawName) {
        const name = localName(rawName);
        if (name === 'title') inHeadTitle = false;
        if (name === 'outline') stack.pop();
      },
    },
    { xmlMode: true, decodeEntities: true, recognizeSelfClosing: true },
  );
  const write = (text: string): void => parser.write(text);
  const end = (): OpmlImport => {
    parser.end();
    if (parser.flattened > 0) {
      problems.push({
        code: 'too-deep',
        message: `${parser.flattened} elements nested deeper than ${MAX_MARKUP_DEPTH} were read as if they sat at that depth`,
      });
    }

    if (!sawOpml) {
      throw new OpmlError('not-opml', 'not an OPML file: no <opml> element found');
    }
    const result: OpmlImport = { entries, problems };
    const title = clean(headTitle);
    if (title !== undefined) result.title = title;
    return result;
  };
  return { write, end };
}

interface Frame {
  folder?: string;
  skip: boolean;
  path?: string[];
}

/** gPodder writes the show's description into `text` and its name into `title`. */
function gpodderDescription(attrs: Record<string, string>): string | undefined {
  const title = clean(attrs.title);
  const text = clean(attrs.text);
  return title !== undefined && text !== undefined && text !== title ? text : undefined;
}

function localName(name: string): string {
  const i = name.indexOf(':');
  return (i === -1 ? name : name.slice(i + 1)).toLowerCase();
}

function lowerKeys(attrs: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) {
    const key = k.toLowerCase();
    if (!(key in out)) out[key] = v;
  }
  return out;
}

function clean(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const v = value.replace(/\s+/g, ' ').trim();
  return v === '' ? undefined : v;
}

/** BOM, then the XML declaration's encoding, then UTF-8 (with a windows-1252 fallback for invalid bytes). */
function decode(bytes: Uint8Array): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const declared = /<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/i.exec(head)?.[1]?.toLowerCase();
  if (declared !== undefined && declared !== 'utf-8' && declared !== 'utf8') {
    try {
      return new TextDecoder(declared).decode(bytes);
    } catch {
      // Unknown label: fall through to UTF-8.
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}
