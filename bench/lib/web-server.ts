// Child process of `npm run bench:web`: Earshot's real server (the composition root's createApp + startServing, with
// the crawler and the demo off, on 127.0.0.1 port 0) over the bench database (SQLite data dir, or a PostgreSQL URL),
// and a bare node:http server answering a small static page (and /__cpu: this process's CPU time) — both in this one
// process, measured one at a time by the parent. Prints one JSON line with both URLs, then serves until SIGTERM.
// Arguments: one JSON object { dataDir, databaseUrl?, pageCacheMs?, port?, searchThreads? }.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config/config.ts';
import { createApp, startServing } from '../../src/main.ts';

interface ChildOptions {
  dataDir: string;
  databaseUrl?: string;
  pageCacheMs?: number;
  port?: number;
  /** EARSHOT_SEARCH_THREADS, as given to the bench (`--search-threads`); absent: the server's default. */
  searchThreads?: string;
}
// Written by web.bench.ts with this shape.
const options = JSON.parse(process.argv[2] ?? 'null') as ChildOptions | null;
if (options === null) throw new Error('usage: web-server.ts <JSON options>');

// The bench is this process's boundary: configuration comes in as an environment object, as from the CLI.
const config = {
  ...loadConfig({
    env: {
      EARSHOT_DATA: options.dataDir,
      EARSHOT_CRAWL: '0',
      EARSHOT_DEMO: '0',
      EARSHOT_HOST: '127.0.0.1',
      ...(options.databaseUrl === undefined ? {} : { EARSHOT_DATABASE_URL: options.databaseUrl }),
      ...(options.searchThreads === undefined ? {} : { EARSHOT_SEARCH_THREADS: options.searchThreads }),
    },
    cwd: process.cwd(),
  }),
  port: options.port ?? 0,
};
const app = await createApp(config);
const running = await startServing(app, {
  onError: (e) => console.error(e),
  ...(options.pageCacheMs === undefined ? {} : { pageCacheMs: options.pageCacheMs }),
});

const BARE_PAGE = Buffer.from(
  `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Bare</title></head><body><main><h1>Bare page</h1><p>${'A small static page. '.repeat(20)}</p></main></body></html>\n`,
);
const bare = createServer((req, res) => {
  if (req.url === '/__cpu') {
    // This process's CPU time so far (µs), for the parent's CPU-per-request figure; not part of the measured page.
    const cpu = process.cpuUsage();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(cpu.user + cpu.system));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': BARE_PAGE.byteLength });
  res.end(BARE_PAGE);
});
await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
// listening on TCP: address() is an AddressInfo
const barePort = (bare.address() as AddressInfo).port;

process.stdout.write(`${JSON.stringify({ earshot: running.url, bare: `http://127.0.0.1:${barePort}` })}\n`);

process.once('SIGTERM', () => {
  bare.closeAllConnections();
  bare.close();
  void running.shutdown().then(() => process.exit(0));
});
