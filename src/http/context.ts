// Per-request context: who is asking (session cookie) and the CSRF token (double-submit cookie).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ListenerStore, User } from '../store/listener-ports.ts';
import { parseCookies, serializeCookie } from './cookies.ts';
import { HttpError } from './errors.ts';

export const SESSION_COOKIE = 'earshot_session';
export const CSRF_COOKIE = 'earshot_csrf';
export const SESSION_TTL_SECONDS = 60 * 60 * 24 * 30;

export interface RequestContext {
  viewer?: User;
  sessionToken?: string;
  csrfToken: string;
}

const contexts = new WeakMap<FastifyRequest, RequestContext>();

export async function resolveContext(
  req: FastifyRequest,
  reply: FastifyReply,
  listeners: ListenerStore | undefined,
  now: Date,
  secure: boolean,
): Promise<RequestContext> {
  const cookies = parseCookies(req.headers.cookie);
  let csrfToken = cookies.get(CSRF_COOKIE);
  if (!csrfToken || !/^[A-Za-z0-9_-]{32,64}$/.test(csrfToken)) {
    csrfToken = randomBytes(24).toString('base64url');
    reply.header('set-cookie', serializeCookie(CSRF_COOKIE, csrfToken, { secure }));
  }
  const ctx: RequestContext = { csrfToken };
  const token = cookies.get(SESSION_COOKIE);
  if (token && listeners) {
    const found = await listeners.sessions.get(token, now);
    if (found) {
      ctx.viewer = found.user;
      ctx.sessionToken = token;
    } else {
      reply.header('set-cookie', serializeCookie(SESSION_COOKIE, '', { secure, maxAgeSeconds: 0 }));
    }
  }
  contexts.set(req, ctx);
  return ctx;
}

export function contextOf(req: FastifyRequest): RequestContext {
  const ctx = contexts.get(req);
  if (!ctx) throw new Error('request context was not resolved (onRequest hook missing)');
  return ctx;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Every state-changing request carries the CSRF token, in the form (`_csrf`), the JSON body or `X-CSRF-Token`. */
export function checkCsrf(req: FastifyRequest): void {
  const ctx = contextOf(req);
  const header = req.headers['x-csrf-token'];
  const body = req.body;
  const fromBody =
    body && typeof body === 'object' && '_csrf' in body && typeof body._csrf === 'string'
      ? body._csrf
      : undefined;
  const sent = typeof header === 'string' ? header : fromBody;
  if (!sent || !sameToken(sent, ctx.csrfToken)) {
    throw new HttpError(
      'forbidden',
      'The form expired or came from another site. Reload the page and try again.',
    );
  }
}

export function requireUser(req: FastifyRequest): User {
  const viewer = contextOf(req).viewer;
  if (!viewer) throw new HttpError('unauthorized', 'Sign in to do that.');
  return viewer;
}

export function requireAdmin(req: FastifyRequest): User {
  const viewer = requireUser(req);
  if (!viewer.isAdmin) throw new HttpError('forbidden', 'Only the administrator can see this page.');
  return viewer;
}
