// Apple's podcast search (the iTunes Search API, no key): `GET <base>/search?media=podcast&entity=podcast&term=…`.
// Its answer: `{resultCount, results: [{collectionId, collectionName, artistName, feedUrl, artworkUrl600,
// artworkUrl100, primaryGenreName, genres, trackCount, releaseDate, …}]}`; a result without `feedUrl` (Apple-only
// shows) cannot be followed and is left out.
import { z } from 'zod';
import type { DirectoryResult } from '../domain/directory.ts';
import { type Fetcher, fetchJson } from '../feed/fetch/index.ts';
import {
  DirectoryError,
  type DirectoryProvider,
  directoryFailure,
  endpoint,
  MAX_ANSWER_BYTES,
  MAX_RESULTS_PER_ANSWER,
  toResult,
} from './provider.ts';

export const APPLE_SEARCH_BASE_URL = 'https://itunes.apple.com';

export interface AppleSearchOptions {
  fetcher: Fetcher;
  /** Default APPLE_SEARCH_BASE_URL. */
  baseUrl?: string;
  timeoutMs?: number;
}

const text = z.string().optional().catch(undefined);
const result = z.object({
  collectionName: text,
  trackName: text,
  artistName: text,
  feedUrl: text,
  artworkUrl600: text,
  artworkUrl100: text,
  primaryGenreName: text,
  genres: z.array(z.string()).optional().catch(undefined),
  trackCount: z.number().optional().catch(undefined),
});
const answer = z.object({ results: z.array(z.unknown()) });

export function appleSearchProvider(options: AppleSearchOptions): DirectoryProvider {
  const baseUrl = options.baseUrl ?? APPLE_SEARCH_BASE_URL;
  return {
    source: 'apple',
    async search(terms, { limit, signal }) {
      const max = Math.min(limit, MAX_RESULTS_PER_ANSWER);
      const url = endpoint(baseUrl, '/search', {
        media: 'podcast',
        entity: 'podcast',
        term: terms,
        limit: String(max),
      });
      let body: unknown;
      try {
        body = await fetchJson(options.fetcher, url, {
          maxBytes: MAX_ANSWER_BYTES,
          ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
          ...(signal === undefined ? {} : { signal }),
        });
      } catch (error) {
        throw directoryFailure('apple', error);
      }
      const parsed = answer.safeParse(body);
      if (!parsed.success)
        throw new DirectoryError('apple', 'bad-answer', 'its answer was not a list of podcasts');
      const results: DirectoryResult[] = [];
      for (const item of parsed.data.results.slice(0, max)) {
        const r = result.safeParse(item);
        if (!r.success) continue;
        const d = r.data;
        const genres = (d.genres ?? []).filter((g) => g !== 'Podcasts');
        const mapped = toResult('apple', {
          title: d.collectionName ?? d.trackName,
          feedUrl: d.feedUrl,
          author: d.artistName,
          artworkUrl: d.artworkUrl600 ?? d.artworkUrl100,
          categories:
            genres.length > 0 ? genres : d.primaryGenreName === undefined ? [] : [d.primaryGenreName],
          episodeCount: d.trackCount,
        });
        if (mapped !== undefined) results.push(mapped);
      }
      return results;
    },
  };
}
