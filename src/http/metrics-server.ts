// /metrics on a port of its own (EARSHOT_METRICS_PORT), for a Prometheus that scrapes over a private network or
// loopback: nothing else is served there (but /healthz in a process without a web server, `earshot crawl`), and the
// bearer token is still asked for when one is configured.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Health } from '../services/health.ts';
import { bearerMatches, type Metrics } from '../services/metrics.ts';

export async function startMetricsServer(
  metrics: Metrics,
  options: { host: string; port: number; token?: string; health?: () => Promise<Health> },
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  const { health } = options;
  if (health !== undefined) {
    app.get('/healthz', async (_req, reply) => {
      const answer = await health();
      return reply
        .code(answer.ok ? 200 : 503)
        .header('cache-control', 'no-store')
        .send({ status: answer.ok ? 'ok' : 'unhealthy', ...answer });
    });
  }
  app.get('/metrics', async (req, reply) => {
    if (options.token !== undefined && !bearerMatches(req.headers.authorization, options.token)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="metrics"')
        .type('text/plain; charset=utf-8')
        .send('Send the metrics bearer token.\n');
    }
    const { contentType, body } = await metrics.scrape();
    return reply.header('cache-control', 'no-store').type(contentType).send(body);
  });
  await app.listen({ host: options.host, port: options.port });
  return app;
}
