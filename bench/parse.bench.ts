// `npm run bench:parse` — Earshot's feed parser against podcast-partytime, rss-parser and a bare htmlparser2
// tokenizer pass, on the biggest real feeds of the shared corpus and on a generated 25 MB feed; then the peak
// RSS growth of stream-parsing the 25 MB feed, measured in a separate child process.
// Prints a Markdown table; with --out <file> also writes it there. Never a test: numbers are reported, not asserted.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Parser as TokenizerPass } from 'htmlparser2';
import RssParser from 'rss-parser';
import { corpusDir } from '../test/support/corpus.ts';
import { parseBytes, streamParseFile } from './lib/earshot.ts';
import { generateFeed } from './lib/generate.ts';
import { measure, type Timing } from './lib/timing.ts';

// partytime logs (pino, straight to fd 1) a warning per item without a guid unless told otherwise; this is the
// bench's process boundary, so it sets partytime's own switch before loading it.
process.env.PARTYTIME_LOG ??= 'silent';
const { parseFeed: partytimeParse } = await import('podcast-partytime');

const GENERATED_BYTES = 25 * 1024 * 1024;
const REAL_FEEDS = [
  'feeds/critrolesync/critical-role/feed-2026-07-21.xml',
  'feeds/giantbomb-archive/Giant_Bombcast_Archive.rss',
  'feeds/giantbomb-archive/Giant_Beastcast_Archive.rss',
  'feeds/node-podcast-parser/se-radio.xml',
];
const TARGETS = { vsPeer: 2.5, vsTokenizer: 0.6, rssGrowthMB: 30 };

interface Row {
  name: string;
  bytes: number;
  earshot: Timing;
  earshotStream?: Timing;
  partytime: Timing;
  rssParser: Timing;
  tokenizer: Timing;
}

function tokenizerPass(xml: string): void {
  const p = new TokenizerPass({}, { xmlMode: true });
  p.write(xml);
  p.end();
}

const rssParser = new RssParser();

/**
 * partytime also console.warn()s per item without a guid; the table must stay readable. The call still runs — into
 * nothing. (`allowMissingGuid` makes partytime keep those items, so it does the same work as the others.)
 */
async function quiet<T>(fn: () => T | Promise<T>): Promise<T> {
  const write = process.stdout.write.bind(process.stdout);
  const log = console.log;
  const warn = console.warn;
  process.stdout.write = (() => true) as typeof process.stdout.write; // swallow every overload
  console.log = () => {};
  console.warn = () => {};
  try {
    return await fn();
  } finally {
    process.stdout.write = write;
    console.log = log;
    console.warn = warn;
  }
}

async function benchOne(name: string, path: string, big: boolean): Promise<Row> {
  const body = readFileSync(path);
  const url = `https://bench.example/${basename(path)}`;
  // The peers take a string: decoding is their caller's job, so it is done once outside their timing.
  // Earshot takes bytes and decodes itself (BOM/charset sniffing included in its time).
  const xml = body.toString('utf8');
  const opts = big ? { minRuns: 3, maxRuns: 3, budgetMs: 0 } : { minRuns: 5, maxRuns: 60, budgetMs: 2000 };
  const slowOpts = big ? { minRuns: 1, maxRuns: 1, budgetMs: 0 } : opts;
  const row: Row = {
    name,
    bytes: body.byteLength,
    earshot: await measure(body.byteLength, () => parseBytes(body, url), opts),
    partytime: await quiet(() =>
      measure(body.byteLength, () => partytimeParse(xml, { allowMissingGuid: true }), slowOpts),
    ),
    rssParser: await measure(body.byteLength, () => rssParser.parseString(xml), slowOpts),
    tokenizer: await measure(body.byteLength, () => tokenizerPass(xml), opts),
  };
  if (big) row.earshotStream = await measure(body.byteLength, () => streamParseFile(path), opts);
  console.error(`  ${name}: done`);
  return row;
}

function f(n: number, digits = 1): string {
  return n.toFixed(digits);
}

async function main(): Promise<void> {
  const outIdx = process.argv.indexOf('--out');
  const outFile = outIdx >= 0 ? process.argv[outIdx + 1] : undefined;
  const tmp = mkdtempSync(join(tmpdir(), 'earshot-bench-'));
  try {
    const rows: Row[] = [];
    if (corpusDir === undefined) console.error('shared corpus absent: benchmarking the generated feed only');
    else {
      for (const rel of REAL_FEEDS) {
        const path = join(corpusDir, rel);
        if (existsSync(path)) rows.push(await benchOne(rel.split('/').slice(1).join('/'), path, false));
      }
    }
    const genPath = join(tmp, 'generated-25mb.xml');
    const gen = await generateFeed(genPath, GENERATED_BYTES);
    console.error(`generated ${f(gen.bytes / 2 ** 20)} MiB, ${gen.items} items`);
    rows.push(await benchOne(`generated (${gen.items} items, itunes+podcast, HTML notes)`, genPath, true));

    // Peak RSS growth while stream-parsing the 25 MB feed, in a fresh process (GC'd baseline).
    const child = spawnSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', join(import.meta.dirname, 'lib', 'stream-memory.ts'), genPath],
      { encoding: 'utf8' },
    );
    if (child.status !== 0) throw new Error(`memory child failed: ${child.stderr}`);
    // The child prints one JSON object on its last line.
    const mem = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as {
      baselineMB: number;
      peakGrowthMB: number;
      episodes: number;
      problems: number;
      ms: number;
    };

    const lines: string[] = [];
    lines.push(
      `Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores. MB/s = 10^6 input bytes per second of process CPU time (user+system, GC threads included), best of N runs after a warm-up; CPU time is used because the machine is shared and wall time mostly measures waiting for a core.`,
      '',
      '| feed | size | Earshot parseFeed | Earshot stream | partytime | rss-parser | htmlparser2 tokenizer only | Earshot ÷ faster peer | Earshot ÷ tokenizer |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    let minVsPeer = Number.POSITIVE_INFINITY;
    let minVsTok = Number.POSITIVE_INFINITY;
    for (const r of rows) {
      const peer = Math.max(r.partytime.mbPerSec, r.rssParser.mbPerSec);
      const vsPeer = r.earshot.mbPerSec / peer;
      const vsTok = r.earshot.mbPerSec / r.tokenizer.mbPerSec;
      minVsPeer = Math.min(minVsPeer, vsPeer);
      minVsTok = Math.min(minVsTok, vsTok);
      lines.push(
        `| ${r.name} | ${f(r.bytes / 1e6, 2)} MB | ${f(r.earshot.mbPerSec)} MB/s | ${r.earshotStream ? `${f(r.earshotStream.mbPerSec)} MB/s` : '–'} | ${f(r.partytime.mbPerSec)} MB/s | ${f(r.rssParser.mbPerSec)} MB/s | ${f(r.tokenizer.mbPerSec)} MB/s | ${f(vsPeer, 2)}× | ${f(vsTok, 2)}× |`,
      );
    }
    const ok = (b: boolean) => (b ? 'met' : '**missed**');
    lines.push(
      '',
      `Best wall-clock MB/s in the same run (noisy): ${rows.map((r) => `${r.name.split(' ')[0]}: Earshot ${f(r.earshot.wallMbPerSec)}, partytime ${f(r.partytime.wallMbPerSec)}, rss-parser ${f(r.rssParser.wallMbPerSec)}, tokenizer ${f(r.tokenizer.wallMbPerSec)}`).join('; ')}.`,
      '',
      `Peak RSS growth while stream-parsing the generated ${f(gen.bytes / 2 ** 20)} MiB feed from a file stream (child process, --expose-gc, GC'd baseline ${f(mem.baselineMB)} MiB): **${f(mem.peakGrowthMB)} MiB** (${mem.episodes} episodes, ${mem.problems} problems, ${f(mem.ms, 0)} ms).`,
      '',
      `Targets: ≥ ${TARGETS.vsPeer}× the faster of partytime and rss-parser — worst ${f(minVsPeer, 2)}×, ${ok(minVsPeer >= TARGETS.vsPeer)}; ≥ ${TARGETS.vsTokenizer}× the bare tokenizer — worst ${f(minVsTok, 2)}×, ${ok(minVsTok >= TARGETS.vsTokenizer)}; < ${TARGETS.rssGrowthMB} MiB RSS growth — ${ok(mem.peakGrowthMB < TARGETS.rssGrowthMB)}.`,
    );
    const table = lines.join('\n');
    console.log(table);
    if (outFile !== undefined) writeFileSync(outFile, `${table}\n`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
