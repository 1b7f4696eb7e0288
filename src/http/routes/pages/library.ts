// The listener's library page and page actions (follow, played, queue): form POSTs answered with 303.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { PopularShows } from '../../../services/library-service.ts';
import { libraryPage } from '../../../views/pages.ts';
import { checkCsrf, requireUser } from '../../context.ts';
import { badRequest, HttpError, notFound } from '../../errors.ts';
import { parseId } from '../../ids.ts';
import { episodeHref, showCard, showHref } from '../../present.ts';
import type { WebApp } from '../../server.ts';
import { audienceOf, visibleEpisode, visibleShow } from '../../visibility.ts';
import { rowsForEpisodes, rowsForProgress } from './rows.ts';

function backTo(reply: FastifyReply, to: string): FastifyReply {
  return reply.redirect(to, 303);
}

/**
 * Where a list row's form asked to come back to (its page's own path): only a path on this site, never another
 * origin (`//host`, `/\\host`); anything else is ignored.
 */
function rowReturn(body: unknown): string | undefined {
  const back = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).back : undefined;
  return typeof back === 'string' && /^\/(?![/\\])[^\s]{0,2000}$/.test(back) ? back : undefined;
}

/** What a row's queue button shows once done (htmx puts it in the row's status). */
const ROW_DONE: Record<string, string> = {
  '/episodes/:id/play-next': 'Plays next.',
  '/episodes/:id/enqueue': 'Added to the end of your queue.',
};

export function registerLibraryPages(app: FastifyInstance, web: WebApp, popular: PopularShows): void {
  const { deps } = web;
  const { store } = deps;

  app.get('/library', async (req, reply) => {
    const user = requireUser(req);
    const lib = deps.listeners?.library;
    if (!lib) throw new HttpError('not-found', 'Accounts are not enabled on this server.');
    const following = web.actions ? (await web.actions.followedShows(user.id)).map(showCard) : [];
    const queue = [];
    for (const q of await lib.queue(user.id)) {
      const ep = await store.episodes.get(q.episodeId);
      if (ep) queue.push(ep);
    }
    return web.sendPage(
      reply,
      libraryPage(web.pageContext(req), {
        following,
        queue: await rowsForEpisodes(deps, user.id, queue, true),
        inProgress: await rowsForProgress(store, await lib.inProgress(user.id, 50)),
        history: await rowsForProgress(store, await lib.history(user.id, 50)),
        played: await rowsForProgress(store, await lib.played(user.id, 50)),
      }),
    );
  });

  // Page actions: each is a form POST (works without JavaScript) answered with 303 back to the page.
  const action = (
    path: string,
    kind: 'show' | 'episode',
    run: (userId: number, id: number, now: Date) => Promise<unknown>,
    back: (id: number) => string,
  ) => {
    app.post<{ Params: { id: string } }>(path, async (req, reply) => {
      const user = requireUser(req);
      checkCsrf(req);
      const id = parseId(req.params.id, kind);
      if (!deps.listeners) throw badRequest('Accounts are not enabled on this server.');
      // What this listener may not see does not exist for them (so following cannot reveal a private show).
      if (kind === 'show') await visibleShow(store, id, audienceOf(req));
      else await visibleEpisode(store, id, audienceOf(req));
      await run(user.id, id, web.now());
      popular.invalidate();
      const row = rowReturn(req.body);
      const done = ROW_DONE[path];
      if (row !== undefined && done !== undefined && req.headers['hx-request'] === 'true')
        return reply.type('text/html; charset=utf-8').send(done);
      return backTo(reply, row ?? back(id));
    });
  };
  app.post<{ Params: { id: string; op: string } }>('/queue/:id/:op', async (req, reply) => {
    const user = requireUser(req);
    checkCsrf(req);
    const id = parseId(req.params.id, 'episode');
    const op = z.enum(['next', 'up', 'down', 'remove']).parse(req.params.op);
    const lib = actions().library;
    const queue = await lib.queue(user.id);
    const index = queue.findIndex((q) => q.episodeId === id);
    if (index < 0) throw notFound('That episode is not in your queue.');
    if (op === 'remove') await lib.dequeue(user.id, id);
    else if (op === 'next') await lib.enqueue(user.id, id, web.now(), { next: true });
    else await lib.moveInQueue(user.id, id, op === 'up' ? index - 1 : index + 1);
    return reply.redirect('/library', 303);
  });

  const actions = () => {
    if (!web.actions) throw badRequest('Accounts are not enabled on this server.');
    return web.actions;
  };
  action('/shows/:id/follow', 'show', (u, id, now) => actions().follow(u, id, true, now), showHref);
  action('/shows/:id/unfollow', 'show', (u, id, now) => actions().follow(u, id, false, now), showHref);
  action(
    '/episodes/:id/played',
    'episode',
    (u, id, now) => actions().setPlayed(u, id, true, now),
    episodeHref,
  );
  action(
    '/episodes/:id/unplayed',
    'episode',
    (u, id, now) => actions().setPlayed(u, id, false, now),
    episodeHref,
  );
  action(
    '/episodes/:id/enqueue',
    'episode',
    (u, id, now) => actions().library.enqueue(u, id, now),
    episodeHref,
  );
  action(
    '/episodes/:id/play-next',
    'episode',
    (u, id, now) => actions().library.enqueue(u, id, now, { next: true }),
    episodeHref,
  );
  action('/episodes/:id/dequeue', 'episode', (u, id) => actions().library.dequeue(u, id), episodeHref);
}
