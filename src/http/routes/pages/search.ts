// The search page: shows, then episodes, then people matching the visitor's words, ranked (docs/search.md), narrowed
// by show, person and date (`show`, `person`, `from`/`to` or `year`: the store applies them), with the number of
// matching episodes and a "More episodes" link (a plain next page; htmx appends it in place). When no episode
// matches, the words' spelling is corrected from the titles found by their first letters ("Showing results for …").
import type { FastifyInstance } from 'fastify';
import type { Person } from '../../../domain/person.ts';
import type { Show } from '../../../domain/show.ts';
import { transcriptMoments } from '../../../services/search-moments.ts';
import { correctSpelling } from '../../../services/search-spelling.ts';
import type { Audience } from '../../../store/ports.ts';
import type { SearchFiltersModel, SearchPageModel } from '../../../views/models.ts';
import { searchPage } from '../../../views/pages.ts';
import { contextOf } from '../../context.ts';
import { momentLink, personHref, showCard, showTitle } from '../../present.ts';
import {
  hasFilters,
  parseSearchRequest,
  type SearchRequest,
  type SearchResults,
  searchFilters,
  searchHref,
} from '../../search.ts';
import type { WebApp } from '../../server.ts';
import { audienceOf, canSee } from '../../visibility.ts';
import { rowsForEpisodes } from './rows.ts';
import { sourceHref } from './sources.ts';

/** Episodes per search page. */
const PER_PAGE = 20;

export function registerSearchPage(app: FastifyInstance, web: WebApp): void {
  const { deps } = web;

  /** The show and person filters, only when the audience may see them (else they are dropped, as unknown ids). */
  async function resolveFilters(
    request: SearchRequest,
    audience: Audience,
  ): Promise<{ request: SearchRequest; show?: Show; person?: Person }> {
    const resolved: SearchRequest = { ...request };
    const show = request.show === undefined ? undefined : await deps.store.shows.get(request.show);
    const visibleShow = show !== undefined && (await canSee(deps.store, show, audience)) ? show : undefined;
    if (visibleShow === undefined) delete resolved.show;
    const person = request.person === undefined ? undefined : await deps.store.people.get(request.person);
    let visiblePerson: Person | undefined;
    if (person !== undefined) {
      const credits = await deps.store.people.credits(person.id, { episodeLimit: 1, audience });
      if (credits.shows.length > 0 || credits.episodes.length > 0) visiblePerson = person;
    }
    if (visiblePerson === undefined) delete resolved.person;
    return {
      request: resolved,
      ...(visibleShow ? { show: visibleShow } : {}),
      ...(visiblePerson ? { person: visiblePerson } : {}),
    };
  }

  app.get('/search', async (req, reply) => {
    const cached = web.fromCache(req, reply);
    if (cached) return cached;
    const ctx = contextOf(req);
    const audience = audienceOf(req);
    const asked = parseSearchRequest(req.query);
    const { request, show, person } = await resolveFilters(asked, audience);
    const { query, page } = request;
    let model: SearchPageModel = {
      query,
      shows: [],
      episodes: [],
      people: [],
      page,
      episodeTotal: { count: 0, exact: true },
    };
    if (query && deps.search) {
      const filtered = hasFilters(request);
      const options = { limit: PER_PAGE, page, audience, filters: searchFilters(request) };
      // Cited works, like people, on the first page while no filter narrows the results: looked up beside the search
      // (they need only the words), so the page waits for the longer of the two, not for both in turn.
      const citedWorks = (words: string): Promise<NonNullable<SearchPageModel['sources']>> =>
        deps.store.sources.search(words, { limit: 5, audience }).then((hits) =>
          hits.map((h) => ({
            citation: h.source.citation,
            sourceHref: sourceHref(h.source.id),
            alsoCited: { episodes: h.episodes, shows: h.shows },
          })),
        );
      const withSources = !filtered && page === 1;
      let [found, sources] = await Promise.all([
        deps.search.search(query, options),
        withSources ? citedWorks(query) : undefined,
      ]);
      let shown = request;
      // Nothing matched the words as typed: try them spelt as the titles spell them.
      if (found.episodeTotal.count === 0 && page === 1) {
        const corrected = await correctSpelling(deps.search, query, audience);
        if (corrected !== undefined) {
          const again = await deps.search.search(corrected, options);
          if (again.episodeTotal.count > 0 || again.shows.length > found.shows.length) {
            found = again;
            shown = { ...request, query: corrected };
            if (withSources) sources = await citedWorks(corrected);
          }
        }
      }
      const episodes = found.episodes.map((e) => e.episode);
      // The search already loaded each episode's show: pass them through rather than read them again.
      const [rows, moments] = await Promise.all([
        rowsForEpisodes(
          deps,
          ctx.viewer?.id,
          episodes,
          true,
          new Map(found.episodes.map((e) => [e.show.id, e.show])),
        ),
        transcriptMoments(deps.mediaText, shown.query, episodes),
      ]);
      model = {
        query: shown.query,
        shows: found.shows.map(showCard),
        episodes: rows.map((row, i) => {
          const moment = moments.get(episodes[i]?.id ?? 0);
          return moment === undefined ? row : { ...row, moment: momentLink(row.href, moment) };
        }),
        // People are matched by name, never filtered: listed only while no filter narrows the results.
        people: filtered ? [] : found.people.map((p) => ({ name: p.name, href: personHref(p.id) })),
        ...(sources === undefined ? {} : { sources }),
        page,
        episodeTotal: found.episodeTotal,
        ...(page > 1 ? { prevHref: searchHref(shown, { page: page - 1 }) } : {}),
        ...(found.hasMore ? { nextHref: searchHref(shown, { page: page + 1 }) } : {}),
        ...(shown.query !== query ? { misspelt: query } : {}),
        filters: filterChoices(shown, found, show, person),
      };
    }
    return web.sendPage(reply, searchPage(web.pageContext(req, model.query), model), 200, { cache: true });
  });
}

/** The filter form's state: what is in force (with links removing each) and the shows and people to choose from. */
function filterChoices(
  request: SearchRequest,
  found: SearchResults,
  show: Show | undefined,
  person: Person | undefined,
): SearchFiltersModel {
  const shows = new Map<number, string>();
  if (show) shows.set(show.id, showTitle(show));
  for (const s of found.shows) shows.set(s.id, showTitle(s));
  for (const e of found.episodes) shows.set(e.show.id, showTitle(e.show));
  const people = new Map<number, string>();
  if (person) people.set(person.id, person.name);
  for (const p of found.people) people.set(p.id, p.name);
  const active: SearchFiltersModel['active'] = [];
  const remove = (changes: Partial<Record<keyof SearchRequest, unknown>>): string =>
    searchHref(request, { ...changes, page: undefined });
  if (show) active.push({ label: `Show: ${showTitle(show)}`, removeHref: remove({ show: undefined }) });
  if (person) active.push({ label: `Person: ${person.name}`, removeHref: remove({ person: undefined }) });
  if (request.year !== undefined)
    active.push({ label: `Year: ${request.year}`, removeHref: remove({ year: undefined }) });
  if (request.from !== undefined)
    active.push({ label: `From ${request.from}`, removeHref: remove({ from: undefined }) });
  if (request.to !== undefined)
    active.push({ label: `To ${request.to}`, removeHref: remove({ to: undefined }) });
  const from = request.year !== undefined ? `${request.year}-01-01` : request.from;
  const to = request.year !== undefined ? `${request.year}-12-31` : request.to;
  return {
    ...(show ? { show: show.id } : {}),
    ...(person ? { person: person.id } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    shows: [...shows].map(([id, title]) => ({ id, title })).sort((a, b) => a.title.localeCompare(b.title)),
    people: [...people].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name)),
    active,
    clearHref: searchHref({ query: request.query, page: 1 }),
  };
}
