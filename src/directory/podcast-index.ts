// The Podcast Index (podcastindex.org) search by term: `GET <base>/search/byterm?q=…&max=…`, signed with the API key
// and secret (X-Auth-Key, X-Auth-Date, Authorization = SHA-1 of key + secret + date, hex) and a User-Agent (the
// fetcher's own). Its answer: `{status, feeds: [{id, title, url, originalUrl, author, ownerName, image, artwork,
// description, categories: {"104": "TV"}, episodeCount, …}], count, query, description}`.
import { createHash } from 'node:crypto';
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

export const PODCAST_INDEX_BASE_URL = 'https://api.podcastindex.org/api/1.0';

export interface PodcastIndexOptions {
  fetcher: Fetcher;
  key: string;
  secret: string;
  /** Default PODCAST_INDEX_BASE_URL. */
  baseUrl?: string;
  timeoutMs?: number;
  /** The clock the X-Auth-Date is taken from. */
  now?: () => Date;
}

// Each field is optional and a wrong type is dropped (`catch`), so one odd field never loses the whole result.
const text = z.string().optional().catch(undefined);
const count = z.number().optional().catch(undefined);
const feed = z.object({
  title: text,
  url: text,
  originalUrl: text,
  author: text,
  ownerName: text,
  image: text,
  artwork: text,
  description: text,
  categories: z.record(z.string(), z.string()).nullish().catch(undefined),
  episodeCount: count,
});
const answer = z.object({ feeds: z.array(z.unknown()) });

/** The three auth headers of the Podcast Index API for this moment. */
export function podcastIndexHeaders(key: string, secret: string, at: Date): Record<string, string> {
  const date = String(Math.floor(at.getTime() / 1000));
  return {
    'X-Auth-Key': key,
    'X-Auth-Date': date,
    Authorization: createHash('sha1').update(`${key}${secret}${date}`).digest('hex'),
  };
}

export function podcastIndexProvider(options: PodcastIndexOptions): DirectoryProvider {
  const baseUrl = options.baseUrl ?? PODCAST_INDEX_BASE_URL;
  const now = options.now ?? (() => new Date());
  return {
    source: 'podcast-index',
    async search(terms, { limit, signal }) {
      const max = Math.min(limit, MAX_RESULTS_PER_ANSWER);
      let body: unknown;
      try {
        body = await fetchJson(
          options.fetcher,
          endpoint(baseUrl, '/search/byterm', { q: terms, max: String(max) }),
          {
            headers: podcastIndexHeaders(options.key, options.secret, now()),
            maxBytes: MAX_ANSWER_BYTES,
            ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
            ...(signal === undefined ? {} : { signal }),
          },
        );
      } catch (error) {
        throw directoryFailure('podcast-index', error);
      }
      const parsed = answer.safeParse(body);
      if (!parsed.success) {
        throw new DirectoryError('podcast-index', 'bad-answer', 'its answer was not a list of feeds');
      }
      const results: DirectoryResult[] = [];
      for (const item of parsed.data.feeds.slice(0, max)) {
        const f = feed.safeParse(item);
        if (!f.success) continue;
        const d = f.data;
        const result = toResult('podcast-index', {
          title: d.title,
          feedUrl: d.url ?? d.originalUrl,
          author: d.author ?? d.ownerName,
          artworkUrl: d.artwork ?? d.image,
          description: d.description,
          categories: d.categories === null || d.categories === undefined ? [] : Object.values(d.categories),
          episodeCount: d.episodeCount,
        });
        if (result !== undefined) results.push(result);
      }
      return results;
    },
  };
}
