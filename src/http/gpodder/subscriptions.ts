// gPodder API v2 subscriptions (per device, `since` windows) and the Simple API's whole lists.
import type { FastifyInstance } from 'fastify';
import type { SyncUser } from '../../sync/ports.ts';
import { type Format, type Rendered, renderUrls, splitFormat, urlListBody } from './formats.ts';
import {
  body,
  checkDevice,
  type GpodderKit,
  param,
  queryParam,
  type Req,
  sendEmpty,
  sendJson,
  sendRendered,
  since,
  userFrom,
} from './kit.ts';

export function registerSubscriptionRoutes(app: FastifyInstance, kit: GpodderKit): void {
  const { sync, authenticate } = kit;
  app.get('/api/2/subscriptions/:user/:file', async (req, reply) => {
    const user = await authenticate(req, reply, userFrom(req), true);
    const device = checkDevice(splitFormat(param(req, 'file')).name);
    return sendJson(reply, await sync.pullSubscriptions(user.id, device, since(req, true)));
  });
  app.post('/api/2/subscriptions/:user/:file', async (req, reply) => {
    const user = await authenticate(req, reply, userFrom(req), true);
    const device = checkDevice(splitFormat(param(req, 'file')).name);
    return sendJson(reply, await sync.uploadSubscriptions(user.id, device, body(req)));
  });
  // Nobody among our clients needs it: a defined answer from the subscription diff.
  app.get('/api/2/updates/:user/:file', async (req, reply) => {
    const user = await authenticate(req, reply, userFrom(req), true);
    const device = checkDevice(splitFormat(param(req, 'file')).name);
    const subs = await sync.pullSubscriptions(user.id, device, since(req, true));
    return sendJson(reply, {
      add: subs.add.map((url) => ({ url })),
      remove: subs.remove,
      updates: [],
      timestamp: subs.timestamp,
    });
  });
}

export function registerSimpleApiRoutes(app: FastifyInstance, kit: GpodderKit): void {
  const { sync, authenticate } = kit;
  /** The listener's whole list in the format the file name asks for. */
  const subscriptionList = async (req: Req, user: SyncUser, format: Format): Promise<Rendered> =>
    renderUrls(
      await sync.currentSubscriptions(user.id),
      format,
      queryParam(req, 'jsonp'),
      `${user.name}'s subscriptions`,
    );
  app.get('/subscriptions/:user/:file', async (req, reply) => {
    const user = await authenticate(req, reply, userFrom(req), true);
    const { name, format } = splitFormat(param(req, 'file'));
    checkDevice(name);
    return sendRendered(reply, await subscriptionList(req, user, format));
  });
  app.put('/subscriptions/:user/:file', async (req, reply) => {
    const user = await authenticate(req, reply, userFrom(req), true);
    const { name, format } = splitFormat(param(req, 'file'));
    await sync.replaceSubscriptions(
      user.id,
      checkDevice(name),
      await urlListBody(req.body, req.headers['content-encoding'], format),
    );
    return sendEmpty(reply); // mygpoclient: PUT succeeded iff the body is empty
  });
  app.get('/subscriptions/:file', async (req, reply) => {
    const { name, format } = splitFormat(param(req, 'file'));
    const user = await authenticate(req, reply, name, true);
    return sendRendered(reply, await subscriptionList(req, user, format));
  });
}
