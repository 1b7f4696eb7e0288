// OPML subscription lists → feed entries (protocols.md §3). Pure: text or bytes in, entries and problems out.
// Lenient on purpose: exports from AntennaPod, gPodder, mygpo, Overcast and Pocket Casts all differ, and a
// raw `&`, a BOM or a missing XML declaration are common. One bad outline never aborts the import.
import { Parser } from 'htmlparser2';
import { FeedUrlError, normalizeFeedUrl } from '../domain/feed-url.ts';

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
  code: 'bad-url' | 'duplicate';
  message: string;
  /** The URL as written in the file. */
  url: string;
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
  const text = (typeof input === 'string' ? input : decode(input)).replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new OpmlError('empty', 'the OPML file is empty');

  const entries: OpmlEntry[] = [];
  const problems: OpmlProblem[] = [];
  const seen = new Set<string>();
  /** One frame per open outline: its folder title, and whether it (or an ancestor) is skipped. */
  const stack: { folder?: string; skip: boolean }[] = [];
  let sawOpml = false;
  let inHeadTitle = false;
  let headTitle = '';

  const parser = new Parser(
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
        const folders = stack.slice(0, -1).flatMap((f) => (f.folder === undefined ? [] : [f.folder]));
        if (folders.length > 0) entry.folders = folders;
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
  parser.write(text);
  parser.end();

  if (!sawOpml) {
    throw new OpmlError('not-opml', 'not an OPML file: no <opml> element found');
  }
  const result: OpmlImport = { entries, problems };
  const title = clean(headTitle);
  if (title !== undefined) result.title = title;
  return result;
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
