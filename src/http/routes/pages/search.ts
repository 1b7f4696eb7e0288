// The search page: shows, episodes and people matching the visitor's words.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { EpisodeRow } from '../../../views/models.ts';
import { searchPage } from '../../../views/pages.ts';
import { contextOf } from '../../context.ts';
import { personHref, showCard } from '../../present.ts';
import type { WebApp } from '../../server.ts';
import { audienceOf } from '../../visibility.ts';
import { rowsForEpisodes } from './rows.ts';

const searchQuery = z.object({
  q: z.string().max(200, 'the search text is too long (200 characters at most)').optional(),
});

export function registerSearchPage(app: FastifyInstance, web: WebApp): void {
  const { deps } = web;

  app.get('/search', async (req, reply) => {
    const cached = web.fromCache(req, reply);
    if (cached) return cached;
    const ctx = contextOf(req);
    const q = (searchQuery.parse(req.query).q ?? '').trim();
    let model = {
      query: q,
      shows: [] as ReturnType<typeof showCard>[],
      episodes: [] as EpisodeRow[],
      people: [] as { name: string; href: string }[],
    };
    if (q && deps.search) {
      const found = await deps.search.search(q, { limit: 20, audience: audienceOf(req) });
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
      };
    }
    return web.sendPage(reply, searchPage(web.pageContext(req, q), model), 200, { cache: true });
  });
}
