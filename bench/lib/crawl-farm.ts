// Child process of `npm run bench:crawl`: the loopback feed farm, so serving feeds does not count against the
// crawler's CPU. Started with IPC; the parent sends `{ bodies: string[] (file paths), origins, feeds }`; the child
// starts `origins` servers (test/support/feed-server.ts, ETag + Last-Modified, gzip when asked), spreads `feeds` virtual
// feeds over them round-robin and answers `{ urls: string[] }` (index = global feed number). Then
// `{ change: number[] }` makes those feeds look changed (new validators) and is answered `{ changed: n }`.
import { readFileSync } from 'node:fs';
import { type FeedFarm, type FeedServer, startFeedServer } from '../../test/support/feed-server.ts';

interface Setup {
  bodies: string[];
  origins: number;
  feeds: number;
}

function isSetup(m: unknown): m is Setup {
  return typeof m === 'object' && m !== null && 'bodies' in m && 'origins' in m && 'feeds' in m;
}

function isChange(m: unknown): m is { change: number[] } {
  return typeof m === 'object' && m !== null && 'change' in m && Array.isArray(m.change);
}

const servers: FeedServer[] = [];
const farms: FeedFarm[] = [];
let origins = 0;

const send = (m: unknown): void => {
  process.send?.(m);
};

process.on('message', (m: unknown) => {
  void (async () => {
    if (isSetup(m)) {
      origins = m.origins;
      const bodies = m.bodies.map((p) => new Uint8Array(readFileSync(p)));
      const perOrigin = Math.ceil(m.feeds / m.origins);
      for (let o = 0; o < m.origins; o++) {
        const server = await startFeedServer({ log: false });
        servers.push(server);
        // Rotate the body list per origin so neighbouring feeds of one origin differ.
        const rotated = bodies.map((_, k) => bodies[(k + o) % bodies.length] ?? new Uint8Array());
        farms.push(server.farm('/f', rotated, perOrigin));
      }
      const urls: string[] = [];
      for (let g = 0; g < m.feeds; g++) urls.push(farms[g % origins]?.url(Math.floor(g / origins)) ?? '');
      send({ urls });
    } else if (isChange(m)) {
      for (const g of m.change) farms[g % origins]?.change(Math.floor(g / origins));
      send({ changed: m.change.length });
    }
  })();
});

process.on('disconnect', () => {
  void Promise.all(servers.map((s) => s.close())).then(() => process.exit(0));
});
