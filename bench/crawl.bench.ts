// `npm run bench:crawl` — Earshot's crawler over a loopback farm of 10,000 feeds built from real corpus feeds, served
// with ETag/Last-Modified (and gzip) by test/support/feed-server.ts from ~40 origins in a child process. In one run:
//   1. first ingest through the real path (job queue → crawler with per-host limits → refresh: conditional GET,
//      parse, sanitise, upsert) into a fresh SQLite store — feeds/s, episodes/s, MB/s;
//   2. a second pass where 90% answer 304 — feeds/s, against two bare undici loops over the same farm with the same
//      concurrency and connections per origin, in the same run: `fetch()` (the "bare undici fetch loop") and
//      the leaner `request()`. Measured in rounds (each round: a different tenth of the feeds changed, every feed due,
//      then the three contenders one after another, the order rotating); medians reported;
//   3. a generated 25 MB feed ingested through the same refresh path in a child process — peak RSS growth.
// Prints a Markdown table; writes it to --out (default /work/notes/bench-crawl.md when that folder exists).
// Never a test: numbers are reported, not asserted. Skips (exit 0, with a message) when the shared corpus is absent.
//
// Options: --feeds <n> (10000), --origins <n> (40), --concurrency <n> (32), --per-host <n> (2),
// --rounds <n> (3): rounds of pass 2.
// --cpu-prof <file>: write a V8 CPU profile of the crawler's last second-pass round (open it in Chrome DevTools).
// --memory-runs <n> (3): pass 3 is run n times (fresh child and store each) and the median reported, since one run
// depends on when V8 happens to collect; --only-memory: pass 3 alone (no corpus needed).
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Agent, fetch, request } from 'undici';
import { createFetcher } from '../src/feed/fetch/index.ts';
import { createFetchRecorder } from '../src/feed/refresh/batch.ts';
import { startCrawler } from '../src/feed/refresh/crawler.ts';
import { createJobQueue } from '../src/feed/refresh/queue.ts';
import { type RefreshReport, refreshFeed } from '../src/feed/refresh/refresh.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { corpusDir, NO_CORPUS } from '../test/support/corpus.ts';
import { feedRoute, startFeedServer } from '../test/support/feed-server.ts';
import { generateFeed } from './lib/generate.ts';

const TARGETS = { secondPassFeedsPerSec: 1000, vsBare: 0.7, rssGrowthMB: 30 };

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
  return v;
}

const FEEDS = arg('feeds', 10_000);
const ORIGINS = arg('origins', 40);
const CONCURRENCY = arg('concurrency', 32);
const PER_HOST = arg('per-host', 2);
const MEMORY_RUNS = Math.max(1, arg('memory-runs', 3));
const ROUNDS = arg('rounds', 3);
const outIdx = process.argv.indexOf('--out');
const defaultOut = '/work/notes/bench-crawl.md';
const profIdx = process.argv.indexOf('--cpu-prof');
const profFile = profIdx >= 0 ? process.argv[profIdx + 1] : undefined;

/** Runs `fn` under the V8 CPU profiler when --cpu-prof was given. */
async function profiled<T>(fn: () => Promise<T>): Promise<T> {
  if (profFile === undefined) return fn();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(profFile, JSON.stringify(profile));
    session.disconnect();
  }
}
const outFile =
  outIdx >= 0 ? process.argv[outIdx + 1] : existsSync(dirname(defaultOut)) ? defaultOut : undefined;
const log = (m: string): void => console.error(`${new Date().toISOString().slice(11, 19)} ${m}`);
const f = (n: number, d = 1): string => n.toFixed(d);

/**
 * Real podcast feeds of ordinary size from the corpus manifest: RSS/Atom, 3–100 KB, 3–60 items (the first ingest of
 * 10,000 feeds stays within minutes on a shared 2-core machine).
 */
function corpusBodies(dir: string): { path: string; bytes: number }[] {
  const rows = readFileSync(join(dir, 'MANIFEST.tsv'), 'utf8').split('\n').slice(1);
  const picked: { path: string; bytes: number }[] = [];
  for (const row of rows) {
    const [local, , , , , bytes, kind, items] = row.split('\t');
    if (local === undefined || (kind !== 'rss' && kind !== 'atom')) continue;
    const size = Number(bytes);
    const count = Number(items);
    if (size < 3000 || size > 100_000 || count < 3 || count > 60) continue;
    const path = join(dir, local);
    if (existsSync(path)) picked.push({ path, bytes: size });
  }
  return picked;
}

interface Farm {
  child: ChildProcess;
  urls: string[];
  change(feeds: number[]): Promise<void>;
}

async function startFarm(bodies: string[]): Promise<Farm> {
  const child = fork(join(import.meta.dirname, 'lib', 'crawl-farm.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = async (): Promise<unknown> => {
    const [m] = await once(child, 'message');
    return m;
  };
  child.send({ bodies, origins: ORIGINS, feeds: FEEDS });
  const ready = await next();
  if (typeof ready !== 'object' || ready === null || !('urls' in ready) || !Array.isArray(ready.urls)) {
    throw new Error('the farm child did not answer with URLs');
  }
  const urls = ready.urls.map(String);
  return {
    child,
    urls,
    async change(feeds) {
      child.send({ change: feeds });
      await next();
    },
  };
}

interface PassResult {
  seconds: number;
  reports: RefreshReport[];
  cpuSeconds: number;
}

/** Runs the real crawler (job queue + per-host limits + refreshFeed) until every feed has reported once. */
async function crawlPass(store: Store, total: number): Promise<PassResult> {
  const fetcher = createFetcher({
    userAgent: 'Earshot-bench/0 (+https://earshot.invalid/)',
    allowPrivate: true,
    connectionsPerOrigin: PER_HOST,
  });
  const queue = createJobQueue(store);
  const recordFetch = createFetchRecorder(store);
  const reports: RefreshReport[] = [];
  const seen = new Set<number>();
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const crawler = startCrawler({
    store,
    queue,
    refresh: (feed, limit) => refreshFeed({ store, fetcher, recordFetch, limit }, feed),
    concurrency: CONCURRENCY,
    perHost: PER_HOST,
    tickMs: 100,
    onReport: (r) => {
      reports.push(r);
      seen.add(r.feedId);
      if (reports.length % 1000 === 0) log(`  ${seen.size}/${total} feeds`);
      // A feed whose lease ran out may be refreshed twice; the pass ends when every feed has reported.
      if (seen.size === total) done();
    },
    onError: (e) => log(`crawler error: ${String(e)}`),
  });
  await finished;
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  await crawler.stop();
  await fetcher.close();
  return { seconds, reports, cpuSeconds: (c.user + c.system) / 1e6 };
}

type Validators = { etag?: string; lastModified?: string } | undefined;
interface BareResult {
  seconds: number;
  cpuSeconds: number;
  notModified: number;
  ok: number;
  other: number;
}

/**
 * A baseline: bare undici `fetch()` or `request()` calls with the same validators, concurrency and connections per
 * origin; bodies read.
 */
async function bareLoop(
  api: 'fetch' | 'request',
  urls: string[],
  validators: Validators[],
): Promise<BareResult> {
  const agent = new Agent({ connections: PER_HOST });
  let next = 0;
  const counts = { notModified: 0, ok: 0, other: 0 };
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < urls.length) {
      const i = next++;
      const url = urls[i];
      if (url === undefined) continue;
      const v = validators[i];
      const headers: Record<string, string> = {
        'user-agent': 'bare-undici',
        'accept-encoding': 'gzip',
        accept: 'application/rss+xml, application/xml;q=0.9, */*;q=0.5',
      };
      if (v?.etag !== undefined) headers['if-none-match'] = v.etag;
      if (v?.lastModified !== undefined) headers['if-modified-since'] = v.lastModified;
      let status: number;
      if (api === 'fetch') {
        const res = await fetch(url, { dispatcher: agent, headers });
        await res.arrayBuffer();
        status = res.status;
      } else {
        const res = await request(url, { dispatcher: agent, headers });
        await res.body.arrayBuffer();
        status = res.statusCode;
      }
      if (status === 304) counts.notModified++;
      else if (status === 200) counts.ok++;
      else counts.other++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  await agent.close();
  return { seconds, cpuSeconds: (c.user + c.system) / 1e6, ...counts };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Reports by status; failures by error code (`failed:timeout`). Repeats of one feed count once per report. */
function tally(reports: RefreshReport[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of reports) {
    const key = r.status === 'failed' && r.error !== undefined ? `failed:${r.error.code}` : r.status;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/** What bench/lib/crawl-memory.ts prints on its last line. */
interface MemoryRun {
  baselineMB: number;
  peakGrowthMB: number;
  /** V8's committed heap and the external memory V8 knows of (Buffers), over the baseline, at the RSS peak. */
  heapGrowthMB: number;
  externalGrowthMB: number;
  status: string;
  episodes: number;
  ms: number;
}

/** Pass 3, MEMORY_RUNS times: the run with the median peak, and every run's peak. */
async function memoryPass(tmp: string): Promise<MemoryRun & { mb: number; items: number; peaks: number[] }> {
  const genPath = join(tmp, 'generated-25mb.xml');
  const gen = await generateFeed(genPath, 25 * 1024 * 1024);
  // The warm-up feed (a running server has refreshed feeds before its first big one): 64 KB of the same generator.
  const warmPath = join(tmp, 'generated-64kb.xml');
  await generateFeed(warmPath, 64 * 1024);
  const server = await startFeedServer({ log: false });
  server.route('/big.xml', feedRoute({ file: genPath }));
  server.route('/warm.xml', feedRoute({ file: warmPath }));
  try {
    const runs: MemoryRun[] = [];
    for (let i = 0; i < MEMORY_RUNS; i++) {
      const dataDir = mkdtempSync(join(tmp, 'mem-'));
      // spawnSync would block this process's event loop, which serves the feed: run the child asynchronously.
      const child = fork(
        join(import.meta.dirname, 'lib', 'crawl-memory.ts'),
        [server.url('/big.xml'), dataDir, server.url('/warm.xml')],
        {
          execArgv: ['--expose-gc', '--import', 'tsx'],
          stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
        },
      );
      let out = '';
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString('utf8');
      });
      const [code] = await once(child, 'exit');
      if (code !== 0) throw new Error(`memory child failed (${String(code)})`);
      rmSync(dataDir, { recursive: true, force: true });
      // The child prints this shape on its last line.
      const run = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as MemoryRun;
      runs.push(run);
      log(
        `pass 3: run ${i + 1}/${MEMORY_RUNS}: peak RSS growth ${f(run.peakGrowthMB)} MiB (V8 heap +${f(run.heapGrowthMB)}, external +${f(run.externalGrowthMB)} at the peak)`,
      );
    }
    const sorted = [...runs].sort((x, y) => x.peakGrowthMB - y.peakGrowthMB);
    const median = sorted[Math.floor((sorted.length - 1) / 2)];
    if (median === undefined) throw new Error('no memory run');
    return { mb: gen.bytes / 2 ** 20, items: gen.items, peaks: sorted.map((r) => r.peakGrowthMB), ...median };
  } finally {
    await server.close();
  }
}

function memoryRow(mem: Awaited<ReturnType<typeof memoryPass>>): string {
  const runs =
    mem.peaks.length > 1
      ? `median of ${mem.peaks.length} runs (${mem.peaks.map((p) => f(p)).join(', ')})`
      : '1 run';
  return `| 3. generated ${f(mem.mb, 1)} MiB feed (${mem.items} items), child process | 1 | ${f(mem.ms / 1000)} s | – | peak RSS growth **${f(mem.peakGrowthMB)} MiB**, ${runs}, over a GC'd baseline of ${f(mem.baselineMB)} MiB after a 64 KB warm-up feed; at the peak V8 heap +${f(mem.heapGrowthMB)}, external +${f(mem.externalGrowthMB)} MiB, the rest native | – | ${mem.status}, ${mem.episodes} episodes stored |`;
}

async function main(): Promise<void> {
  if (process.argv.includes('--only-memory')) {
    const tmp = mkdtempSync(join(tmpdir(), 'earshot-bench-crawl-'));
    try {
      console.log(memoryRow(await memoryPass(tmp)));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    return;
  }
  if (corpusDir === undefined) {
    console.log(`bench:crawl skipped: ${NO_CORPUS}`);
    return;
  }
  const loadStart = loadavg()[0] ?? 0;
  const bodies = corpusBodies(corpusDir);
  if (bodies.length === 0) throw new Error('no usable feeds in the corpus manifest');
  log(`${bodies.length} corpus feeds as bodies; starting ${ORIGINS} origins with ${FEEDS} feeds`);
  const farm = await startFarm(bodies.map((b) => b.path));
  // Same mapping as the farm child: feed g → origin g % ORIGINS, local i = ⌊g / ORIGINS⌋, body (i + origin) mod B.
  const bodyBytes = (g: number): number => {
    const o = g % ORIGINS;
    const i = Math.floor(g / ORIGINS);
    return bodies[((i % bodies.length) + o) % bodies.length]?.bytes ?? 0;
  };
  const tmp = mkdtempSync(join(tmpdir(), 'earshot-bench-crawl-'));
  try {
    const store = await openStore({ dataDir: tmp, databaseUrl: join(tmp, 'earshot.sqlite') });
    const ids: number[] = [];
    const added = new Date();
    for (const url of farm.urls) ids.push((await store.feeds.add(url, added)).feed.id);
    const index = new Map(ids.map((id, g) => [id, g]));

    // 1. First ingest.
    log('pass 1: first ingest');
    const first = await crawlPass(store, FEEDS);
    const episodes = await store.episodes.count();
    let firstBytes = 0;
    for (const r of first.reports)
      if (r.status === 'updated') firstBytes += bodyBytes(index.get(r.feedId) ?? 0);
    const firstTally = tally(first.reports);
    log(`pass 1: ${f(first.seconds)} s ${JSON.stringify(firstTally)}`);

    // 2. Second pass, in rounds: a tenth of the feeds changed (a different tenth each round), every feed due; the bare
    // loops send the validators stored after the previous round, as the crawler does.
    const rounds: { earshot: PassResult; fetch: BareResult; request: BareResult }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const validators = (await store.feeds.getMany(ids)).reduce<Validators[]>((out, feed) => {
        const g = index.get(feed.id);
        if (g !== undefined) {
          out[g] = {
            ...(feed.etag === undefined ? {} : { etag: feed.etag }),
            ...(feed.lastModified === undefined ? {} : { lastModified: feed.lastModified }),
          };
        }
        return out;
      }, []);
      await farm.change(ids.map((_, g) => g).filter((g) => g % 10 === (3 + round) % 10));
      await store.feeds.setNextCheck(ids, new Date());
      const contenders = ['request', 'fetch', 'earshot'] as const;
      const result: Partial<(typeof rounds)[number]> = {};
      for (let k = 0; k < contenders.length; k++) {
        const who = contenders[(k + round) % contenders.length];
        if (who === 'earshot') {
          const last = round === ROUNDS - 1;
          result.earshot = await (last ? profiled(() => crawlPass(store, FEEDS)) : crawlPass(store, FEEDS));
        } else if (who !== undefined) {
          result[who] = await bareLoop(who, farm.urls, validators);
        }
      }
      const { earshot, fetch: viaFetch, request: viaRequest } = result;
      if (earshot === undefined || viaFetch === undefined || viaRequest === undefined)
        throw new Error('a contender did not run');
      rounds.push({ earshot, fetch: viaFetch, request: viaRequest });
      log(
        `pass 2, round ${round + 1}/${ROUNDS}: Earshot ${f(FEEDS / earshot.seconds, 0)} feeds/s ${JSON.stringify(tally(earshot.reports))}; bare request ${f(FEEDS / viaRequest.seconds, 0)}, bare fetch ${f(FEEDS / viaFetch.seconds, 0)}`,
      );
    }
    await store.close();
    farm.child.disconnect();
    await once(farm.child, 'exit');

    // 3. The 25 MB feed in a child process.
    log('pass 3: 25 MB feed, peak RSS');
    const mem = await memoryPass(tmp);
    const loadEnd = loadavg()[0] ?? 0;

    const firstRate = FEEDS / first.seconds;
    const rate = (r: { seconds: number }): number => FEEDS / r.seconds;
    const cpuMs = (r: { cpuSeconds: number }): number => (r.cpuSeconds * 1000) / FEEDS;
    const secondRate = median(rounds.map((r) => rate(r.earshot)));
    const requestRate = median(rounds.map((r) => rate(r.request)));
    const fetchRate = median(rounds.map((r) => rate(r.fetch)));
    // Ratios per round (same moment, same machine load), then their median.
    const vsRequest = median(rounds.map((r) => rate(r.earshot) / rate(r.request)));
    const vsFetch = median(rounds.map((r) => rate(r.earshot) / rate(r.fetch)));
    // CPU per feed does not depend on how many other processes want the cores; wall time does.
    const cpuPerFeed = median(rounds.map((r) => cpuMs(r.earshot)));
    const requestCpu = median(rounds.map((r) => cpuMs(r.request)));
    const fetchCpu = median(rounds.map((r) => cpuMs(r.fetch)));
    const secondTally = tally(rounds.at(-1)?.earshot.reports ?? []);
    const lastBare = rounds.at(-1)?.request;
    const ok = (b: boolean): string => (b ? 'met' : '**missed**');
    const lines = [
      `Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z, ${availableParallelism()} cores shared, load average ${f(loadStart)} at start, ${f(loadEnd)} at end. Farm: ${FEEDS.toLocaleString('en')} feeds from ${bodies.length} real corpus feeds (RSS/Atom, 3–100 KB, 3–60 items), ${ORIGINS} loopback origins in a child process, ETag + Last-Modified, gzip. Crawler: job queue + startCrawler + refreshFeed, concurrency ${CONCURRENCY}, ${PER_HOST} per host (= connections per origin), fresh SQLite store.`,
      '',
      '| pass | feeds | wall | feeds/s | other figures | crawler CPU | outcome |',
      '|---|---:|---:|---:|---|---:|---|',
      `| 1. first ingest | ${FEEDS} | ${f(first.seconds)} s | ${f(firstRate, 0)} | ${f(episodes / first.seconds, 0)} episodes/s (${episodes.toLocaleString('en')} stored), ${f(firstBytes / 1e6 / first.seconds, 2)} MB/s of feed XML (${f(firstBytes / 1e6, 0)} MB) | ${f(first.cpuSeconds)} s | ${JSON.stringify(firstTally)} |`,
      `| 2. second pass, 10% changed | ${FEEDS} | median of ${ROUNDS} rounds | ${f(secondRate, 0)} | bare undici \`fetch()\` loop ${f(fetchRate, 0)} feeds/s → **${f(vsFetch, 2)}×**; bare \`request()\` loop ${f(requestRate, 0)} feeds/s → **${f(vsRequest, 2)}×** (ratios: median over rounds); CPU per feed ${f(cpuPerFeed, 3)} ms vs ${f(fetchCpu, 3)} (fetch) and ${f(requestCpu, 3)} (request) | ${f((cpuPerFeed * FEEDS) / 1000)} s | ${JSON.stringify(secondTally)} (last round); bare request: ${lastBare?.notModified ?? 0} × 304, ${lastBare?.ok ?? 0} × 200 |`,
      memoryRow(mem),
      '',
      `Targets: second pass ≥ ${TARGETS.secondPassFeedsPerSec} feeds/s — ${f(secondRate, 0)}, ${ok(secondRate >= TARGETS.secondPassFeedsPerSec)}; ≥ ${TARGETS.vsBare}× the bare undici fetch loop — ${f(vsFetch, 2)}×, ${ok(vsFetch >= TARGETS.vsBare)} (against the leaner request() loop ${f(vsRequest, 2)}×, ${ok(vsRequest >= TARGETS.vsBare)}); 25 MB feed < ${TARGETS.rssGrowthMB} MiB RSS growth — ${f(mem.peakGrowthMB)} MiB, ${ok(mem.peakGrowthMB < TARGETS.rssGrowthMB)}.`,
    ];
    const table = lines.join('\n');
    console.log(table);
    if (outFile !== undefined) writeFileSync(outFile, `${table}\n`);
  } finally {
    if (!farm.child.killed && farm.child.connected) farm.child.disconnect();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
