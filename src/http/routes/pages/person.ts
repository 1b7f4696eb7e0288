// A person's page: their shows and roles, guest appearances across shows, other episode credits and the people they
// work with, as far as this visitor may see them. A name merged into another person redirects to that person's page.
import type { FastifyInstance } from 'fastify';
import type { Person } from '../../../domain/person.ts';
import { ShowLoader } from '../../../services/library-service.ts';
import { visibleCollaborators } from '../../../services/people.ts';
import type { PersonCredits } from '../../../store/ports.ts';
import type { EpisodeRow } from '../../../views/models.ts';
import { personPage } from '../../../views/pages.ts';
import { contextOf } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { parseId } from '../../ids.ts';
import { coverField, personCover, personHref, showCard } from '../../present.ts';
import type { WebApp } from '../../server.ts';
import { audienceOf } from '../../visibility.ts';
import { rowsForEpisodes } from './rows.ts';

/** Episode credits a page lists, at most. */
const EPISODE_LIMIT = 100;

export function registerPersonPage(app: FastifyInstance, web: WebApp): void {
  const { deps } = web;
  const { store } = deps;

  app.get<{ Params: { id: string } }>('/people/:id', async (req, reply) => {
    const cached = web.fromCache(req, reply);
    if (cached) return cached;
    const ctx = contextOf(req);
    const id = parseId(req.params.id, 'person');
    const person = await store.people.resolve(id);
    if (!person) throw notFound('No such person.');
    // A name an admin (or a shared link) joined to another person: that person's page, until it is split off again.
    if (person.id !== id) return reply.redirect(personHref(person.id), 302);
    const audience = audienceOf(req);
    const credits = await store.people.credits(id, { episodeLimit: EPISODE_LIMIT, audience });
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
    const rows = new Map<number, EpisodeRow>();
    for (const episodeId of new Set(credits.episodes.map((c) => c.episodeId))) {
      const ep = await store.episodes.get(episodeId);
      const show = ep && (await loader.get(ep.showId));
      if (!ep || !show) continue;
      const [row] = await rowsForEpisodes(deps, ctx.viewer?.id, [ep], true, show);
      if (row) rows.set(episodeId, row);
    }
    const guest = byEpisode(credits, rows, (role) => role === 'guest');
    const other = byEpisode(credits, rows, (role) => role !== 'guest');
    const collaborators = await store.people.collaborators(id, { audience, limit: 12 });
    // The page goes by the first name this visitor may see (a private show's spelling stays private).
    const [shown, ...others] = await store.people.names(id, { audience });
    if (!shown) throw notFound('No such person.');
    const url = linkOf(shown);
    return web.sendPage(
      reply,
      personPage(web.pageContext(req), {
        name: shown.name,
        ...coverField(personCover(shown)),
        ...(url === undefined ? {} : { url }),
        alsoKnownAs: others.map((n) => n.name),
        shows,
        guestEpisodes: guest,
        guestShowCount: new Set(credits.episodes.filter((c) => c.role === 'guest').map((c) => c.showId)).size,
        episodes: other,
        collaborators: (await visibleCollaborators(store, collaborators, audience)).map((c) => ({
          name: c.person.name,
          href: personHref(c.person.id),
          episodes: c.episodes,
          shows: c.shows,
        })),
        ...(ctx.viewer?.isAdmin ? { adminHref: `/admin/people?person=${id}` } : {}),
      }),
      200,
      { cache: true },
    );
  });
}

/** The person's own web link, when it is one a page may link to. */
export function linkOf(person: Person): string | undefined {
  return person.href && /^https?:/i.test(person.href) ? person.href : undefined;
}

/** Episode rows (newest first) whose credits match `role`, each with its roles. */
function byEpisode(
  credits: PersonCredits,
  rows: ReadonlyMap<number, EpisodeRow>,
  role: (role: string) => boolean,
): (EpisodeRow & { roles: string[] })[] {
  const out = new Map<number, EpisodeRow & { roles: string[] }>();
  for (const c of credits.episodes) {
    if (!role(c.role)) continue;
    const row = rows.get(c.episodeId);
    if (!row) continue;
    const known = out.get(c.episodeId);
    if (known) known.roles.push(c.role);
    else out.set(c.episodeId, { ...row, roles: [c.role] });
  }
  return [...out.values()];
}
