// Sync throughput: 10,000 episode actions uploaded in batches of 30 (as AntennaPod sends them) over loopback HTTP
// with the session cookie, then downloaded back with `since` paging. Reports actions/s both ways and p99 per request.
//   npm run bench:sync            (SQLite file in a temp dir; PostgreSQL too when EARSHOT_TEST_DATABASE_URL answers)
//   node --import tsx bench/sync.bench.ts --out /work/notes/bench-sync.md
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { basicAuthHeader } from '../src/sync/basic-auth.ts';
import { postgresSkip, type ThrowAwaySchema, throwAwaySchema } from '../test/support/postgres.ts';
import { startSyncServer, TEST_USER } from '../test/support/sync-clients/server.ts';

const TOTAL = 10_000;
const BATCH = 30;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

interface Result {
  label: string;
  upRate: number;
  upP50: number;
  upP99: number;
  upRequests: number;
  downRate: number;
  downP99: number;
  downRequests: number;
  downloaded: number;
}

interface ServedInfo {
  baseUrl: string;
  feedUrl: string;
  episodes: { enclosureUrl: string; guid: string }[];
}

/** The server runs in its own process, as in production: the load generator must not share its event loop. */
async function serve(database: string): Promise<{ server: ServedInfo; close(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--serve', database], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const nl = buffer.indexOf('\n');
      if (nl !== -1) resolve(buffer.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return {
    server: JSON.parse(line) as ServedInfo, // the child prints one JSON line describing itself
    close: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.stdin.end();
      }),
  };
}

async function runOnce(label: string, database: string): Promise<Result> {
  const { server, close } = await serve(database);
  try {
    const seeded = server.episodes;
    if (seeded.length === 0) throw new Error('no seeded episode');
    const episodeOf = (n: number) => seeded[n % seeded.length] ?? seeded[0] ?? { enclosureUrl: '', guid: '' };
    const login = await fetch(`${server.baseUrl}/api/2/auth/${TEST_USER.name}/login.json`, {
      method: 'POST',
      headers: { authorization: basicAuthHeader(TEST_USER.name, TEST_USER.password) },
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const start = Date.UTC(2026, 0, 1);
    const upTimes: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < TOTAL; i += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, TOTAL - i) }, (_, j) => {
        const n = i + j;
        // A mix like a real library: actions on fetched shows, 1 in 20 on a show the server has not fetched yet
        // (a phone's first sync); the others spread over the seeded show's episodes.
        const known = n % 20 !== 0;
        return {
          podcast: known ? server.feedUrl : `http://unknown-${n % 50}.example/feed.xml`,
          episode: known ? episodeOf(n).enclosureUrl : `http://unknown-${n % 50}.example/${n}.mp3`,
          guid: known ? episodeOf(n).guid : `guid-${n}`,
          action: n % 5 === 0 ? 'download' : 'play',
          timestamp: new Date(start + n * 1000).toISOString().slice(0, 19),
          ...(n % 5 === 0 ? {} : { started: 0, position: n % 1800, total: 1801 }),
          device: 'pixel_8',
        };
      });
      const r0 = performance.now();
      const res = await fetch(`${server.baseUrl}/api/2/episodes/${TEST_USER.name}.json`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify(batch),
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`upload answered ${res.status}`);
      upTimes.push(performance.now() - r0);
    }
    const upSeconds = (performance.now() - t0) / 1000;

    await new Promise((r) => setTimeout(r, 1100)); // let the last receive second close
    const downTimes: number[] = [];
    let since = 0;
    let downloaded = 0;
    const t1 = performance.now();
    for (let guard = 0; guard < 1000; guard++) {
      const r0 = performance.now();
      const res = await fetch(`${server.baseUrl}/api/2/episodes/${TEST_USER.name}.json?since=${since}`, {
        headers: { cookie },
      });
      const body = (await res.json()) as { actions: unknown[]; timestamp: number };
      downTimes.push(performance.now() - r0);
      downloaded += body.actions.length;
      if (body.timestamp === since || body.actions.length === 0) break;
      since = body.timestamp;
      if (downloaded >= TOTAL) break;
    }
    const downSeconds = (performance.now() - t1) / 1000;
    return {
      label,
      upRate: TOTAL / upSeconds,
      upP50: percentile(upTimes, 50),
      upP99: percentile(upTimes, 99),
      upRequests: upTimes.length,
      downRate: downloaded / downSeconds,
      downP99: percentile(downTimes, 99),
      downRequests: downTimes.length,
      downloaded,
    };
  } finally {
    await close();
  }
}

/** A throw-away schema on the test PostgreSQL (test/support/postgres.ts), or undefined (the reason is printed). */
async function postgresTarget(): Promise<ThrowAwaySchema | undefined> {
  const skip = await postgresSkip();
  if (skip === undefined) return throwAwaySchema();
  process.stderr.write(`${skip}\n`);
  return undefined;
}

const serveIndex = process.argv.indexOf('--serve');
if (serveIndex !== -1) {
  const server = await startSyncServer({ database: process.argv[serveIndex + 1] ?? ':memory:' });
  const info: ServedInfo = { baseUrl: server.baseUrl, feedUrl: server.feedUrl, episodes: server.episodes };
  process.stdout.write(`${JSON.stringify(info)}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    void server.close().then(() => process.exit(0));
  });
} else {
  await main();
}

async function main(): Promise<void> {
  const outIndex = process.argv.indexOf('--out');
  const out = outIndex === -1 ? undefined : process.argv[outIndex + 1];
  const results: Result[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'earshot-sync-bench-'));
  try {
    results.push(await runOnce('SQLite (file, WAL)', join(dir, 'bench.db')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const pg = await postgresTarget();
  if (pg !== undefined) {
    try {
      results.push(await runOnce('PostgreSQL', pg.url));
    } finally {
      await pg.drop();
    }
  }

  const lines = [
    `# Sync benchmark (bench/sync.bench.ts)`,
    '',
    `${new Date().toISOString()} · Node ${process.version} · ${cpus().length} cores · ${TOTAL} actions, batches of ${BATCH}, loopback HTTP to a server in its own process, session cookie`,
    '',
    '| store | upload actions/s | upload p50 ms/request | upload p99 ms/request | requests | download actions/s | download p99 ms/request | requests | downloaded |',
    '|---|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.label} | ${r.upRate.toFixed(0)} | ${r.upP50.toFixed(1)} | ${r.upP99.toFixed(1)} | ${r.upRequests} | ${r.downRate.toFixed(0)} | ${r.downP99.toFixed(1)} | ${r.downRequests} | ${r.downloaded} |`,
    ),
    '',
    'Each upload matches every action to an episode (feed by URL/alias, guid, enclosure URL), stores it and applies plays',
    "to the listener's progress; 1 action in 20 names a feed the server has not fetched yet (kept, feed added).",
    'Downloads page on receive time (whole seconds, ≥ 1,000 per page).',
    '',
  ];
  console.log(lines.join('\n'));
  if (out !== undefined) writeFileSync(out, lines.join('\n'));
}
