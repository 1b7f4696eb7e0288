#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with node's test runner (Node 20 has no --test globs).
// Test files are independent of one another (each takes its own in-memory SQLite or PostgreSQL schema, its own
// temporary directories and random loopback ports), so they run several at a time: most of a file's time is spent
// waiting (PostgreSQL, child processes, loopback servers), not computing. The files listed in ALONE run afterwards,
// one at a time with nothing else running: they assert responsiveness bounds that other files' work would eat into.
// Usage: node scripts/run-tests.mjs [--concurrency N] [path-substring …] (default N: twice the available cores).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** Files run alone, after the others, with why. */
const ALONE = new Map([
  [
    'test/robustness/hostile-input.test.ts',
    '/healthz answers within a bound while hostile input is processed',
  ],
]);

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
const filters = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--concurrency') {
    concurrency = Number(args[++i]);
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      console.error('--concurrency takes a whole number of files, at least 1');
      process.exit(2);
    }
  } else filters.push(args[i]);
}
const files = ['src', 'test']
  .flatMap((d) => walk(join(root, d)))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const alone = files.filter((f) => ALONE.has(f));
const together = files.filter((f) => !alone.includes(f));

// Spec output for people, TAP into a file so that the closing summary can be restated plainly.
const tapDir = mkdtempSync(join(tmpdir(), 'earshot-tests-'));
const totals = { pass: 0, fail: 0, skipped: 0 };
let status = 0;
function run(group, fileConcurrency, name) {
  if (group.length === 0) return;
  const tapFile = join(tapDir, `${name}.tap`);
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      `--test-concurrency=${fileConcurrency}`,
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tapFile}`,
      ...group,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  const tap = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
  const count = (key) => Number(tap.match(new RegExp(`^# ${key} (\\d+)$`, 'm'))?.[1] ?? 0);
  for (const key of Object.keys(totals)) totals[key] += count(key);
  if (result.status !== 0) status = result.status ?? 1;
}

console.log(`# ${together.length} test files, ${concurrency} at a time`);
run(together, concurrency, 'together');
if (alone.length > 0) {
  const reasons = alone.map((f) => ALONE.get(f)).join('; ');
  console.log(`# ${alone.length} test files one at a time, alone (${reasons})`);
  run(alone, 1, 'alone');
}
rmSync(tapDir, { recursive: true, force: true });
console.log(`# pass ${totals.pass}\n# fail ${totals.fail}\n# skipped ${totals.skipped}`);
console.log(`${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(status);
