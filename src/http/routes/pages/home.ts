// The home page: popular and recent shows, and for a listener what to continue and what is new.
import type { FastifyInstance } from 'fastify';
import type { PopularShows } from '../../../services/library-service.ts';
import type { EpisodeRow } from '../../../views/models.ts';
import { homePage } from '../../../views/pages.ts';
import { contextOf } from '../../context.ts';
import { showCard } from '../../present.ts';
import type { WebApp } from '../../server.ts';
import { rowsForEpisodes, rowsForProgress } from './rows.ts';

export function registerHomePage(app: FastifyInstance, web: WebApp, popular: PopularShows): void {
  const { deps } = web;
  const { store } = deps;

  app.get('/', async (req, reply) => {
    const cached = web.fromCache(req, reply);
    if (cached) return cached;
    const ctx = contextOf(req);
    const now = web.now();
    const pop = await popular.list(12, now);
    const recent = await popular.recent(12, now);
    let continueListening: EpisodeRow[] | undefined;
    let newFromFollowed: EpisodeRow[] | undefined;
    if (ctx.viewer && deps.listeners) {
      const lib = deps.listeners.library;
      continueListening = await rowsForProgress(store, await lib.inProgress(ctx.viewer.id, 6));
      const followed = web.actions ? await web.actions.followedShows(ctx.viewer.id, 20) : [];
      const latest = [];
      for (const show of followed) {
        const page = await store.episodes.listForShow(show.id, {
          limit: 2,
          includeVanished: false,
          withContent: false,
        });
        latest.push(...page.items);
      }
      latest.sort((a, b) => (a.sortKey < b.sortKey ? 1 : a.sortKey > b.sortKey ? -1 : 0));
      newFromFollowed = await rowsForEpisodes(deps, ctx.viewer.id, latest.slice(0, 10), true);
    }
    return web.sendPage(
      reply,
      homePage(web.pageContext(req), {
        popular: pop.map(showCard),
        recent: recent.map(showCard),
        ...(continueListening ? { continueListening } : {}),
        ...(newFromFollowed ? { newFromFollowed } : {}),
      }),
      200,
      { cache: true },
    );
  });
}
