// Feed health for the administrator: every feed's last fetch, status, error streak, parser problems, next check;
// add a feed by URL; import OPML; open or close sign-up.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { withoutCredentials } from '../../domain/feed.ts';
import { normalizeFeedUrl } from '../../domain/feed-url.ts';
import type { AddFeedAnswer } from '../../services/add-feed.ts';
import type { User } from '../../store/listener-ports.ts';
import type { Notice } from '../../views/admin.ts';
import type { FeedHealthRow } from '../../views/models.ts';
import { adminFeedsPage } from '../../views/pages.ts';
import { checkCsrf, requireAdmin, requireUser } from '../context.ts';
import { badRequest, notFound } from '../errors.ts';
import { showHref } from '../present.ts';
import type { WebApp } from '../server.ts';
import { SIGNUP_SETTING, signupOpen } from './account.ts';
import { registerAdminPeopleRoutes } from './admin-people.ts';
import { registerAdminUserRoutes } from './admin-users.ts';

const addFeed = z.object({ url: z.string().min(1, 'Enter a feed URL.') });
const opml = z.object({
  opml: z.string().min(1, 'Paste an OPML file.').max(1_500_000, 'That OPML file is too large.'),
});
const signup = z.object({ open: z.enum(['true', 'false']) });
const visibility = z.object({
  feed: z.coerce.number({ message: 'feed must be a feed id' }).int().positive('feed must be a feed id'),
  visibility: z.enum(['public', 'private'], { message: 'visibility must be "public" or "private"' }),
});
const listQuery = z.object({
  msg: z
    .enum(['added', 'exists', 'imported', 'signup', 'public', 'private', 'paused', 'resumed', 'removed'])
    .optional(),
  n: z.coerce.number().int().min(0).optional(),
});

const MESSAGES = {
  added: 'Feed added; it will be fetched shortly.',
  exists: 'That feed was already here.',
  imported: 'OPML imported.',
  signup: 'Sign-up setting saved.',
  public: 'The feed is public now: everyone can find it.',
  private: 'The feed is private now: only its followers and admins see it.',
  paused: 'Feed paused: the crawler skips it until you resume it.',
  resumed: 'Feed resumed: it will be fetched shortly.',
  removed: 'Feed removed.',
} as const;

export function registerAdminRoutes(app: FastifyInstance, web: WebApp): void {
  const { deps } = web;

  /** The feed health page, with an optional answer on top (`status`: the answer's HTTP status). */
  const feedsPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    answer: { notice?: Notice; status?: number } = {},
  ) => {
    const q = listQuery.parse(req.query);
    const listings = await deps.store.feeds.list({ limit: 1000 });
    const feeds: FeedHealthRow[] = listings.map(({ feed, showId, showTitle, problems }) => ({
      id: String(feed.id),
      // Credentials in a URL are for fetching only: not even the admin's page shows them.
      url: withoutCredentials(feed.url),
      isPublic: feed.isPublic,
      status: feed.status,
      errorStreak: feed.errorStreak,
      problems: problems.map((p) => ({ code: p.code, message: p.message })),
      ...(showTitle ? { title: showTitle } : {}),
      ...(showId !== undefined ? { showHref: showHref(showId) } : {}),
      ...(feed.lastFetchAt ? { lastFetchedAt: feed.lastFetchAt } : {}),
      ...(feed.lastErrorMessage
        ? { lastError: `${feed.lastErrorCode ?? 'error'}: ${feed.lastErrorMessage}` }
        : {}),
      ...(feed.nextCheckAt ? { nextCheckAt: feed.nextCheckAt } : {}),
      ...(feed.pausedAt ? { paused: true } : {}),
    }));
    const open = deps.listeners ? await signupOpen(deps.listeners) : false;
    const message = q.msg
      ? `${MESSAGES[q.msg]}${q.msg === 'imported' && q.n !== undefined ? ` ${q.n} new feeds.` : ''}`
      : undefined;
    return web.sendPage(
      reply,
      adminFeedsPage(web.pageContext(req), {
        feeds,
        signupOpen: open,
        ...(message ? { message } : {}),
        ...(answer.notice ? { notice: answer.notice } : {}),
      }),
      answer.status,
    );
  };

  app.get('/admin/feeds', async (req, reply) => {
    requireAdmin(req);
    return feedsPage(req, reply);
  });

  app.post('/admin/feeds', async (req, reply) => {
    requireAdmin(req);
    checkCsrf(req);
    // The one feed-URL rule; what it refuses is a FeedUrlError, answered 400 with its message.
    const url = normalizeFeedUrl(addFeed.parse(req.body).url);
    if (deps.feeds?.checkAndAdd) {
      const answer = await deps.feeds.checkAndAdd(url);
      return feedsPage(req, reply, addAnswerNotice(answer));
    }
    const created = deps.feeds
      ? (await deps.feeds.addFeed(url)).created
      : (await deps.store.feeds.add(url, web.now())).created;
    return reply.redirect(`/admin/feeds?msg=${created ? 'added' : 'exists'}`, 303);
  });

  // Publishes a listener's feed, or takes a feed out of the public catalogue (issue 12, finding 2).
  app.post('/admin/visibility', async (req, reply) => {
    requireAdmin(req);
    checkCsrf(req);
    const { feed, visibility: to } = visibility.parse(req.body);
    await deps.store.feeds.setVisibility(feed, to);
    // A page rendered while the show was public must not outlive its publication.
    web.forgetPages();
    return reply.redirect(`/admin/feeds?msg=${to}`, 303);
  });

  app.post('/admin/opml', async (req, reply) => {
    requireAdmin(req);
    checkCsrf(req);
    const body = opml.parse(req.body);
    if (!deps.feeds) throw badRequest('OPML import is not available on this server (no crawler attached).');
    const result = await deps.feeds.importOpml(body.opml);
    return reply.redirect(`/admin/feeds?msg=imported&n=${result.added}`, 303);
  });

  app.post('/admin/signup', async (req, reply) => {
    requireAdmin(req);
    checkCsrf(req);
    const { open } = signup.parse(req.body);
    if (!deps.listeners) throw badRequest('Accounts are not enabled on this server.');
    await deps.listeners.settings.set(SIGNUP_SETTING, open, web.now());
    return reply.redirect('/admin/feeds?msg=signup', 303);
  });

  registerFeedActions(app, web, feedsPage);
  registerAdminUserRoutes(app, web);
  registerAdminPeopleRoutes(app, web);
}

/**
 * For actions on one feed or account: anonymous visitors are asked to sign in, and a signed-in listener who is not an
 * admin gets the same 404 as for an unknown id, so these URLs reveal nothing about which ids exist.
 */
export function requireAdminOr404(req: FastifyRequest): User {
  const user = requireUser(req);
  if (!user.isAdmin) throw notFound();
  return user;
}

const feedParams = z.object({ id: z.coerce.number().int().positive() });
const removeForm = z.object({
  confirm: z.literal('remove', { error: 'Tick the box to confirm removing the feed.' }),
});

/** Pause, resume, refresh now, remove: one feed at a time, admins only, every form CSRF-checked. */
function registerFeedActions(
  app: FastifyInstance,
  web: WebApp,
  feedsPage: (
    req: FastifyRequest,
    reply: FastifyReply,
    answer: { notice?: Notice; status?: number },
  ) => Promise<FastifyReply>,
): void {
  const { store, feeds } = web.deps;
  const feedOf = async (req: FastifyRequest) => {
    requireAdminOr404(req);
    checkCsrf(req);
    const { id } = feedParams.parse(req.params);
    const feed = await store.feeds.get(id);
    if (feed === undefined) throw notFound('There is no such feed (it may have been removed).');
    return feed;
  };

  app.post('/admin/feeds/:id/pause', async (req, reply) => {
    const feed = await feedOf(req);
    await store.feeds.setPaused(feed.id, true, web.now());
    return reply.redirect('/admin/feeds?msg=paused', 303);
  });

  app.post('/admin/feeds/:id/resume', async (req, reply) => {
    const feed = await feedOf(req);
    await store.feeds.setPaused(feed.id, false, web.now());
    return reply.redirect('/admin/feeds?msg=resumed', 303);
  });

  app.post('/admin/feeds/:id/remove', async (req, reply) => {
    const feed = await feedOf(req);
    removeForm.parse(req.body);
    await store.feeds.remove(feed.id);
    return reply.redirect('/admin/feeds?msg=removed', 303);
  });

  app.post('/admin/feeds/:id/refresh', async (req, reply) => {
    const feed = await feedOf(req);
    if (!feeds?.refreshNow)
      throw badRequest('Refreshing is not available on this server (no crawler attached).');
    const report = await feeds.refreshNow(feed.id);
    const show = await store.shows.getByFeed(feed.id);
    const link =
      show === undefined ? {} : { link: { href: showHref(show.id), text: show.title ?? 'Open the show' } };
    if (report.status === 'failed')
      return feedsPage(req, reply, {
        notice: {
          text: `Refresh failed: ${report.error?.message ?? report.error?.code ?? 'unknown error'}.`,
          error: true,
          ...link,
        },
      });
    const what =
      report.status === 'updated'
        ? `${report.inserted} new episodes, ${report.updated} updated`
        : report.status === 'not-modified'
          ? 'not modified since the last fetch'
          : report.status;
    return feedsPage(req, reply, { notice: { text: `Refreshed: ${what}.`, ...link } });
  });
}

/** What the add form answers: added (with a link to the show), a duplicate (with a link to it), or why not. */
function addAnswerNotice(answer: AddFeedAnswer): { notice: Notice; status: number } {
  if (answer.kind === 'refused')
    return { notice: { text: `Not added: ${answer.message}.`, error: true }, status: 422 };
  const href = answer.showId === undefined ? '/admin/feeds' : showHref(answer.showId);
  const name = answer.title ?? `feed ${answer.feedId}`;
  if (answer.kind === 'added')
    return { notice: { text: 'Feed added:', link: { href, text: name } }, status: 200 };
  const by = {
    url: 'URL',
    'podcast-guid': 'podcast:guid',
    'self-link': 'self link',
  }[answer.by];
  return {
    notice: {
      text: `Not added: this show is already here (same ${by}):`,
      link: { href, text: name },
      error: true,
    },
    status: 409,
  };
}
