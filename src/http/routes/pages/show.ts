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
import { audienceOf, visibleShow, visibleShowPage } from '../../visibility.ts';
import { categoryHref, withParams } from './browse.ts';
import { popularCards } from './popular.ts';
import { rowsForEpisodes } from './rows.ts';

/** Episodes per show page: enough to browse, small enough that a page costs little to query, render and send. */
const PAGE_SIZE = 30;

/** A show with more episodes than this, over two years or more, gets links that jump to a year. */
const YEARS_FROM = PAGE_SIZE;
/** At most this many year links (the latest ones): a feed's bogus 1970 date must not make a hundred. */
const MAX_YEARS = 40;

const showQuery = z.object({
  sort: z.enum(['newest', 'oldest'], { message: 'sort must be "newest" or "oldest"' }).optional(),
  after: z.string().min(1).max(400, 'after is too long').optional(),
  season: z.coerce
    .number({ message: 'season must be a number' })
    .int('season must be a whole number')
    .min(0)
    .max(1_000_000)
    .optional(),
  year: z.coerce
    .number({ message: 'year must be a number' })
    .int('year must be a whole number')
    .min(1)
    .max(9998)
    .optional(),
});

interface ListState {
  sort: EpisodeSort;
  season?: number;
  year?: number;
  after?: string;
}

export function registerShowPages(app: FastifyInstance, web: WebApp, popular: PopularShows): void {
  const { deps } = web;
  const { store } = deps;

  app.get<{ Params: { id: string } }>('/shows/:id', async (req, reply) => {
    const cached = web.fromCache(req, reply);
    if (cached) return cached;
    const ctx = contextOf(req);
    const id = parseId(req.params.id, 'show');
    const query = showQuery.parse(req.query);
    // The show, its page of episodes, credits, seasons, years and categories: one statement. A year starts the list
    // there; `after` (the next page) carries on from wherever the list got to.
    const {
      show,
      episodes: page,
      credits,
      seasons,
      years: span,
      categories,
    } = await visibleShowPage(store, id, audienceOf(req), {
      limit: PAGE_SIZE,
      ...(query.sort !== undefined ? { order: query.sort } : {}),
      ...(query.after !== undefined
        ? { after: query.after }
        : query.year !== undefined
          ? { year: query.year }
          : {}),
      ...(query.season !== undefined ? { season: query.season } : {}),
    });
    const defaultSort: EpisodeSort = show.type === 'serial' ? 'oldest' : 'newest';
    const sort = query.sort ?? defaultSort;
    const season = seasons.find((s) => s.season === query.season);
    if (query.season !== undefined && season === undefined) throw notFound('This show has no such season.');
    if (query.after && page.items.length === 0) throw notFound('There are no more episodes.');
    const base = showHref(id);
    const href = (state: ListState) =>
      withParams(base, {
        sort: state.sort === defaultSort ? undefined : state.sort,
        season: state.season === undefined ? undefined : String(state.season),
        year: state.year === undefined ? undefined : String(state.year),
        after: state.after,
      });
    const inSeason = season === undefined ? {} : { season: season.season };
    const total = season?.episodes ?? show.episodeCount;
    const years: number[] = [];
    if (total > YEARS_FROM && span !== undefined && span.last > span.first) {
      for (let y = span.last; y >= span.first && years.length < MAX_YEARS; y--) years.push(y);
      if (sort === 'oldest') years.reverse();
    }
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
        sortHref: (s) => href({ sort: s, ...inSeason }),
        paging: {
          total,
          ...(page.next ? { nextHref: href({ sort, ...inSeason, after: page.next }) } : {}),
          ...(query.after || query.year !== undefined ? { firstHref: href({ sort, ...inSeason }) } : {}),
        },
        // Tabs only where they choose something: two seasons or more.
        ...(seasons.length > 1
          ? {
              seasons: [
                { label: 'All', href: href({ sort }), current: season === undefined },
                ...seasons.map((s) => ({
                  label: `Season ${s.season}`,
                  href: href({ sort, season: s.season }),
                  current: s.season === season?.season,
                  episodes: s.episodes,
                })),
              ],
            }
          : {}),
        ...(years.length > 1
          ? {
              years: years.map((y) => ({
                label: String(y),
                href: href({ sort, ...inSeason, year: y }),
                current: y === query.year && query.after === undefined,
              })),
            }
          : {}),
        ...(categories.length > 0
          ? { categories: categories.map((c) => ({ name: c.name, href: categoryHref(c.slug) })) }
          : {}),
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
