// Response formats of the gPodder API (json, jsonp, txt, opml) and request bodies whatever their Content-Type.
import { gunzipSync } from 'node:zlib';
import { EVENT_LOOP_TURNS } from '../../markup/next-turn.ts';
import { writeOpml } from '../../opml/export.ts';
import { parseOpmlInTurns } from '../../opml/import.ts';
import { SyncError } from '../../sync/errors.ts';
import type { DirectoryPodcast } from '../../sync/ports.ts';
import { MAX_URLS_PER_UPLOAD } from '../../sync/subscriptions.ts';

export type Format = 'json' | 'jsonp' | 'txt' | 'opml';
const FORMATS: readonly string[] = ['json', 'jsonp', 'txt', 'opml'];

/** Splits `alice.json` into name and format; only the last dot counts (user names may contain dots). */
export function splitFormat(file: string): { name: string; format: Format } {
  const dot = file.lastIndexOf('.');
  const format = dot === -1 ? '' : file.slice(dot + 1).toLowerCase();
  if (dot <= 0 || !FORMATS.includes(format)) {
    throw new SyncError(
      'not-found',
      `unsupported format in ${JSON.stringify(file)} (json, jsonp, txt or opml)`,
    );
  }
  return { name: file.slice(0, dot), format: format as Format }; // checked against FORMATS just above
}

export const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** The raw body as text, un-gzipped when the client said so, capped at MAX_BODY_BYTES. */
export function bodyText(raw: unknown, contentEncoding: string | undefined): string | undefined {
  if (!Buffer.isBuffer(raw) || raw.length === 0) return undefined;
  let bytes: Buffer = raw;
  if (contentEncoding !== undefined && /gzip/i.test(contentEncoding)) {
    try {
      bytes = gunzipSync(raw, { maxOutputLength: MAX_BODY_BYTES });
    } catch (error) {
      if (error instanceof RangeError)
        throw new SyncError('too-large', `the body is over ${MAX_BODY_BYTES} bytes`);
      throw new SyncError('bad-request', 'the body is not valid gzip');
    }
  }
  return bytes.toString('utf8').replace(/^\uFEFF/, '');
}

/** Every body is JSON, whatever Content-Type says (mygpoclient posts JSON as form-urlencoded). Empty → undefined. */
export function jsonBody(raw: unknown, contentEncoding: string | undefined): unknown {
  const text = bodyText(raw, contentEncoding);
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SyncError(
      'bad-request',
      `the body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** A Simple API PUT body: a JSON list, text lines, or OPML (read in slices: the server answers meanwhile). */
export async function urlListBody(
  raw: unknown,
  contentEncoding: string | undefined,
  format: Format,
): Promise<string[]> {
  const text = bodyText(raw, contentEncoding) ?? '';
  if (format === 'txt')
    return text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
  if (format === 'opml') {
    try {
      return (await parseOpmlInTurns(text, EVENT_LOOP_TURNS)).entries.map((e) => e.url);
    } catch (error) {
      throw new SyncError(
        'bad-request',
        `the body is not OPML: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  const json: unknown = text.trim() === '' ? [] : jsonBody(raw, contentEncoding);
  if (!Array.isArray(json)) throw new SyncError('bad-request', 'the body must be a JSON list of feed URLs');
  if (json.length > MAX_URLS_PER_UPLOAD) {
    throw new SyncError(
      'bad-request',
      `at most ${MAX_URLS_PER_UPLOAD} subscriptions per list (got ${json.length})`,
    );
  }
  return json.map((item: unknown, i) => {
    if (typeof item === 'string') return item;
    if (typeof item === 'object' && item !== null && typeof (item as { url?: unknown }).url === 'string') {
      return (item as { url: string }).url; // checked: an object with a string url
    }
    throw new SyncError('bad-request', `item ${i} is not a feed URL`);
  });
}

export interface Rendered {
  contentType: string;
  body: string;
}

/**
 * A JSONP callback: a JavaScript name or dotted path (`cb`, `jQuery123_456`, `$.cb`), at most 64 characters (issue
 * 12, finding 12). Anything else — calls, brackets, operators, comments — is refused, so the script served from our
 * origin never runs code the caller wrote; it goes out with `X-Content-Type-Options: nosniff` (see the plugin).
 */
export const JSONP_CALLBACK = /^[A-Za-z_$][\w$.]{0,63}$/;

function jsonp(value: unknown, callback: unknown): Rendered {
  if (typeof callback !== 'string' || !JSONP_CALLBACK.test(callback)) {
    throw new SyncError(
      'bad-request',
      'jsonp needs ?jsonp=<name>: a JavaScript name or dotted path of at most 64 characters',
    );
  }
  return {
    contentType: 'application/javascript; charset=utf-8',
    body: `${callback}(${JSON.stringify(value)})`,
  };
}

/** A list of subscription URLs in the requested format. */
export function renderUrls(
  feeds: readonly { url: string; title?: string; htmlUrl?: string }[],
  format: Format,
  jsonpCallback: unknown,
  title: string,
): Rendered {
  const urls = feeds.map((f) => f.url);
  if (format === 'txt')
    return { contentType: 'text/plain; charset=utf-8', body: urls.map((u) => `${u}\n`).join('') };
  if (format === 'opml')
    return {
      contentType: 'text/x-opml; charset=utf-8',
      body: writeOpml(feeds, { title, dateCreated: new Date() }),
    };
  if (format === 'jsonp') return jsonp(urls, jsonpCallback);
  return { contentType: 'application/json; charset=utf-8', body: JSON.stringify(urls) };
}

/** mygpo's podcast object (mygpoclient requires every key to be present). */
export function podcastJson(p: DirectoryPodcast, baseUrl: string) {
  return {
    url: p.url,
    title: p.title ?? p.url,
    author: p.author ?? '',
    description: p.description ?? '',
    subscribers: p.subscribers,
    subscribers_last_week: p.subscribers,
    logo_url: p.logoUrl ?? null,
    scaled_logo_url: p.logoUrl ?? null,
    website: p.website ?? null,
    mygpo_link: `${baseUrl}/`,
  };
}

export function renderPodcasts(
  list: readonly DirectoryPodcast[],
  format: Format,
  jsonpCallback: unknown,
  baseUrl: string,
): Rendered {
  if (format === 'txt' || format === 'opml') {
    return renderUrls(
      list.map((p) => ({
        url: p.url,
        ...(p.title === undefined ? {} : { title: p.title }),
        ...(p.website === undefined ? {} : { htmlUrl: p.website }),
      })),
      format,
      jsonpCallback,
      'Earshot directory',
    );
  }
  const json = list.map((p) => podcastJson(p, baseUrl));
  return format === 'jsonp'
    ? jsonp(json, jsonpCallback)
    : { contentType: 'application/json; charset=utf-8', body: JSON.stringify(json) };
}
