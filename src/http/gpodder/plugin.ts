// gPodder API v2, the Simple API, the directory, and the Nextcloud gpoddersync paths with Login Flow v2, as one
// Fastify plugin composed of one file per area. Handlers are thin: authenticate → parse → one SyncService call →
// present (protocols.md §1, §6).
//
// Auth (protocols.md §1.1): Basic on every endpoint or the `sessionid` cookie; without either a 401 with
// `WWW-Authenticate: Basic realm="gpodder"`; a cookie is set on every Basic success of the gPodder paths (not on
// the Nextcloud paths, whose clients send Basic every time). Every success is a 200. Bodies are parsed as JSON
// whatever their Content-Type.
import type { FastifyInstance } from 'fastify';
import { QuotaError } from '../../services/listener-quota.ts';
import { BASIC_CHALLENGE } from '../../sync/basic-auth.ts';
import { SyncError } from '../../sync/errors.ts';
import { registerAuthRoutes } from './auth.ts';
import { registerDeviceRoutes, registerSettingsRoutes } from './devices.ts';
import { registerDirectoryRoutes } from './directory.ts';
import { registerEpisodeActionRoutes } from './episode-actions.ts';
import { MAX_BODY_BYTES } from './formats.ts';
import { type GpodderPluginOptions, gpodderKit } from './kit.ts';
import { registerLoginFlowRoutes } from './login-flow.ts';
import { registerNextcloudRoutes } from './nextcloud.ts';
import { registerSimpleApiRoutes, registerSubscriptionRoutes } from './subscriptions.ts';

export type { GpodderPluginOptions } from './kit.ts';

export async function gpodderPlugin(app: FastifyInstance, options: GpodderPluginOptions): Promise<void> {
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

  const kit = gpodderKit(options);
  registerAuthRoutes(app, kit);
  registerDeviceRoutes(app, kit);
  registerSubscriptionRoutes(app, kit);
  registerEpisodeActionRoutes(app, kit);
  registerSettingsRoutes(app, kit);
  registerSimpleApiRoutes(app, kit);
  registerDirectoryRoutes(app, kit);
  registerNextcloudRoutes(app, kit);
  registerLoginFlowRoutes(app, kit);
}
