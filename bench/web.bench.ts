// `npm run bench:web` — Earshot's real web server (composition root, real store and services, SQLite) over a
// catalogue of ≥ 100,000 generated episodes plus a 2,500-episode show, against a bare node:http page in the same run.
// Each page is loaded with autocannon (10 connections, ~10 s) from this process while both servers run in one child
// process. Prints a Markdown table; writes it to --out (default /work/notes/bench-web.md when that folder exists).
// Never a test: numbers are reported, not asserted.
//
// Options: --data <dir> (default <tmp>/earshot-bench-web-catalogue, reused while the generator version matches),
//          --duration <s> (default 10), --connections <n> (default 10),
//          --only <text> (pages whose name contains it, plus the bare page), --profile <dir> (server --cpu-prof there).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { BIG_SHOW_EPISODES, ensureWebData } from './lib/web-data.ts';

const TARGETS = { showP99: 20, episodeP99: 20, searchP99: 50, showGzipKB: 30 };

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

// A name of its own: nothing else in /tmp should think it may clear it.
const dataDir = arg('data') ?? join(tmpdir(), 'earshot-bench-web-catalogue');
const duration = Number(arg('duration') ?? 10);
const connections = Number(arg('connections') ?? 10);
const defaultOut = '/work/notes/bench-web.md';
const outFile = arg('out') ?? (existsSync(dirname(defaultOut)) ? defaultOut : undefined);
const profileDir = arg('profile');
const only = arg('only');
const log = (m: string): void => console.error(m);

interface Page {
  name: string;
  path: string;
  server: 'earshot' | 'bare';
  /** p99 target in ms. */
  target?: number;
}

interface Row extends Page {
  rps: number;
  p50: number;
  p99: number;
  bytes: number;
  gzipBytes: number;
  errors: number;
  non2xx: number;
  /** Server process CPU time per completed request, ms (load-independent, unlike latency). */
  cpuMs: number;
}

async function startServers(): Promise<{ child: ChildProcess; earshot: string; bare: string }> {
  const child = spawn(
    process.execPath,
    [
      ...(profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir]),
      '--import',
      'tsx',
      join(import.meta.dirname, 'lib', 'web-server.ts'),
      dataDir,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (child.stdout === null) throw new Error('no stdout from the server child');
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`server child exited early (${String(code)})`);
  });
  const first = new Promise<string>((resolve) => lines.once('line', resolve));
  const line = await Promise.race([first, exited]);
  const urls: unknown = JSON.parse(line);
  if (
    typeof urls !== 'object' ||
    urls === null ||
    !('earshot' in urls) ||
    !('bare' in urls) ||
    typeof urls.earshot !== 'string' ||
    typeof urls.bare !== 'string'
  ) {
    throw new Error(`unexpected line from the server child: ${line}`);
  }
  exited.catch(() => {}); // from here on an exit is ours (SIGTERM)
  return { child, earshot: urls.earshot, bare: urls.bare };
}

async function serverCpuMicros(bare: string): Promise<number> {
  const res = await fetch(`${bare}/__cpu`);
  return Number(await res.text());
}

async function measurePage(page: Page, base: string, bareBase: string): Promise<Row> {
  const url = `${base}${page.path}`;
  const res = await fetch(url);
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  // Warm-up (JIT, SQLite page cache), then the measured run.
  await autocannon({ url, connections, duration: Math.min(2, duration) });
  const cpu0 = await serverCpuMicros(bareBase);
  const r = await autocannon({ url, connections, duration });
  const cpuMs = ((await serverCpuMicros(bareBase)) - cpu0) / 1000 / Math.max(1, r.requests.total);
  log(
    `  ${page.name}: ${r.requests.average.toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ${cpuMs.toFixed(2)} ms CPU/request`,
  );
  return {
    ...page,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    bytes: body.byteLength,
    gzipBytes: gzipSync(body).byteLength,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    cpuMs,
  };
}

const f = (n: number, d = 1): string => n.toFixed(d);

async function main(): Promise<void> {
  const loadBefore = loadavg()[0] ?? 0;
  const data = await ensureWebData(dataDir, log);
  const pages: Page[] = [
    { name: 'home `/`', path: '/', server: 'earshot' },
    {
      name: `show, ${BIG_SHOW_EPISODES.toLocaleString('en')} episodes (first page)`,
      path: `/shows/${data.bigShowId}`,
      server: 'earshot',
      target: TARGETS.showP99,
    },
    { name: 'episode', path: `/episodes/${data.episodeId}`, server: 'earshot', target: TARGETS.episodeP99 },
    {
      name: 'search, 2 words `soviet miner`',
      path: '/search?q=soviet+miner',
      server: 'earshot',
      target: TARGETS.searchP99,
    },
    {
      name: 'search, 1 common word `history`',
      path: '/search?q=history',
      server: 'earshot',
      target: TARGETS.searchP99,
    },
    { name: 'bare node:http page', path: '/', server: 'bare' },
  ];
  const servers = await startServers();
  const rows: Row[] = [];
  try {
    for (const page of pages.filter(
      (p) => only === undefined || p.server === 'bare' || p.name.includes(only),
    ))
      rows.push(
        await measurePage(page, page.server === 'bare' ? servers.bare : servers.earshot, servers.bare),
      );
  } finally {
    servers.child.kill('SIGTERM');
    await once(servers.child, 'exit');
  }
  const loadAfter = loadavg()[0] ?? 0;
  const bare = rows.find((r) => r.server === 'bare');
  if (bare === undefined) throw new Error('no bare row');
  const ok = (b: boolean): string => (b ? 'met' : '**missed**');

  const lines: string[] = [
    `Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z, ${availableParallelism()} cores shared, load average ${f(loadBefore)} at start and ${f(loadAfter)} at end (noisy: compare ratios, which come from one run). SQLite catalogue: ${data.shows} shows, ${data.episodes.toLocaleString('en')} episodes ingested through the real parse → sanitise → store path (generator v${data.version}). autocannon ${connections} connections, ${duration} s per page after a 2 s warm-up; server and bare page in one child process, autocannon in the parent. Server CPU/request (the child's CPU time over the run ÷ requests) does not grow with machine load the way latency does; with 10 connections on one event loop, p50 ≈ 10 × the time one request takes.`,
    '',
    '| page | req/s | p50 | p99 | p99 target | req/s ÷ bare | server CPU/request | HTML | gzipped | errors / non-2xx |',
    '|---|---:|---:|---:|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const target = r.target === undefined ? '–' : `< ${r.target} ms: ${ok(r.p99 < r.target)}`;
    lines.push(
      `| ${r.name} | ${f(r.rps, 0)} | ${r.p50} ms | ${r.p99} ms | ${target} | ${f(r.rps / bare.rps, 3)}× | ${f(r.cpuMs, 2)} ms | ${f(r.bytes / 1024)} KB | ${f(r.gzipBytes / 1024)} KB | ${r.errors} / ${r.non2xx} |`,
    );
  }
  const show = rows.find((r) => r.target === TARGETS.showP99 && r.path.startsWith('/shows/'));
  if (show !== undefined) {
    lines.push(
      '',
      `Show page HTML gzipped (gzip level 6 of the body as served): ${f(show.gzipBytes / 1024)} KB — target ≤ ${TARGETS.showGzipKB} KB: ${ok(show.gzipBytes / 1024 <= TARGETS.showGzipKB)}.`,
    );
  }
  const table = lines.join('\n');
  console.log(table);
  if (outFile !== undefined) writeFileSync(outFile, `${table}\n`);
}

await main();
