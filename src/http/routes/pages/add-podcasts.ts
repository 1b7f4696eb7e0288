// "Add podcasts" (signed-in listeners): follow a podcast by its feed URL (services/follow-by-url.ts: the quota,
// fetched through the one outbound door, private to its followers), or import an OPML file, uploaded (multipart,
// within the server's body limit) or pasted, with the result of each entry (SyncService.importOpmlEntries: new
// feeds are queued for the crawler, so 200 entries never hold the request).
import { STATUS_CODES } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Feed } from '../../../domain/feed.ts';
import { QuotaError } from '../../../services/listener-quota.ts';
import { type AddPodcastsModel, addPodcastsPage, type RecentFeed } from '../../../views/add-podcasts.ts';
import { checkCsrf, requireUser } from '../../context.ts';
import { HttpError } from '../../errors.ts';
import { isUploadedFile } from '../../multipart.ts';
import { showHref, showTitle } from '../../present.ts';
import type { WebApp } from '../../server.ts';

/** The largest OPML file read, in bytes (the pasted text has the same bound). */
export const MAX_OPML_BYTES = 1_500_000;
const MAX_URL = 2048;
/** "Recently added" lists the feeds a listener brought in over this many days, at most RECENT_LIMIT of them. */
const RECENT_DAYS = 14;
const RECENT_LIMIT = 100;

/** A feed's state as its listener reads it: waiting, fetched, or what its last fetch found. */
function fetchState(feed: Feed): { state: string; failed: boolean } {
  if (feed.lastErrorCode !== undefined && (feed.lastSuccessAt === undefined || feed.errorStreak > 0)) {
    const status = feed.httpStatus;
    if (feed.lastErrorCode === 'http-status' && status !== undefined)
      return { state: `${status} ${STATUS_CODES[status] ?? 'error'}`, failed: true };
    const said = feed.lastErrorMessage ?? feed.lastErrorCode;
    return { state: `${said.slice(0, 1).toUpperCase()}${said.slice(1)}`, failed: true };
  }
  if (feed.lastSuccessAt !== undefined) return { state: 'Fetched', failed: false };
  return { state: 'Waiting to be fetched', failed: false };
}

const urlForm = z.object({
  url: z.string().trim().min(1, 'Type the feed’s address.').max(MAX_URL, `The address is too long.`),
});

export function registerAddPodcastPages(app: FastifyInstance, web: WebApp): void {
  const { deps } = web;
  const importer = () => {
    const sync = deps.sync;
    return sync?.importOpmlEntries === undefined ? undefined : sync.importOpmlEntries.bind(sync);
  };
  const base = (): AddPodcastsModel => ({
    followUrl: deps.followUrl !== undefined,
    opml: importer() !== undefined,
  });
  const page = async (req: FastifyRequest, reply: FastifyReply, model: AddPodcastsModel, status = 200) => {
    const user = requireUser(req);
    const recent = await recentlyAdded(user.id);
    return web.sendPage(
      reply,
      addPodcastsPage(web.pageContext(req), { ...model, ...(recent.length ? { recent } : {}) }),
      status,
    );
  };

  /** What became of the feeds this listener brought in during the last RECENT_DAYS (a queued import's fetches). */
  async function recentlyAdded(userId: number): Promise<RecentFeed[]> {
    const since = new Date(web.now().getTime() - RECENT_DAYS * 86_400_000);
    const feeds = await deps.store.feeds.addedBy(userId, { since, limit: RECENT_LIMIT });
    const rows: RecentFeed[] = [];
    for (const feed of feeds) {
      const show = feed.lastSuccessAt === undefined ? undefined : await deps.store.shows.getByFeed(feed.id);
      rows.push({
        title: show ? showTitle(show) : feed.url,
        url: feed.url,
        ...(show ? { href: showHref(show.id) } : {}),
        ...fetchState(feed),
      });
    }
    return rows;
  }

  app.get('/library/add', async (req, reply) => {
    requireUser(req);
    return page(req, reply, base());
  });

  app.post('/library/add/url', async (req, reply) => {
    const user = requireUser(req);
    checkCsrf(req);
    const follow = deps.followUrl;
    if (follow === undefined)
      throw new HttpError('not-found', 'Following by URL is not enabled on this server.');
    const form = urlForm.safeParse(req.body);
    if (!form.success)
      return page(
        req,
        reply,
        { ...base(), error: form.error.issues[0]?.message ?? 'Check the address.' },
        400,
      );
    const { url } = form.data;
    try {
      const answer = await follow(user.id, url);
      if (answer.kind === 'refused')
        return page(req, reply, { ...base(), url, error: `Not followed: ${answer.message}.` }, 422);
      const name = answer.title ?? 'the podcast';
      const link =
        answer.showId === undefined ? {} : { href: showHref(answer.showId), linkText: `Open ${name}` };
      const text =
        answer.kind === 'already-followed'
          ? `You already follow ${name}.`
          : `You now follow ${name}.${answer.added ? ' It is new to this server: only its followers see it.' : ''}`;
      return page(req, reply, { ...base(), message: { text, ...link } });
    } catch (error) {
      if (!(error instanceof QuotaError)) throw error;
      return page(
        req,
        reply,
        { ...base(), url, error: error.message },
        error.code === 'forbidden' ? 403 : 429,
      );
    }
  });

  app.post('/library/add/opml', async (req, reply) => {
    const user = requireUser(req);
    checkCsrf(req);
    const run = importer();
    if (run === undefined) throw new HttpError('not-found', 'OPML import is not enabled on this server.');
    const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {}; // a parsed form
    const file = isUploadedFile(body.file) && body.file.data.length > 0 ? body.file.data : undefined;
    const text = typeof body.opml === 'string' && body.opml.trim() !== '' ? body.opml : undefined;
    const input = file ?? text;
    if (input === undefined)
      return page(req, reply, { ...base(), error: 'Choose an OPML file or paste one.' }, 400);
    if ((typeof input === 'string' ? Buffer.byteLength(input) : input.length) > MAX_OPML_BYTES)
      return page(
        req,
        reply,
        { ...base(), error: 'This file is too large: an OPML file may be 1.5 MB at most.' },
        413,
      );
    try {
      const imported = await run(user.id, input);
      return page(req, reply, { ...base(), imported });
    } catch (error) {
      // A file that is not OPML, or lists too many podcasts: one message, on this page.
      if (error instanceof Error && 'code' in error && error.code === 'bad-request')
        return page(req, reply, { ...base(), error: `This file cannot be imported: ${error.message}.` }, 400);
      throw error;
    }
  });
}
