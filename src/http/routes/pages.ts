// Public pages and the listener's page actions (follow, played, queue).
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Episode } from '../../domain/episode.ts';
import { withoutCredentials } from '../../domain/feed.ts';
import { PopularShows, ShowLoader } from '../../services/library-service.ts';
import type { Chapter, EpisodeRow, EpisodeSort, TranscriptModel } from '../../views/models.ts';
import {
  episodePage,
  homePage,
  libraryPage,
  personPage,
  searchPage,
  showPage,
  transcriptPanel,
} from '../../views/pages.ts';
import { NotesCache } from '../../views/show-notes.ts';
import { checkCsrf, contextOf, requireUser } from '../context.ts';
import { badRequest, HttpError, notFound } from '../errors.ts';
import { parseId } from '../ids.ts';
import {
  episodeHref,
  episodeRow,
  hosts,
  personHref,
  playInfo,
  showCard,
  showHeader,
  showHref,
  showTitle,
} from '../present.ts';
import type { WebApp } from '../server.ts';
import { audienceOf, visibleEpisode, visibleShow } from '../visibility.ts';
import { rowsForEpisodes, rowsForProgress } from './pages/rows.ts';

/** Episodes per show page: enough to browse, small enough that a page costs little to query, render and send. */
const PAGE_SIZE = 30;
/** A page render waits at most this long for a transcript or chapters file from a podcast host. */
const WAIT_MS = 1500;

const showQuery = z.object({
  sort: z.enum(['newest', 'oldest'], { message: 'sort must be "newest" or "oldest"' }).optional(),
  after: z.string().min(1).max(400, 'after is too long').optional(),
});

const episodeQuery = z.object({
  t: z.coerce
    .number({ message: 't must be a number of seconds' })
    .int('t must be whole seconds')
    .min(0, 't cannot be negative')
    .max(7 * 86400, 't is too large')
    .optional(),
});

const searchQuery = z.object({
  q: z.string().max(200, 'the search text is too long (200 characters at most)').optional(),
});

function backTo(reply: FastifyReply, to: string): FastifyReply {
  return reply.redirect(to, 303);
}

export function registerPageRoutes(app: FastifyInstance, web: WebApp): void {
  const { deps } = web;
  const { store } = deps;
  const notes = new NotesCache();
  const popular = new PopularShows(deps);
  web.onForgetPages(() => popular.invalidate());

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

  app.get<{ Params: { id: string } }>('/shows/:id', async (req, reply) => {
    const cached = web.fromCache(req, reply);
    if (cached) return cached;
    const ctx = contextOf(req);
    const id = parseId(req.params.id, 'show');
    const query = showQuery.parse(req.query);
    const show = await visibleShow(store, id, audienceOf(req));
    const defaultSort: EpisodeSort = show.type === 'serial' ? 'oldest' : 'newest';
    const sort = query.sort ?? defaultSort;
    const page = await store.episodes.listForShow(id, {
      withContent: false,
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
        popular: pop.slice(0, 6).map(showCard),
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

  const chaptersOf = async (ep: Episode): Promise<Chapter[]> => {
    if (!deps.mediaText) return [];
    const r = await deps.mediaText.chaptersFor(ep, { waitMs: WAIT_MS });
    if (r.state !== 'ok') return [];
    return r.chapters
      .filter((c) => !c.hidden)
      .map((c, i) => ({
        startSeconds: c.start,
        title: c.title ?? `Chapter ${i + 1}`,
        ...(c.image ? { imageUrl: c.image } : {}),
        ...(c.url ? { url: c.url } : {}),
      }));
  };

  const transcriptOf = async (
    ep: Episode,
    language: string | undefined,
    waitMs?: number,
  ): Promise<TranscriptModel | undefined> => {
    if (!deps.mediaText) return undefined;
    const r = await deps.mediaText.transcriptFor(ep, {
      ...(language ? { language } : {}),
      ...(waitMs !== undefined ? { waitMs } : {}),
    });
    switch (r.state) {
      case 'none':
        return undefined;
      case 'ok':
        return { url: r.url, type: r.type, cues: r.cues, timed: r.timed };
      case 'pending':
        return { url: r.url, type: r.type, pending: true, refreshHref: `${episodeHref(ep.id)}/transcript` };
      case 'unavailable':
        return { url: r.url, type: r.type };
    }
  };

  // The transcript panel alone: what a pending panel asks for again.
  app.get<{ Params: { id: string } }>('/episodes/:id/transcript', async (req, reply) => {
    const { episode: ep, show } = await visibleEpisode(
      store,
      parseId(req.params.id, 'episode'),
      audienceOf(req),
    );
    const t = await transcriptOf(ep, show.language, 10_000);
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(transcriptPanel(t).toString());
  });

  app.get<{ Params: { id: string } }>('/episodes/:id', async (req, reply) => {
    const cached = web.fromCache(req, reply);
    if (cached) return cached;
    const ctx = contextOf(req);
    const id = parseId(req.params.id, 'episode');
    const query = episodeQuery.parse(req.query);
    const { episode: ep, show } = await visibleEpisode(store, id, audienceOf(req));
    const [epCredits, showCredits, chapters, transcript] = await Promise.all([
      store.people.forEpisode(id),
      store.people.forShow(show.id),
      chaptersOf(ep),
      transcriptOf(ep, show.language, WAIT_MS),
    ]);
    const viewerId = ctx.viewer?.id;
    const lib = deps.listeners?.library;
    const progress = viewerId !== undefined && lib ? await lib.progress(viewerId, id) : undefined;
    const inQueue =
      viewerId !== undefined && lib ? (await lib.queue(viewerId)).some((q) => q.episodeId === id) : undefined;
    const play = playInfo(ep, show, progress);
    const image = ep.imageUrl ?? show.imageUrl;
    const shareUrl = `${web.baseUrl(req)}${episodeHref(id)}`;
    const pop = await popular.list(8, web.now());
    return web.sendPage(
      reply,
      episodePage(web.pageContext(req), {
        show: {
          href: showHref(show.id),
          title: showTitle(show),
          ...(show.imageUrl ? { imageUrl: show.imageUrl } : {}),
          ...(show.author ? { author: show.author } : {}),
        },
        episode: {
          id: String(id),
          href: episodeHref(id),
          title: episodeRow(ep, show).title,
          ...(ep.publishedAt ? { publishedAt: ep.publishedAt } : {}),
          ...(ep.durationSeconds !== undefined ? { durationSeconds: ep.durationSeconds } : {}),
          ...(ep.season !== undefined ? { season: ep.season } : {}),
          ...(ep.episode !== undefined ? { episode: ep.episode } : {}),
          ...(ep.episodeType ? { episodeType: ep.episodeType } : {}),
          ...(ep.description ? { description: ep.description } : {}),
          ...(ep.contentHtml
            ? { notesHtml: notes.get(`${id}:${ep.contentHtml.length}:${ep.lastSeenAt}`, ep.contentHtml) }
            : {}),
          ...(image ? { imageUrl: image } : {}),
          ...(ep.link && /^https?:/i.test(ep.link) ? { link: ep.link } : {}),
          ...(ep.enclosure?.url && /^https?:/i.test(ep.enclosure.url)
            ? { enclosureUrl: ep.enclosure.url }
            : {}),
        },
        hosts: hosts(epCredits.length ? epCredits : showCredits, show),
        chapters,
        soundbites: (ep.soundbites ?? []).map((s) => ({
          startSeconds: s.startTime,
          durationSeconds: s.duration,
          ...(s.title ? { title: s.title } : {}),
        })),
        funding: [...(ep.funding ?? []), ...(show.funding ?? [])]
          .filter((f) => /^https?:/i.test(f.url))
          .map((f) => ({ url: f.url, label: f.label?.trim() || 'Support the show' })),
        ...(transcript ? { transcript } : {}),
        ...(play ? { play } : {}),
        ...(progress || (viewerId !== undefined && lib) ? { played: progress?.played ?? false } : {}),
        ...(progress && progress.positionSeconds > 0 ? { progressSeconds: progress.positionSeconds } : {}),
        ...(query.t !== undefined ? { startAt: query.t } : {}),
        ...(inQueue !== undefined ? { inQueue } : {}),
        shareUrl,
        popular: pop.slice(0, 6).map(showCard),
      }),
      200,
      { cache: show.isPublic },
    );
  });

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
        ...(person.img ? { imageUrl: person.img } : {}),
        ...(person.href && /^https?:/i.test(person.href) ? { url: person.href } : {}),
        shows,
        episodes,
      }),
      200,
      { cache: true },
    );
  });

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
      return backTo(reply, back(id));
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
  action('/episodes/:id/dequeue', 'episode', (u, id) => actions().library.dequeue(u, id), episodeHref);
}
