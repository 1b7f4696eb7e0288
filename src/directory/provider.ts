// What every directory provider is and shares: the port a provider implements, its typed failure, and the bounds put
// on what a directory answers (untrusted JSON: sizes, counts, URLs).
import type { DirectoryResult, DirectorySource } from '../domain/directory.ts';
import { FeedUrlError, normalizeFeedUrl } from '../domain/feed-url.ts';
import { FeedFetchError, JsonBodyError } from '../feed/fetch/index.ts';

/** One directory's search. */
export interface DirectoryProvider {
  readonly source: DirectorySource;
  /** At most `limit` results, best first. Throws DirectoryError. */
  search(terms: string, options: { limit: number; signal?: AbortSignal }): Promise<DirectoryResult[]>;
}

/**
 * Why a directory gave no results: `timeout`, `unavailable` (connection refused, 5xx, any other status),
 * `bad-answer` (not JSON, too large, not the documented shape), `refused` (4xx: the key or secret is wrong).
 */
export type DirectoryErrorCode = 'timeout' | 'unavailable' | 'bad-answer' | 'refused';

export class DirectoryError extends Error {
  override readonly name = 'DirectoryError';
  constructor(
    readonly source: DirectorySource,
    readonly code: DirectoryErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Results a directory answer may hold before the rest is dropped. */
export const MAX_RESULTS_PER_ANSWER = 50;
/** A directory's answer is small JSON; more than this is not one. */
export const MAX_ANSWER_BYTES = 1024 * 1024;
const MAX_TITLE = 300;
const MAX_AUTHOR = 200;
const MAX_DESCRIPTION = 600;
const MAX_CATEGORIES = 8;
const MAX_CATEGORY = 60;
const MAX_URL = 2000;

/** The fetch failure as the directory's failure, in words a listener understands. */
export function directoryFailure(source: DirectorySource, error: unknown): DirectoryError {
  if (error instanceof DirectoryError) return error;
  if (error instanceof JsonBodyError) {
    return new DirectoryError(source, 'bad-answer', 'it answered something that is not JSON', {
      cause: error,
    });
  }
  if (error instanceof FeedFetchError) {
    switch (error.code) {
      case 'timeout':
        return new DirectoryError(source, 'timeout', 'it did not answer in time', { cause: error });
      case 'too-large':
        return new DirectoryError(source, 'bad-answer', 'its answer was too large', { cause: error });
      case 'http-status':
      case 'gone': {
        const status = error.status ?? 0;
        if (status >= 400 && status < 500 && status !== 429) {
          return new DirectoryError(source, 'refused', `it refused the search (HTTP ${status})`, {
            cause: error,
          });
        }
        return new DirectoryError(source, 'unavailable', `it is unavailable (HTTP ${status})`, {
          cause: error,
        });
      }
      default:
        return new DirectoryError(source, 'unavailable', `it could not be reached (${error.code})`, {
          cause: error,
        });
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return new DirectoryError(source, 'unavailable', `it could not be searched (${message})`, { cause: error });
}

/** Trimmed, whitespace collapsed, cut to `max` characters (an ellipsis marks the cut); absent when empty. */
export function boundedText(value: string | undefined, max: number): string | undefined {
  if (value === undefined) return undefined;
  const text = value
    .slice(0, max * 4)
    .replace(/\s+/g, ' ')
    .trim();
  if (text === '') return undefined;
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  '#39': "'",
};

/** A directory's description as plain text: tags dropped, the common entities decoded, bounded. */
export function plainDescription(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = value
    .slice(0, MAX_DESCRIPTION * 8)
    .replace(/<[^>]{0,2000}>/g, ' ')
    .replace(/&(amp|lt|gt|quot|apos|nbsp|#39);/g, (_m, name: string) => ENTITIES[name] ?? ' ');
  return boundedText(text, MAX_DESCRIPTION);
}

/** An http(s) URL, else absent. */
export function webUrl(value: string | undefined): string | undefined {
  if (value === undefined || value.length > MAX_URL || !/^https?:\/\//i.test(value)) return undefined;
  return URL.canParse(value) ? new URL(value).href : undefined;
}

/** What every provider maps its item to, before the bounds; `undefined` when the item has no usable feed. */
export interface RawResult {
  title?: string | undefined;
  feedUrl?: string | undefined;
  author?: string | undefined;
  artworkUrl?: string | undefined;
  description?: string | undefined;
  categories?: readonly string[] | undefined;
  episodeCount?: number | undefined;
}

/** The bounded result, or undefined when it has no title or no feed URL the one feed-URL rule accepts. */
export function toResult(source: DirectorySource, raw: RawResult): DirectoryResult | undefined {
  const title = boundedText(raw.title, MAX_TITLE);
  if (title === undefined || raw.feedUrl === undefined || raw.feedUrl.length > MAX_URL) return undefined;
  let feedUrl: string;
  try {
    feedUrl = normalizeFeedUrl(raw.feedUrl);
  } catch (error) {
    if (error instanceof FeedUrlError) return undefined;
    throw error;
  }
  const author = boundedText(raw.author, MAX_AUTHOR);
  const artworkUrl = webUrl(raw.artworkUrl);
  const description = plainDescription(raw.description);
  const categories = [
    ...new Set(
      (raw.categories ?? [])
        .slice(0, MAX_CATEGORIES * 4)
        .map((c) => boundedText(c, MAX_CATEGORY))
        .filter((c): c is string => c !== undefined),
    ),
  ].slice(0, MAX_CATEGORIES);
  const episodeCount =
    raw.episodeCount !== undefined && Number.isSafeInteger(raw.episodeCount) && raw.episodeCount >= 0
      ? raw.episodeCount
      : undefined;
  return {
    title,
    feedUrl,
    ...(author === undefined ? {} : { author }),
    ...(artworkUrl === undefined ? {} : { artworkUrl }),
    ...(description === undefined ? {} : { description }),
    categories,
    ...(episodeCount === undefined ? {} : { episodeCount }),
    sources: [source],
  };
}

/** An endpoint's base URL with the path appended (`https://api.example/api/1.0` + `/search/byterm`). */
export function endpoint(baseUrl: string, path: string, query: Record<string, string>): string {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}${path}`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url.href;
}
