// Nextcloud Login Flow v2 (state in the database: any process answers any step) and its two small pages.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { SyncError } from '../../sync/errors.ts';
import { jsonBody } from './formats.ts';
import { type GpodderKit, param, queryParam, sendJson } from './kit.ts';

export function registerLoginFlowRoutes(app: FastifyInstance, kit: GpodderKit): void {
  const { sync, baseUrl } = kit;
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
