// Feed health for the administrator: every feed's last fetch, status, error streak, parser problems, next check;
// add a feed by URL; import OPML; open or close sign-up.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { withoutCredentials } from '../../domain/feed.ts';
import { normalizeFeedUrl } from '../../domain/feed-url.ts';
import type { FeedHealthRow } from '../../views/models.ts';
import { adminFeedsPage } from '../../views/pages.ts';
import { checkCsrf, requireAdmin } from '../context.ts';
import { badRequest } from '../errors.ts';
import { showHref } from '../present.ts';
import type { WebApp } from '../server.ts';
import { SIGNUP_SETTING, signupOpen } from './account.ts';

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
  msg: z.enum(['added', 'exists', 'imported', 'signup', 'public', 'private']).optional(),
  n: z.coerce.number().int().min(0).optional(),
});

const MESSAGES = {
  added: 'Feed added; it will be fetched shortly.',
  exists: 'That feed was already here.',
  imported: 'OPML imported.',
  signup: 'Sign-up setting saved.',
  public: 'The feed is public now: everyone can find it.',
  private: 'The feed is private now: only its followers and admins see it.',
} as const;

export function registerAdminRoutes(app: FastifyInstance, web: WebApp): void {
  const { deps } = web;

  app.get('/admin/feeds', async (req, reply) => {
    requireAdmin(req);
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
    }));
    const open = deps.listeners ? await signupOpen(deps.listeners) : false;
    const message = q.msg
      ? `${MESSAGES[q.msg]}${q.msg === 'imported' && q.n !== undefined ? ` ${q.n} new feeds.` : ''}`
      : undefined;
    return web.sendPage(
      reply,
      adminFeedsPage(web.pageContext(req), { feeds, signupOpen: open, ...(message ? { message } : {}) }),
    );
  });

  app.post('/admin/feeds', async (req, reply) => {
    requireAdmin(req);
    checkCsrf(req);
    // The one feed-URL rule; what it refuses is a FeedUrlError, answered 400 with its message.
    const url = normalizeFeedUrl(addFeed.parse(req.body).url);
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
}
