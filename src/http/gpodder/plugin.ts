// gPodder API v2, the Simple API, the directory, and the Nextcloud gpoddersync paths with Login Flow v2, as one
// Fastify plugin. Handlers are thin: authenticate → parse → one SyncService call → present (protocols.md §1, §6).
//
// Auth (protocols.md §1.1): Basic on every endpoint or the `sessionid` cookie; without either a 401 with
// `WWW-Authenticate: Basic realm="gpodder"`; a cookie is set on every Basic success of the gPodder paths (not on
// the Nextcloud paths, whose clients send Basic every time). Every success is a 200. Bodies are parsed as JSON
// whatever their Content-Type.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { couldBeUserName } from '../../domain/user-name.ts';
import { QuotaError } from '../../services/listener-quota.ts';
import { BASIC_CHALLENGE, type BasicCredentials, parseBasicAuth } from '../../sync/basic-auth.ts';
import { DEVICE_ID_PATTERN } from '../../sync/device.ts';
import { SyncError } from '../../sync/errors.ts';
import type { AuthenticatedUser, SyncUser } from '../../sync/ports.ts';
import type { SyncService } from '../../sync/service.ts';
import { parseSince } from '../../sync/subscriptions.ts';
import {
  type Format,
  jsonBody,
  MAX_BODY_BYTES,
  type Rendered,
  renderPodcasts,
  renderUrls,
  splitFormat,
  urlListBody,
} from './formats.ts';

export interface GpodderPluginOptions {
  sync: SyncService;
  /** The instance's public base URL (Login Flow v2 links); else taken from the request's Host. */
  publicUrl?: string;
  /** Add `Secure` to the session cookie (only behind https: Java and Python clients drop Secure cookies on http). */
  secureCookies?: boolean;
}

type Req = FastifyRequest;
const SESSION_COOKIE = 'sessionid';

function cookie(req: Req, name: string): string | undefined {
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

function param(req: Req, name: string): string {
  const value = (req.params as Record<string, string | undefined>)[name]; // Fastify params are strings by route
  if (value === undefined) throw new SyncError('not-found', `missing ${name}`);
  return value;
}

function queryParam(req: Req, name: string): string | undefined {
  const value = (req.query as Record<string, unknown>)[name]; // Fastify parses the query into an object
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
  return typeof value === 'string' ? value : undefined;
}

function checkDevice(id: string): string {
  if (!DEVICE_ID_PATTERN.test(id))
    throw new SyncError('bad-request', `invalid device id ${JSON.stringify(id)} ([A-Za-z0-9_.-]+)`);
  return id;
}

export async function gpodderPlugin(app: FastifyInstance, options: GpodderPluginOptions): Promise<void> {
  const { sync } = options;

  // Raw bodies for every content type; handlers decide how to read them (JSON whatever the Content-Type).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (_req, body, done) =>
    done(null, body),
  );

  app.setErrorHandler((error, req, reply) => {
    if (error instanceof SyncError) {
      const status = {
        'bad-request': 400,
        'bad-credentials': 401,
        'user-mismatch': 400,
        'not-found': 404,
        'too-large': 413,
        'too-many-attempts': 429,
        busy: 503,
      }[error.code];
      if (status === 401) void reply.header('WWW-Authenticate', BASIC_CHALLENGE);
      if (error.retryAfterSeconds !== undefined)
        void reply.header('Retry-After', String(error.retryAfterSeconds));
      return reply.code(status).type('application/json').send({ error: error.code, message: error.message });
    }
    if (error instanceof QuotaError) {
      // A listener's change over a limit, refused whole: 403 when waiting does not help, 429 when it does.
      if (error.retryAfterSeconds !== undefined)
        void reply.header('Retry-After', String(error.retryAfterSeconds));
      return reply
        .code(error.code === 'forbidden' ? 403 : 429)
        .type('application/json')
        .send({ error: 'over-quota', limit: error.setting, message: error.message });
    }
    const status = (error as { statusCode?: unknown }).statusCode; // Fastify's own errors carry one (413, 415 …)
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return reply
        .code(status)
        .type('application/json')
        .send({ error: 'bad-request', message: error instanceof Error ? error.message : 'bad request' });
    }
    req.log.error({ err: error }, 'gpodder: unexpected failure');
    return reply
      .code(500)
      .type('application/json')
      .send({ error: 'internal', message: 'unexpected server error' });
  });

  // Password guessing over Basic is slowed per (address, name) and per name by the sync service's sign-in guard.
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

  /**
   * The listener of this request, by cookie or Basic; 401 with the challenge otherwise. When `urlUser` is given it
   * must name the same listener (case-insensitive), else 400 as mygpo answers.
   */
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

  // Every name the user-name rule accepts passes here, and so does an older account's name (src/domain/user-name.ts).
  const userFrom = (req: Req, name = 'user'): string => {
    const u = param(req, name);
    if (!couldBeUserName(u)) throw new SyncError('bad-request', `invalid user name ${JSON.stringify(u)}`);
    return u;
  };
  const body = (req: Req): unknown => jsonBody(req.body, req.headers['content-encoding']);
  const sendJson = (reply: FastifyReply, value: unknown) =>
    reply.code(200).type('application/json; charset=utf-8').send(JSON.stringify(value));
  // Never sniffed into something else (a JSONP answer is script only where a page asked for script).
  const sendRendered = (reply: FastifyReply, r: Rendered) =>
    reply.code(200).type(r.contentType).header('x-content-type-options', 'nosniff').send(r.body);
  const sendEmpty = (reply: FastifyReply) => reply.code(200).type('text/plain; charset=utf-8').send('');
  const since = (req: Req, required: boolean) => parseSince(queryParam(req, 'since'), required);

  // ── auth ──
  app.post('/api/2/auth/:user/login.json', async (req, reply) => {
    const urlUser = userFrom(req);
    const token = cookie(req, SESSION_COOKIE);
    const existing = token === undefined ? undefined : await sync.sessionUser(token);
    if (existing === undefined || !sameName(existing.name, urlUser)) {
      const credentials = parseBasicAuth(req.headers.authorization);
      const user = credentials === undefined ? undefined : await verify(req, credentials);
      if (user === undefined) throw new SyncError('bad-credentials', 'wrong user name or password');
      if (!sameName(user.name, urlUser))
        throw new SyncError('user-mismatch', `signed in as ${user.name}, not ${urlUser}`);
      setSessionCookie(reply, await sync.startSession(user.id, user.appPasswordId));
    }
    return sendEmpty(reply);
  });
  app.post('/api/2/auth/:user/logout.json', async (req, reply) => {
    const token = cookie(req, SESSION_COOKIE);
    if (token !== undefined) await sync.endSession(token);
    void reply.header('Set-Cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; Max-Age=0`);
    return sendEmpty(reply);
  });

  // ── devices ──
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

  // ── subscriptions (API v2) ──
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

  // ── episode actions ──
  app.get('/api/2/episodes/:file', async (req, reply) => {
    const { name } = splitFormat(param(req, 'file'));
    const user = await authenticate(req, reply, name, true);
    const podcast = queryParam(req, 'podcast');
    const device = queryParam(req, 'device');
    const aggregated = queryParam(req, 'aggregated');
    return sendJson(
      reply,
      await sync.downloadActions(user.id, {
        since: since(req, false),
        ...(podcast === undefined || podcast === '' ? {} : { podcast }),
        ...(device === undefined || device === '' ? {} : { device: checkDevice(device) }),
        aggregated: aggregated !== undefined && /^(1|true|yes)$/i.test(aggregated),
      }),
    );
  });
  app.post('/api/2/episodes/:file', async (req, reply) => {
    const { name } = splitFormat(param(req, 'file'));
    const user = await authenticate(req, reply, name, true);
    return sendJson(reply, await sync.uploadActions(user.id, body(req)));
  });

  // ── settings ──
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

  // ── sync-devices (Kasts) ──
  app.get('/api/2/sync-devices/:file', async (req, reply) => {
    const user = await authenticate(req, reply, splitFormat(param(req, 'file')).name, true);
    return sendJson(reply, await sync.syncDevices(user.id));
  });
  app.post('/api/2/sync-devices/:file', async (req, reply) => {
    const user = await authenticate(req, reply, splitFormat(param(req, 'file')).name, true);
    return sendJson(reply, await sync.updateSyncDevices(user.id, body(req)));
  });

  // ── extras nobody among our clients needs: defined, empty answers ──
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
  app.get('/api/2/favorites/:file', async (req, reply) => {
    await authenticate(req, reply, splitFormat(param(req, 'file')).name, true);
    return sendJson(reply, []);
  });
  app.get('/api/2/tags/:file', async (_req, reply) => sendJson(reply, []));
  app.get('/api/2/tag/:tag/:file', async (_req, reply) => sendJson(reply, []));

  // ── Simple API ──
  app.get('/subscriptions/:user/:file', async (req, reply) => {
    const user = await authenticate(req, reply, userFrom(req), true);
    const { name, format } = splitFormat(param(req, 'file'));
    checkDevice(name);
    const rendered = renderUrls(
      await sync.currentSubscriptions(user.id),
      format,
      queryParam(req, 'jsonp'),
      `${user.name}'s subscriptions`,
    );
    return sendRendered(reply, rendered);
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
    const rendered = renderUrls(
      await sync.currentSubscriptions(user.id),
      format,
      queryParam(req, 'jsonp'),
      `${user.name}'s subscriptions`,
    );
    return sendRendered(reply, rendered);
  });

  // ── directory (public) ──
  const count = (text: string, fallback: number) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1)
      throw new SyncError('bad-request', 'the count must be a positive integer');
    return Math.min(n, 100) || fallback;
  };
  app.get('/toplist/:file', async (req, reply) => {
    const { name, format } = splitFormat(param(req, 'file'));
    const r = renderPodcasts(
      await sync.toplist(count(name, 50)),
      format,
      queryParam(req, 'jsonp'),
      baseUrl(req),
    );
    return sendRendered(reply, r);
  });
  for (const format of ['json', 'jsonp', 'txt', 'opml'] as const satisfies readonly Format[]) {
    app.get(`/search.${format}`, async (req, reply) => {
      const q = (queryParam(req, 'q') ?? '').trim();
      const list = q === '' ? [] : await sync.search(q.slice(0, 200));
      const r = renderPodcasts(list, format, queryParam(req, 'jsonp'), baseUrl(req));
      return sendRendered(reply, r);
    });
  }
  app.get('/suggestions/:file', async (req, reply) => {
    const { name, format } = splitFormat(param(req, 'file'));
    const user = await authenticate(req, reply, undefined, true);
    const r = renderPodcasts(
      await sync.suggestions(user.id, count(name, 10)),
      format,
      queryParam(req, 'jsonp'),
      baseUrl(req),
    );
    return sendRendered(reply, r);
  });
  app.get('/clientconfig.json', async (req, reply) =>
    sendJson(reply, {
      mygpo: { baseurl: `${baseUrl(req)}/` },
      'mygpo-feedservice': { baseurl: `${baseUrl(req)}/` },
      update_timeout: 604800,
    }),
  );

  // ── Nextcloud gpoddersync (Basic on every call, no devices, no cookie) ──
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

  // ── Nextcloud Login Flow v2 (state in the database: any process answers any step) ──
  const expired = (reply: FastifyReply) =>
    reply
      .code(404)
      .type('text/html; charset=utf-8')
      .send(
        page(
          'Link expired',
          '<p>This sign-in link has expired or was already used. Start again in the app.</p>',
        ),
      );
  app.post('/index.php/login/v2', async (req, reply) => {
    const { pollToken, loginToken } = await sync.startLoginFlow(req.ip);
    const base = baseUrl(req);
    return sendJson(reply, {
      poll: { token: pollToken, endpoint: `${base}/index.php/login/v2/poll` },
      login: `${base}/index.php/login/v2/flow/${loginToken}`,
    });
  });
  app.post('/index.php/login/v2/poll', async (req, reply) => {
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    let token = new URLSearchParams(raw).get('token') ?? queryParam(req, 'token');
    if (token === undefined || token === null) {
      const json: unknown = raw.trim().startsWith('{') ? jsonBody(req.body, undefined) : undefined;
      const t = typeof json === 'object' && json !== null ? (json as { token?: unknown }).token : undefined; // checked: an object
      token = typeof t === 'string' ? t : undefined;
    }
    if (token === undefined) throw new SyncError('not-found', 'the poll needs token=');
    const answer = await sync.pollLoginFlow(token);
    if (answer.status === 'pending') return reply.code(404).type('application/json').send('[]');
    return sendJson(reply, {
      server: baseUrl(req),
      loginName: answer.loginName,
      appPassword: answer.appPassword,
    });
  });
  app.get('/index.php/login/v2/flow/:token', async (req, reply) => {
    if (!(await sync.loginFlowPending(param(req, 'token')))) return expired(reply);
    return reply.code(200).type('text/html; charset=utf-8').send(loginForm());
  });
  app.post('/index.php/login/v2/flow/:token', async (req, reply) => {
    const loginToken = param(req, 'token');
    if (!(await sync.loginFlowPending(loginToken))) return expired(reply);
    const form = new URLSearchParams(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '');
    const label = `${(req.headers['user-agent'] ?? 'app').slice(0, 60)} (Login Flow)`;
    const credentials = { username: form.get('user') ?? '', password: form.get('password') ?? '' };
    const user = await sync.grantLoginFlow(loginToken, credentials, req.ip, label);
    if (user === undefined)
      return reply
        .code(401)
        .type('text/html; charset=utf-8')
        .send(loginForm('Wrong user name or password. Use your account password here, not an app password.'));
    return reply
      .code(200)
      .type('text/html; charset=utf-8')
      .send(page('Connected', '<p>Your app is connected. You can close this page and return to it.</p>'));
  });
}

/** Names compare case-insensitively (and in NFC, for older accounts' names). */
function sameName(a: string, b: string): boolean {
  return a.normalize('NFC').toLowerCase() === b.normalize('NFC').toLowerCase();
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, content: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · Earshot</title></head><body><main><h1>${escapeHtml(title)}</h1>${content}</main></body></html>`;
}

function loginForm(error?: string): string {
  return page(
    'Connect your podcast app',
    `${error === undefined ? '' : `<p role="alert">${escapeHtml(error)}</p>`}<p>Sign in to let the app sync your subscriptions and listening progress. The app gets its own password, which you can revoke later.</p>
<form method="post"><label>User name <input name="user" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Connect</button></form>`,
  );
}
