// The search page: shows, episodes and people matching the visitor's words, ranked (docs/search.md), paged by
// `page` with previous / next links and the number of matching episodes.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SearchPageModel } from '../../../views/models.ts';
import { searchPage } from '../../../views/pages.ts';
import { contextOf } from '../../context.ts';
import { personHref, showCard } from '../../present.ts';
import type { WebApp } from '../../server.ts';
import { audienceOf } from '../../visibility.ts';
import { rowsForEpisodes } from './rows.ts';

const searchQuery = z.object({
  q: z.string().max(200, 'the search text is too long (200 characters at most)').optional(),
  page: z.coerce.number().int().min(1).max(1000).optional().catch(undefined),
});

/** Episodes per search page. */
const PER_PAGE = 20;

function searchHref(q: string, page: number): string {
  return `/search?q=${encodeURIComponent(q)}${page > 1 ? `&page=${page}` : ''}`;
}

export function registerSearchPage(app: FastifyInstance, web: WebApp): void {
  const { deps } = web;

  app.get('/search', async (req, reply) => {
    const cached = web.fromCache(req, reply);
    if (cached) return cached;
    const ctx = contextOf(req);
    const parsed = searchQuery.parse(req.query);
    const q = (parsed.q ?? '').trim();
    const page = parsed.page ?? 1;
    let model: SearchPageModel = {
      query: q,
      shows: [],
      episodes: [],
      people: [],
      page,
      episodeTotal: { count: 0, exact: true },
    };
    if (q && deps.search) {
      const found = await deps.search.search(q, { limit: PER_PAGE, page, audience: audienceOf(req) });
      model = {
        query: q,
        shows: found.shows.map(showCard),
        // The search already loaded each episode's show: pass them through rather than read them again.
        episodes: await rowsForEpisodes(
          deps,
          ctx.viewer?.id,
          found.episodes.map((e) => e.episode),
          true,
          new Map(found.episodes.map((e) => [e.show.id, e.show])),
        ),
        people: found.people.map((p) => ({ name: p.name, href: personHref(p.id) })),
        page,
        episodeTotal: found.episodeTotal,
        ...(page > 1 ? { prevHref: searchHref(q, page - 1) } : {}),
        ...(found.hasMore ? { nextHref: searchHref(q, page + 1) } : {}),
      };
    }
    return web.sendPage(reply, searchPage(web.pageContext(req, q), model), 200, { cache: true });
  });
}
