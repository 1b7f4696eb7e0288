// What the long-running commands share (`serve`, `web`, `crawl`): flags → Config → App, start the role, print where
// it runs, then wait for SIGTERM/SIGINT and stop gracefully (a second signal exits at once).
import { setMaxListeners } from 'node:events';
import { describeDatabase } from '../../../config/config.ts';
import { type App, createApp, startCrawling, startServing } from '../../../main.ts';
import { StoreError } from '../../../store/ports.ts';
import type { CliIo } from '../../command.ts';
import { EXIT } from '../../command.ts';
import { fail, prepare } from './app.ts';

/** serve: web and crawler in one process; web: pages, API and sync; crawl: the crawler only. */
export type Role = 'serve' | 'web' | 'crawl';

export async function runRole(role: Role, args: string[], io: CliIo): Promise<number> {
  const prepared = prepare(args, io);
  if (!prepared.ok) return prepared.code;
  const { ctx } = prepared;
  if (ctx.args.positionals.length > 0)
    return fail(io, `${role} takes no arguments (got ${ctx.args.positionals[0]})`, EXIT.usage);
  const { config } = ctx;

  const log = (line: string): void => {
    io.stderr.write(`${new Date().toISOString()} ${line}\n`);
  };
  if (role !== 'serve' && config.database.kind === 'sqlite')
    log(
      `note: \`earshot ${role}\` is made for a cluster on PostgreSQL (EARSHOT_DATABASE_URL); on SQLite, one \`earshot serve\` is the supported shape (other processes on the same file wait for each other's writes)`,
    );
  // Aborted on SIGTERM/SIGINT: downloads in flight stop (no transaction has begun for them); transactions finish.
  const stopping = new AbortController();
  // Every refresh in flight listens to it (the crawler runs dozens): not a leak, so no MaxListeners warning.
  setMaxListeners(0, stopping.signal);
  let app: App;
  try {
    app = await createApp(config, {
      signal: stopping.signal,
      onError: (e) => log(`sync: ${e instanceof Error ? e.message : String(e)}`),
    });
  } catch (error) {
    if (error instanceof StoreError) return fail(io, `cannot open the database: ${error.message}`);
    throw error;
  }
  const hooks = {
    // JSON lines at EARSHOT_LOG_LEVEL: one per request, one per crawler refresh (feed id and host, never the URL).
    logStream: io.stdout,
    onError: (e: unknown) => log(`crawler: ${e instanceof Error ? e.message : String(e)}`),
  };
  let shutdown: () => Promise<void>;
  try {
    if (role === 'crawl') {
      const crawling = await startCrawling(app, hooks);
      shutdown = crawling.shutdown;
      io.stdout.write(`Earshot crawler (${describeDatabase(config.database)})\n`);
      if (crawling.metricsUrl !== undefined) io.stdout.write(`Metrics ${crawling.metricsUrl}\n`);
      else if (config.metrics.enabled)
        io.stdout.write('Metrics on, but not served: a crawl process needs EARSHOT_METRICS_PORT\n');
    } else {
      const running = await startServing(app, { ...hooks, ...(role === 'web' ? { crawl: false } : {}) });
      shutdown = running.shutdown;
      io.stdout.write(`Earshot ${running.url} (${describeDatabase(config.database)})\n`);
      if (running.demo.feeds > 0)
        io.stdout.write(
          `Loaded the demo catalogue: ${running.demo.feeds} shows, ${running.demo.episodes} episodes\n`,
        );
      if (running.crawler === undefined)
        io.stdout.write(
          role === 'web'
            ? 'Crawler off (web role: run `earshot crawl`)\n'
            : 'Crawler off (EARSHOT_CRAWL=0)\n',
        );
      if (running.metricsUrl !== undefined) io.stdout.write(`Metrics ${running.metricsUrl}\n`);
    }
  } catch (error) {
    await app.close();
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    const [host, port] =
      role === 'crawl' && config.metrics.enabled && config.metrics.listen !== undefined
        ? [config.metrics.listen.host, config.metrics.listen.port]
        : [config.host, config.port];
    const setting = role === 'crawl' ? 'EARSHOT_METRICS_PORT or --metrics-port' : 'EARSHOT_PORT or --port';
    if (code === 'EADDRINUSE') return fail(io, `port ${port} on ${host} is already in use (set ${setting})`);
    if (code === 'EACCES') return fail(io, `not allowed to listen on ${host}:${port}`);
    throw error;
  }

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  log(`${signal}: finishing refreshes in flight, then stopping`);
  // A second signal while draining exits at once (SQLite/PostgreSQL roll back anything unfinished).
  const hard = (): void => {
    log('second signal: exiting now');
    process.exit(EXIT.failure);
  };
  process.once('SIGTERM', hard);
  process.once('SIGINT', hard);
  stopping.abort();
  await shutdown();
  process.off('SIGTERM', hard);
  process.off('SIGINT', hard);
  log('stopped');
  return EXIT.ok;
}
