// The Directory port: one search over every configured podcast directory, asked at once. A directory that fails
// (times out, answers 5xx or something that is not its documented JSON) is reported beside the others' results,
// never as a failure of the whole search. Results are merged on the one feed-URL rule, alternating between
// directories so that each one's best results come first.
import type { DirectoryResult, DirectorySource } from '../domain/directory.ts';
import { type DirectoryErrorCode, type DirectoryProvider, directoryFailure } from './provider.ts';

export interface DirectoryProblem {
  readonly source: DirectorySource;
  readonly code: DirectoryErrorCode;
  /** "it did not answer in time": what to tell the listener, after the directory's name. */
  readonly message: string;
}

export interface DirectorySearch {
  readonly results: readonly DirectoryResult[];
  /** The directories that failed this time. */
  readonly problems: readonly DirectoryProblem[];
  /** The directories asked. */
  readonly asked: readonly DirectorySource[];
}

export interface Directory {
  /** The configured directories; none means directory search is off on this server. */
  readonly sources: readonly DirectorySource[];
  /** Never throws for a directory's failure: see `problems`. */
  search(terms: string, options?: { limit?: number; signal?: AbortSignal }): Promise<DirectorySearch>;
}

/** The longest search accepted (a directory's own limit is about this). */
export const MAX_TERMS_LENGTH = 200;
/** Results of one search, all directories together. */
export const DEFAULT_DIRECTORY_LIMIT = 40;

export interface DirectoryOptions {
  /**
   * How long a search in which every directory answered is remembered (default 5 minutes; 0: never): following a
   * result brings the listener back to the same results, and a directory's API key has a quota.
   */
  cacheMs?: number;
  /** Searches remembered at most (default 200; the oldest goes first). */
  cacheEntries?: number;
  nowMs?: () => number;
}

export function createDirectory(
  providers: readonly DirectoryProvider[],
  options: DirectoryOptions = {},
): Directory {
  const cacheMs = options.cacheMs ?? 5 * 60_000;
  const cacheEntries = options.cacheEntries ?? 200;
  const nowMs = options.nowMs ?? Date.now;
  const remembered = new Map<string, { at: number; search: DirectorySearch }>();
  return {
    sources: providers.map((p) => p.source),
    async search(terms, { limit = DEFAULT_DIRECTORY_LIMIT, signal } = {}) {
      const key = `${limit}\u0000${terms.trim().toLowerCase()}`;
      const hit = remembered.get(key);
      if (hit !== undefined && nowMs() - hit.at < cacheMs) return hit.search;
      if (hit !== undefined) remembered.delete(key);
      const search = await searchAll(terms, limit, signal);
      if (cacheMs > 0 && search.problems.length === 0) {
        remembered.set(key, { at: nowMs(), search });
        for (const oldest of remembered.keys()) {
          if (remembered.size <= cacheEntries) break;
          remembered.delete(oldest);
        }
      }
      return search;
    },
  };

  async function searchAll(
    terms: string,
    limit: number,
    signal: AbortSignal | undefined,
  ): Promise<DirectorySearch> {
    const asked = providers.map((p) => p.source);
    const settled = await Promise.allSettled(
      providers.map((p) => p.search(terms, { limit, ...(signal === undefined ? {} : { signal }) })),
    );
    const lists: DirectoryResult[][] = [];
    const problems: DirectoryProblem[] = [];
    settled.forEach((outcome, i) => {
      const provider = providers[i];
      if (provider === undefined) return;
      if (outcome.status === 'fulfilled') lists.push(outcome.value);
      else {
        const failure = directoryFailure(provider.source, outcome.reason);
        problems.push({ source: provider.source, code: failure.code, message: failure.message });
      }
    });
    return { results: mergeResults(lists).slice(0, limit), problems, asked };
  }
}

/**
 * One list from several: taken in turns (first of each, then second of each …), one result per feed URL (already
 * normalised by the one rule), the first seen kept and completed with what the others add.
 */
export function mergeResults(lists: readonly (readonly DirectoryResult[])[]): DirectoryResult[] {
  const byUrl = new Map<string, DirectoryResult>();
  const longest = Math.max(0, ...lists.map((l) => l.length));
  for (let i = 0; i < longest; i++) {
    for (const list of lists) {
      const result = list[i];
      if (result === undefined) continue;
      const seen = byUrl.get(result.feedUrl);
      byUrl.set(result.feedUrl, seen === undefined ? result : completed(seen, result));
    }
  }
  return [...byUrl.values()];
}

function completed(first: DirectoryResult, other: DirectoryResult): DirectoryResult {
  const author = first.author ?? other.author;
  const artworkUrl = first.artworkUrl ?? other.artworkUrl;
  const description = first.description ?? other.description;
  const episodeCount = first.episodeCount ?? other.episodeCount;
  return {
    title: first.title,
    feedUrl: first.feedUrl,
    ...(author === undefined ? {} : { author }),
    ...(artworkUrl === undefined ? {} : { artworkUrl }),
    ...(description === undefined ? {} : { description }),
    categories: first.categories.length > 0 ? first.categories : other.categories,
    ...(episodeCount === undefined ? {} : { episodeCount }),
    sources: [...new Set([...first.sources, ...other.sources])],
  };
}
