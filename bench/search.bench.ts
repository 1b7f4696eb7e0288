// `npm run bench:search` — search at catalogue scale (issue 13): a generated catalogue of N episodes (default
// 100,000; 1,000,000 works) on SQLite and/or PostgreSQL, and queries of 1, 2, 3 words and word + prefix drawn
// Zipf-like from the catalogue's vocabulary, every query different (so no cache ever answers). Each class is timed
// directly against the store (one query at a time: latency ≈ cost) and over HTTP (the real server in a child process,
// autocannon with 10 connections, a new URL per request), reporting p50 / p99 and CPU ms per query.
// Never a test: numbers are reported, not asserted.
//
// Options: --db sqlite|postgres|both (default sqlite, both with --database-url), --episodes N,
//          --database-url postgres://… (a database of its own: it is filled, and reused while N and the
//          generator's version match), --data <dir> (SQLite files, default <tmp>/earshot-bench-search),
//          --queries N per class (default 200), --duration <s> per HTTP class (default 8), --no-http,
//          --child <sqlite file | postgres url> (internal: the HTTP server process).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createServer } from '../src/http/server.ts';
import { openStore } from '../src/store/index.ts';
import { prng } from '../test/support/random.ts';

/** Bump when the generated catalogue changes; older ones are rebuilt. */
const GENERATOR = 2;
const EPISODES_PER_SHOW = 250;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const log = (m: string): void => console.error(m);

// ---------------------------------------------------------------------------------------------------------------
// The vocabulary: a few hundred real words, then pseudo-words, drawn with Zipf weights 1 / rank (s = 1), so a few
// words are in a large share of titles ("history" in ~8 % of them) and most are rare, as in real catalogues.
const REAL =
  `history the story war music science life world city family river empire culture news interview archive
century women king queen space money food art film book church ship island mountain letter diary famous forgotten
strange greatest secret lost early modern ancient medieval american british french german roman soviet labor miner
record campaign factory coal research guest trade museum railway bridge storm plague fire flood murder trial court
prison spy code map garden horse dog cat whale forest desert ocean revolution election president parliament strike
union protest treaty border colony harbour lighthouse telescope comet eclipse volcano earthquake glacier canal tunnel
cathedral castle monastery library printing press telegraph radio television computer satellite rocket engine steam
electricity vaccine surgeon nurse hospital school university student teacher poet painter composer opera theatre
circus carnival festival recipe bakery brewery vineyard market merchant banker pirate explorer sailor soldier general
admiral emperor pharaoh samurai viking knight monk nun witch ghost legend myth saint heretic inventor engineer
architect chemist physicist astronomer botanist geologist linguist detective journalist photographer aviator cyclist
climber swimmer boxer chess football baseball cricket olympics marathon critical role adventure zone daily morning`
    .split(/\s+/)
    .filter((w) => w.length > 0);
const VOCABULARY_SIZE = 30_000;
const SYLLABLES =
  'ka ri to mu se la no vi de pa go ru mi te so ba ne lo fu zi ha ko ma ri su ta yo we xe qu'.split(' ');

function vocabulary(): string[] {
  const words = [...new Set(REAL)];
  const seen = new Set(words);
  const rand = prng(7);
  while (words.length < VOCABULARY_SIZE) {
    let w = '';
    const n = 2 + Math.floor(rand() * 3);
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(rand() * SYLLABLES.length)];
    if (!seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  return words;
}

function zipf(size: number): (rand: () => number) => number {
  const cumulative = new Float64Array(size);
  let sum = 0;
  for (let r = 0; r < size; r++) {
    sum += 1 / (r + 1);
    cumulative[r] = sum;
  }
  return (rand) => {
    const x = rand() * sum;
    let lo = 0;
    let hi = size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 0) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const WORDS = vocabulary();
const drawIndex = zipf(WORDS.length);
const word = (rand: () => number): string => WORDS[drawIndex(rand)] ?? 'history';
const words = (rand: () => number, min: number, max: number): string =>
  Array.from({ length: min + Math.floor(rand() * (max - min + 1)) }, () => word(rand)).join(' ');
const capitalised = (text: string): string => text.replace(/\b\w/g, (c) => c.toUpperCase());

interface ShowRow {
  id: number;
  title: string;
  author: string;
  description: string;
}
interface EpisodeRow {
  showId: number;
  guid: string;
  title: string;
  description: string;
  publishedAt: string;
}

/** The catalogue, show by show (episodes oldest first within a show, as a crawler stores them). */
function* catalogue(episodes: number): Generator<{ show: ShowRow; episodes: EpisodeRow[] }> {
  const rand = prng(13);
  const shows = Math.ceil(episodes / EPISODES_PER_SHOW);
  const start = Date.UTC(2005, 0, 1);
  const span = Date.UTC(2026, 6, 31) - start;
  for (let s = 1; s <= shows; s++) {
    const count = Math.min(EPISODES_PER_SHOW, episodes - (s - 1) * EPISODES_PER_SHOW);
    const show: ShowRow = {
      id: s,
      title: capitalised(words(rand, 1, 4)),
      author: capitalised(words(rand, 2, 2)),
      description: words(rand, 10, 40),
    };
    const first = start + rand() * span * 0.8;
    const step = (start + span - first) / count;
    const list: EpisodeRow[] = [];
    for (let e = 0; e < count; e++) {
      list.push({
        showId: s,
        guid: `s${s}e${e}`,
        title: capitalised(words(rand, 3, 9)),
        description: words(rand, 20, 60),
        publishedAt: new Date(first + step * e + rand() * step).toISOString(),
      });
    }
    yield { show, episodes: list };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Loading, straight into the tables the migrations made (the triggers and indexes do the rest).
const NOW = '2026-08-01T00:00:00.000Z';

async function fillSqlite(file: string, episodes: number): Promise<void> {
  const marker = `${file}.ok-${GENERATOR}`;
  if (existsSync(file) && existsSync(marker)) return;
  rmSync(file, { force: true });
  rmSync(`${file}-wal`, { force: true });
  rmSync(marker, { force: true });
  const store = await openStore({ dataDir: join(file, '..'), databaseUrl: file });
  await store.close();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -512000');
  const feed = db.prepare(`insert into feeds (id, url, created_at) values (?, ?, ?)`);
  const show = db.prepare(`insert into shows (id, feed_id, format, title, author, description, content_hash,
    created_at, updated_at, is_public) values (?, ?, 'rss', ?, ?, ?, 'x', ?, ?, 1)`);
  const episode =
    db.prepare(`insert into episodes (show_id, guid, guid_source, enclosure_url, title, description,
    published_at, content_hash, sort_key, first_seen_at, last_seen_at)
    values (?, ?, 'guid', ?, ?, ?, ?, 'x', ?, ?, ?)`);
  // The FTS5 triggers are dropped for the load and the indexes rebuilt in one pass after (much faster than row by
  // row), then the triggers put back as they were.
  const triggers = db
    .prepare(`select name, sql from sqlite_master where type = 'trigger' and (tbl_name = 'episodes' or tbl_name = 'shows')
      and (name like '%fts%' or name like '%trigram%')`)
    .all() as Array<{ name: string; sql: string }>;
  for (const t of triggers) db.exec(`drop trigger "${t.name}"`);
  const started = Date.now();
  let done = 0;
  const batch = db.transaction((items: Array<{ show: ShowRow; episodes: EpisodeRow[] }>) => {
    for (const item of items) {
      const s = item.show;
      feed.run(s.id, `https://feeds.example/${s.id}.xml`, NOW);
      show.run(s.id, s.id, s.title, s.author, s.description, NOW, NOW);
      for (const e of item.episodes) {
        episode.run(
          e.showId,
          e.guid,
          `https://cdn.example/${e.guid}.mp3`,
          e.title,
          e.description,
          e.publishedAt,
          e.publishedAt,
          NOW,
          NOW,
        );
      }
      done += item.episodes.length;
    }
  });
  let pending: Array<{ show: ShowRow; episodes: EpisodeRow[] }> = [];
  for (const item of catalogue(episodes)) {
    pending.push(item);
    if (pending.length === 100) {
      batch(pending);
      pending = [];
      log(`sqlite: ${done.toLocaleString('en')} episodes (${Math.round((Date.now() - started) / 1000)} s)`);
    }
  }
  batch(pending);
  for (const fts of ['episodes_fts', 'shows_fts', 'shows_trigram']) {
    log(`sqlite: rebuilding ${fts} (${Math.round((Date.now() - started) / 1000)} s)`);
    db.prepare(`insert into ${fts}(${fts}) values ('rebuild')`).run();
  }
  for (const t of triggers) db.exec(t.sql);
  db.exec('analyze');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  mkdirSync(join(marker, '..'), { recursive: true });
  rmSync(marker, { force: true });
  await import('node:fs/promises').then((fs) => fs.writeFile(marker, `${episodes}\n`));
  log(`sqlite: ${episodes.toLocaleString('en')} episodes in ${Math.round((Date.now() - started) / 1000)} s`);
}

async function fillPostgres(url: string, episodes: number): Promise<void> {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  const admin = new pg.Client({
    connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).href,
  });
  await admin.connect();
  const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
  if (exists.rowCount === 0) await admin.query(`create database "${name.replaceAll('"', '""')}"`);
  await admin.end();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const meta = await client
      .query<{ v: string }>(`select v from search_bench_meta where k = 'catalogue'`)
      .catch(() => ({ rows: [] as { v: string }[] }));
    if (meta.rows[0]?.v === `${GENERATOR}:${episodes}`) return;
    await client.query('drop schema public cascade; create schema public');
    const store = await openStore({ dataDir: tmpdir(), databaseUrl: url });
    await store.close();
    const started = Date.now();
    // Indexes are dropped for the load and built again after (what a restore does): same definitions.
    const { rows: indexes } = await client.query<{ name: string; def: string }>(`select indexname as name,
      indexdef as def from pg_indexes where schemaname = 'public' and tablename in ('episodes', 'shows', 'episode_search')
      and indexname not like '%pkey' and indexdef not like '%UNIQUE%'`);
    for (const i of indexes) await client.query(`drop index "${i.name}"`);
    let done = 0;
    let pending: Array<{ show: ShowRow; episodes: EpisodeRow[] }> = [];
    const flush = async (): Promise<void> => {
      if (pending.length === 0) return;
      const feeds = pending.map((p) => p.show);
      await client.query(
        `insert into feeds (id, url, created_at) select id, 'https://feeds.example/' || id || '.xml', $2
         from unnest($1::int[]) as id`,
        [feeds.map((s) => s.id), NOW],
      );
      await client.query(
        `insert into shows (id, feed_id, format, title, author, description, content_hash, created_at, updated_at,
          is_public) select id, id, 'rss', t, a, d, 'x', $5, $5, 1
         from unnest($1::int[], $2::text[], $3::text[], $4::text[]) as u(id, t, a, d)`,
        [
          feeds.map((s) => s.id),
          feeds.map((s) => s.title),
          feeds.map((s) => s.author),
          feeds.map((s) => s.description),
          NOW,
        ],
      );
      const eps = pending.flatMap((p) => p.episodes);
      await client.query(
        `insert into episodes (show_id, guid, guid_source, enclosure_url, title, description, published_at,
          content_hash, sort_key, first_seen_at, last_seen_at)
         select s, g, 'guid', 'https://cdn.example/' || g || '.mp3', t, d, p, 'x', p, $6, $6
         from unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[]) as u(s, g, t, d, p)`,
        [
          eps.map((e) => e.showId),
          eps.map((e) => e.guid),
          eps.map((e) => e.title),
          eps.map((e) => e.description),
          eps.map((e) => e.publishedAt),
          NOW,
        ],
      );
      done += eps.length;
      pending = [];
      log(`postgres: ${done.toLocaleString('en')} episodes (${Math.round((Date.now() - started) / 1000)} s)`);
    };
    for (const item of catalogue(episodes)) {
      pending.push(item);
      if (pending.length === 40) await flush();
    }
    await flush();
    await client.query(`select setval(pg_get_serial_sequence('feeds', 'id'), (select max(id) from feeds))`);
    await client.query(`select setval(pg_get_serial_sequence('shows', 'id'), (select max(id) from shows))`);
    await client.query(`set maintenance_work_mem = '512MB'`);
    for (const i of indexes) {
      log(`postgres: ${i.name}`);
      await client.query(i.def);
    }
    await client.query('vacuum analyze');
    await client.query(`create table search_bench_meta (k text primary key, v text)`);
    await client.query(`insert into search_bench_meta values ('catalogue', $1)`, [
      `${GENERATOR}:${episodes}`,
    ]);
    log(
      `postgres: ${episodes.toLocaleString('en')} episodes in ${Math.round((Date.now() - started) / 1000)} s`,
    );
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Queries: every one different, words drawn Zipf-like (so common words come up often, as people type them).
type QueryClass = '1 word' | '2 words' | '3 words' | 'word + prefix';
const CLASSES: QueryClass[] = ['1 word', '2 words', '3 words', 'word + prefix'];

function queries(kind: QueryClass, count: number, seed: number): string[] {
  const rand = prng(seed);
  const out = new Set<string>();
  let guard = 0;
  while (out.size < count && guard++ < count * 50) {
    switch (kind) {
      case '1 word':
        out.add(word(rand));
        break;
      case '2 words':
        out.add(`${word(rand)} ${word(rand)}`);
        break;
      case '3 words':
        out.add(`${word(rand)} ${word(rand)} ${word(rand)}`);
        break;
      case 'word + prefix': {
        const next = word(rand);
        out.add(`${word(rand)} ${next.slice(0, Math.min(next.length, 2 + Math.floor(rand() * 4)))}`);
        break;
      }
    }
  }
  return [...out];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

interface Row {
  db: string;
  via: string;
  kind: QueryClass;
  n: number;
  p50: number;
  p99: number;
  max: number;
  cpu: number;
  hits: number;
}

async function timeStore(db: string, databaseUrl: string, count: number): Promise<Row[]> {
  const store = await openStore({ dataDir: tmpdir(), databaseUrl });
  const rows: Row[] = [];
  try {
    // Warm the caches of the indexes a little (not the answers: these queries are never asked again).
    for (const q of queries('1 word', 30, 999)) await store.search.search(q, { limit: 20, audience: {} });
    for (const [k, kind] of CLASSES.entries()) {
      const list = queries(kind, count, 100 + k);
      const times: number[] = [];
      let hits = 0;
      const cpu0 = process.cpuUsage();
      for (const q of list) {
        const t0 = performance.now();
        const r = await store.search.search(q, { limit: 20, audience: {} });
        times.push(performance.now() - t0);
        if (r.episodes.length + r.shows.length > 0) hits++;
      }
      const cpu = process.cpuUsage(cpu0);
      times.sort((a, b) => a - b);
      rows.push({
        db,
        via: 'store',
        kind,
        n: list.length,
        p50: percentile(times, 50),
        p99: percentile(times, 99),
        max: times[times.length - 1] ?? 0,
        cpu: (cpu.user + cpu.system) / 1000 / list.length,
        hits,
      });
    }
  } finally {
    await store.close();
  }
  return rows;
}

async function startChild(target: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--child', target], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.stdout === null) throw new Error('no stdout from the server child');
  const lines = createInterface({ input: child.stdout });
  const [line] = (await once(lines, 'line')) as [string];
  return { child, base: line };
}

async function timeHttp(db: string, target: string, duration: number): Promise<Row[]> {
  const { child, base } = await startChild(target);
  const rows: Row[] = [];
  try {
    for (const [k, kind] of CLASSES.entries()) {
      // More distinct queries than the run can ask: every request a new URL.
      const list = queries(kind, 20_000, 500 + k);
      let next = 0;
      const cpuBefore = Number(await (await fetch(`${base}/__cpu`)).text());
      // autocannon's `requests` (a path per request) is beyond bench/lib/web-autocannon.d.ts: passed untyped.
      const options = {
        url: base,
        connections: 10,
        duration,
        requests: [
          {
            setupRequest: (req: { path?: string }) => {
              const q = list[next++ % list.length] ?? 'history';
              return { ...req, path: `/search?q=${encodeURIComponent(q)}` };
            },
          },
        ],
      };
      const result = await autocannon(options);
      const cpuAfter = Number(await (await fetch(`${base}/__cpu`)).text());
      const n = result.requests.total;
      rows.push({
        db,
        via: 'HTTP',
        kind,
        n,
        p50: result.latency.p50,
        p99: result.latency.p99,
        max: result.latency.max,
        cpu: (cpuAfter - cpuBefore) / 1000 / Math.max(1, n),
        hits: n - result.non2xx,
      });
    }
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  return rows;
}

/** The child: the real web server over the catalogue, on a loopback port, plus /__cpu (its CPU µs so far). */
async function child(target: string): Promise<void> {
  const store = await openStore({ dataDir: tmpdir(), databaseUrl: target });
  const app = await createServer({
    store,
    config: { siteName: 'Earshot', publicUrl: 'http://127.0.0.1' },
    plugins: [
      (inner) => {
        inner.get('/__cpu', async () => {
          const u = process.cpuUsage();
          return String(u.user + u.system);
        });
      },
    ],
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  console.log(`http://127.0.0.1:${address.port}`);
  process.on('SIGTERM', () => {
    void app.close().then(() => store.close().then(() => process.exit(0)));
  });
}

async function main(): Promise<void> {
  const childTarget = arg('child');
  if (childTarget !== undefined) return child(childTarget);
  const episodes = Number(arg('episodes') ?? 100_000);
  const databaseUrl = arg('database-url');
  const which = arg('db') ?? (databaseUrl === undefined ? 'sqlite' : 'both');
  const count = Number(arg('queries') ?? 200);
  const duration = Number(arg('duration') ?? 8);
  const http = !process.argv.includes('--no-http');
  const dir = arg('data') ?? join(tmpdir(), 'earshot-bench-search');
  mkdirSync(dir, { recursive: true });
  const targets: Array<[string, string]> = [];
  if (which === 'sqlite' || which === 'both') {
    const file = join(dir, `catalogue-${episodes}.db`);
    await fillSqlite(file, episodes);
    targets.push(['SQLite', file]);
  }
  if (which === 'postgres' || which === 'both') {
    if (databaseUrl === undefined) throw new Error('--database-url is needed for PostgreSQL');
    await fillPostgres(databaseUrl, episodes);
    targets.push(['PostgreSQL', databaseUrl]);
  }
  const load0 = loadavg()[0] ?? 0;
  const rows: Row[] = [];
  for (const [name, target] of targets) {
    log(`${name}: store`);
    rows.push(...(await timeStore(name, target, count)));
    if (http) {
      log(`${name}: HTTP`);
      rows.push(...(await timeHttp(name, target, duration)));
    }
  }
  const load1 = loadavg()[0] ?? 0;
  const f = (n: number): string => (Number.isFinite(n) ? n.toFixed(n < 10 ? 2 : 1) : '–');
  console.log(
    `\n${episodes.toLocaleString('en')} episodes, ${Math.ceil(episodes / EPISODES_PER_SHOW).toLocaleString('en')} shows; ` +
      `load average ${load0.toFixed(2)} → ${load1.toFixed(2)}; store: one query at a time, ${count} per class; ` +
      `HTTP: autocannon 10 connections, ${duration} s per class, a new URL per request (no cache hit).\n`,
  );
  console.log('| database | via | query | n | p50 ms | p99 ms | max ms | CPU ms/query | with results |');
  console.log('|---|---|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.db} | ${r.via} | ${r.kind} | ${r.n} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.max)} | ${f(r.cpu)} | ${r.via === 'store' ? `${Math.round((100 * r.hits) / r.n)} %` : ''} |`,
    );
  }
}

await main();
