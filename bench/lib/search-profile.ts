// `node --import tsx bench/lib/search-profile.ts <episodes> [--database-url postgres://…] [--queries N] [--cache-dir d]
//   [--statements] [--moments] [--sources] [--only <class>] [--slow] [--seed n]`
// The searches of `npm run bench:web`'s varied rows (1, 2, 3 words and word + prefix, drawn Zipf-like from its
// catalogue's vocabulary, and words said only in transcripts), run one at a time straight against the store over the bench:web catalogue of that size:
// CPU ms per search in this process (and wall ms, p50 / p99 / max) per class, no HTTP. For working on the search
// itself (with `node --cpu-prof`): the figures to report are bench:web's, which include rendering the page.
// --only: the classes whose name contains it. --moments: each search also finds its page's transcript moments, as the
// search page does (src/services/search-moments.ts); --sources: and its cited works (the page's first five).
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createMediaTextService } from '../../src/services/media-text.ts';
import { transcriptMoments } from '../../src/services/search-moments.ts';
import { openStore } from '../../src/store/index.ts';
import { prng } from '../../test/support/random.ts';
import { readIntoOsCache } from './os-cache.ts';
import { ensureWebData } from './web-data.ts';
import { ensurePgData } from './web-pg-copy.ts';
import { searchDraws } from './zipf.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const episodes = Number(process.argv[2] ?? 100_000);
const count = Number(arg('queries') ?? 200);
const databaseUrl = arg('database-url');
const { dir, data } = await ensureWebData({
  episodes,
  cacheDir: arg('cache-dir') ?? tmpdir(),
  log: (m) => console.error(m),
});
const sqliteFile = join(dir, 'earshot.sqlite');
// SQLite: the file in the operating system's cache first, as bench:web reads it (os-cache.ts).
if (databaseUrl === undefined) await readIntoOsCache(sqliteFile, (m) => console.error(m));
const store = await openStore({
  dataDir: dir,
  databaseUrl:
    databaseUrl === undefined
      ? sqliteFile
      : await ensurePgData(databaseUrl, sqliteFile, data, (m) => console.error(m)),
});

// Moments read only what is stored: the service never fetches for them.
const mediaText = process.argv.includes('--moments')
  ? createMediaTextService({
      fetcher: {
        fetchResource: () => Promise.reject(new Error('search-profile never fetches')),
      },
      store,
      now: () => new Date(),
    })
  : undefined;

const withSources = process.argv.includes('--sources');

// --seed: another draw of searches (a run repeating the last one's finds their pages in the database's buffers).
const random = prng(Number(arg('seed') ?? 13));
const { words, wordAndPrefix, spoken } = searchDraws(data, random);
const only = arg('only');
const classes = (
  [
    ['1 word', () => words(1)],
    ['2 words', () => words(2)],
    ['3 words', () => words(3)],
    ['word + prefix', wordAndPrefix],
    ['transcript', spoken],
  ] satisfies Array<[string, () => string]>
).filter(([name]) => only === undefined || name.includes(only));

const slow = process.argv.includes('--slow');
// PostgreSQL: the CPU of the server processes serving the bench's database, from /proc (as bench:web measures it).
const watcher = databaseUrl === undefined ? undefined : new pg.Client({ connectionString: databaseUrl });
await watcher?.connect();
const databaseCpuMs = async (): Promise<number> => {
  if (watcher === undefined) return 0;
  const { rows } = await watcher.query<{ pid: number }>(
    'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
  );
  let ticks = 0;
  for (const { pid } of rows) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * 10;
};
// --statements: CPU time (this process's) per SQLite statement (its text without the values), summed over the run.
const statements = new Map<string, { ms: number; n: number }>();
if (process.argv.includes('--statements')) {
  const proto = Database.prototype as unknown as { prepare: (source: string) => Record<string, unknown> };
  const prepare = proto.prepare;
  proto.prepare = function (this: unknown, source: string) {
    const stmt = prepare.call(this, source);
    for (const method of ['all', 'get', 'run'] as const) {
      const original = stmt[method] as (...a: unknown[]) => unknown;
      stmt[method] = (...a: unknown[]) => {
        const t0 = process.cpuUsage();
        try {
          return original.apply(stmt, a);
        } finally {
          const used = process.cpuUsage(t0);
          const key = source.replace(/\s+/g, ' ').slice(0, 160);
          const s = statements.get(key) ?? { ms: 0, n: 0 };
          s.ms += (used.user + used.system) / 1000;
          s.n++;
          statements.set(key, s);
        }
      };
    }
    return stmt;
  };
}
// --statements on PostgreSQL: wall time per statement (the database's work plus the round trip), from the driver.
if (process.argv.includes('--statements') && databaseUrl !== undefined) {
  const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const query = proto.query;
  proto.query = function (this: unknown, ...a: unknown[]) {
    const first = a[0];
    const text = typeof first === 'string' ? first : (first as { text?: string } | undefined)?.text;
    const result = query.apply(this, a);
    if (text === undefined || !(result instanceof Promise)) return result;
    const t0 = performance.now();
    const key = `[wall] ${text.replace(/\s+/g, ' ').slice(0, 160)}`;
    return result.finally(() => {
      const s = statements.get(key) ?? { ms: 0, n: 0 };
      s.ms += performance.now() - t0;
      s.n++;
      statements.set(key, s);
    });
  };
}
for (let i = 0; i < 20; i++) await store.search.search(words(1), { limit: 20, audience: {} });
for (const [name, next] of classes) {
  const times: Array<[number, string]> = [];
  const cpu0 = process.cpuUsage();
  const db0 = await databaseCpuMs();
  for (let i = 0; i < count; i++) {
    const q = next();
    const t0 = performance.now();
    const found = await store.search.search(q, { limit: 20, audience: {} });
    await transcriptMoments(
      mediaText,
      q,
      found.episodes.map((e) => e.episode),
    );
    if (withSources) await store.sources.search(q, { limit: 5, audience: {} });
    times.push([performance.now() - t0, q]);
  }
  const cpu = process.cpuUsage(cpu0);
  const db = ((await databaseCpuMs()) - db0) / count;
  times.sort((a, b) => a[0] - b[0]);
  const at = (p: number): number => times[Math.min(times.length - 1, Math.floor(p * times.length))]?.[0] ?? 0;
  console.log(
    `${name.padEnd(14)} CPU ${((cpu.user + cpu.system) / 1000 / count).toFixed(2)} ms/search${watcher === undefined ? '' : ` + PostgreSQL ${db.toFixed(2)}`}, wall p50 ${at(0.5).toFixed(2)} p99 ${at(0.99).toFixed(2)} max ${(times.at(-1)?.[0] ?? 0).toFixed(2)} ms`,
  );
  if (slow)
    console.log(
      `  slowest: ${times
        .slice(-5)
        .map(([t, q]) => `${q} (${t.toFixed(1)})`)
        .join(', ')}`,
    );
}
await store.close();
await watcher?.end();
const searches = count * classes.length;
for (const [key, s] of [...statements].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15))
  console.log(`${(s.ms / searches).toFixed(3)} ms/search  ${s.n} runs  ${key}`);
