// The JSON API under /api/v1: everything the pages do, for other clients. Same session cookie and CSRF rules as
// the pages (X-CSRF-Token header, or `_csrf` in the body for sendBeacon). Every /me route acts on the caller only.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Episode } from '../../domain/episode.ts';
import type { Show } from '../../domain/show.ts';
import { visibleCollaborators } from '../../services/people.ts';
import { transcriptMoments } from '../../services/search-moments.ts';
import type { Progress } from '../../store/listener-ports.ts';
import { checkCsrf, requireUser } from '../context.ts';
import { badRequest, HttpError, notFound } from '../errors.ts';
import { parseId } from '../ids.ts';
import { episodeHref, momentLink, personHref, playInfo, showHref } from '../present.ts';
import { parseSearchRequest, searchFilters, searchHref } from '../search.ts';
import type { WebApp } from '../server.ts';
import { audienceOf, visibleEpisode, visibleShow } from '../visibility.ts';
import { sourcesOpenApiPaths } from './api-sources.ts';

export interface ShowJson {
  id: number;
  url: string;
  title?: string;
  author?: string;
  description?: string;
  imageUrl?: string;
  link?: string;
  type?: string;
  episodeCount: number;
  latestEpisodeAt?: string;
}

export interface EpisodeJson {
  id: number;
  showId: number;
  url: string;
  title?: string;
  description?: string;
  publishedAt?: string;
  durationSeconds?: number;
  audioUrl?: string;
  audioType?: string;
  season?: number;
  episode?: number;
  imageUrl?: string;
}

export interface ProgressJson {
  episodeId: number;
  positionSeconds: number;
  played: boolean;
  updatedAt: string;
}

/** A lookup's 404 as undefined (skip what is gone or hidden); anything else is still thrown. */
function unlessNotFound(error: unknown): undefined {
  if (error instanceof HttpError && error.code === 'not-found') return undefined;
  throw error;
}

/** Drops undefined values, so absent fields are absent in the JSON. */
function compact<T extends object>(o: { [K in keyof T]-?: T[K] | undefined }): T {
  // Same keys, minus those whose value is undefined: exactly the optional-property contract.
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function showJson(s: Show): ShowJson {
  return compact<ShowJson>({
    id: s.id,
    url: showHref(s.id),
    title: s.title,
    author: s.author,
    description: s.description,
    imageUrl: s.imageUrl,
    link: s.link,
    type: s.type,
    episodeCount: s.episodeCount,
    latestEpisodeAt: s.latestEpisodeAt,
  });
}

export function episodeJson(e: Episode): EpisodeJson {
  return compact<EpisodeJson>({
    id: e.id,
    showId: e.showId,
    url: episodeHref(e.id),
    title: e.title,
    description: e.description,
    publishedAt: e.publishedAt,
    durationSeconds: e.durationSeconds,
    audioUrl: e.enclosure?.url,
    audioType: e.enclosure?.type,
    season: e.season,
    episode: e.episode,
    imageUrl: e.imageUrl,
  });
}

function progressJson(p: Progress): ProgressJson {
  return {
    episodeId: p.episodeId,
    positionSeconds: p.positionSeconds,
    played: p.played,
    updatedAt: p.updatedAt,
  };
}

export const schemas = {
  episodesQuery: z.object({
    sort: z.enum(['newest', 'oldest']).optional(),
    after: z.string().min(1).max(400).optional(),
    limit: z.coerce.number().int().min(1).max(200).optional(),
  }),
  searchQuery: z.object({
    q: z.string().trim().min(1, 'q is required').max(200),
    page: z.coerce.number().int().min(1).max(1000).optional(),
    limit: z.coerce.number().int().min(1).max(100).optional(),
  }),
  progressBody: z.object({
    positionSeconds: z
      .number()
      .min(0)
      .max(7 * 86400),
    listenedSeconds: z.number().min(0).max(120).optional(),
    _csrf: z.string().optional(),
  }),
  beaconBody: z.object({
    episodeId: z.number().int().positive(),
    positionSeconds: z
      .number()
      .min(0)
      .max(7 * 86400),
    listenedSeconds: z.number().min(0).max(120).optional(),
    /** The player's verdict (src/domain/listening.ts): true, listened to the end; false, went back from it. */
    ended: z.boolean().optional(),
    _csrf: z.string().optional(),
  }),
  advanceBody: z.object({ from: z.number().int().positive().optional(), _csrf: z.string().optional() }),
  queueBody: z.object({ next: z.boolean().optional(), _csrf: z.string().optional() }).optional(),
  moveBody: z.object({ to: z.number().int().min(0), _csrf: z.string().optional() }),
};

export function registerApiRoutes(app: FastifyInstance, web: WebApp): void {
  const { deps } = web;
  const { store } = deps;
  const actions = () => {
    if (!web.actions) throw new HttpError('not-found', 'Accounts are not enabled on this server.');
    return web.actions;
  };
  const lib = () => actions().library;
  const episodeOr404 = async (req: FastifyRequest, raw: string) =>
    (await visibleEpisode(store, parseId(raw, 'episode'), audienceOf(req))).episode;
  const mutate = (req: FastifyRequest) => {
    const user = requireUser(req);
    checkCsrf(req);
    return user;
  };

  app.get('/api/v1/openapi.json', async () => openApiDocument());

  app.get('/api/v1/shows', async (req) => {
    const q = z
      .object({
        limit: z.coerce.number().int().min(1).max(100).optional(),
        offset: z.coerce.number().int().min(0).optional(),
      })
      .parse(req.query);
    const page = await store.shows.list({
      limit: q.limit ?? 50,
      offset: q.offset ?? 0,
      audience: audienceOf(req),
    });
    return { items: page.items.map(showJson), total: page.total };
  });

  app.get<{ Params: { id: string } }>('/api/v1/shows/:id', async (req) => {
    const show = await visibleShow(store, parseId(req.params.id, 'show'), audienceOf(req));
    const credits = await store.people.forShow(show.id);
    return {
      ...showJson(show),
      people: credits.map((c) => ({ id: c.person.id, name: c.person.name, role: c.role })),
    };
  });

  app.get<{ Params: { id: string } }>('/api/v1/shows/:id/episodes', async (req) => {
    const id = parseId(req.params.id, 'show');
    const q = schemas.episodesQuery.parse(req.query);
    const show = await visibleShow(store, id, audienceOf(req));
    const page = await store.episodes.listForShow(id, {
      order: q.sort ?? (show.type === 'serial' ? 'oldest' : 'newest'),
      limit: q.limit ?? 50,
      ...(q.after ? { cursor: q.after } : {}),
    });
    if (q.after && page.items.length === 0) throw notFound('There are no more episodes.');
    return {
      items: page.items.map(episodeJson),
      total: show.episodeCount,
      ...(page.next ? { next: page.next } : {}),
    };
  });

  app.get<{ Params: { id: string } }>('/api/v1/episodes/:id', async (req) => {
    const ep = await episodeOr404(req, req.params.id);
    return { ...episodeJson(ep), ...(ep.contentHtml ? { notesHtml: ep.contentHtml } : {}) };
  });

  app.get('/api/v1/search', async (req) => {
    const { q, page = 1, limit = 20 } = schemas.searchQuery.parse(req.query);
    const empty = {
      shows: [],
      episodes: [],
      people: [],
      sources: [],
      page,
      total: { episodes: 0, exact: true },
    };
    if (!deps.search) return empty;
    // The page's filters (show, person, from/to or year), read as leniently: a bad value is ignored.
    const asked = parseSearchRequest(req.query);
    const filters = searchFilters(asked);
    const audience = audienceOf(req);
    // Cited works whose reference line holds the words (the first page), looked up beside the search: they need only
    // the words.
    const [r, sources] = await Promise.all([
      deps.search.search(q, { limit, page, audience, filters }),
      page > 1 ? [] : deps.store.sources.search(q, { limit: 5, audience }),
    ]);
    // `next` / `prev`: the same search's neighbouring pages, as relative URLs (ranking: docs/search.md).
    const href = (p: number): string =>
      `/api/v1${searchHref({ ...asked, query: q, page: p })}${limit === 20 ? '' : `&limit=${limit}`}`;
    const moments = await transcriptMoments(
      deps.mediaText,
      q,
      r.episodes.map((e) => e.episode),
    );
    return {
      shows: r.shows.map(showJson),
      // A transcript hit also says where its words are said (`moment.url` starts the player there).
      episodes: r.episodes.map((e) => {
        const moment = moments.get(e.episode.id);
        if (moment === undefined) return episodeJson(e.episode);
        const link = momentLink(episodeHref(e.episode.id), moment);
        return {
          ...episodeJson(e.episode),
          moment: {
            seconds: link.atSeconds,
            url: link.href,
            text: link.text,
            ...(link.speaker ? { speaker: link.speaker } : {}),
          },
        };
      }),
      people: r.people.map((p) => ({ id: p.id, name: p.name, url: `/people/${p.id}` })),
      // Each cited work with how widely it is cited.
      sources: sources.map((h) => ({
        id: h.source.id,
        url: `/sources/${h.source.id}`,
        citation: h.source.citation,
        citedBy: { episodes: h.episodes, shows: h.shows },
      })),
      page: r.page,
      total: { episodes: r.episodeTotal.count, exact: r.episodeTotal.exact },
      ...(r.hasMore ? { next: href(page + 1) } : {}),
      ...(page > 1 ? { prev: href(page - 1) } : {}),
    };
  });

  app.get('/api/v1/me', async (req) => {
    const user = requireUser(req);
    return { id: user.id, name: user.name, isAdmin: user.isAdmin };
  });

  app.get('/api/v1/me/follows', async (req) => {
    const user = requireUser(req);
    return { items: (await actions().followedShows(user.id)).map(showJson) };
  });
  app.put<{ Params: { id: string } }>('/api/v1/me/follows/:id', async (req, reply) => {
    const user = mutate(req);
    // Following needs the show to be visible first: an id is not a way into someone's private feed.
    const show = await visibleShow(store, parseId(req.params.id, 'show'), audienceOf(req));
    await actions().follow(user.id, show.id, true, web.now());
    return reply.code(204).send();
  });
  app.delete<{ Params: { id: string } }>('/api/v1/me/follows/:id', async (req, reply) => {
    const user = mutate(req);
    const show = await visibleShow(store, parseId(req.params.id, 'show'), audienceOf(req));
    await actions().follow(user.id, show.id, false, web.now());
    return reply.code(204).send();
  });

  app.get<{ Params: { id: string } }>('/api/v1/me/progress/:id', async (req) => {
    const user = requireUser(req);
    const ep = await episodeOr404(req, req.params.id);
    const p = await lib().progress(user.id, ep.id);
    return p ? progressJson(p) : { episodeId: ep.id, positionSeconds: 0, played: false };
  });
  app.put<{ Params: { id: string } }>('/api/v1/me/progress/:id', async (req) => {
    const user = mutate(req);
    const ep = await episodeOr404(req, req.params.id);
    const body = schemas.progressBody.parse(req.body);
    return progressJson(
      await actions().savePosition(
        user.id,
        ep.id,
        body.positionSeconds,
        web.now(),
        body.listenedSeconds ?? 0,
      ),
    );
  });
  // The player's save: also reachable by navigator.sendBeacon (text/plain JSON with _csrf inside).
  app.post('/api/v1/me/progress', async (req, reply) => {
    const user = mutate(req);
    const body = schemas.beaconBody.parse(req.body);
    const { episode: ep } = await visibleEpisode(store, body.episodeId, audienceOf(req));
    const now = web.now();
    // Went back from the end: unplayed first (which rewinds to 0), then the position it went back to.
    if (body.ended === false) await actions().setPlayed(user.id, ep.id, false, now);
    let p = await actions().savePosition(
      user.id,
      ep.id,
      body.positionSeconds,
      now,
      body.listenedSeconds ?? 0,
    );
    if (body.ended === true) p = await actions().setPlayed(user.id, ep.id, true, now);
    return reply.code(200).send(progressJson(p));
  });

  app.put<{ Params: { id: string } }>('/api/v1/me/played/:id', async (req) => {
    const user = mutate(req);
    const ep = await episodeOr404(req, req.params.id);
    return progressJson(await actions().setPlayed(user.id, ep.id, true, web.now()));
  });
  app.delete<{ Params: { id: string } }>('/api/v1/me/played/:id', async (req) => {
    const user = mutate(req);
    const ep = await episodeOr404(req, req.params.id);
    return progressJson(await actions().setPlayed(user.id, ep.id, false, web.now()));
  });

  app.get('/api/v1/me/queue', async (req) => {
    const user = requireUser(req);
    const entries = await lib().queue(user.id);
    const items = [];
    for (const q of entries) {
      const ep = await store.episodes.get(q.episodeId);
      if (ep) items.push(episodeJson(ep));
    }
    return { items };
  });
  app.put<{ Params: { id: string } }>('/api/v1/me/queue/:id', async (req, reply) => {
    const user = mutate(req);
    const ep = await episodeOr404(req, req.params.id);
    const body = schemas.queueBody.parse(req.body ?? undefined);
    await lib().enqueue(user.id, ep.id, web.now(), body?.next ? { next: true } : {});
    return reply.code(204).send();
  });
  app.delete<{ Params: { id: string } }>('/api/v1/me/queue/:id', async (req, reply) => {
    const user = mutate(req);
    // One's own queue entry can always be removed, even when its show stopped being visible.
    const id = parseId(req.params.id, 'episode');
    const queued = (await lib().queue(user.id)).some((q) => q.episodeId === id);
    if (!queued) await episodeOr404(req, req.params.id);
    await lib().dequeue(user.id, id);
    return reply.code(204).send();
  });
  // The player's "play on": takes `from` (the episode that ended or was skipped) out of the queue and answers what
  // to play next, the first queued episode this listener may still see, as the player's track.
  app.post('/api/v1/me/queue/advance', async (req) => {
    const user = mutate(req);
    const body = schemas.advanceBody.parse(req.body ?? {});
    if (body.from !== undefined) await lib().dequeue(user.id, body.from);
    for (const q of await lib().queue(user.id)) {
      const found = await visibleEpisode(store, q.episodeId, audienceOf(req)).catch(unlessNotFound);
      const play = found && playInfo(found.episode, found.show, await lib().progress(user.id, q.episodeId));
      if (play) return { next: play };
    }
    return {};
  });
  app.post<{ Params: { id: string } }>('/api/v1/me/queue/:id/move', async (req, reply) => {
    const user = mutate(req);
    const body = schemas.moveBody.parse(req.body);
    await lib().moveInQueue(user.id, parseId(req.params.id, 'episode'), body.to);
    return reply.code(204).send();
  });

  app.get<{ Params: { id: string } }>('/api/v1/people/:id', async (req) => {
    // A name merged into another person answers as that person (`id` says which).
    const person = await store.people.resolve(parseId(req.params.id, 'person'));
    if (!person) throw notFound('No such person.');
    const audience = audienceOf(req);
    const credits = await store.people.credits(person.id, { episodeLimit: 100, audience });
    // Someone credited only in shows this caller may not see is not shown either.
    if (credits.shows.length === 0 && credits.episodes.length === 0) throw notFound('No such person.');
    // Named as the caller may see the person (a private show's spelling stays private).
    const [shown, ...others] = await store.people.names(person.id, { audience });
    if (!shown) throw notFound('No such person.');
    const collaborators = await store.people.collaborators(person.id, { audience, limit: 12 });
    return {
      id: person.id,
      name: shown.name,
      url: personHref(person.id),
      ...(shown.href ? { href: shown.href } : {}),
      ...(shown.img ? { img: shown.img } : {}),
      alsoKnownAs: others.map((n) => n.name),
      shows: credits.shows.map((c) => ({
        showId: c.showId,
        title: c.title,
        role: c.role,
        url: showHref(c.showId),
      })),
      episodes: credits.episodes.map((c) => ({
        episodeId: c.episodeId,
        showId: c.showId,
        title: c.title,
        publishedAt: c.publishedAt,
        role: c.role,
        url: episodeHref(c.episodeId),
      })),
      collaborators: (await visibleCollaborators(store, collaborators, audience)).map((c) => ({
        id: c.person.id,
        name: c.person.name,
        url: personHref(c.person.id),
        episodes: c.episodes,
        shows: c.shows,
      })),
    };
  });

  const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).optional() });
  app.get('/api/v1/me/in-progress', async (req) => {
    const user = requireUser(req);
    return {
      items: (await lib().inProgress(user.id, listQuery.parse(req.query).limit ?? 50)).map(progressJson),
    };
  });
  app.get('/api/v1/me/played', async (req) => {
    const user = requireUser(req);
    return { items: (await lib().played(user.id, listQuery.parse(req.query).limit ?? 50)).map(progressJson) };
  });

  app.get('/api/v1/me/history', async (req) => {
    const user = requireUser(req);
    const q = z.object({ limit: z.coerce.number().int().min(1).max(200).optional() }).parse(req.query);
    return { items: (await lib().history(user.id, q.limit ?? 50)).map(progressJson) };
  });

  app.all('/api/v1', async () => {
    throw badRequest('See /api/v1/openapi.json for the routes.');
  });
}

function jsonSchema(schema: z.ZodType): unknown {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
}

/** The OpenAPI 3.1 document. Request schemas come from the same zod schemas the handlers validate with. */
export function openApiDocument(): unknown {
  const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
  const json = (schema: z.ZodType) => ({
    required: true,
    content: { 'application/json': { schema: jsonSchema(schema) } },
  });
  const ok = { '200': { description: 'OK' } };
  const noContent = { '204': { description: 'Done' } };
  const mine = { security: [{ session: [] }] };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Earshot API',
      version: '1',
      description:
        'Everything the pages do. /me routes act on the signed-in caller only; state-changing requests need the X-CSRF-Token header (the earshot_csrf cookie value).',
    },
    components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'earshot_session' } } },
    paths: {
      ...sourcesOpenApiPaths(),
      '/api/v1/shows': { get: { summary: 'Shows by title', responses: ok } },
      '/api/v1/shows/{id}': {
        get: {
          summary: 'One show with its people',
          parameters: [id],
          responses: { ...ok, '404': { description: 'No such show' } },
        },
      },
      '/api/v1/shows/{id}/episodes': {
        get: {
          summary: 'A page of episodes (keyset paged: pass `next` as `after`)',
          parameters: [
            id,
            { name: 'sort', in: 'query', schema: { enum: ['newest', 'oldest'] } },
            { name: 'after', in: 'query', schema: { type: 'string' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200 } },
          ],
          responses: ok,
        },
      },
      '/api/v1/episodes/{id}': { get: { summary: 'One episode', parameters: [id], responses: ok } },
      '/api/v1/search': {
        get: {
          summary:
            'Shows, episodes and people, ranked (titles first, then relevance, recency); episodes paged: follow `next` / `prev`; `total.episodes` is exact when `total.exact`; an episode found in its transcript carries `moment` (`seconds`, `url` starting the player there, `text`, `speaker`); `sources`: cited works whose reference line holds the words (first page)',
          parameters: [
            { name: 'q', in: 'query', required: true, schema: { type: 'string', maxLength: 200 } },
            { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } },
            { name: 'show', in: 'query', schema: { type: 'integer', minimum: 1 } },
            { name: 'person', in: 'query', schema: { type: 'integer', minimum: 1 } },
            { name: 'from', in: 'query', schema: { type: 'string', format: 'date' } },
            { name: 'to', in: 'query', schema: { type: 'string', format: 'date' } },
            { name: 'year', in: 'query', schema: { type: 'integer', minimum: 1900, maximum: 2100 } },
          ],
          responses: ok,
        },
      },
      '/api/v1/me': { get: { ...mine, summary: 'The caller', responses: ok } },
      '/api/v1/me/follows': { get: { ...mine, summary: 'Followed shows', responses: ok } },
      '/api/v1/me/follows/{id}': {
        put: { ...mine, summary: 'Follow a show', parameters: [id], responses: noContent },
        delete: { ...mine, summary: 'Unfollow', parameters: [id], responses: noContent },
      },
      '/api/v1/me/progress': {
        post: {
          ...mine,
          summary: 'Save the player position (sendBeacon-friendly)',
          requestBody: json(schemas.beaconBody),
          responses: ok,
        },
      },
      '/api/v1/me/queue/advance': {
        post: {
          ...mine,
          summary: 'Take an episode out of the queue and get what plays next',
          requestBody: json(schemas.advanceBody),
          responses: ok,
        },
      },
      '/api/v1/me/progress/{id}': {
        get: { ...mine, summary: 'Position and played state', parameters: [id], responses: ok },
        put: {
          ...mine,
          summary: 'Save a position',
          parameters: [id],
          requestBody: json(schemas.progressBody),
          responses: ok,
        },
      },
      '/api/v1/me/played/{id}': {
        put: { ...mine, summary: 'Mark as played', parameters: [id], responses: ok },
        delete: { ...mine, summary: 'Mark as unplayed', parameters: [id], responses: ok },
      },
      '/api/v1/me/queue': { get: { ...mine, summary: 'The queue, in order', responses: ok } },
      '/api/v1/me/queue/{id}': {
        put: {
          ...mine,
          summary: 'Add to the queue (next: true to play next)',
          parameters: [id],
          responses: noContent,
        },
        delete: { ...mine, summary: 'Remove from the queue', parameters: [id], responses: noContent },
      },
      '/api/v1/me/queue/{id}/move': {
        post: {
          ...mine,
          summary: 'Move within the queue',
          parameters: [id],
          requestBody: json(schemas.moveBody),
          responses: noContent,
        },
      },
      '/api/v1/me/history': { get: { ...mine, summary: 'Listening history, newest first', responses: ok } },
      '/api/v1/me/in-progress': {
        get: { ...mine, summary: 'Started, not finished, most recent first', responses: ok },
      },
      '/api/v1/me/played': { get: { ...mine, summary: 'Played episodes, most recent first', responses: ok } },
      '/api/v1/people/{id}': {
        get: {
          summary:
            'A person (a merged name answers as the person it belongs to): other names, roles by show, episodes (guest and other roles), co-hosts and frequent collaborators with counts',
          parameters: [id],
          responses: ok,
        },
      },
    },
  };
}
