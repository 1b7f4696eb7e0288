// gPodder API v2 episode actions: download (filtered, optionally aggregated) and upload.
import type { FastifyInstance } from 'fastify';
import { splitFormat } from './formats.ts';
import { body, checkDevice, type GpodderKit, param, queryParam, sendJson, since } from './kit.ts';

export function registerEpisodeActionRoutes(app: FastifyInstance, kit: GpodderKit): void {
  const { sync, authenticate } = kit;
  app.get('/api/2/episodes/:file', async (req, reply) => {
    const { name } = splitFormat(param(req, 'file'));
    const user = await authenticate(req, reply, name, true);
    const podcast = queryParam(req, 'podcast');
    const device = queryParam(req, 'device');
    const aggregated = queryParam(req, 'aggregated');
    return sendJson(
      reply,
      await sync.downloadActions(user.id, {
        since: since(req, false),
        ...(podcast === undefined || podcast === '' ? {} : { podcast }),
        ...(device === undefined || device === '' ? {} : { device: checkDevice(device) }),
        aggregated: aggregated !== undefined && /^(1|true|yes)$/i.test(aggregated),
      }),
    );
  });
  app.post('/api/2/episodes/:file', async (req, reply) => {
    const { name } = splitFormat(param(req, 'file'));
    const user = await authenticate(req, reply, name, true);
    return sendJson(reply, await sync.uploadActions(user.id, body(req)));
  });
}
