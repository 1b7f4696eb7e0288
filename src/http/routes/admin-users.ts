// The users page for admins: every account, disable/enable, reset a password, make or unmake an admin. The store
// refuses to leave no enabled admin; disabling and resetting end the account's web and sync sessions.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { setPassword } from '../../services/passwords.ts';
import { StoreError } from '../../store/errors.ts';
import type { ListenerStore } from '../../store/listener-ports.ts';
import { type AdminUsersModel, adminUsersPage, type Notice } from '../../views/admin.ts';
import { checkCsrf, requireAdmin } from '../context.ts';
import { badRequest, notFound } from '../errors.ts';
import type { WebApp } from '../server.ts';
import { requireAdminOr404 } from './admin.ts';

const userParams = z.object({ id: z.coerce.number().int().positive() });
const resetForm = z.object({
  password: z
    .string()
    .max(200, 'Passwords can be at most 200 characters.')
    .refine(
      (p) => p === '' || p.length >= 8,
      'Passwords need at least 8 characters (or leave it empty to generate one).',
    )
    .optional(),
});
const listQuery = z.object({ msg: z.enum(['disabled', 'enabled', 'admin', 'unadmin']).optional() });
const MESSAGES = {
  disabled: 'Account disabled: it is signed out everywhere and cannot sign in or sync.',
  enabled: 'Account enabled.',
  admin: 'The account is an admin now.',
  unadmin: 'The account is no longer an admin.',
} as const;

export function registerAdminUserRoutes(app: FastifyInstance, web: WebApp): void {
  const listeners = (): ListenerStore => {
    const found = web.deps.listeners;
    if (found === undefined) throw badRequest('Accounts are not enabled on this server.');
    return found;
  };

  const page = async (
    req: FastifyRequest,
    reply: FastifyReply,
    extra: Omit<AdminUsersModel, 'users'> = {},
    status = 200,
  ) => {
    const me = requireAdmin(req);
    const q = listQuery.parse(req.query);
    const users = (await listeners().users.list()).map((u) => ({
      id: String(u.id),
      name: u.name,
      isAdmin: u.isAdmin,
      createdAt: u.createdAt,
      self: u.id === me.id,
      ...(u.disabledAt === undefined ? {} : { disabledAt: u.disabledAt }),
      ...(u.lastSeenAt === undefined ? {} : { lastSeenAt: u.lastSeenAt }),
    }));
    const notice: Notice | undefined = extra.notice ?? (q.msg ? { text: MESSAGES[q.msg] } : undefined);
    return web.sendPage(
      reply,
      adminUsersPage(web.pageContext(req), { ...extra, users, ...(notice ? { notice } : {}) }),
      status,
    );
  };

  app.get('/admin/users', async (req, reply) => page(req, reply));

  /** The account an action is about, after the admin and CSRF checks. */
  const target = async (req: FastifyRequest) => {
    requireAdminOr404(req);
    checkCsrf(req);
    const { id } = userParams.parse(req.params);
    const user = await listeners().users.get(id);
    if (user === undefined) throw notFound('There is no such account.');
    return user;
  };
  /** The store's "that would leave no admin" is shown on the page, not as an error page. */
  const guarded = async (
    req: FastifyRequest,
    reply: FastifyReply,
    change: () => Promise<unknown>,
    msg: string,
  ) => {
    try {
      await change();
    } catch (error) {
      if (error instanceof StoreError && error.code === 'conflict')
        return page(req, reply, { notice: { text: `Not changed: ${error.message}.`, error: true } }, 409);
      throw error;
    }
    return reply.redirect(`/admin/users?msg=${msg}`, 303);
  };

  for (const [action, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    app.post(`/admin/users/:id/${action}`, async (req, reply) => {
      const user = await target(req);
      return guarded(
        req,
        reply,
        async () => {
          await listeners().users.setDisabled(user.id, disabled, web.now());
          web.deps.sync?.forgetUser?.(user.id);
        },
        disabled ? 'disabled' : 'enabled',
      );
    });
  }

  for (const [action, isAdmin] of [
    ['admin', true],
    ['unadmin', false],
  ] as const) {
    app.post(`/admin/users/:id/${action}`, async (req, reply) => {
      const user = await target(req);
      return guarded(req, reply, () => listeners().users.setAdmin(user.id, isAdmin, web.now()), action);
    });
  }

  app.post('/admin/users/:id/password', async (req, reply) => {
    const user = await target(req);
    const given = resetForm.parse(req.body).password ?? '';
    const password = given === '' ? randomBytes(12).toString('base64url') : given;
    // Ends every session and app password of the account, in the same transaction.
    await setPassword(listeners().users, user.id, password, web.now());
    web.deps.sync?.forgetUser?.(user.id);
    return page(req, reply, {
      notice: { text: `Password of ${user.name} reset; they are signed out everywhere.` },
      ...(given === '' ? { newPassword: { name: user.name, password } } : {}),
    });
  });
}
