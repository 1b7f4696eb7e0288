// Sign up, sign in/out, change password. Sessions are random tokens in an HttpOnly, SameSite=Lax cookie (Secure and
// `__Host-` on https); only a hash is stored. Failed sign-ins are limited per (address, name) and slow a name down
// from every address (src/services/sign-in-guard.ts); a password change ends every other session.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { checkNewUserName, couldBeUserName } from '../../domain/user-name.ts';
import { createAccount, setPassword, verifyPassword } from '../../services/passwords.ts';
import { SignInGuard, SignInThrottled, WEB_SIGN_IN } from '../../services/sign-in-guard.ts';
import { StoreError } from '../../store/errors.ts';
import type { ListenerStore } from '../../store/listener-ports.ts';
import { type AccountModel, accountPage, authPage } from '../../views/pages.ts';
import {
  checkCsrf,
  contextOf,
  cookieNames,
  csrfTokenFor,
  requireUser,
  SESSION_TTL_SECONDS,
} from '../context.ts';
import { serializeCookie } from '../cookies.ts';
import { HttpError } from '../errors.ts';
import { parseId } from '../ids.ts';
import type { WebApp } from '../server.ts';

export const SIGNUP_SETTING = 'signup-open';

/** A new account's name: the one rule (src/domain/user-name.ts), answered in its own words. */
const newName = z.string().transform((raw, ctx) => {
  const check = checkNewUserName(raw);
  if (!check.ok) {
    ctx.addIssue({ code: 'custom', message: check.message });
    return z.NEVER;
  }
  return check.name;
});
/** A name to sign in with: any existing account's, including names made before the rule. */
const existingName = z.string().trim().refine(couldBeUserName, 'Enter your user name.');
const newPassword = z
  .string()
  .min(8, 'Passwords need at least 8 characters.')
  .max(200, 'That password is too long.');

const credentials = z.object({
  name: existingName,
  password: z.string().min(1).max(200),
  next: z.string().max(500).optional(),
});
const signup = z.object({ name: newName, password: newPassword, next: z.string().max(500).optional() });
const passwordChange = z.object({ current: z.string().min(1).max(200), password: newPassword });

/**
 * Where to go after signing in: only a path on this site. `next` is resolved the way a browser resolves a Location
 * (WHATWG URL: tabs and newlines dropped, `\\` read as `/`) against the site's origin; anything that lands on another
 * origin, or that cannot be parsed, gives `/`. The answer is the URL's own serialisation (percent-encoded, so never
 * a control character) with the origin cut off, and never starts with `//`.
 */
export function safeNext(next: string | undefined, origin = 'http://earshot.invalid'): string {
  if (next === undefined || next === '') return '/';
  let base: URL;
  let url: URL;
  try {
    base = new URL(origin);
    url = new URL(next, base);
  } catch {
    return '/';
  }
  if (url.origin !== base.origin || url.username !== '' || url.password !== '') return '/';
  const path = `${url.pathname.replace(/^\/{2,}/, '/')}${url.search}${url.hash}`;
  return path.startsWith('/') ? path : '/';
}

export async function signupOpen(listeners: ListenerStore): Promise<boolean> {
  if ((await listeners.users.count()) === 0) return true;
  return (await listeners.settings.get(SIGNUP_SETTING)) !== 'false';
}

/** The failure counters, or none when accounts are off (nothing to sign in to then). */
function listenersOrNone(web: WebApp): ListenerStore['signInFailures'] {
  const none: ListenerStore['signInFailures'] = {
    counts: async () => new Map(),
    fail: async () => {},
    clear: async () => {},
  };
  return web.deps.listeners?.signInFailures ?? none;
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
  const maxDelayMs = web.deps.config.signInMaxDelayMs;
  const guard = new SignInGuard(listenersOrNone(web), 'web', WEB_SIGN_IN, {
    now: web.now,
    ...(maxDelayMs === undefined ? {} : { maxDelayMs }),
  });

  const startSession = async (listeners: ListenerStore, reply: FastifyReply, userId: number) => {
    const token = await listeners.sessions.create(userId, web.now(), SESSION_TTL_SECONDS);
    const names = cookieNames(web.secure);
    reply.header(
      'set-cookie',
      serializeCookie(names.session, token, { secure: web.secure, maxAgeSeconds: SESSION_TTL_SECONDS }),
    );
    // The new session's CSRF token replaces the anonymous one at once.
    reply.header('set-cookie', serializeCookie(names.csrf, csrfTokenFor(token), { secure: web.secure }));
  };

  const safe = (req: FastifyRequest, next: string | undefined) => safeNext(next, web.baseUrl(req));
  const nextOf = (req: FastifyRequest): string | undefined => {
    const q = req.query;
    const raw = q && typeof q === 'object' && 'next' in q && typeof q.next === 'string' ? q.next : undefined;
    return raw ? safe(req, raw) : undefined;
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
    let user: Awaited<ReturnType<typeof verifyPassword>>;
    try {
      user = await guard.attempt(req.ip, name, () => verifyPassword(listeners.users, name, password));
    } catch (error) {
      if (!(error instanceof SignInThrottled)) throw error;
      throw new HttpError(
        'rate-limited',
        `Too many failed sign-ins for this name from your address. Try again in ${Math.ceil(error.retryAfterSeconds / 60)} minutes.`,
        { 'retry-after': String(error.retryAfterSeconds) },
      );
    }
    if (!user) {
      return web.sendPage(
        reply,
        authPage(web.pageContext(req), {
          mode: 'signin',
          signupOpen: open,
          error: 'Wrong user name or password.',
          name,
          ...(next ? { next: safe(req, next) } : {}),
        }),
        401,
      );
    }
    await startSession(listeners, reply, user.id);
    return reply.redirect(safe(req, next), 303);
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
      const user = await createAccount(
        listeners.users,
        { name: parsed.data.name, password: parsed.data.password },
        web.now(),
      );
      await startSession(listeners, reply, user.id);
      return reply.redirect(safe(req, parsed.data.next), 303);
    } catch (error) {
      if (error instanceof StoreError && error.code === 'conflict') {
        return web.sendPage(
          reply,
          authPage(web.pageContext(req), {
            mode: 'signup',
            signupOpen: true,
            name,
            error: error.message,
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
    reply.header(
      'set-cookie',
      serializeCookie(cookieNames(web.secure).session, '', { secure: web.secure, maxAgeSeconds: 0 }),
    );
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
    const q = req.query;
    const changed = q && typeof q === 'object' && 'password-changed' in q;
    const message =
      'Your password is changed. Every other browser and app was signed out and your app passwords were revoked: sign your apps in again.';
    return web.sendPage(
      reply,
      accountPage(web.pageContext(req), await accountModel(user.id, changed ? { message } : {})),
    );
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
    const ok = await guard
      .attempt(req.ip, user.name, () => verifyPassword(listeners.users, user.name, parsed.data.current))
      .catch((error: unknown) => {
        if (error instanceof SignInThrottled)
          throw new HttpError('rate-limited', 'Too many wrong passwords. Try again later.', {
            'retry-after': String(error.retryAfterSeconds),
          });
        throw error;
      });
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
    // Every other session ends at once, web and sync alike, and app passwords are revoked (a password change is
    // what a listener does when someone else may know it); this browser stays signed in.
    const keep = contextOf(req).sessionToken;
    await setPassword(
      listeners.users,
      user.id,
      parsed.data.password,
      web.now(),
      keep ? { keepSession: keep } : {},
    );
    return reply.redirect('/account?password-changed=1', 303);
  });
}
