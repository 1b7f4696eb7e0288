// `npm run bench:web` — Earshot's real web server (composition root, real store and services) over a generated
// catalogue (default 100,000 episodes; `--episodes 1000000` works), on SQLite or on PostgreSQL (`--database-url`),
// against a bare node:http page in the same run. The default mode is varied: every request is a new URL — random
// episodes, random shows (first pages in either order and deep pages), searches of 1, 2 and 3 words and word + prefix
// drawn Zipf-like from the catalogue's vocabulary and of words said only in its transcripts (a tenth of the episodes
// have one, and a tenth a source list: web-data.ts), episode pages while 3-word searches run, and signed-in listeners
// posting progress — measured with the page micro-cache off (uncached: what the targets judge). A few repeat-URL rows
// are then measured with the micro-cache on (cached). Each row is loaded with autocannon (10 connections, ~10 s after
// a 2 s warm-up) from this process while the servers run in a child process. Prints a Markdown table (and what a
// sample of each search row's searches found in transcripts and sources); writes it to --out when given. Never a
// test: numbers are reported, not asserted. See bench/README.md.
//
// Options: --episodes <n> (default 100000), --database-url postgres://… (a schema of its own in that database),
//          --duration <s> (default 10), --connections <n> (default 10), --cache-dir <dir> (SQLite catalogues; default
//          the temp dir), --only <text> (rows whose name contains it, plus the bare page), --no-cached (skip the
//          cached rows), --profile <dir> (server --cpu-prof there), --out <file>, --web-processes <n> (then the
//          varied rows again against n server processes behind Debian's haproxy on loopback: the scaling from 1 to n),
//          --no-paced (skip each varied row's second run at half its measured throughput, an open-loop load of evenly
//          spaced requests: bench/lib/open-loop.ts), --paced-rate <n> (that open loop at n req/s for every row instead:
//          trees compared at the same load), --search-threads <n> (SQLite: the server's EARSHOT_SEARCH_THREADS;
//          default its own, the cores up to 4; 0: searches on the event loop).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon, { type AutocannonRequest } from 'autocannon';
import pg from 'pg';
import { CSRF_COOKIE, csrfTokenFor, SESSION_COOKIE } from '../src/http/context.ts';
import { openStore } from '../src/store/index.ts';
import { prng } from '../test/support/random.ts';
import { openLoop } from './lib/open-loop.ts';
import { readIntoOsCache } from './lib/os-cache.ts';
import { BIG_SHOW_EPISODES, DEFAULT_EPISODES, ensureWebData, type WebBenchData } from './lib/web-data.ts';
import { ensurePgData, pgCacheState } from './lib/web-pg-copy.ts';
import { searchDraws } from './lib/zipf.ts';

/** Targets (issue 13), judged on the uncached rows. */
const TARGETS = { pageP99: 15, searchP99: 40, pageCpuMs: 1.5 };

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const episodes = Number(arg('episodes') ?? DEFAULT_EPISODES);
const databaseUrl = arg('database-url');
const cacheDir = arg('cache-dir') ?? tmpdir();
const duration = Number(arg('duration') ?? 10);
const connections = Number(arg('connections') ?? 10);
const outFile = arg('out');
const profileDir = arg('profile');
const only = arg('only');
const withCached = !process.argv.includes('--no-cached');
const webProcesses = Number(arg('web-processes') ?? 1);
const withPaced = !process.argv.includes('--no-paced');
/** The open-loop rate of every varied row, instead of half each row's measured throughput (`--paced-rate`). */
const pacedRate = arg('paced-rate') === undefined ? undefined : Number(arg('paced-rate'));
if (pacedRate !== undefined && !(pacedRate > 0))
  throw new Error('--paced-rate takes a number of requests a second');
const searchThreads = arg('search-threads');
const log = (m: string): void => console.error(m);

type Kind = 'page' | 'search' | 'write' | 'bare' | 'mixed';

interface Load {
  name: string;
  kind: Kind;
  /** Every request's method, path, headers and body (a new one per request for the varied rows). */
  next: () => { method?: 'GET' | 'POST'; path: string; headers?: Record<string, string>; body?: string };
  /** Repeat-URL rows, measured with the micro-cache on. */
  cached?: boolean;
  /** A load run at the same time on the other half of the connections (kind `mixed`): the row is this load's. */
  beside?: Load;
}

interface Row {
  load: Load;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  /** Server process CPU time per completed request, ms (load-independent, unlike latency). */
  cpuMs: number;
  /** PostgreSQL's CPU time per request, ms (its server processes for the bench database); undefined on SQLite. */
  dbCpuMs: number | undefined;
  requests: number;
  distinct: number;
  errors: number;
  non2xx: number;
  /** Search rows: what a sample of the row's searches found, by stage (see searchStages). */
  stages?: SearchStages;
  /** The same row again at half its throughput (an open-loop load: evenly spaced arrivals), when measured. */
  paced?: { rate: number; p50: number; p99: number; max: number };
  /** What the load run beside it (`Load.beside`) got meanwhile. */
  beside?: { rps: number; p50: number; p99: number };
}

/** What a sample of a search row's queries found, asked again through the API after the row was measured. */
interface SearchStages {
  searches: number;
  /** Episodes listed (first pages). */
  results: number;
  /** Episodes found in their transcript, listed with the moment their words are said. */
  moments: number;
  /** Searches whose first page listed cited works (sources). */
  withSources: number;
  sources: number;
}

/** How many of a search row's distinct queries are asked again for its SearchStages. */
const STAGE_SAMPLE = 100;

interface Servers {
  children: ChildProcess[];
  /** Earshot's URL: the one server, or haproxy in front of several. */
  earshot: string;
  bare: string;
  /** Every server process's CPU time so far, µs. */
  cpuMicros(): Promise<number>;
  /** haproxy, in front of several server processes. */
  proxy?: ChildProcess;
}

async function startServers(
  target: { dataDir: string; databaseUrl?: string },
  pageCacheMs: number,
): Promise<Servers> {
  const child = spawn(
    process.execPath,
    [
      ...(profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir]),
      '--import',
      'tsx',
      join(import.meta.dirname, 'lib', 'web-server.ts'),
      // The server finds SQLite as <data dir>/earshot.sqlite; only a PostgreSQL URL is passed on.
      JSON.stringify({
        dataDir: target.dataDir,
        ...(target.databaseUrl?.startsWith('postgres') ? { databaseUrl: target.databaseUrl } : {}),
        pageCacheMs,
        ...(searchThreads === undefined ? {} : { searchThreads }),
      }),
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
  const bare = urls.bare;
  return { children: [child], earshot: urls.earshot, bare, cpuMicros: () => serverCpuMicros(bare) };
}

/** A free loopback port (taken from the system, then released for haproxy to bind). */
async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * `processes` server children behind Debian's haproxy on loopback (round robin, keep-alive to the servers), its
 * configuration in a temp folder of its own.
 */
async function startCluster(
  target: { dataDir: string; databaseUrl?: string },
  processes: number,
): Promise<Servers> {
  const parts: Servers[] = [];
  try {
    for (let i = 0; i < processes; i++) parts.push(await startServers(target, 0));
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'earshot-bench-haproxy-'));
    const config = join(dir, 'haproxy.cfg');
    writeFileSync(
      config,
      [
        'global',
        '  maxconn 1000',
        'defaults',
        '  mode http',
        '  option http-keep-alive',
        '  timeout connect 5s',
        '  timeout client 60s',
        '  timeout server 60s',
        'frontend web',
        `  bind 127.0.0.1:${port}`,
        '  default_backend earshot',
        'backend earshot',
        '  balance roundrobin',
        ...parts.map((p, i) => `  server web${i + 1} ${new URL(p.earshot).host}`),
        '',
      ].join('\n'),
    );
    const proxy = spawn('haproxy', ['-db', '-f', config], { stdio: ['ignore', 'inherit', 'inherit'] });
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      const up = await fetch(`${url}/healthz`).then(
        (r) => r.body?.cancel().then(() => true) ?? true,
        () => false,
      );
      if (up) break;
      if (i > 100 || proxy.exitCode !== null) throw new Error('haproxy did not start');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return {
      children: parts.flatMap((p) => p.children),
      earshot: url,
      bare: parts[0]?.bare ?? '',
      proxy,
      async cpuMicros() {
        let sum = 0;
        for (const p of parts) sum += await p.cpuMicros();
        return sum;
      },
    };
  } catch (error) {
    for (const p of parts) await stopServers(p);
    throw error;
  }
}

async function stopServers(servers: Servers): Promise<void> {
  if (servers.proxy !== undefined && servers.proxy.exitCode === null) {
    servers.proxy.kill('SIGTERM');
    await once(servers.proxy, 'exit');
  }
  for (const child of servers.children) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

/**
 * PostgreSQL's side of a request: the CPU time of the database's server processes serving the bench's database (read
 * from /proc: PostgreSQL runs on this machine, on loopback), in µs; undefined on SQLite or when /proc is unreadable.
 */
async function databaseCpuMicros(client: pg.Client | undefined): Promise<number | undefined> {
  if (client === undefined) return undefined;
  const { rows } = await client.query<{ pid: number }>(
    'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
  );
  let ticks = 0;
  for (const { pid } of rows) {
    try {
      // Fields after the command name (which is in parentheses): utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      return undefined;
    }
  }
  return (ticks * 1e6) / 100; // USER_HZ is 100 on Linux
}

/** Waits (up to a minute) until no query of the bench database is running: a slow row's stragglers stay in its row. */
async function databaseIdle(client: pg.Client | undefined): Promise<void> {
  if (client === undefined) return;
  for (let i = 0; i < 600; i++) {
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from pg_stat_activity
        where datname = current_database() and state = 'active' and pid <> pg_backend_pid()`,
    );
    if (Number(rows[0]?.n ?? 0) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function serverCpuMicros(bare: string): Promise<number> {
  const res = await fetch(`${bare}/__cpu`);
  return Number(await res.text());
}

/**
 * The row's first STAGE_SAMPLE distinct searches asked again through the JSON API (the same search, moments and
 * sources as the page): how many episodes they listed, how many of those came from transcripts (with a moment), and
 * how many searches listed sources. Not part of the row's figures (asked after it was measured).
 */
async function searchStages(url: string, seen: Set<string>): Promise<SearchStages> {
  const out: SearchStages = { searches: 0, results: 0, moments: 0, withSources: 0, sources: 0 };
  for (const request of seen) {
    if (out.searches >= STAGE_SAMPLE) break;
    const path = request.split(' ')[1] ?? '';
    if (!path.startsWith('/search?')) continue;
    const res = await fetch(`${url}/api/v1${path}`);
    const body: unknown = await res.json();
    if (res.status !== 200 || typeof body !== 'object' || body === null) continue;
    out.searches++;
    const episodes = 'episodes' in body && Array.isArray(body.episodes) ? (body.episodes as unknown[]) : [];
    const sources = 'sources' in body && Array.isArray(body.sources) ? body.sources.length : 0;
    out.results += episodes.length;
    out.moments += episodes.filter((e) => typeof e === 'object' && e !== null && 'moment' in e).length;
    out.sources += sources;
    if (sources > 0) out.withSources++;
  }
  return out;
}

function requestsOf(load: Load, seen: Set<string>): AutocannonRequest[] {
  return [
    {
      setupRequest(req) {
        const r = load.next();
        seen.add(`${r.method ?? 'GET'} ${r.path} ${r.body ?? ''}`);
        return {
          ...req,
          method: r.method ?? 'GET',
          path: r.path,
          headers: { ...req.headers, ...r.headers },
          ...(r.body === undefined ? {} : { body: r.body }),
        };
      },
    },
  ];
}

async function measure(load: Load, servers: Servers, dbClient: pg.Client | undefined): Promise<Row> {
  const url = load.kind === 'bare' ? servers.bare : servers.earshot;
  // One request first: a broken route is reported at once (its row then shows the errors).
  const probe = load.next();
  const res = await fetch(`${url}${probe.path}`, {
    method: probe.method ?? 'GET',
    ...(probe.headers === undefined ? {} : { headers: probe.headers }),
    ...(probe.body === undefined ? {} : { body: probe.body }),
  });
  await res.arrayBuffer();
  if (res.status !== 200) log(`  warning: ${probe.path} answered ${res.status}`);
  // Warm-up (JIT, database caches), then the measured run.
  // A load beside this one takes half the connections, for the same time.
  const { beside } = load;
  const own = beside === undefined ? connections : Math.ceil(connections / 2);
  const run = (d: number, seen: Set<string>) =>
    Promise.all([
      autocannon({ url, connections: own, duration: d, requests: requestsOf(load, seen) }),
      beside === undefined
        ? undefined
        : autocannon({
            url,
            connections: connections - own,
            duration: d,
            requests: requestsOf(beside, new Set()),
          }),
    ]);
  await run(Math.min(2, duration), new Set());
  await databaseIdle(dbClient);
  const seen = new Set<string>();
  const db0 = await databaseCpuMicros(dbClient);
  const cpu0 = await servers.cpuMicros();
  const [r, b] = await run(duration, seen);
  // Queries the run started and autocannon stopped waiting for are still this row's work.
  await databaseIdle(dbClient);
  // With a load beside, CPU per request of either load.
  const served = r.requests.total + (b?.requests.total ?? 0);
  const cpuMs = ((await servers.cpuMicros()) - cpu0) / 1000 / Math.max(1, served);
  const db1 = await databaseCpuMicros(dbClient);
  const dbCpuMs =
    db0 === undefined || db1 === undefined ? undefined : (db1 - db0) / 1000 / Math.max(1, served);
  log(
    `  ${load.name}: ${r.requests.average.toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms, ${cpuMs.toFixed(2)} ms CPU/request${dbCpuMs === undefined ? '' : ` (+ ${dbCpuMs.toFixed(2)} ms PostgreSQL)`}, ${seen.size}/${r.requests.sent} distinct`,
  );
  // At saturation (every connection sending as soon as it is answered), a request waits for the others' service:
  // p99 is about the connections × the CPU per request, a measure of throughput. The same row as an open-loop load at
  // half that throughput (evenly spaced arrivals, latency from each request's due time) gives the latency of a
  // server with headroom.
  let paced: Row['paced'];
  if (b !== undefined && beside !== undefined)
    log(
      `    beside it, ${beside.name}: ${b.requests.average.toFixed(0)} req/s, p50 ${b.latency.p50} ms, p99 ${b.latency.p99} ms`,
    );
  if (
    withPaced &&
    load.kind !== 'bare' &&
    load.kind !== 'mixed' &&
    !(load.cached ?? false) &&
    r.requests.average > 0
  ) {
    const rate = pacedRate ?? Math.max(1, Math.round(r.requests.average / 2));
    const h = await openLoop(url, rate, duration, load.next);
    await databaseIdle(dbClient);
    paced = { rate, p50: h.p50, p99: h.p99, max: h.max };
    log(
      `    at ${rate} req/s (open loop): p50 ${h.p50} ms, p99 ${h.p99} ms, max ${h.max} ms, ${h.errors} errors, ${h.non2xx} non-2xx`,
    );
  }
  return {
    load,
    ...(paced === undefined ? {} : { paced }),
    ...(b === undefined
      ? {}
      : { beside: { rps: b.requests.average, p50: b.latency.p50, p99: b.latency.p99 } }),
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    cpuMs,
    dbCpuMs,
    requests: r.requests.total,
    distinct: seen.size,
    errors: r.errors + r.timeouts + (b === undefined ? 0 : b.errors + b.timeouts),
    non2xx: r.non2xx + (b?.non2xx ?? 0),
    ...(load.kind === 'search' && !load.cached ? { stages: await searchStages(url, seen) } : {}),
  };
}

async function listenerSessions(
  target: { dataDir: string; databaseUrl: string },
  data: WebBenchData,
): Promise<{ cookie: string; csrf: string }[]> {
  const store = await openStore(target);
  try {
    const out: { cookie: string; csrf: string }[] = [];
    for (const id of data.listenerIds) {
      const token = await store.listeners.sessions.create(id, new Date(), 4 * 3600);
      const csrf = csrfTokenFor(token);
      out.push({ cookie: `${SESSION_COOKIE}=${token}; ${CSRF_COOKIE}=${csrf}`, csrf });
    }
    return out;
  } finally {
    await store.close();
  }
}

function loads(data: WebBenchData, sessions: { cookie: string; csrf: string }[]): Load[] {
  const random = prng(13);
  const pick = <T>(xs: readonly T[]): T => {
    const x = xs[Math.floor(random() * xs.length)];
    if (x === undefined) throw new Error('nothing to pick from');
    return x;
  };
  const episodeId = (): number =>
    data.minEpisodeId + Math.floor(random() * (data.maxEpisodeId - data.minEpisodeId + 1));
  const { words, wordAndPrefix, spoken } = searchDraws(data, random);
  const search = (q: string): string => `/search?q=${encodeURIComponent(q).replace(/%20/g, '+')}`;
  const episodePage: Load = {
    name: 'episode page',
    kind: 'page',
    next: () => ({ path: `/episodes/${episodeId()}` }),
  };
  const threeWords: Load = {
    name: 'search, 3 words',
    kind: 'search',
    next: () => ({ path: search(words(3)) }),
  };
  return [
    { name: 'bare node:http page', kind: 'bare', next: () => ({ path: '/' }) },
    episodePage,
    {
      name: 'show page, first page (either order)',
      kind: 'page',
      next: () => ({ path: `/shows/${pick(data.showIds)}${random() < 0.5 ? '' : '?sort=oldest'}` }),
    },
    {
      name: 'show page, deep page (keyset cursor)',
      kind: 'page',
      next: () => ({ path: pick(data.deepShowPaths) }),
    },
    { name: 'search, 1 word', kind: 'search', next: () => ({ path: search(words(1)) }) },
    { name: 'search, 2 words', kind: 'search', next: () => ({ path: search(words(2)) }) },
    threeWords,
    {
      name: 'search, word + prefix',
      kind: 'search',
      next: () => ({ path: search(wordAndPrefix()) }),
    },
    {
      // Words only transcripts hold (alone, or after a catalogue word): every hit is found in a transcript.
      name: 'search, word said in a transcript',
      kind: 'search',
      next: () => ({ path: search(spoken()) }),
    },
    {
      // Pages while searches run (half the connections each): what a search costs the pages served meanwhile.
      name: 'episode page while 3-word searches run',
      kind: 'mixed',
      next: episodePage.next,
      beside: threeWords,
    },
    {
      name: 'signed-in listener posts progress',
      kind: 'write',
      next: () => {
        const s = pick(sessions);
        return {
          method: 'POST',
          path: '/api/v1/me/progress',
          headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' },
          body: JSON.stringify({ episodeId: episodeId(), positionSeconds: Math.floor(random() * 3600) }),
        };
      },
    },
    ...(withCached
      ? ([
          { name: 'home `/`', kind: 'page', cached: true, next: () => ({ path: '/' }) },
          {
            name: 'episode page',
            kind: 'page',
            cached: true,
            next: () => ({ path: `/episodes/${data.episodeId}` }),
          },
          {
            name: `show page, ${BIG_SHOW_EPISODES.toLocaleString('en')} episodes (first page)`,
            kind: 'page',
            cached: true,
            next: () => ({ path: `/shows/${data.bigShowId}` }),
          },
          {
            name: 'search `history`',
            kind: 'search',
            cached: true,
            next: () => ({ path: search('history') }),
          },
        ] satisfies Load[])
      : []),
  ];
}

const f = (n: number, d = 1): string => n.toFixed(d);

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const { dir, data } = await ensureWebData({ episodes, cacheDir, log });
  const target =
    databaseUrl === undefined
      ? { dataDir: dir, databaseUrl: join(dir, 'earshot.sqlite') }
      : {
          dataDir: dir,
          databaseUrl: await ensurePgData(databaseUrl, join(dir, 'earshot.sqlite'), data, log),
        };
  // The database in memory first, as a server's working set is after it has run a while (when memory allows).
  const cacheState =
    databaseUrl === undefined
      ? await readIntoOsCache(target.databaseUrl, log)
      : await pgCacheState(target.databaseUrl, log);
  const sessions = await listenerSessions(target, data);
  const all = loads(data, sessions).filter(
    (l) => only === undefined || l.kind === 'bare' || l.name.includes(only),
  );
  const rows: Row[] = [];
  const dbClient = databaseUrl === undefined ? undefined : new pg.Client({ connectionString: databaseUrl });
  await dbClient?.connect();
  for (const cached of [false, true]) {
    const group = all.filter((l) => (l.cached ?? false) === cached);
    if (group.length === 0) continue;
    log(cached ? 'repeat URLs, micro-cache on:' : 'every request a new URL, micro-cache off:');
    const servers = await startServers(target, cached ? 5_000 : 0);
    try {
      for (const load of group) rows.push(await measure(load, servers, dbClient));
    } finally {
      await stopServers(servers);
    }
  }
  const scaled: Row[] = [];
  if (webProcesses > 1) {
    log(`${webProcesses} server processes behind haproxy, every request a new URL, micro-cache off:`);
    const cluster = await startCluster(target, webProcesses);
    try {
      for (const load of all.filter((l) => !l.cached && l.kind !== 'bare'))
        scaled.push(await measure(load, cluster, dbClient));
    } finally {
      await stopServers(cluster);
    }
  }
  await dbClient?.end();
  const loadAfter = loadavg();
  const bare = rows.find((r) => r.load.kind === 'bare');
  if (bare === undefined) throw new Error('no bare row');
  const ok = (b: boolean): string => (b ? 'met' : '**missed**');
  const db = databaseUrl === undefined ? 'SQLite' : 'PostgreSQL';
  const la = (l: number[]): string => l.map((x) => f(x, 2)).join(' ');

  const lines: string[] = [
    `${db}, ${data.episodes.toLocaleString('en')} episodes / ${data.shows.toLocaleString('en')} shows (generator v${data.version}). Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z, ${availableParallelism()} cores; load average (1/5/15 min) ${la(loadBefore)} at start, ${la(loadAfter)} at end. autocannon ${connections} connections, ${duration} s per row after a 2 s warm-up; servers in one child process, autocannon in this one. ${cacheState}.`,
    '',
    `| row | req/s | p50 | p99 | max | server CPU/request | CPU ÷ bare |${databaseUrl === undefined ? '' : ' PostgreSQL CPU/request |'} target | distinct URLs / requests | errors / non-2xx |${withPaced ? ` open loop at ${pacedRate === undefined ? 'half the req/s' : `${pacedRate} req/s`}: p50 / p99 |` : ''}`,
    `|---|---:|---:|---:|---:|---:|---:|${databaseUrl === undefined ? '' : '---:|'}---|---:|---:|${withPaced ? '---:|' : ''}`,
  ];
  for (const r of rows) {
    const target = r.load.cached
      ? 'cached: not judged'
      : r.load.kind === 'page'
        ? `p99 < ${TARGETS.pageP99} ms: ${ok(r.requests > 0 && r.p99 < TARGETS.pageP99)}; CPU < ${TARGETS.pageCpuMs} ms: ${ok(r.cpuMs < TARGETS.pageCpuMs)}`
        : r.load.kind === 'search'
          ? `p99 < ${TARGETS.searchP99} ms: ${ok(r.requests > 0 && r.p99 < TARGETS.searchP99)}`
          : '–';
    const name = r.load.cached ? `${r.load.name} — cached (same URL)` : r.load.name;
    lines.push(
      `| ${name} | ${f(r.rps, 0)} | ${r.p50} ms | ${r.p99} ms | ${r.max} ms | ${f(r.cpuMs, 3)} ms | ${f(r.cpuMs / bare.cpuMs, 1)}× |${r.dbCpuMs === undefined ? '' : ` ${f(r.dbCpuMs, 3)} ms |`} ${target} | ${r.distinct.toLocaleString('en')} / ${r.requests.toLocaleString('en')} | ${r.errors} / ${r.non2xx} |${withPaced ? ` ${r.paced === undefined ? '–' : `${r.paced.p50} / ${r.paced.p99} ms (${r.paced.rate} req/s)`} |` : ''}`,
    );
  }
  for (const r of rows)
    if (r.beside !== undefined && r.load.beside !== undefined)
      lines.push(
        '',
        `Beside the row "${r.load.name}" (half the connections each, CPU per request of either): ${r.load.beside.name}, ${f(r.beside.rps, 0)} req/s, p50 ${r.beside.p50} ms, p99 ${r.beside.p99} ms.`,
      );
  const staged = rows.filter((r) => r.stages !== undefined);
  if (staged.length > 0) {
    lines.push(
      '',
      `What the search rows found (each row's first ${STAGE_SAMPLE} distinct searches asked again through \`/api/v1/search\` after the row; catalogue: ${data.transcripts.toLocaleString('en')} episodes with a transcript, ${data.citingEpisodes.toLocaleString('en')} citing ${data.sources.toLocaleString('en')} sources):`,
      '',
      '| row | searches | episodes listed | of which found in a transcript (moment) | searches listing sources | sources listed |',
      '|---|---:|---:|---:|---:|---:|',
    );
    for (const r of staged) {
      const st = r.stages;
      if (st === undefined) continue;
      lines.push(
        `| ${r.load.name} | ${st.searches} | ${st.results.toLocaleString('en')} | ${st.moments.toLocaleString('en')} | ${st.withSources} | ${st.sources} |`,
      );
    }
  }
  if (scaled.length > 0) {
    lines.push(
      '',
      `${webProcesses} server processes behind haproxy (round robin, loopback) against the one process above:`,
      '',
      `| row | req/s, 1 process | req/s, ${webProcesses} processes | scaling | p99, 1 → ${webProcesses} | server CPU/request, 1 → ${webProcesses} (all processes) | errors / non-2xx |`,
      '|---|---:|---:|---:|---:|---:|---:|',
    );
    for (const r of scaled) {
      const one = rows.find((x) => x.load === r.load);
      if (one === undefined) continue;
      lines.push(
        `| ${r.load.name} | ${f(one.rps, 0)} | ${f(r.rps, 0)} | ${f(r.rps / one.rps, 2)}× | ${one.p99} → ${r.p99} ms | ${f(one.cpuMs, 3)} → ${f(r.cpuMs, 3)} ms | ${r.errors} / ${r.non2xx} |`,
      );
    }
  }
  const table = lines.join('\n');
  console.log(table);
  if (outFile !== undefined) writeFileSync(outFile, `${table}\n`);
}

await main();
