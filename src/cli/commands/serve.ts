// `earshot serve`: the web server and the crawler in one process (what `npm start` runs).
import { setMaxListeners } from 'node:events';
import { describeDatabase } from '../../config/config.ts';
import { CONFIG_FLAGS_USAGE } from '../../config/flags.ts';
import { createApp, startServing } from '../../main.ts';
import { StoreError } from '../../store/ports.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../command.ts';
import { fail, prepare } from './lib/app.ts';

export const serve: Command = {
  name: 'serve',
  summary: 'run the web server and the crawler (what `npm start` runs)',
  usage: `Usage: earshot serve [options]

Starts the web pages, the API and the crawler in one process. On a fresh, empty database the demo catalogue is
loaded first (turn off with --no-demo). Stops gracefully on SIGTERM or SIGINT: no new refreshes start, the ones in
flight finish their transaction, then the server closes.

${CONFIG_FLAGS_USAGE}`,

  async run(args, io) {
    const prepared = prepare(args, io);
    if (!prepared.ok) return prepared.code;
    const { ctx } = prepared;
    if (ctx.args.positionals.length > 0)
      return fail(io, `serve takes no arguments (got ${ctx.args.positionals[0]})`, EXIT.usage);
    const { config } = ctx;

    const log = (line: string): void => {
      io.stderr.write(`${new Date().toISOString()} ${line}\n`);
    };
    // Aborted on SIGTERM/SIGINT: downloads in flight stop (no transaction has begun for them); transactions finish.
    const stopping = new AbortController();
    // Every refresh in flight listens to it (the crawler runs dozens): not a leak, so no MaxListeners warning.
    setMaxListeners(0, stopping.signal);
    let app: Awaited<ReturnType<typeof createApp>>;
    try {
      app = await createApp(config, {
        signal: stopping.signal,
        onError: (e) => log(`sync: ${e instanceof Error ? e.message : String(e)}`),
      });
    } catch (error) {
      if (error instanceof StoreError) return fail(io, `cannot open the database: ${error.message}`);
      throw error;
    }
    let running: Awaited<ReturnType<typeof startServing>>;
    try {
      running = await startServing(app, {
        // JSON lines at EARSHOT_LOG_LEVEL: one per request, one per crawler refresh (feed id and host, never the URL).
        logStream: io.stdout,
        onError: (e) => log(`crawler: ${e instanceof Error ? e.message : String(e)}`),
      });
    } catch (error) {
      await app.close();
      const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
      if (code === 'EADDRINUSE')
        return fail(
          io,
          `port ${config.port} on ${config.host} is already in use (set EARSHOT_PORT or --port)`,
        );
      if (code === 'EACCES') return fail(io, `not allowed to listen on ${config.host}:${config.port}`);
      throw error;
    }

    io.stdout.write(`Earshot ${running.url} (${describeDatabase(config.database)})\n`);
    if (running.demo.feeds > 0)
      io.stdout.write(
        `Loaded the demo catalogue: ${running.demo.feeds} shows, ${running.demo.episodes} episodes\n`,
      );
    if (!config.crawler.enabled) io.stdout.write('Crawler off (EARSHOT_CRAWL=0)\n');
    if (running.metricsUrl !== undefined) io.stdout.write(`Metrics ${running.metricsUrl}\n`);

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
    await running.shutdown();
    process.off('SIGTERM', hard);
    process.off('SIGINT', hard);
    log('stopped');
    return EXIT.ok;
  },
};
