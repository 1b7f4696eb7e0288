// gPodder API v2 devices, their synchronisation groups (Kasts' sync-devices) and settings.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { SyncError } from '../../sync/errors.ts';
import { splitFormat } from './formats.ts';
import {
  body,
  checkDevice,
  type GpodderKit,
  param,
  queryParam,
  type Req,
  sendEmpty,
  sendJson,
  userFrom,
} from './kit.ts';

export function registerDeviceRoutes(app: FastifyInstance, kit: GpodderKit): void {
  const { sync, authenticate } = kit;
  app.get('/api/2/devices/:file', async (req, reply) => {
    const { name } = splitFormat(param(req, 'file'));
    const user = await authenticate(req, reply, name, true);
    return sendJson(reply, await sync.listDevices(user.id));
  });
  const updateDevice = async (req: Req, reply: FastifyReply) => {
    const user = await authenticate(req, reply, userFrom(req), true);
    const device = checkDevice(splitFormat(param(req, 'file')).name);
    await sync.updateDevice(user.id, device, body(req));
    return sendEmpty(reply); // mygpoclient counts only an empty body as success
  };
  app.post('/api/2/devices/:user/:file', updateDevice);
  app.put('/api/2/devices/:user/:file', updateDevice);

  // ── sync-devices (Kasts) ──
  app.get('/api/2/sync-devices/:file', async (req, reply) => {
    const user = await authenticate(req, reply, splitFormat(param(req, 'file')).name, true);
    return sendJson(reply, await sync.syncDevices(user.id));
  });
  app.post('/api/2/sync-devices/:file', async (req, reply) => {
    const user = await authenticate(req, reply, splitFormat(param(req, 'file')).name, true);
    return sendJson(reply, await sync.updateSyncDevices(user.id, body(req)));
  });
}

export function registerSettingsRoutes(app: FastifyInstance, kit: GpodderKit): void {
  const { sync, authenticate } = kit;
  const settingsScope = async (req: Req, reply: FastifyReply) => {
    const user = await authenticate(req, reply, userFrom(req), true);
    const scope = splitFormat(param(req, 'file')).name;
    const podcast = queryParam(req, 'podcast');
    const episode = queryParam(req, 'episode');
    const device = queryParam(req, 'device');
    switch (scope) {
      case 'account':
        return { user, scope, key: '' } as const;
      case 'device':
        if (device === undefined) throw new SyncError('bad-request', 'device settings need ?device=');
        return { user, scope, key: checkDevice(device) } as const;
      case 'podcast':
        if (podcast === undefined) throw new SyncError('bad-request', 'podcast settings need ?podcast=');
        return { user, scope, key: podcast } as const;
      case 'episode':
        if (podcast === undefined || episode === undefined)
          throw new SyncError('bad-request', 'episode settings need ?podcast=&episode=');
        return { user, scope, key: `${podcast}\u0000${episode}` } as const;
      default:
        throw new SyncError('not-found', `unknown settings scope ${JSON.stringify(scope)}`);
    }
  };
  app.get('/api/2/settings/:user/:file', async (req, reply) => {
    const s = await settingsScope(req, reply);
    return sendJson(reply, await sync.getSettings(s.user.id, s.scope, s.key));
  });
  app.post('/api/2/settings/:user/:file', async (req, reply) => {
    const s = await settingsScope(req, reply);
    return sendJson(reply, await sync.updateSettings(s.user.id, s.scope, s.key, body(req)));
  });
}
