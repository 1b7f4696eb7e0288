// Every test file declares its tests before its first top-level await that follows a declaration. node:test starts a
// file's first tests as soon as they are declared; a test declared after an await that outlasts them ran after the
// file's `after` hooks had closed what it needed (a PostgreSQL variant declared after `await postgresSkip()`, on a
// loaded machine), and in a group of files sharing a process (scripts/run-tests.mjs) it was filed under another
// file's suite. Read with TypeScript's parser: a top-level await (outside any function) after a top-level call (a
// test, a suite, or a helper that declares them) is reported with its line.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const HOOKS = new Set(['before', 'after', 'beforeEach', 'afterEach']);

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** `assert(…)`, `assert.equal(…)` and the like: checks made while setting up, not declarations. */
function isAssertion(callee: ts.Expression): boolean {
  const target = ts.isPropertyAccessExpression(callee) ? callee.expression : callee;
  return ts.isIdentifier(target) && target.text === 'assert';
}

/** The lines of the top-level awaits that come after a top-level call, in `source`. */
export function lateAwaits(fileName: string, source: string): number[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest);
  const late = new Set<number>();
  let declared = false;
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return; // runs later, not while the file loads
    if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier !== undefined)) {
      if (declared) late.add(file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1);
    }
    ts.forEachChild(node, visit);
    // A loop runs its body again: an await in it follows the declarations its first turn made.
    if (ts.isIterationStatement(node, false)) ts.forEachChild(node, visit);
    // A call made as a statement may declare tests (a test, a suite, a contract helper): a hook only registers what
    // runs around them, and an assertion checks the setup. A call whose value is kept computes a value.
    if (
      ts.isExpressionStatement(node) &&
      ts.isCallExpression(node.expression) &&
      !(ts.isIdentifier(node.expression.expression) && HOOKS.has(node.expression.expression.text)) &&
      !isAssertion(node.expression.expression)
    )
      declared = true;
  };
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement)) continue;
    visit(statement);
  }
  return [...late];
}

test('the rule: an await after a declared test is reported, one before or inside a test is not', () => {
  const source = [
    'const skip = await probe();', // 1: before any declaration
    "test('a', async () => { await work(); });", // 2: inside a test
    'for (const kind of kinds) test(kind, { skip: await probe() }, () => {});', // 3: late
    'await setup();', // 4: late
    'for (const kind of kinds) {',
    '  const skip = await probe(kind);', // 6: late, on the loop's second turn
    '  test(kind, { skip }, () => {});',
    '}',
  ].join('\n');
  assert.deepEqual(lateAwaits('x.test.ts', source), [3, 4, 6]);
  const loop = [
    'for (const kind of kinds) {',
    '  const skip = await probe(kind);',
    '  test(kind, () => {});',
    '}',
  ];
  assert.deepEqual(lateAwaits('y.test.ts', loop.join('\n')), [2]);
  const hooked = [
    'after(() => server.close());',
    'const server = await start();',
    "assert.ok(server, 'started');",
    'const auth = basic(await user());',
    "test('b', () => {});",
  ];
  assert.deepEqual(lateAwaits('z.test.ts', hooked.join('\n')), []);
});

test('no test file awaits at its top level after declaring a test', () => {
  const found = [testFiles(join(repoRoot, 'src')), testFiles(join(repoRoot, 'test'))]
    .flat()
    .flatMap((path) =>
      lateAwaits(path, readFileSync(path, 'utf8')).map((line) => `${relative(repoRoot, path)}:${line}`),
    );
  assert.deepEqual(found, [], 'declare every test before these awaits (take what they wait for first)');
});
