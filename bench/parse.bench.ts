// `npm run bench:parse` — Earshot's feed parser against podcast-partytime, rss-parser and two bare htmlparser2
// tokenizer passes (its Parser with no callbacks, and its Tokenizer class driven directly with no-op callbacks), on
// the biggest real feeds of the shared corpus and on a generated 25 MB feed; then the peak RSS growth of
// stream-parsing the 25 MB feed, measured in a separate child process; then whole processes on the 25 MB feed: the built
// `earshot parse` against small scripts that parse the same file with partytime and rss-parser and print their JSON.
// Prints a Markdown table; with --out <file> also writes it there. Never a test: numbers are reported, not asserted.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Tokenizer, type TokenizerCallbacks, Parser as TokenizerPass } from 'htmlparser2';
import RssParser from 'rss-parser';
import { corpusDir } from '../test/support/corpus.ts';
import { parseBytes, streamParseFile } from './lib/earshot.ts';
import { generateFeed } from './lib/generate.ts';
import { type MeasureOptions, measure, measureRounds, type Timing } from './lib/timing.ts';

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
  /** htmlparser2's Parser with no callbacks: the floor the targets are judged against. */
  tokenizer: Timing;
  /** htmlparser2's Tokenizer class with no-op callbacks: the most literal "bare tokenizer pass". */
  tokenizerDirect: Timing;
}

/**
 * The floor any htmlparser2-based parser pays: decode the bytes (Buffer → string, as Earshot must) and tokenise them
 * with no-op callbacks, in the configuration Earshot's own parser uses (xmlMode, entity decoding off — the cheapest
 * one; entities are decoded by Earshot itself, only where a value is used).
 */
function tokenizerPass(body: Buffer): void {
  const p = new TokenizerPass({}, { xmlMode: true, decodeEntities: false });
  p.write(body.toString('utf8'));
  p.end();
}

const noop = (): void => {};
/** Every callback of htmlparser2's Tokenizer, doing nothing. */
const NO_OP_TOKENIZER_CALLBACKS: TokenizerCallbacks = {
  onattribdata: noop,
  onattribentity: noop,
  onattribend: noop,
  onattribname: noop,
  oncdata: noop,
  onclosetag: noop,
  oncomment: noop,
  ondeclaration: noop,
  onend: noop,
  onopentagend: noop,
  onopentagname: noop,
  onprocessinginstruction: noop,
  onselfclosingtag: noop,
  ontext: noop,
  ontextentity: noop,
};

/**
 * The lower floor: htmlparser2's Tokenizer class alone (no Parser: no tag stack, no attribute objects, no slices),
 * same configuration, same decoding. Reported beside the Parser floor; the targets are judged against the Parser.
 */
function tokenizerDirectPass(body: Buffer): void {
  const t = new Tokenizer({ xmlMode: true, decodeEntities: false }, NO_OP_TOKENIZER_CALLBACKS);
  t.write(body.toString('utf8'));
  t.end();
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
  // Every contender starts from the same bytes read from disk and is timed until its result: the peers take a
  // string, so their Buffer → string decoding is inside their timing, as it is inside Earshot's (which decodes
  // itself, BOM/charset sniffing included) and the tokenizer floor's.
  // The 26 MB feed: 9 rounds, not 5 — a major GC landing in one or two runs moved a median of 5 by up to 40%.
  const opts: MeasureOptions = big
    ? { warmups: 1, minRuns: 9, maxRuns: 9, cpuBudgetMs: 0 }
    : { warmups: 3, minRuns: 9, maxRuns: 41, cpuBudgetMs: 1500 };
  // partytime prints per item; its runs (and, measured in the same rounds, everyone's) write into nothing.
  const t = await quiet(() =>
    measureRounds(
      body.byteLength,
      {
        earshot: () => parseBytes(body, url),
        partytime: () => partytimeParse(body.toString('utf8'), { allowMissingGuid: true }),
        rssParser: () => rssParser.parseString(body.toString('utf8')),
        tokenizer: () => tokenizerPass(body),
        tokenizerDirect: () => tokenizerDirectPass(body),
      },
      opts,
    ),
  );
  const row: Row = { name, bytes: body.byteLength, ...t };
  if (big) row.earshotStream = await measure(body.byteLength, () => streamParseFile(path), opts);
  console.error(`  ${name}: done`);
  return row;
}

function f(n: number, digits = 1): string {
  return n.toFixed(digits);
}

interface MemoryResult {
  baselineMB: number;
  peakGrowthMB: number;
  episodes: number;
  problems: number;
  ms: number;
}

/** Peak RSS growth while stream-parsing the 25 MB feed, in a fresh process (GC'd baseline). */
function memoryChild(genPath: string): MemoryResult {
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', join(import.meta.dirname, 'lib', 'stream-memory.ts'), genPath],
    { encoding: 'utf8' },
  );
  if (child.status !== 0) throw new Error(`memory child failed: ${child.stderr}`);
  // The child prints one JSON object on its last line; its shape is stream-memory.ts's.
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as MemoryResult;
}

interface ProcessRun {
  wallMs: number;
  cpuMs: number;
  peakRssMB: number;
}

/** Reports the process's CPU time and peak RSS on fd 3 as it exits; loaded with `--import` ahead of the script. */
const REPORT_USAGE = `data:text/javascript,${encodeURIComponent(
  "import { writeSync } from 'node:fs'; process.on('exit', () => { const u = process.resourceUsage(); writeSync(3, JSON.stringify(u)); });",
)}`;

/** One whole process, from spawn to exit, its stdout going to /dev/null. */
async function runProcess(args: string[]): Promise<ProcessRun> {
  const devNull = openSync('/dev/null', 'w');
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', REPORT_USAGE, ...args], {
    stdio: ['ignore', devNull, 'pipe', 'pipe'],
  });
  let usage = '';
  let stderr = '';
  child.stdio[3]?.on('data', (c: Buffer) => {
    usage += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const code = await new Promise<number | null>((ok) => child.on('close', ok));
  const wallMs = performance.now() - t0;
  closeSync(devNull);
  if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}: ${stderr}`);
  // The child's process.resourceUsage(): times in microseconds, maxRSS in KiB.
  const u = JSON.parse(usage) as { userCPUTime: number; systemCPUTime: number; maxRSS: number };
  return { wallMs, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, peakRssMB: u.maxRSS / 1024 };
}

const WHOLE_PROCESS_ROUNDS = 5;

/**
 * Whole processes on one file, in rounds (each contender once per round, order rotating): the built `earshot parse`
 * (dist/, what the `earshot` command runs) and a script per peer that reads, parses and prints JSON the same way.
 */
async function wholeProcess(path: string): Promise<string[]> {
  const root = join(import.meta.dirname, '..');
  const earshotBin = join(root, 'dist', 'cli', 'bin.js');
  if (!existsSync(earshotBin)) throw new Error('dist/ is not built: run `npm run build` first');
  const contenders: Record<string, string[]> = {
    'earshot parse': [earshotBin, 'parse', path],
    partytime: [join(import.meta.dirname, 'lib', 'whole-partytime.mjs'), path],
    'rss-parser': [join(import.meta.dirname, 'lib', 'whole-rss-parser.mjs'), path],
  };
  const names = Object.keys(contenders);
  const runs = new Map<string, ProcessRun[]>(names.map((n) => [n, []]));
  for (let round = 0; round < WHOLE_PROCESS_ROUNDS; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + round) % names.length] ?? '';
      runs.get(name)?.push(await runProcess(contenders[name] ?? []));
    }
  }
  const med = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s[s.length >> 1] ?? 0;
  };
  const summary = names.map((name) => {
    const r = runs.get(name) ?? [];
    return {
      name,
      wall: med(r.map((x) => x.wallMs)),
      cpu: med(r.map((x) => x.cpuMs)),
      rss: med(r.map((x) => x.peakRssMB)),
      maxRss: Math.max(...r.map((x) => x.peakRssMB)),
    };
  });
  const earshot = summary[0];
  const lines = [
    `Whole processes on the ${f(readFileSync(path).byteLength / 1e6, 1)} MB generated feed (node <script> <file> > /dev/null; ${WHOLE_PROCESS_ROUNDS} rounds, medians; the peers read the file, parse it and print JSON.stringify(result, null, 2), as \`earshot parse\` prints its result):`,
    '',
    '| process | wall | CPU (user+sys) | peak RSS (max of runs) | earshot parse faster by, wall | by CPU |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const s of summary) {
    lines.push(
      `| ${s.name} | ${f(s.wall, 0)} ms | ${f(s.cpu, 0)} ms | ${f(s.rss, 0)} MB (${f(s.maxRss, 0)}) | ${s === earshot ? '–' : `${f(s.wall / (earshot?.wall ?? 1), 2)}×`} | ${s === earshot ? '–' : `${f(s.cpu / (earshot?.cpu ?? 1), 2)}×`} |`,
    );
  }
  return lines;
}

async function main(): Promise<void> {
  const outIdx = process.argv.indexOf('--out');
  const outFile = outIdx >= 0 ? process.argv[outIdx + 1] : undefined;
  // --only <substring>: just the feeds whose name contains it ("generated" for the generated one); for quick checks.
  const onlyIdx = process.argv.indexOf('--only');
  const only = onlyIdx >= 0 ? process.argv[onlyIdx + 1] : undefined;
  const wanted = (name: string) => only === undefined || name.includes(only);
  const tmp = mkdtempSync(join(tmpdir(), 'earshot-bench-'));
  try {
    const rows: Row[] = [];
    if (corpusDir === undefined) console.error('shared corpus absent: benchmarking the generated feed only');
    else {
      for (const rel of REAL_FEEDS) {
        const path = join(corpusDir, rel);
        if (existsSync(path) && wanted(rel))
          rows.push(await benchOne(rel.split('/').slice(1).join('/'), path, false));
      }
    }
    let gen: { bytes: number; items: number } | undefined;
    let mem: MemoryResult | undefined;
    if (wanted('generated')) {
      const genPath = join(tmp, 'generated-25mb.xml');
      gen = await generateFeed(genPath, GENERATED_BYTES);
      console.error(`generated ${f(gen.bytes / 2 ** 20)} MiB, ${gen.items} items`);
      rows.push(await benchOne(`generated (${gen.items} items, itunes+podcast, HTML notes)`, genPath, true));
      mem = memoryChild(genPath);
    }
    let whole: string[] = [];
    if (wanted('whole-process')) {
      const genPath = join(tmp, 'generated-25mb.xml');
      if (gen === undefined) await generateFeed(genPath, GENERATED_BYTES);
      whole = ['', ...(await wholeProcess(genPath))];
      console.error('  whole processes: done');
    }

    const lines: string[] = [];
    if (rows.length > 0) {
      lines.push(
        `Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores. MB/s = 10^6 input bytes per second of process CPU time (user+system, GC threads included), median of N runs (N per feed in the last column) after warm-up runs, measured in rounds (each round runs every contender once, order rotating), every contender timed from the same bytes read from disk to its result (Buffer → string decoding included for all, both tokenizer floors too); CPU time is used because the machine is shared and wall time mostly measures waiting for a core.`,
        '',
        '| feed | size | Earshot parseFeed | Earshot stream | partytime | rss-parser | htmlparser2 Parser floor | htmlparser2 Tokenizer floor | Earshot ÷ faster peer | Earshot ÷ Parser floor | Earshot ÷ Tokenizer floor | N (Earshot min–max ms) |',
        '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      );
      let minVsPeer = Number.POSITIVE_INFINITY;
      let minVsTok = Number.POSITIVE_INFINITY;
      let minVsTokDirect = Number.POSITIVE_INFINITY;
      for (const r of rows) {
        const peer = Math.max(r.partytime.mbPerSec, r.rssParser.mbPerSec);
        const vsPeer = r.earshot.mbPerSec / peer;
        const vsTok = r.earshot.mbPerSec / r.tokenizer.mbPerSec;
        const vsTokDirect = r.earshot.mbPerSec / r.tokenizerDirect.mbPerSec;
        minVsPeer = Math.min(minVsPeer, vsPeer);
        minVsTok = Math.min(minVsTok, vsTok);
        minVsTokDirect = Math.min(minVsTokDirect, vsTokDirect);
        lines.push(
          `| ${r.name} | ${f(r.bytes / 1e6, 2)} MB | ${f(r.earshot.mbPerSec)} MB/s | ${r.earshotStream ? `${f(r.earshotStream.mbPerSec)} MB/s` : '–'} | ${f(r.partytime.mbPerSec)} MB/s | ${f(r.rssParser.mbPerSec)} MB/s | ${f(r.tokenizer.mbPerSec)} MB/s | ${f(r.tokenizerDirect.mbPerSec)} MB/s | ${f(vsPeer, 2)}× | ${f(vsTok, 2)}× | ${f(vsTokDirect, 2)}× | ${r.earshot.runs} (${f(r.earshot.minCpuMs, 0)}–${f(r.earshot.maxCpuMs, 0)}) |`,
        );
      }
      const ok = (b: boolean) => (b ? 'met' : '**missed**');
      lines.push(
        '',
        `Median wall-clock MB/s in the same run (noisy): ${rows.map((r) => `${r.name.split(' ')[0]}: Earshot ${f(r.earshot.wallMbPerSec)}, partytime ${f(r.partytime.wallMbPerSec)}, rss-parser ${f(r.rssParser.wallMbPerSec)}, Parser floor ${f(r.tokenizer.wallMbPerSec)}, Tokenizer floor ${f(r.tokenizerDirect.wallMbPerSec)}`).join('; ')}.`,
        '',
        mem === undefined || gen === undefined
          ? 'Generated feed and memory child skipped (--only).'
          : `Peak RSS growth while stream-parsing the generated ${f(gen.bytes / 2 ** 20)} MiB feed from a file stream (child process, --expose-gc, GC'd baseline ${f(mem.baselineMB)} MiB): **${f(mem.peakGrowthMB)} MiB** (${mem.episodes} episodes, ${mem.problems} problems, ${f(mem.ms, 0)} ms).`,
        '',
        `Targets: ≥ ${TARGETS.vsPeer}× the faster of partytime and rss-parser — worst ${f(minVsPeer, 2)}×, ${ok(minVsPeer >= TARGETS.vsPeer)}; ≥ ${TARGETS.vsTokenizer}× the bare tokenizer, judged against the htmlparser2 Parser floor — worst ${f(minVsTok, 2)}×, ${ok(minVsTok >= TARGETS.vsTokenizer)} (against the Tokenizer-class floor: worst ${f(minVsTokDirect, 2)}×, ${minVsTokDirect >= TARGETS.vsTokenizer ? 'also met' : 'not met'}); < ${TARGETS.rssGrowthMB} MiB RSS growth — ${mem === undefined ? 'not measured' : ok(mem.peakGrowthMB < TARGETS.rssGrowthMB)}.`,
      );
    }
    lines.push(...whole);
    const table = lines.join('\n');
    console.log(table);
    if (outFile !== undefined) writeFileSync(outFile, `${table}\n`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
