// gPodder API v2 sign-in and sign-out (the `sessionid` cookie).
import type { FastifyInstance } from 'fastify';
import { parseBasicAuth } from '../../sync/basic-auth.ts';
import { SyncError } from '../../sync/errors.ts';
import { cookie, type GpodderKit, SESSION_COOKIE, sameName, sendEmpty, userFrom } from './kit.ts';

export function registerAuthRoutes(app: FastifyInstance, kit: GpodderKit): void {
  const { sync } = kit;
  app.post('/api/2/auth/:user/login.json', async (req, reply) => {
    const urlUser = userFrom(req);
    const token = cookie(req, SESSION_COOKIE);
    const existing = token === undefined ? undefined : await sync.sessionUser(token);
    if (existing === undefined || !sameName(existing.name, urlUser)) {
      const credentials = parseBasicAuth(req.headers.authorization);
      const user = credentials === undefined ? undefined : await kit.verify(req, credentials);
      if (user === undefined) throw new SyncError('bad-credentials', 'wrong user name or password');
      if (!sameName(user.name, urlUser))
        throw new SyncError('user-mismatch', `signed in as ${user.name}, not ${urlUser}`);
      kit.setSessionCookie(reply, await sync.startSession(user.id, user.appPasswordId));
    }
    return sendEmpty(reply);
  });
  app.post('/api/2/auth/:user/logout.json', async (req, reply) => {
    const token = cookie(req, SESSION_COOKIE);
    if (token !== undefined) await sync.endSession(token);
    void reply.header('Set-Cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; Max-Age=0`);
    return sendEmpty(reply);
  });
}
