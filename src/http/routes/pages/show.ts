// A show's page (its episodes, paged) and its feed link.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { withoutCredentials } from '../../../domain/feed.ts';
import type { PopularShows } from '../../../services/library-service.ts';
import type { EpisodeSort } from '../../../views/models.ts';
import { showPage } from '../../../views/pages.ts';
import { contextOf } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { parseId } from '../../ids.ts';
import { showHeader, showHref } from '../../present.ts';
import type { WebApp } from '../../server.ts';
import { audienceOf, visibleShow } from '../../visibility.ts';
import { popularCards } from './popular.ts';
import { rowsForEpisodes } from './rows.ts';

/** Episodes per show page: enough to browse, small enough that a page costs little to query, render and send. */
const PAGE_SIZE = 30;

const showQuery = z.object({
  sort: z.enum(['newest', 'oldest'], { message: 'sort must be "newest" or "oldest"' }).optional(),
  after: z.string().min(1).max(400, 'after is too long').optional(),
});

export function registerShowPages(app: FastifyInstance, web: WebApp, popular: PopularShows): void {
  const { deps } = web;
  const { store } = deps;

  app.get<{ Params: { id: string } }>('/shows/:id', async (req, reply) => {
    const cached = web.fromCache(req, reply);
    if (cached) return cached;
    const ctx = contextOf(req);
    const id = parseId(req.params.id, 'show');
    const query = showQuery.parse(req.query);
    const show = await visibleShow(store, id, audienceOf(req));
    const defaultSort: EpisodeSort = show.type === 'serial' ? 'oldest' : 'newest';
    const sort = query.sort ?? defaultSort;
    const page = await store.episodes.listItemsForShow(id, {
      order: sort,
      limit: PAGE_SIZE,
      ...(query.after ? { cursor: query.after } : {}),
    });
    if (query.after && page.items.length === 0) throw notFound('There are no more episodes.');
    const credits = await store.people.forShow(id);
    const base = showHref(id);
    const sortParam = (s: EpisodeSort) => (s === defaultSort ? '' : `sort=${s}`);
    const href = (s: EpisodeSort, after?: string) => {
      const params = [sortParam(s), after ? `after=${encodeURIComponent(after)}` : '']
        .filter(Boolean)
        .join('&');
      return params ? `${base}?${params}` : base;
    };
    const viewerId = ctx.viewer?.id;
    const following =
      viewerId !== undefined && web.actions ? await web.actions.isFollowing(viewerId, show) : undefined;
    const pop = await popular.list(8, web.now());
    return web.sendPage(
      reply,
      showPage(web.pageContext(req), {
        show: { ...showHeader(show, credits), feedUrl: `/shows/${id}/feed` },
        episodes: await rowsForEpisodes(deps, viewerId, page.items, false, show),
        sort,
        sortHref: (s) => href(s),
        paging: {
          total: show.episodeCount,
          ...(page.next ? { nextHref: href(sort, page.next) } : {}),
          ...(query.after ? { firstHref: href(sort) } : {}),
        },
        ...(following !== undefined ? { following } : {}),
        popular: popularCards(pop, show.id, 6),
        pageUrl: `${web.baseUrl(req)}${base}`,
        // A private feed's address never goes on a page; its followers reach it through /shows/:id/feed.
        ...(show.isPublic ? { publicFeedUrl: `${web.baseUrl(req)}${base}/feed` } : {}),
      }),
      200,
      // Only a public show's page is kept for other visitors.
      { cache: show.isPublic },
    );
  });

  app.get<{ Params: { id: string } }>('/shows/:id/feed', async (req, reply) => {
    const id = parseId(req.params.id, 'show');
    const show = await visibleShow(store, id, audienceOf(req));
    const feed = await store.feeds.get(show.feedId);
    if (!feed) throw notFound('No such feed.');
    // Credentials in a feed URL are for fetching only: never sent back, not even to the feed's followers.
    return reply
      .header('cache-control', show.isPublic ? 'no-cache' : 'private, no-store')
      .redirect(withoutCredentials(feed.url), 302);
  });
}
