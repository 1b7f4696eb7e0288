#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with node's test runner (Node 20 has no --test globs) and restates the
// summary. Test files are independent of one another (each takes its own in-memory SQLite or PostgreSQL schema, its own
// temporary directories and random loopback ports), so several processes run at a time; each process's output is
// printed in one piece when it ends, headed by its files and how long it took.
// The test files are first bundled with esbuild (what tsx does to each module, done once for the whole run, packages
// included but for UNBUNDLED, `import.meta.url`/`dirname`/`filename` kept as the source file's), then run with plain
// `node`: loading every module of every file through tsx's loader thread, or Node resolving and loading the packages'
// files one by one, cost more CPU than most tests themselves. Stack positions in the output are mapped back to the
// sources (see toSources). `--tsx` runs each source file through tsx instead.
// The files in SLOW_FIRST start first, each in its own process, so that the longest ones are not left to run on their
// own at the end; the others follow in path order, GROUP_SIZE files to a process (`--isolate`: each in its own), each
// file a suite of its own. The files listed in ALONE run afterwards, one at a time with nothing else running: they
// assert responsiveness bounds that other files' work would eat into. `--with SCRIPT` runs that npm script (npm test:
// typecheck, lint) alongside the test files; its output is printed when it ends and its failure fails the run. When
// Chromium is installed, one Chromium serves the run's browser tests (see startChromium).
// Each process runs under GNU time (/usr/bin/time) when it is installed, so that the closing list also gives the
// processes that took the most CPU (user + sys, their child processes included). EARSHOT_TEST_RUN_DIR names a folder of
// the run that the files share (test/support/sqlite-image.ts keeps a migrated SQLite database there). The output of the
// files that failed is printed again at the end.
// Usage: node scripts/run-tests.mjs [--concurrency N] [--tsx] [--isolate] [--with SCRIPT …] [path-substring …]
// (default N: twice the available cores).
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { SourceMap } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;

/** Files run alone, after the others, with why. */
const ALONE = new Map([
  [
    'test/robustness/hostile-input.test.ts',
    '/healthz answers within a bound while hostile input is processed',
  ],
]);

/**
 * The files that take longest (on 2 cores), longest first: they start before all others. Keep it to the files the
 * closing "slowest" list shows at the top; a file missing here only starts later, it still runs.
 */
const SLOW_FIRST = [
  'test/cluster/cluster.test.ts', // four child processes (2 web, 2 crawl) on PostgreSQL, a lease to wait out
  'test/package/package.test.ts', // a clean clone, `npm pack` (a full build), an install, then the shipped server
  'src/store/postgres.test.ts', // the store contract on PostgreSQL: a migrated schema per test
  'test/robustness/robustness.test.ts', // the sweep of every route, in two parts (suite.ts)
  'test/robustness/robustness-2.test.ts',
  'src/feed/refresh/refresh.test.ts',
  'src/store/listeners.test.ts',
  'src/services/media-text.test.ts',
  'test/robustness/auth.test.ts',
  'src/http/player.browser.test.ts', // Chromium: the player, six journeys, real playback
  'src/http/browser.test.ts', // Chromium
  'src/http/server.test.ts',
  'test/robustness/private-feeds.test.ts',
  'src/store/sqlite.test.ts',
  'src/http/routes/images.test.ts', // covers fetched from a loopback host and resized
  'test/robustness/quota.test.ts', // every path that adds feeds, over its limit, then the crawler on a thousand
];

function walk(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else if (entry.name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const args = process.argv.slice(2);
let concurrency = Math.max(2, availableParallelism() * 2);
let throughTsx = false;
let isolated = false;
const scripts = [];
const filters = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--concurrency') {
    concurrency = Number(args[++i]);
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      console.error('--concurrency takes a whole number of files, at least 1');
      process.exit(2);
    }
  } else if (args[i] === '--tsx') throughTsx = true;
  else if (args[i] === '--isolate') isolated = true;
  else if (args[i] === '--with') {
    const name = args[++i];
    if (name === undefined || name.startsWith('-')) {
      console.error('--with takes the name of an npm script');
      process.exit(2);
    }
    scripts.push(name);
  } else filters.push(args[i]);
}
const rank = (f) => {
  const i = SLOW_FIRST.indexOf(f);
  return i === -1 ? SLOW_FIRST.length : i;
};
const files = ['src', 'test']
  .flatMap((d) => walk(join(root, d)))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort()
  .sort((a, b) => rank(a) - rank(b));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const alone = files.filter((f) => ALONE.has(f));
const together = files.filter((f) => !alone.includes(f));

const tapDir = mkdtempSync(join(tmpdir(), 'earshot-tests-'));
// A folder of this run for what the files can share (test/support/sqlite-image.ts: a migrated SQLite database).
process.env.EARSHOT_TEST_RUN_DIR = tapDir;
const totals = { pass: 0, fail: 0, skipped: 0, cancelled: 0, todo: 0 };
const failed = [];
/** The output of the files that failed, printed again at the end, where a reader of the run's tail looks. */
const failedOutput = [];
const took = [];
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Runs `command args` with its output collected; resolves with its exit code and output when it ends. */
function collect(command, commandArgs) {
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks = [];
    child.stdout.on('data', (c) => chunks.push(c));
    child.stderr.on('data', (c) => chunks.push(c));
    child.on('error', (error) => chunks.push(Buffer.from(`${error.message}\n`)));
    child.on('close', (code, signal) =>
      resolve({ code: code ?? 1, signal, output: Buffer.concat(chunks).toString() }),
    );
  });
}

/**
 * Packages left as imports: native addons (they load a `.node` file from their own folder), the browser driver and
 * the build tools (large, loaded by few files, and finding their own files on disk), and `earshot` itself (the
 * package test imports the installed package from another project, never from here).
 */
const UNBUNDLED = [
  'better-sqlite3',
  'sharp',
  'pg-native',
  'playwright-core',
  'esbuild',
  'typescript',
  'tsx',
  'autocannon',
  'earshot',
];

/**
 * Bundles `list` into `outdir` (one .mjs per test file, shared chunks, linked source maps), each module's
 * `import.meta.url`, `dirname` and `filename` replaced by its source file's, so that fixtures and the package root are
 * found as from the sources. The packages are bundled too, but for UNBUNDLED (imports resolved from the checkout's
 * node_modules: outdir is inside it): Node resolving and compiling a few hundred files of fastify, kysely, pino, undici
 * and the rest cost about 0.6 s of CPU in every file that starts the app, more than most files' tests. CommonJS
 * packages get a `require` for what they load themselves.
 * Returns the bundle of each file, or undefined (the errors printed) when a file does not build.
 */
async function bundle(list, outdir) {
  const { build } = await import('esbuild');
  const sourceMeta = {
    name: 'source-import-meta',
    setup(b) {
      b.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (a) => {
        if (a.path.includes('/node_modules/')) return undefined;
        const text = await readFile(a.path, 'utf8');
        if (!text.includes('import.meta')) return undefined;
        const contents = text
          .replaceAll('import.meta.dirname', JSON.stringify(dirname(a.path)))
          .replaceAll('import.meta.filename', JSON.stringify(a.path))
          .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(a.path).href));
        return { contents, loader: /\.[cm]?ts$/.test(a.path) ? 'ts' : 'js' };
      });
    },
  };
  try {
    await build({
      entryPoints: list.map((f) => join(root, f)),
      outbase: root,
      outdir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      external: UNBUNDLED.flatMap((name) => [name, `${name}/*`]),
      banner: {
        js: "import { createRequire as __earshotRequire } from 'node:module'; const require = __earshotRequire(import.meta.url);",
      },
      sourcemap: 'linked',
      sourcesContent: false,
      tsconfig: join(root, 'tsconfig.json'),
      plugins: [sourceMeta],
      logLevel: 'error',
    });
  } catch {
    return undefined;
  }
  return new Map(list.map((f) => [f, join(outdir, f.replace(/\.ts$/, '.mjs'))]));
}

/**
 * Stack positions in the bundles, rewritten to the source file, line and column they came from (their linked source
 * maps, read when a position is met, which is when a test failed). Node could do this itself with
 * --enable-source-maps, but it reads a file's maps when it loads it, which cost ~0.4 s of CPU per file.
 */
const sourceMaps = new Map();
function toSources(output) {
  const inBundles = relative(root, bundleDir);
  if (!output.includes(inBundles)) return output;
  // file:///…/test-artifacts/bundles-PID/…, /…/test-artifacts/bundles-PID/… or test-artifacts/bundles-PID/…
  const position = new RegExp(`(?:file://)?(?:${root})?${inBundles}/([^:\\s)]+\\.mjs):(\\d+):(\\d+)`, 'g');
  return output.replace(position, (whole, path, line, column) => {
    const mapFile = join(bundleDir, `${path}.map`);
    if (!sourceMaps.has(mapFile))
      sourceMaps.set(
        mapFile,
        existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) : undefined,
      );
    const entry = sourceMaps.get(mapFile)?.findEntry(Number(line) - 1, Number(column) - 1);
    if (entry?.originalSource === undefined) return whole;
    const source = entry.originalSource.startsWith('file://')
      ? fileURLToPath(entry.originalSource)
      : resolve(dirname(mapFile), entry.originalSource);
    return `${relative(root, source)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}

/** GNU time, when present, measures each file's CPU (user + sys, the waited-for children included). */
const TIME = '/usr/bin/time';
const timed = existsSync(TIME);
function cpuSeconds(file) {
  if (!existsSync(file)) return undefined;
  const [user, sys] = readFileSync(file, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
  return Number.isFinite(user) && Number.isFinite(sys) ? user + sys : undefined;
}

/**
 * One process of the run: a test file on its own, or a group of files (see GROUP_SIZE) whose bundles one entry imports,
 * each inside a `describe` named by its path: node:test then scopes each file's top-level tests and hooks to that
 * suite, runs the files one after another, and the packages and shared modules are loaded once for the group.
 */
let runs = 0;
async function runUnit(unit) {
  const id = ++runs;
  const tapFile = join(tapDir, `${id}.tap`);
  const started = Date.now();
  const entry = unit.files.length > 1 ? groupEntry(unit.files, id) : bundles?.get(unit.files[0]);
  const nodeArgs = [
    ...(entry === undefined ? ['--import', 'tsx'] : []),
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...(unit.files.length > 1
      ? [
          `--test-reporter=${join(root, 'scripts', 'test-placement-reporter.mjs')}`,
          `--test-reporter-destination=${tapFile}.placement`,
        ]
      : []),
    entry ?? unit.files[0],
  ];
  const cpuFile = `${tapFile}.cpu`;
  const { code, signal, output } = timed
    ? await collect(TIME, ['-q', '-f', '%U %S', '-o', cpuFile, process.execPath, ...nodeArgs])
    : await collect(process.execPath, nodeArgs);
  const ms = Date.now() - started;
  const label =
    unit.files.length > 1 ? `${unit.files.length} files: ${unit.files.join(', ')}` : unit.files[0];
  const short =
    unit.files.length > 1 ? `group ${id} (${unit.files.length} files, ${unit.files[0]} …)` : label;
  took.push({ file: short, ms, cpu: cpuSeconds(cpuFile) });
  const tap = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
  const count = (key) => Number(tap.match(new RegExp(`^# ${key} (\\d+)$`, 'm'))?.[1] ?? 0);
  for (const key of Object.keys(totals)) totals[key] += count(key);
  // In a group, a test outside every file's suite was declared after a top-level await of its file (node:test then
  // files it under the process, where it may run after its file's `after` hooks): declare every test up front.
  const strays =
    unit.files.length > 1
      ? [...tap.matchAll(/^(?:not )?ok \d+ - (.+)$/gm)]
          .map((m) => m[1])
          .filter((name) => !unit.files.includes(name))
      : [];
  const misplaced = unit.files.length > 1 ? misplacedTests(unit.files, `${tapFile}.placement`) : [];
  const ok =
    code === 0 &&
    misplaced.length === 0 &&
    count('fail') === 0 &&
    count('cancelled') === 0 &&
    strays.length === 0 &&
    /^# pass \d+$/m.test(tap);
  if (!ok) {
    const why = signal ? ` (killed by ${signal})` : code === 0 ? '' : ` (exit ${code})`;
    // In a group, the files whose suite failed or never ended (a crash ends them all).
    const passed = new Set([...tap.matchAll(/^ok \d+ - (.+)$/gm)].map((m) => m[1]));
    const culprits = unit.files.length > 1 ? unit.files.filter((f) => !passed.has(f)) : unit.files;
    const onlyPlacement = misplaced.length + strays.length > 0 && culprits.length === 0 && code === 0;
    if (!onlyPlacement)
      for (const f of culprits.length > 0 ? culprits : unit.files)
        failed.push(`${f}${why}${unit.files.length > 1 ? ` (in group ${id})` : ''}`);
  }
  for (const m of misplaced) failed.push(`${m} (in group ${id})`);
  for (const name of strays)
    failed.push(
      `"${name}" (in group ${id}) was declared after a top-level await: declare its file's tests first`,
    );
  const shown = entry === undefined ? output : toSources(output);
  if (!ok) failedOutput.push(`# ${label}\n${shown}`);
  process.stdout.write(`# ${label} (${seconds(ms)})${ok ? '' : ' FAILED'}\n${shown}`);
}

/**
 * The tests of a group that ran under another file's suite than the one that declared them (see
 * scripts/test-placement-reporter.mjs), each as a sentence. Tests declared in shared modules are not judged.
 */
function misplacedTests(list, placementFile) {
  if (!existsSync(placementFile)) return [];
  const sourceOf = new Map(list.map((f) => [bundles.get(f), f]));
  return readFileSync(placementFile, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t'))
    .filter(([suite, file]) => sourceOf.has(file) && sourceOf.get(file) !== suite)
    .map(
      ([suite, file, name]) =>
        `"${name}" of ${sourceOf.get(file)} ran under ${suite}: a promise of another file carried its context (see test/support/caller-context.ts)`,
    );
}

/** The entry of a group of bundled files: each file's bundle imported inside a suite named by its path. */
function groupEntry(list, id) {
  const path = join(bundleDir, `group-${id}.mjs`);
  const suites = list.map(
    (f) =>
      `describe(${JSON.stringify(f)}, async () => { await import(${JSON.stringify(pathToFileURL(bundles.get(f)).href)}); });`,
  );
  writeFileSync(path, `import { describe } from 'node:test';\n${suites.join('\n')}\n`);
  return path;
}

/**
 * How many of the other files (not SLOW_FIRST, not ALONE) share a process. Node starting and loading the bundles'
 * packages and shared modules cost ~0.5 s of CPU per process; most of these files' tests take less.
 */
const GROUP_SIZE = 8;

/**
 * The processes of `list`: the SLOW_FIRST files each on its own, first; the others in groups of neighbours in path
 * order. Groups with a file that drives Chromium go first: they spend most of their time waiting on the browser
 * (15–30 s of wall for a few seconds of their own CPU), which is best overlapped with other files' work rather than
 * left to the end. Then the groups with the most test code (a rough measure of their work: the last processes to start
 * should be short ones, or one core idles while the last runs).
 */
function unitsOf(list) {
  const single = list.filter((f) => isolated || bundles === undefined || SLOW_FIRST.includes(f));
  const rest = list.filter((f) => !single.includes(f));
  const groups = [];
  for (let i = 0; i < rest.length; i += GROUP_SIZE) groups.push({ files: rest.slice(i, i + GROUP_SIZE) });
  const size = (group) => group.files.reduce((sum, f) => sum + statSync(join(root, f)).size, 0);
  const browser = (group) => group.files.some(drivesChromium);
  const sized = groups
    .map((group) => ({ group, browser: browser(group), bytes: size(group) }))
    .sort((a, b) => Number(b.browser) - Number(a.browser) || b.bytes - a.bytes);
  return [...single.map((f) => ({ files: [f] })), ...sized.map((g) => g.group)];
}

/** Runs the units of `list` at most `width` at a time, in order. */
async function pool(list, width) {
  let next = 0;
  const worker = async () => {
    while (next < list.length) await runUnit(list[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(width, list.length) }, worker));
}

const started = Date.now();
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const checks = scripts.map(async (name) => {
  const t0 = Date.now();
  const cpuFile = join(tapDir, `${name}.cpu`);
  const { code, output } = timed
    ? await collect(TIME, ['-q', '-f', '%U %S', '-o', cpuFile, npm, 'run', '--silent', name])
    : await collect(npm, ['run', '--silent', name]);
  if (code !== 0) failed.push(`npm run ${name} (exit ${code})`);
  const cpu = cpuSeconds(cpuFile);
  process.stdout.write(
    `# npm run ${name}: ${code === 0 ? 'ok' : 'FAILED'} (${seconds(Date.now() - t0)}${cpu === undefined ? '' : `, ${cpu.toFixed(1)} s CPU`})\n${output}`,
  );
});
// Inside the checkout (test-artifacts/ is ignored), so that the bundles' package imports resolve to its node_modules.
const bundleDir = join(root, 'test-artifacts', `bundles-${process.pid}`);
for (const signal of ['SIGINT', 'SIGTERM'])
  process.once(signal, () => {
    rmSync(bundleDir, { recursive: true, force: true });
    rmSync(tapDir, { recursive: true, force: true });
    chromiumServer?.process().kill('SIGKILL');
    process.exit(130);
  });
/** Whether a test file drives Chromium (test/support/browser.ts). */
function drivesChromium(file) {
  return readFileSync(join(root, file), 'utf8').includes('launchChromium(');
}
/**
 * One Chromium for the run, when Chromium is installed and some file drives it (test/support/browser.ts connects to
 * it through EARSHOT_TEST_CHROMIUM, each file in contexts of its own): started once, it saves each browser file the
 * ~2 s of CPU of starting its own. Its CPU is not in the files' figures.
 */
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
let chromiumServer;
async function startChromium() {
  const drives = files.some(drivesChromium);
  if (CHROMIUM === undefined || !drives || process.env.EARSHOT_TEST_CHROMIUM) return;
  const { chromium } = await import('playwright-core');
  const args = JSON.parse(readFileSync(join(root, 'test', 'support', 'chromium-flags.json'), 'utf8'));
  chromiumServer = await chromium.launchServer({ executablePath: CHROMIUM, args });
  process.env.EARSHOT_TEST_CHROMIUM = chromiumServer.wsEndpoint();
}
const chromiumStarted = startChromium().catch((error) => {
  console.log(`# no shared Chromium (${error.message}); each browser file starts its own`);
});
let bundles;
if (!throughTsx) {
  mkdirSync(join(root, 'test-artifacts'), { recursive: true });
  bundles = await bundle(files, bundleDir);
  if (bundles === undefined) {
    failed.push('bundling the test files (esbuild, errors above)');
    rmSync(bundleDir, { recursive: true, force: true });
    await Promise.all(checks);
    await chromiumStarted;
    await chromiumServer?.close();
    console.log(`# failed:\n${failed.map((f) => `#   ${f}`).join('\n')}`);
    process.exit(1);
  }
}
const alongside = scripts.length > 0 ? `; npm run ${scripts.join(', ')} alongside` : '';
const how = throughTsx ? 'through tsx' : 'bundled';
await chromiumStarted;
console.log(`# ${together.length} test files, ${concurrency} at a time, ${how}${alongside}`);
await pool(unitsOf(together), concurrency);
await Promise.all(checks);
if (alone.length > 0) {
  const reasons = alone.map((f) => ALONE.get(f)).join('; ');
  console.log(`# ${alone.length} test files one at a time, alone (${reasons})`);
  await pool(
    alone.map((f) => ({ files: [f] })),
    1,
  );
}
await chromiumServer?.close();
rmSync(tapDir, { recursive: true, force: true });
rmSync(bundleDir, { recursive: true, force: true });

const slowest = took
  .sort((a, b) => b.ms - a.ms)
  .slice(0, 12)
  .map(
    (t) =>
      `#   ${seconds(t.ms).padStart(7)}${t.cpu === undefined ? '' : `  ${t.cpu.toFixed(1).padStart(5)} s CPU`}  ${t.file}`,
  );
console.log(`# slowest files (wall${timed ? ', CPU' : ''}):\n${slowest.join('\n')}`);
if (timed) {
  const cpu = took.reduce((sum, t) => sum + (t.cpu ?? 0), 0);
  const top = [...took].sort((a, b) => (b.cpu ?? 0) - (a.cpu ?? 0)).slice(0, 12);
  console.log(
    `# test files' CPU: ${cpu.toFixed(1)} s; most CPU:\n${top.map((t) => `#   ${(t.cpu ?? 0).toFixed(1).padStart(5)} s  ${t.file}`).join('\n')}`,
  );
}
if (failedOutput.length > 0) console.log(`# the failed files' output again:\n${failedOutput.join('\n')}`);
if (failed.length > 0) console.log(`# failed:\n${failed.map((f) => `#   ${f}`).join('\n')}`);
console.log(
  `# pass ${totals.pass}\n# fail ${totals.fail}\n# cancelled ${totals.cancelled}\n# skipped ${totals.skipped}\n# todo ${totals.todo}`,
);
const failedRuns = failed.length > 0 ? ` (${failed.length} runs failed)` : '';
console.log(
  `${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped${failedRuns} in ${seconds(Date.now() - started)}`,
);
process.exit(failed.length > 0 ? 1 : 0);
