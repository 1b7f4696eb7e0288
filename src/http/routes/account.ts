// Sign up, sign in/out, change password. Sessions are random tokens in an HttpOnly, SameSite=Lax cookie (Secure on
// https); only a hash is stored. Sign-in failures are rate-limited per address and per name.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { StoreError } from '../../store/errors.ts';
import type { ListenerStore } from '../../store/listener-ports.ts';
import { type AccountModel, accountPage, authPage } from '../../views/pages.ts';
import { checkCsrf, contextOf, requireUser, SESSION_COOKIE, SESSION_TTL_SECONDS } from '../context.ts';
import { serializeCookie } from '../cookies.ts';
import { HttpError } from '../errors.ts';
import { parseId } from '../ids.ts';
import { RateLimiter } from '../rate-limit.ts';
import type { WebApp } from '../server.ts';

export const SIGNUP_SETTING = 'signup-open';

const nameSchema = z
  .string()
  .trim()
  .min(1, 'Choose a user name.')
  .max(64, 'User names are at most 64 characters.')
  .regex(/^[\p{L}\p{N}_.@-]+$/u, 'User names may use letters, digits and . _ - @ only.');
const newPassword = z
  .string()
  .min(8, 'Passwords need at least 8 characters.')
  .max(200, 'That password is too long.');

const credentials = z.object({
  name: nameSchema,
  password: z.string().min(1).max(200),
  next: z.string().max(500).optional(),
});
const signup = z.object({ name: nameSchema, password: newPassword, next: z.string().max(500).optional() });
const passwordChange = z.object({ current: z.string().min(1).max(200), password: newPassword });

/** Only same-site paths: never `//host` or a scheme. */
export function safeNext(next: string | undefined): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next;
}

export async function signupOpen(listeners: ListenerStore): Promise<boolean> {
  if ((await listeners.users.count()) === 0) return true;
  return (await listeners.settings.get(SIGNUP_SETTING)) !== 'false';
}

function needListeners(web: WebApp): ListenerStore {
  if (!web.deps.listeners) throw new HttpError('not-found', 'Accounts are not enabled on this server.');
  return web.deps.listeners;
}

function friendly(error: unknown): string | undefined {
  if (error instanceof z.ZodError) return error.issues.map((i) => i.message).join(' ');
  return undefined;
}

export function registerAccountRoutes(app: FastifyInstance, web: WebApp): void {
  const limiter = new RateLimiter(5, 10 * 60_000);

  const startSession = async (listeners: ListenerStore, reply: FastifyReply, userId: number) => {
    const token = await listeners.sessions.create(userId, web.now(), SESSION_TTL_SECONDS);
    reply.header(
      'set-cookie',
      serializeCookie(SESSION_COOKIE, token, { secure: web.secure, maxAgeSeconds: SESSION_TTL_SECONDS }),
    );
  };

  const nextOf = (req: FastifyRequest): string | undefined => {
    const q = req.query;
    const raw = q && typeof q === 'object' && 'next' in q && typeof q.next === 'string' ? q.next : undefined;
    return raw ? safeNext(raw) : undefined;
  };

  app.get('/signin', async (req, reply) => {
    const listeners = needListeners(web);
    if (contextOf(req).viewer) return reply.redirect(nextOf(req) ?? '/', 303);
    const next = nextOf(req);
    return web.sendPage(
      reply,
      authPage(web.pageContext(req), {
        mode: 'signin',
        signupOpen: await signupOpen(listeners),
        ...(next ? { next } : {}),
      }),
    );
  });

  app.post('/signin', async (req, reply) => {
    const listeners = needListeners(web);
    checkCsrf(req);
    const open = await signupOpen(listeners);
    const parsed = credentials.safeParse(req.body);
    if (!parsed.success) {
      return web.sendPage(
        reply,
        authPage(web.pageContext(req), {
          mode: 'signin',
          signupOpen: open,
          error: 'Enter your user name and password.',
        }),
        400,
      );
    }
    const { name, password, next } = parsed.data;
    const nowMs = web.now().getTime();
    const keys = [`ip:${req.ip}`, `name:${name.toLowerCase()}`];
    const wait = Math.max(...keys.map((k) => limiter.blocked(k, nowMs) ?? 0));
    if (wait > 0) {
      throw new HttpError(
        'rate-limited',
        `Too many failed sign-ins. Try again in ${Math.ceil(wait / 60)} minutes.`,
        { 'retry-after': String(wait) },
      );
    }
    const user = await listeners.users.verifyPassword(name, password);
    if (!user) {
      for (const k of keys) limiter.fail(k, nowMs);
      return web.sendPage(
        reply,
        authPage(web.pageContext(req), {
          mode: 'signin',
          signupOpen: open,
          error: 'Wrong user name or password.',
          name,
          ...(next ? { next: safeNext(next) } : {}),
        }),
        401,
      );
    }
    limiter.reset(`name:${name.toLowerCase()}`);
    await startSession(listeners, reply, user.id);
    return reply.redirect(safeNext(next), 303);
  });

  app.get('/signup', async (req, reply) => {
    const listeners = needListeners(web);
    if (!(await signupOpen(listeners)))
      throw new HttpError(
        'forbidden',
        'Sign-up is closed on this server. Ask its administrator for an account.',
      );
    const next = nextOf(req);
    return web.sendPage(
      reply,
      authPage(web.pageContext(req), { mode: 'signup', signupOpen: true, ...(next ? { next } : {}) }),
    );
  });

  app.post('/signup', async (req, reply) => {
    const listeners = needListeners(web);
    checkCsrf(req);
    if (!(await signupOpen(listeners)))
      throw new HttpError(
        'forbidden',
        'Sign-up is closed on this server. Ask its administrator for an account.',
      );
    const parsed = signup.safeParse(req.body);
    const body = req.body && typeof req.body === 'object' ? req.body : {};
    const name = 'name' in body && typeof body.name === 'string' ? body.name : '';
    if (!parsed.success) {
      return web.sendPage(
        reply,
        authPage(web.pageContext(req), {
          mode: 'signup',
          signupOpen: true,
          name,
          error: friendly(parsed.error) ?? 'Check the form.',
        }),
        400,
      );
    }
    try {
      const user = await listeners.users.create(
        { name: parsed.data.name, password: parsed.data.password },
        web.now(),
      );
      await startSession(listeners, reply, user.id);
      return reply.redirect(safeNext(parsed.data.next), 303);
    } catch (error) {
      if (error instanceof StoreError && error.code === 'conflict') {
        return web.sendPage(
          reply,
          authPage(web.pageContext(req), {
            mode: 'signup',
            signupOpen: true,
            name,
            error: 'That user name is taken.',
          }),
          409,
        );
      }
      throw error;
    }
  });

  app.post('/signout', async (req, reply) => {
    const listeners = needListeners(web);
    checkCsrf(req);
    const token = contextOf(req).sessionToken;
    if (token) await listeners.sessions.delete(token);
    reply.header('set-cookie', serializeCookie(SESSION_COOKIE, '', { secure: web.secure, maxAgeSeconds: 0 }));
    return reply.redirect('/', 303);
  });

  const accountModel = async (userId: number, extra: Partial<AccountModel> = {}): Promise<AccountModel> => {
    const sync = web.deps.sync;
    return {
      opml: typeof sync?.importOpml === 'function' && typeof sync.exportOpml === 'function',
      ...(typeof sync?.listAppPasswords === 'function'
        ? { appPasswords: await sync.listAppPasswords(userId) }
        : {}),
      ...extra,
    };
  };
  const syncOr404 = () => {
    const sync = web.deps.sync;
    if (
      !sync?.createAppPassword ||
      !sync.listAppPasswords ||
      !sync.revokeAppPassword ||
      !sync.importOpml ||
      !sync.exportOpml
    ) {
      throw new HttpError('not-found', 'Phone sync is not enabled on this server.');
    }
    return {
      createAppPassword: sync.createAppPassword.bind(sync),
      revokeAppPassword: sync.revokeAppPassword.bind(sync),
      importOpml: sync.importOpml.bind(sync),
      exportOpml: sync.exportOpml.bind(sync),
    };
  };

  app.get('/account', async (req, reply) => {
    const user = requireUser(req);
    return web.sendPage(reply, accountPage(web.pageContext(req), await accountModel(user.id)));
  });

  app.post('/account/app-passwords', async (req, reply) => {
    const user = requireUser(req);
    checkCsrf(req);
    const { label } = z
      .object({ label: z.string().trim().min(1, 'Give the app password a label.').max(80) })
      .parse(req.body);
    const { appPassword, secret } = await syncOr404().createAppPassword(user.id, label);
    return web.sendPage(
      reply,
      accountPage(
        web.pageContext(req),
        await accountModel(user.id, { newSecret: { label: appPassword.label, secret } }),
      ),
    );
  });

  app.post<{ Params: { id: string } }>('/account/app-passwords/:id/revoke', async (req, reply) => {
    const user = requireUser(req);
    checkCsrf(req);
    const id = parseId(req.params.id, 'app password');
    if (!(await syncOr404().revokeAppPassword(user.id, id)))
      throw new HttpError('not-found', 'No such app password.');
    return reply.redirect('/account', 303);
  });

  app.get('/account/subscriptions.opml', async (req, reply) => {
    const user = requireUser(req);
    const xml = await syncOr404().exportOpml(user.id);
    return reply
      .header('content-type', 'text/x-opml; charset=utf-8')
      .header('content-disposition', 'attachment; filename="earshot-subscriptions.opml"')
      .header('cache-control', 'private, no-store')
      .send(xml);
  });

  app.post('/account/subscriptions', async (req, reply) => {
    const user = requireUser(req);
    checkCsrf(req);
    const { opml } = z
      .object({ opml: z.string().min(1, 'Paste an OPML file.').max(1_500_000) })
      .parse(req.body);
    const r = await syncOr404().importOpml(user.id, opml);
    const message = `Imported: ${r.added} new, ${r.existing} already followed${r.problems.length ? `; ${r.problems.length} entries skipped` : ''}.`;
    return web.sendPage(reply, accountPage(web.pageContext(req), await accountModel(user.id, { message })));
  });

  app.get('/account/password', async (req, reply) => {
    requireUser(req);
    return web.sendPage(reply, authPage(web.pageContext(req), { mode: 'password', signupOpen: false }));
  });

  app.post('/account/password', async (req, reply) => {
    const listeners = needListeners(web);
    const user = requireUser(req);
    checkCsrf(req);
    const parsed = passwordChange.safeParse(req.body);
    if (!parsed.success) {
      return web.sendPage(
        reply,
        authPage(web.pageContext(req), {
          mode: 'password',
          signupOpen: false,
          error: friendly(parsed.error) ?? 'Check the form.',
        }),
        400,
      );
    }
    const ok = await listeners.users.verifyPassword(user.name, parsed.data.current);
    if (!ok || ok.id !== user.id) {
      return web.sendPage(
        reply,
        authPage(web.pageContext(req), {
          mode: 'password',
          signupOpen: false,
          error: 'The current password is wrong.',
        }),
        400,
      );
    }
    await listeners.users.setPassword(user.id, parsed.data.password, web.now());
    const keep = contextOf(req).sessionToken;
    await listeners.sessions.deleteForUser(user.id, keep);
    return reply.redirect('/account', 303);
  });
}
