// What every gPodder area's handlers share: reading the request, signing the listener in (Basic or the session
// cookie), and answering. Built once per plugin by `gpodderKit`; the session memory lives in it.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { couldBeUserName } from '../../domain/user-name.ts';
import { type BasicCredentials, parseBasicAuth } from '../../sync/basic-auth.ts';
import { DEVICE_ID_PATTERN } from '../../sync/device.ts';
import { SyncError } from '../../sync/errors.ts';
import type { AuthenticatedUser, SyncUser } from '../../sync/ports.ts';
import type { SyncService } from '../../sync/service.ts';
import { parseSince } from '../../sync/subscriptions.ts';
import { jsonBody, type Rendered } from './formats.ts';

export interface GpodderPluginOptions {
  sync: SyncService;
  /** The instance's public base URL (Login Flow v2 links); else taken from the request's Host. */
  publicUrl?: string;
  /** Add `Secure` to the session cookie (only behind https: Java and Python clients drop Secure cookies on http). */
  secureCookies?: boolean;
}

export type Req = FastifyRequest;
export const SESSION_COOKIE = 'sessionid';

export function cookie(req: Req, name: string): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined; // a malformed escape is no cookie at all, never a 500
      }
    }
  }
  return undefined;
}

export function param(req: Req, name: string): string {
  const value = (req.params as Record<string, string | undefined>)[name]; // Fastify params are strings by route
  if (value === undefined) throw new SyncError('not-found', `missing ${name}`);
  return value;
}

export function queryParam(req: Req, name: string): string | undefined {
  const value = (req.query as Record<string, unknown>)[name]; // Fastify parses the query into an object
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
  return typeof value === 'string' ? value : undefined;
}

export function checkDevice(id: string): string {
  if (!DEVICE_ID_PATTERN.test(id))
    throw new SyncError('bad-request', `invalid device id ${JSON.stringify(id)} ([A-Za-z0-9_.-]+)`);
  return id;
}

/** Names compare case-insensitively (and in NFC, for older accounts' names). */
export function sameName(a: string, b: string): boolean {
  return a.normalize('NFC').toLowerCase() === b.normalize('NFC').toLowerCase();
}

// Every name the user-name rule accepts passes here, and so does an older account's name (src/domain/user-name.ts).
export const userFrom = (req: Req, name = 'user'): string => {
  const u = param(req, name);
  if (!couldBeUserName(u)) throw new SyncError('bad-request', `invalid user name ${JSON.stringify(u)}`);
  return u;
};
export const body = (req: Req): unknown => jsonBody(req.body, req.headers['content-encoding']);
export const sendJson = (reply: FastifyReply, value: unknown) =>
  reply.code(200).type('application/json; charset=utf-8').send(JSON.stringify(value));
// Never sniffed into something else (a JSONP answer is script only where a page asked for script).
export const sendRendered = (reply: FastifyReply, r: Rendered) =>
  reply.code(200).type(r.contentType).header('x-content-type-options', 'nosniff').send(r.body);
export const sendEmpty = (reply: FastifyReply) => reply.code(200).type('text/plain; charset=utf-8').send('');
export const since = (req: Req, required: boolean) => parseSince(queryParam(req, 'since'), required);

/** What the areas need that depends on the plugin's options and state. */
export interface GpodderKit {
  sync: SyncService;
  /** Password guessing over Basic is slowed per (address, name) and per name by the sync service's sign-in guard. */
  verify(req: Req, credentials: BasicCredentials): Promise<AuthenticatedUser | undefined>;
  baseUrl(req: Req): string;
  setSessionCookie(reply: FastifyReply, token: string): void;
  /**
   * The listener of this request, by cookie or Basic; 401 with the challenge otherwise. When `urlUser` is given it
   * must name the same listener (case-insensitive), else 400 as mygpo answers.
   */
  authenticate(
    req: Req,
    reply: FastifyReply,
    urlUser: string | undefined,
    withCookie: boolean,
  ): Promise<SyncUser>;
}

export function gpodderKit(options: GpodderPluginOptions): GpodderKit {
  const { sync } = options;
  const verify = (req: Req, credentials: BasicCredentials): Promise<AuthenticatedUser | undefined> =>
    sync.authenticate(credentials, req.ip);

  // Clients that send Basic on every call and ignore cookies would otherwise leave one session row per request:
  // the same app (user + credential + User-Agent) gets the same cookie for 10 minutes, while that session lasts
  // (a password change or a revocation ends it in the database; the memory here is checked against it).
  const recentSessions = new Map<string, { token: string; until: number }>();
  async function sessionFor(req: Req, user: AuthenticatedUser): Promise<string> {
    const key = `${user.id}\u0000${user.appPasswordId ?? 'password'}\u0000${req.headers['user-agent'] ?? ''}`;
    const nowMs = sync.now().getTime();
    const hit = recentSessions.get(key);
    if (hit !== undefined && hit.until > nowMs && (await sync.sessionUser(hit.token))?.id === user.id)
      return hit.token;
    const token = await sync.startSession(user.id, user.appPasswordId);
    if (recentSessions.size > 10_000) recentSessions.clear();
    recentSessions.set(key, { token, until: nowMs + 10 * 60_000 });
    return token;
  }

  const baseUrl = (req: Req): string =>
    options.publicUrl?.replace(/\/+$/, '') ?? `${req.protocol}://${req.host}`;

  function setSessionCookie(reply: FastifyReply, token: string): void {
    const secure = options.secureCookies === true ? '; Secure' : '';
    void reply.header(
      'Set-Cookie',
      `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000${secure}`,
    );
  }

  async function authenticate(
    req: Req,
    reply: FastifyReply,
    urlUser: string | undefined,
    withCookie: boolean,
  ): Promise<SyncUser> {
    let user: SyncUser | undefined;
    const token = cookie(req, SESSION_COOKIE);
    if (token !== undefined) user = await sync.sessionUser(token);
    if (user === undefined) {
      const credentials = parseBasicAuth(req.headers.authorization);
      if (credentials !== undefined) {
        user = await verify(req, credentials);
        if (user === undefined) throw new SyncError('bad-credentials', 'wrong user name or password');
        if (withCookie) setSessionCookie(reply, await sessionFor(req, user));
      }
    }
    if (user === undefined)
      throw new SyncError(
        'bad-credentials',
        'sign in with HTTP Basic (user name and password or app password)',
      );
    if (urlUser !== undefined && !sameName(urlUser, user.name)) {
      throw new SyncError('user-mismatch', `signed in as ${user.name}, but the URL names ${urlUser}`);
    }
    return user;
  }

  return { sync, verify, baseUrl, setSessionCookie, authenticate };
}
