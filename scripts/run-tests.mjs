#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/, each file in its own process with node's test runner (Node 20 has no
// --test globs), and restates the summary. Test files are independent of one another (each takes its own in-memory
// SQLite or PostgreSQL schema, its own temporary directories and random loopback ports), so several run at a time;
// each file's output is printed in one piece when it ends, headed by its path and how long it took.
// The test files are first bundled with esbuild (what tsx does to each module, done once for the whole run, with the
// packages left as imports and `import.meta.url`/`dirname`/`filename` kept as the source file's), then run with plain
// `node --enable-source-maps`: loading every module of every file through tsx's loader thread cost more CPU than most
// tests themselves. `--tsx` runs the sources through tsx instead.
// The files in SLOW_FIRST start first, so that the longest ones are not left to run on their own at the end; the
// others follow in path order. The files listed in ALONE run afterwards, one at a time with nothing else running: they
// assert responsiveness bounds that other files' work would eat into. `--with SCRIPT` runs that npm script (npm test:
// typecheck, lint) alongside the test files; its output is printed when it ends and its failure fails the run.
// Each file runs under GNU time (/usr/bin/time) when it is installed, so that the closing list also gives the files
// that took the most CPU (user + sys, their child processes included). EARSHOT_TEST_RUN_DIR names a folder of the run
// that the files share (test/support/sqlite-image.ts keeps a migrated SQLite database there).
// Usage: node scripts/run-tests.mjs [--concurrency N] [--tsx] [--with SCRIPT …] [path-substring …]
// (default N: twice the available cores).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

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
  'test/robustness/robustness.test.ts',
  'src/feed/refresh/refresh.test.ts',
  'src/store/listeners.test.ts',
  'src/services/media-text.test.ts',
  'test/robustness/auth.test.ts',
  'src/http/player.browser.test.ts', // Chromium: the player, six journeys, real playback
  'src/http/browser.test.ts', // Chromium
  'src/http/server.test.ts',
  'test/robustness/private-feeds.test.ts',
  'src/store/sqlite.test.ts',
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
 * Bundles `list` into `outdir` (one .mjs per test file, shared chunks, linked source maps), each module's
 * `import.meta.url`, `dirname` and `filename` replaced by its source file's, so that fixtures and the package root are
 * found as from the sources. Packages stay imports, resolved from the checkout's node_modules (outdir is inside it).
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
      packages: 'external',
      sourcemap: 'linked',
      tsconfig: join(root, 'tsconfig.json'),
      plugins: [sourceMeta],
      logLevel: 'error',
    });
  } catch {
    return undefined;
  }
  return new Map(list.map((f) => [f, join(outdir, f.replace(/\.ts$/, '.mjs'))]));
}

/** GNU time, when present, measures each file's CPU (user + sys, the waited-for children included). */
const TIME = '/usr/bin/time';
const timed = existsSync(TIME);
function cpuSeconds(file) {
  if (!existsSync(file)) return undefined;
  const [user, sys] = readFileSync(file, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
  return Number.isFinite(user) && Number.isFinite(sys) ? user + sys : undefined;
}

/** One test file in its own process: spec output for people, TAP into a file for the counts. */
let runs = 0;
async function runFile(file) {
  const tapFile = join(tapDir, `${++runs}.tap`);
  const started = Date.now();
  const bundled = bundles?.get(file);
  const nodeArgs = [
    ...(bundled === undefined ? ['--import', 'tsx'] : ['--enable-source-maps']),
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    bundled ?? file,
  ];
  const cpuFile = `${tapFile}.cpu`;
  const { code, signal, output } = timed
    ? await collect(TIME, ['-q', '-f', '%U %S', '-o', cpuFile, process.execPath, ...nodeArgs])
    : await collect(process.execPath, nodeArgs);
  const ms = Date.now() - started;
  took.push({ file, ms, cpu: cpuSeconds(cpuFile) });
  const tap = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
  const count = (key) => Number(tap.match(new RegExp(`^# ${key} (\\d+)$`, 'm'))?.[1] ?? 0);
  for (const key of Object.keys(totals)) totals[key] += count(key);
  const ok = code === 0 && count('fail') === 0 && count('cancelled') === 0 && /^# pass \d+$/m.test(tap);
  if (!ok) failed.push(`${file}${signal ? ` (killed by ${signal})` : code === 0 ? '' : ` (exit ${code})`}`);
  process.stdout.write(`# ${file} (${seconds(ms)})${ok ? '' : ' FAILED'}\n${output}`);
}

/** Runs `files` at most `width` at a time, in order. */
async function pool(list, width) {
  let next = 0;
  const worker = async () => {
    while (next < list.length) await runFile(list[next++]);
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
    process.exit(130);
  });
let bundles;
if (!throughTsx) {
  mkdirSync(join(root, 'test-artifacts'), { recursive: true });
  bundles = await bundle(files, bundleDir);
  if (bundles === undefined) {
    failed.push('bundling the test files (esbuild, errors above)');
    rmSync(bundleDir, { recursive: true, force: true });
    await Promise.all(checks);
    console.log(`# failed:\n${failed.map((f) => `#   ${f}`).join('\n')}`);
    process.exit(1);
  }
}
const alongside = scripts.length > 0 ? `; npm run ${scripts.join(', ')} alongside` : '';
const how = throughTsx ? 'through tsx' : 'bundled';
console.log(`# ${together.length} test files, ${concurrency} at a time, ${how}${alongside}`);
await pool(together, concurrency);
await Promise.all(checks);
if (alone.length > 0) {
  const reasons = alone.map((f) => ALONE.get(f)).join('; ');
  console.log(`# ${alone.length} test files one at a time, alone (${reasons})`);
  await pool(alone, 1);
}
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
if (failed.length > 0) console.log(`# failed:\n${failed.map((f) => `#   ${f}`).join('\n')}`);
console.log(
  `# pass ${totals.pass}\n# fail ${totals.fail}\n# cancelled ${totals.cancelled}\n# skipped ${totals.skipped}\n# todo ${totals.todo}`,
);
const failedRuns = failed.length > 0 ? ` (${failed.length} runs failed)` : '';
console.log(
  `${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped${failedRuns} in ${seconds(Date.now() - started)}`,
);
process.exit(failed.length > 0 ? 1 : 0);
