// A person's page: the shows and episodes they are credited in, as far as this visitor may see them.
import type { FastifyInstance } from 'fastify';
import { ShowLoader } from '../../../services/library-service.ts';
import { personPage } from '../../../views/pages.ts';
import { contextOf } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { parseId } from '../../ids.ts';
import { coverField, personCover, showCard } from '../../present.ts';
import type { WebApp } from '../../server.ts';
import { audienceOf } from '../../visibility.ts';
import { rowsForEpisodes } from './rows.ts';

export function registerPersonPage(app: FastifyInstance, web: WebApp): void {
  const { deps } = web;
  const { store } = deps;

  app.get<{ Params: { id: string } }>('/people/:id', async (req, reply) => {
    const cached = web.fromCache(req, reply);
    if (cached) return cached;
    const ctx = contextOf(req);
    const id = parseId(req.params.id, 'person');
    const person = await store.people.get(id);
    if (!person) throw notFound('No such person.');
    const credits = await store.people.credits(id, { episodeLimit: 100, audience: audienceOf(req) });
    // Someone credited only in shows this visitor may not see is not shown either.
    if (credits.shows.length === 0 && credits.episodes.length === 0) throw notFound('No such person.');
    const loader = new ShowLoader(store);
    const showRoles = new Map<number, string[]>();
    for (const c of credits.shows) showRoles.set(c.showId, [...(showRoles.get(c.showId) ?? []), c.role]);
    const shows = [];
    for (const [showId, roles] of showRoles) {
      const show = await loader.get(showId);
      if (show) shows.push({ ...showCard(show), roles });
    }
    const episodes = [];
    for (const c of credits.episodes) {
      const ep = await store.episodes.get(c.episodeId);
      if (!ep) continue;
      const show = await loader.get(ep.showId);
      if (!show) continue;
      const [row] = await rowsForEpisodes(deps, ctx.viewer?.id, [ep], true, show);
      if (row) episodes.push({ ...row, roles: [c.role] });
    }
    return web.sendPage(
      reply,
      personPage(web.pageContext(req), {
        name: person.name,
        ...coverField(personCover(person)),
        ...(person.href && /^https?:/i.test(person.href) ? { url: person.href } : {}),
        shows,
        episodes,
      }),
      200,
      { cache: true },
    );
  });
}
