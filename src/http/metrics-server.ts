// /metrics on a port of its own (EARSHOT_METRICS_PORT), for a Prometheus that scrapes over a private network or
// loopback: nothing else is served there, and the bearer token is still asked for when one is configured.
import Fastify, { type FastifyInstance } from 'fastify';
import { bearerMatches, type Metrics } from '../services/metrics.ts';

export async function startMetricsServer(
  metrics: Metrics,
  options: { host: string; port: number; token?: string },
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
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
