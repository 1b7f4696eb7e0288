// One search over shows, episodes and people; implemented over SQLite FTS5 and PostgreSQL full text in the store.
// Here: what a search request may ask (the words, a page, filters by show, person and date), read leniently from a
// query string (a bad filter or page is ignored; only words too long are refused), and its links.
import { z } from 'zod';
import type { SearchFilters, SearchOptions, SearchResults } from '../store/ports.ts';

export type { SearchResults, SearchTotal } from '../store/ports.ts';

export interface SearchIndex {
  /** Ranked and paged as the store's `SearchRepository.search` (ports.ts); `audience`: only what it may see. */
  search(query: string, options: SearchOptions): Promise<SearchResults>;
}

/** The longest search text, in characters. */
export const MAX_QUERY = 200;
/** The deepest page asked for (pages go no deeper than the store's ranked candidates anyway). */
export const MAX_PAGE = 1000;

/** A calendar date as typed in a date field: YYYY-MM-DD, a real day between 1900 and 2100. */
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((s) => {
    const d = new Date(`${s}T00:00:00.000Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s) && s >= '1900' && s < '2101';
  });
const id = z.coerce.number().int().min(1).max(2_147_483_647);

const searchQuery = z.object({
  q: z.string().max(MAX_QUERY, `the search text is too long (${MAX_QUERY} characters at most)`).optional(),
  page: z.coerce.number().int().min(1).max(MAX_PAGE).optional().catch(undefined),
  show: id.optional().catch(undefined),
  person: id.optional().catch(undefined),
  from: day.optional().catch(undefined),
  to: day.optional().catch(undefined),
  year: z.coerce.number().int().min(1900).max(2100).optional().catch(undefined),
});

/** What the visitor asked, each filter only when it was well formed. */
export interface SearchRequest {
  query: string;
  page: number;
  show?: number;
  person?: number;
  /** Inclusive calendar days, YYYY-MM-DD. */
  from?: string;
  to?: string;
  year?: number;
}

/** Reads a search's query string: words too long are a ZodError (a 400 with the message); other bad values ignored. */
export function parseSearchRequest(raw: unknown): SearchRequest {
  const parsed = searchQuery.parse(raw);
  const request: SearchRequest = { query: (parsed.q ?? '').trim(), page: parsed.page ?? 1 };
  if (parsed.show !== undefined) request.show = parsed.show;
  if (parsed.person !== undefined) request.person = parsed.person;
  if (parsed.from !== undefined) request.from = parsed.from;
  if (parsed.to !== undefined) request.to = parsed.to;
  // A year stands for its dates, unless dates were given.
  if (parsed.year !== undefined && parsed.from === undefined && parsed.to === undefined)
    request.year = parsed.year;
  return request;
}

/** The request's filters as the store takes them: calendar days to instants, `to` inclusive. */
export function searchFilters(request: SearchRequest): SearchFilters {
  const filters: SearchFilters = {};
  if (request.show !== undefined) filters.showId = request.show;
  if (request.person !== undefined) filters.personId = request.person;
  const from = request.year !== undefined ? `${request.year}-01-01` : request.from;
  const to = request.year !== undefined ? `${request.year}-12-31` : request.to;
  if (from !== undefined) filters.publishedFrom = `${from}T00:00:00.000Z`;
  if (to !== undefined) {
    const next = new Date(`${to}T00:00:00.000Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    filters.publishedBefore = next.toISOString();
  }
  return filters;
}

export function hasFilters(request: SearchRequest): boolean {
  return (
    request.show !== undefined ||
    request.person !== undefined ||
    request.from !== undefined ||
    request.to !== undefined ||
    request.year !== undefined
  );
}

/** `/search?…` for the request with `changes` applied (undefined removes a parameter); page 1 is not written. */
export function searchHref(
  request: SearchRequest,
  changes: Partial<Record<keyof SearchRequest, unknown>> = {},
): string {
  const merged: Record<string, unknown> = { ...request, ...changes };
  const params = new URLSearchParams();
  params.set('q', String(merged.query ?? ''));
  for (const key of ['show', 'person', 'from', 'to', 'year'] as const) {
    const value = merged[key];
    if (value !== undefined) params.set(key, String(value));
  }
  const page = Number(merged.page ?? 1);
  if (page > 1) params.set('page', String(page));
  return `/search?${params.toString()}`;
}
