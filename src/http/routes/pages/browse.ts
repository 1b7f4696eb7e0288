// The catalogue pages (issue 15): /shows (every show by popularity or A–Z), /categories and /categories/:slug (the
// Apple category tree), /new (the newest episodes of every show). Each list is keyset-paged through the store; what
// an audience may not see (a listener's private feed) is never listed nor counted.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { APPLE_CATEGORIES, categoryBySlug, MAX_SLUG } from '../../../domain/categories.ts';
import {
  formatPopularCursor,
  type PopularBrowse,
  type PopularCursor,
  parsePopularCursor,
} from '../../../services/browse.ts';
import type { CategoryCount } from '../../../store/browse-ports.ts';
import {
  type BrowseOrder,
  browsePage,
  type CategoryLink,
  categoriesPage,
  categoryPage,
  newEpisodesPage,
} from '../../../views/browse.ts';
import type { ShowCard } from '../../../views/models.ts';
import { contextOf } from '../../context.ts';
import { badRequest, notFound } from '../../errors.ts';
import { showCard } from '../../present.ts';
import type { WebApp } from '../../server.ts';
import { audienceOf } from '../../visibility.ts';
import { rowsForEpisodes } from './rows.ts';

/** Shows per page of a list: a few rows of cards. */
const SHOWS_PAGE = 30;
/** Episodes per page of /new. */
const EPISODES_PAGE = 30;
/** Cards in a category's Popular rail. */
const POPULAR_RAIL = 8;

const cursor = z.string().min(1).max(400, 'after is too long');

const browseQuery = z.object({
  order: z.enum(['popular', 'az'], { message: 'order must be "popular" or "az"' }).optional(),
  after: cursor.optional(),
  from: z
    .string()
    .regex(/^[a-z]$/i, 'from must be one letter')
    .optional(),
});

const listQuery = z.object({ after: cursor.optional() });

export const categoryHref = (slug: string): string => `/categories/${encodeURIComponent(slug)}`;

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');

/** `path?k=v&…` with the parameters that have a value, in the order given. */
export function withParams(path: string, params: Record<string, string | undefined>): string {
  const q = Object.entries(params)
    .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
  return q ? `${path}?${q}` : path;
}

/** The top-level categories of the tree with their visible shows, then their sub-categories with shows. */
function categoryTree(counts: readonly CategoryCount[]) {
  const bySlug = new Map(counts.map((c) => [c.slug, c]));
  const link = (slug: string, name: string): CategoryLink | undefined => {
    const c = bySlug.get(slug);
    return c && c.shows > 0 ? { name, href: categoryHref(slug), shows: c.shows } : undefined;
  };
  const known = new Set<string>();
  const tree = APPLE_CATEGORIES.flatMap((top) => {
    known.add(top.slug);
    for (const s of top.subcategories) known.add(s.slug);
    const entry = link(top.slug, top.name);
    if (!entry) return [];
    const subcategories = top.subcategories.flatMap((s) => link(s.slug, s.name) ?? []);
    return [{ ...entry, subcategories }];
  });
  const other = counts
    .filter((c) => !known.has(c.slug) && c.shows > 0)
    .sort((a, b) => b.shows - a.shows || a.name.localeCompare(b.name))
    .map((c) => ({ name: c.name, href: categoryHref(c.slug), shows: c.shows }));
  return { tree, other };
}

export function registerBrowsePages(app: FastifyInstance, web: WebApp, popular: PopularBrowse): void {
  const { deps } = web;
  const { store } = deps;

  app.get('/shows', async (req, reply) => {
    const cached = web.fromCache(req, reply);
    if (cached) return cached;
    const query = browseQuery.parse(req.query);
    const order: BrowseOrder = query.order ?? 'popular';
    const audience = audienceOf(req);
    const orderHref = (o: BrowseOrder) => withParams('/shows', { order: o === 'popular' ? undefined : o });
    let cards: ShowCard[];
    let next: string | undefined;
    if (order === 'az') {
      const page = await store.browse.showsByTitle({
        audience,
        limit: SHOWS_PAGE,
        ...(query.after ? { after: query.after } : {}),
        ...(query.from ? { from: query.from } : {}),
      });
      cards = page.items.map(showCard);
      next = page.next && withParams('/shows', { order: 'az', after: page.next });
    } else {
      const after = query.after === undefined ? undefined : popularCursor(query.after);
      const page = await popular.page(
        { audience, limit: SHOWS_PAGE, ...(after ? { after } : {}) },
        web.now(),
      );
      cards = page.items.map(showCard);
      next = page.next && withParams('/shows', { after: formatPopularCursor(page.next) });
    }
    const paged = query.after !== undefined || query.from !== undefined;
    const { tree } = categoryTree(await store.browse.categoryCounts(audience));
    return web.sendPage(
      reply,
      browsePage(web.pageContext(req), {
        order,
        orderHref,
        letters:
          order === 'az'
            ? LETTERS.map((l) => ({
                label: l,
                href: withParams('/shows', { order: 'az', from: l.toLowerCase() }),
                current: query.from?.toUpperCase() === l && query.after === undefined,
              }))
            : [],
        list: {
          cards,
          total: await store.browse.countShows({ audience }),
          ...(next ? { nextHref: next } : {}),
          ...(paged ? { firstHref: orderHref(order) } : {}),
        },
        categories: tree.map(({ subcategories: _, ...top }) => top),
      }),
      200,
      { cache: true },
    );
  });

  app.get('/categories', async (req, reply) => {
    const cached = web.fromCache(req, reply);
    if (cached) return cached;
    const model = categoryTree(await store.browse.categoryCounts(audienceOf(req)));
    return web.sendPage(reply, categoriesPage(web.pageContext(req), model), 200, { cache: true });
  });

  app.get<{ Params: { slug: string } }>('/categories/:slug', async (req, reply) => {
    const cached = web.fromCache(req, reply);
    if (cached) return cached;
    const slug = req.params.slug;
    if (slug.length === 0 || slug.length > MAX_SLUG) throw notFound('No such category.');
    const query = listQuery.parse(req.query);
    const audience = audienceOf(req);
    const total = await store.browse.countShows({ audience, category: slug });
    const known = categoryBySlug(slug);
    // A category the tree does not know exists only while a show the visitor may see is listed under it.
    const name = known?.category.name ?? (total > 0 ? await store.browse.categoryName(slug) : undefined);
    if (name === undefined) throw notFound('No such category.');
    const page = await store.browse.showsByTitle({
      audience,
      limit: SHOWS_PAGE,
      category: slug,
      ...(query.after ? { after: query.after } : {}),
    });
    const counts = known?.category.subcategories.length
      ? new Map((await store.browse.categoryCounts(audience)).map((c) => [c.slug, c.shows]))
      : undefined;
    const subcategories = (known?.category.subcategories ?? []).flatMap((s) => {
      const shows = counts?.get(s.slug) ?? 0;
      return shows > 0 ? [{ name: s.name, href: categoryHref(s.slug), shows }] : [];
    });
    const pop = query.after
      ? []
      : (await popular.page({ audience, limit: POPULAR_RAIL, category: slug }, web.now())).items;
    const base = categoryHref(slug);
    return web.sendPage(
      reply,
      categoryPage(web.pageContext(req), {
        name,
        ...(known?.parent
          ? { parent: { name: known.parent.name, href: categoryHref(known.parent.slug) } }
          : {}),
        subcategories,
        popular: pop.map(showCard),
        list: {
          cards: page.items.map(showCard),
          total,
          ...(page.next ? { nextHref: withParams(base, { after: page.next }) } : {}),
          ...(query.after ? { firstHref: base } : {}),
        },
        pageUrl: `${web.baseUrl(req)}${base}`,
      }),
      200,
      { cache: true },
    );
  });

  app.get('/new', async (req, reply) => {
    const cached = web.fromCache(req, reply);
    if (cached) return cached;
    const query = listQuery.parse(req.query);
    const page = await store.browse.newEpisodes({
      audience: audienceOf(req),
      limit: EPISODES_PAGE,
      now: web.now(),
      ...(query.after ? { after: query.after } : {}),
    });
    const viewerId = contextOf(req).viewer?.id;
    return web.sendPage(
      reply,
      newEpisodesPage(web.pageContext(req), {
        episodes: await rowsForEpisodes(deps, viewerId, page.items, true),
        ...(page.next ? { nextHref: withParams('/new', { after: page.next }) } : {}),
        ...(query.after ? { firstHref: '/new' } : {}),
      }),
      200,
      { cache: true },
    );
  });
}

function popularCursor(text: string): PopularCursor {
  const parsed = parsePopularCursor(text);
  if (parsed === undefined) throw badRequest('Invalid request: after is not a page of this list.');
  return parsed;
}
