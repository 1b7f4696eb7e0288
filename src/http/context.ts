// Per-request context: who is asking (session cookie) and the CSRF token.
//
// CSRF: a signed-in visitor's token is derived from their session token (an HMAC keyed by it), so it is bound to the
// session: a cookie and form field an attacker plants together are refused, and a token stops working when its
// session ends. It is handed to pages (meta tag, form fields) and kept in the csrf cookie for scripts and tests. An
// anonymous visitor (sign-in and sign-up forms) has a random token in the csrf cookie (double submit). Over https the
// cookies are named with the `__Host-` prefix, which browsers accept only from this host, Secure, with Path=/ — so a
// sibling subdomain or a plain-http response cannot plant them.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ListenerStore, User } from '../store/listener-ports.ts';
import { parseCookies, serializeCookie } from './cookies.ts';
import { HttpError } from './errors.ts';

export const SESSION_COOKIE = 'earshot_session';
export const CSRF_COOKIE = 'earshot_csrf';
export const SESSION_TTL_SECONDS = 60 * 60 * 24 * 30;

/** The cookie names: `__Host-` prefixed when served over https. */
export function cookieNames(secure: boolean): { session: string; csrf: string } {
  return secure
    ? { session: `__Host-${SESSION_COOKIE}`, csrf: `__Host-${CSRF_COOKIE}` }
    : { session: SESSION_COOKIE, csrf: CSRF_COOKIE };
}

/** The CSRF token of a session: only the holder of the (HttpOnly) session cookie can compute it. */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('earshot csrf v1').digest('base64url');
}

/**
 * The CSRF token as written into one response: a fresh random mask and the token XORed with it
 * (`<mask>.<masked>`, base64url), so the bytes of a compressed page that carries it change with every response and
 * its size tells nothing about the token (BREACH). `checkCsrf` accepts it and the bare token alike.
 */
export function maskCsrfToken(token: string): string {
  if (token === '') return '';
  const bytes = Buffer.from(token);
  const mask = randomBytes(bytes.length);
  const masked = Buffer.alloc(bytes.length);
  for (let i = 0; i < bytes.length; i++) masked[i] = (bytes[i] ?? 0) ^ (mask[i] ?? 0);
  return `${mask.toString('base64url')}.${masked.toString('base64url')}`;
}

/** The token a masked one carries (see maskCsrfToken); a bare token as it is; undefined for a malformed one. */
export function unmaskCsrfToken(sent: string): string | undefined {
  const dot = sent.indexOf('.');
  if (dot < 0) return sent;
  const mask = Buffer.from(sent.slice(0, dot), 'base64url');
  const masked = Buffer.from(sent.slice(dot + 1), 'base64url');
  if (mask.length === 0 || mask.length !== masked.length) return undefined;
  const out = Buffer.alloc(mask.length);
  for (let i = 0; i < mask.length; i++) out[i] = (mask[i] ?? 0) ^ (masked[i] ?? 0);
  return out.toString();
}

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
  const names = cookieNames(secure);
  const cookies = parseCookies(req.headers.cookie);
  const sent = cookies.get(names.csrf);
  let csrfToken: string | undefined;
  let viewer: User | undefined;
  let sessionToken: string | undefined;
  const token = cookies.get(names.session);
  if (token && listeners) {
    const found = await listeners.sessions.get(token, now);
    if (found) {
      viewer = found.user;
      sessionToken = token;
      csrfToken = csrfTokenFor(token);
    } else {
      reply.header('set-cookie', serializeCookie(names.session, '', { secure, maxAgeSeconds: 0 }));
    }
  }
  if (csrfToken === undefined)
    csrfToken = sent && /^[A-Za-z0-9_-]{32,64}$/.test(sent) ? sent : randomBytes(24).toString('base64url');
  if (sent !== csrfToken) reply.header('set-cookie', serializeCookie(names.csrf, csrfToken, { secure }));
  const ctx: RequestContext = {
    csrfToken,
    ...(viewer === undefined ? {} : { viewer }),
    ...(sessionToken === undefined ? {} : { sessionToken }),
  };
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

/**
 * Every state-changing request carries the CSRF token, in the form (`_csrf`), the JSON body or `X-CSRF-Token`: the
 * session's own token when signed in, else the csrf cookie's.
 */
export function checkCsrf(req: FastifyRequest): void {
  const ctx = contextOf(req);
  const header = req.headers['x-csrf-token'];
  const body = req.body;
  const fromBody =
    body && typeof body === 'object' && '_csrf' in body && typeof body._csrf === 'string'
      ? body._csrf
      : undefined;
  const sent = typeof header === 'string' ? header : fromBody;
  const token = sent ? unmaskCsrfToken(sent) : undefined;
  if (!token || !sameToken(token, ctx.csrfToken)) {
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
