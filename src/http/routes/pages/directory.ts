// "Find podcasts" (/directory): a signed-in listener searches the configured podcast directories and follows a result
// in one click, the way an OPML import follows a feed (quota, private to its followers until an admin publishes it);
// an admin may add a result to the public catalogue. A directory that fails is named on the page beside the other's
// results; none configured, the page says so.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { MAX_TERMS_LENGTH } from '../../../directory/index.ts';
import type { DirectorySource } from '../../../domain/directory.ts';
import { normalizeFeedUrl } from '../../../domain/feed-url.ts';
import {
  addToPublicCatalogue,
  type FoundPodcast,
  markInCatalogue,
  type PublicCatalogue,
} from '../../../services/find-podcasts.ts';
import { type DirectoryPageModel, type DirectoryRow, directoryPage } from '../../../views/directory.ts';
import { checkCsrf, contextOf, requireAdmin, requireUser } from '../../context.ts';
import { HttpError } from '../../errors.ts';
import { showHref } from '../../present.ts';
import type { WebApp } from '../../server.ts';
import { audienceOf } from '../../visibility.ts';

const SOURCE_NAMES: Record<DirectorySource, string> = {
  'podcast-index': 'Podcast Index',
  apple: 'Apple Podcasts',
};

const pageQuery = z.object({
  q: z
    .string()
    .max(MAX_TERMS_LENGTH, `the search text is too long (${MAX_TERMS_LENGTH} characters at most)`)
    .optional(),
  done: z.enum(['followed', 'added', 'published', 'already-public']).optional().catch(undefined),
});

const resultForm = z.object({
  url: z.string().min(1, 'the feed URL is missing').max(4000, 'the feed URL is too long'),
  q: z.string().max(MAX_TERMS_LENGTH).optional().catch(undefined),
});

const NOTICES = {
  followed: 'You follow it now. Its episodes appear in your library as soon as its feed has been fetched.',
  added: 'Added to the public catalogue; its feed is fetched in a moment.',
  published: 'It was followed privately here; it is in the public catalogue now.',
  'already-public': 'It is in the public catalogue already.',
} as const;

function backTo(q: string | undefined, done: keyof typeof NOTICES): string {
  const terms = (q ?? '').trim();
  return `/directory?${terms === '' ? '' : `q=${encodeURIComponent(terms)}&`}done=${done}`;
}

function row(found: FoundPodcast): DirectoryRow {
  const { result, mark } = found;
  return {
    title: result.title,
    feedUrl: result.feedUrl,
    ...(result.author === undefined ? {} : { author: result.author }),
    ...(result.artworkUrl === undefined ? {} : { artworkUrl: result.artworkUrl }),
    ...(result.description === undefined ? {} : { description: result.description }),
    categories: result.categories,
    ...(result.episodeCount === undefined ? {} : { episodeCount: result.episodeCount }),
    sources: result.sources.map((s) => SOURCE_NAMES[s]),
    ...(mark === undefined
      ? {}
      : {
          mark: {
            label: mark.kind === 'following' ? 'Following' : 'In the catalogue',
            // Followed but not fetched yet: its episodes will be in the library.
            ...(mark.showId !== undefined
              ? { href: showHref(mark.showId) }
              : mark.kind === 'following'
                ? { href: '/library' }
                : {}),
          },
        }),
  };
}

export function registerDirectoryPage(app: FastifyInstance, web: WebApp): void {
  const { deps } = web;

  app.get('/directory', async (req, reply) => {
    const viewer = contextOf(req).viewer;
    const { q: raw, done } = pageQuery.parse(req.query);
    const query = (raw ?? '').trim();
    const directory = deps.directory;
    const sourceNames = (directory?.sources ?? []).map((s) => SOURCE_NAMES[s]);
    const model: DirectoryPageModel = {
      query,
      state:
        viewer === undefined
          ? 'signed-out'
          : directory === undefined || directory.sources.length === 0
            ? 'off'
            : 'ready',
      sourceNames,
      problems: [],
      results: [],
      canAddPublic: viewer?.isAdmin === true,
      ...(done === undefined ? {} : { notice: NOTICES[done] }),
      ...(viewer?.isAdmin === true
        ? {
            adminHint:
              'To turn it on, set EARSHOT_PODCASTINDEX_KEY and EARSHOT_PODCASTINDEX_SECRET, or EARSHOT_APPLE_SEARCH=on.',
          }
        : {}),
    };
    if (model.state !== 'ready' || directory === undefined || query === '') {
      return web.sendPage(reply, directoryPage(web.pageContext(req), model));
    }
    const found = await directory.search(query);
    const marked = await markInCatalogue(deps.store, deps.listeners?.library, found.results, audienceOf(req));
    return web.sendPage(
      reply,
      directoryPage(web.pageContext(req), {
        ...model,
        results: marked.map(row),
        problems: found.problems.map(
          (p) =>
            `${SOURCE_NAMES[p.source]}: ${p.message}${found.results.length > 0 ? '; these results are from the other directory' : ''}.`,
        ),
      }),
    );
  });

  app.post('/directory/follow', async (req, reply) => {
    const user = requireUser(req);
    checkCsrf(req);
    const form = resultForm.parse(req.body);
    // The one feed-URL rule; what it refuses is a FeedUrlError, answered 400 with its message.
    const url = normalizeFeedUrl(form.url);
    const followUrls = deps.sync?.followUrls;
    if (followUrls === undefined)
      throw new HttpError('not-found', 'Following feeds is not enabled on this server.');
    await followUrls.call(deps.sync, user.id, [url]);
    return reply.redirect(backTo(form.q, 'followed'), 303);
  });

  app.post('/directory/add', async (req, reply) => {
    requireAdmin(req);
    checkCsrf(req);
    const form = resultForm.parse(req.body);
    const url = normalizeFeedUrl(form.url);
    const feeds: PublicCatalogue = deps.feeds ?? {
      addFeed: async (feedUrl, visibility) => {
        const { feed, created } = await deps.store.feeds.add(feedUrl, web.now(), {
          ...(visibility === undefined ? {} : { visibility }),
        });
        return { feedId: feed.id, created };
      },
    };
    const { change } = await addToPublicCatalogue(deps.store, feeds, url);
    // A page rendered while the show was private must not hide it now, nor the reverse.
    if (change === 'published') web.forgetPages();
    return reply.redirect(backTo(form.q, change), 303);
  });
}
