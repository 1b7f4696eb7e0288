// The Nextcloud gpoddersync paths (Basic on every call, no devices, no cookie).
import type { FastifyInstance } from 'fastify';
import { body, type GpodderKit, sendJson, since } from './kit.ts';

export function registerNextcloudRoutes(app: FastifyInstance, kit: GpodderKit): void {
  const { sync, authenticate } = kit;
  const nc = '/index.php/apps/gpoddersync';
  app.get(`${nc}/subscriptions`, async (req, reply) => {
    const user = await authenticate(req, reply, undefined, false);
    return sendJson(reply, await sync.pullSubscriptions(user.id, undefined, since(req, false)));
  });
  app.post(`${nc}/subscription_change/create`, async (req, reply) => {
    const user = await authenticate(req, reply, undefined, false);
    const { timestamp } = await sync.uploadSubscriptions(user.id, undefined, body(req));
    return sendJson(reply, { timestamp });
  });
  app.get(`${nc}/episode_action`, async (req, reply) => {
    const user = await authenticate(req, reply, undefined, false);
    return sendJson(reply, await sync.downloadActions(user.id, { since: since(req, false) }));
  });
  app.post(`${nc}/episode_action/create`, async (req, reply) => {
    const user = await authenticate(req, reply, undefined, false);
    const { timestamp, rejected } = await sync.uploadActions(user.id, body(req));
    return sendJson(reply, { timestamp, ...(rejected === undefined ? {} : { rejected }) });
  });
}
