// The public directory (toplist, search, suggestions, client config) and the extras nobody among our clients
// needs (favorites, tags): defined, empty answers.
import type { FastifyInstance } from 'fastify';
import { SyncError } from '../../sync/errors.ts';
import { type Format, renderPodcasts, splitFormat } from './formats.ts';
import { type GpodderKit, param, queryParam, sendJson, sendRendered } from './kit.ts';

export function registerDirectoryRoutes(app: FastifyInstance, kit: GpodderKit): void {
  const { sync, authenticate, baseUrl } = kit;
  const count = (text: string, fallback: number) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1)
      throw new SyncError('bad-request', 'the count must be a positive integer');
    return Math.min(n, 100) || fallback;
  };
  app.get('/toplist/:file', async (req, reply) => {
    const { name, format } = splitFormat(param(req, 'file'));
    const r = renderPodcasts(
      await sync.toplist(count(name, 50)),
      format,
      queryParam(req, 'jsonp'),
      baseUrl(req),
    );
    return sendRendered(reply, r);
  });
  for (const format of ['json', 'jsonp', 'txt', 'opml'] as const satisfies readonly Format[]) {
    app.get(`/search.${format}`, async (req, reply) => {
      const q = (queryParam(req, 'q') ?? '').trim();
      const list = q === '' ? [] : await sync.search(q.slice(0, 200));
      const r = renderPodcasts(list, format, queryParam(req, 'jsonp'), baseUrl(req));
      return sendRendered(reply, r);
    });
  }
  app.get('/suggestions/:file', async (req, reply) => {
    const { name, format } = splitFormat(param(req, 'file'));
    const user = await authenticate(req, reply, undefined, true);
    const r = renderPodcasts(
      await sync.suggestions(user.id, count(name, 10)),
      format,
      queryParam(req, 'jsonp'),
      baseUrl(req),
    );
    return sendRendered(reply, r);
  });
  app.get('/clientconfig.json', async (req, reply) =>
    sendJson(reply, {
      mygpo: { baseurl: `${baseUrl(req)}/` },
      'mygpo-feedservice': { baseurl: `${baseUrl(req)}/` },
      update_timeout: 604800,
    }),
  );

  app.get('/api/2/favorites/:file', async (req, reply) => {
    await authenticate(req, reply, splitFormat(param(req, 'file')).name, true);
    return sendJson(reply, []);
  });
  app.get('/api/2/tags/:file', async (_req, reply) => sendJson(reply, []));
  app.get('/api/2/tag/:tag/:file', async (_req, reply) => sendJson(reply, []));
}
