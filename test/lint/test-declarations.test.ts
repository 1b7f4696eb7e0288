// Every test file declares its tests before its first top-level await that follows a declaration. node:test starts a
// file's first tests as soon as they are declared; a test declared after an await that outlasts them ran after the
// file's `after` hooks had closed what it needed (a PostgreSQL variant declared after `await postgresSkip()`, on a
// loaded machine), and in a group of files sharing a process (scripts/run-tests.mjs) it was filed under another
// file's suite. Read with TypeScript's parser: a top-level await (outside any function) after a top-level call (a
// test, a suite, or a helper that declares them) is reported with its line.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import {
  type Expression,
  isAwaitExpression,
  isCallExpression,
  isClassLikeDeclaration,
  isExpressionStatement,
  isForOfStatement,
  isFunctionLikeDeclaration,
  isIdentifier,
  isImportDeclaration,
  isPropertyAccessExpression,
  type Node,
  type SourceFile,
  SyntaxKind,
} from 'typescript/unstable/ast';
import { API } from 'typescript/unstable/sync';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const HOOKS = new Set(['before', 'after', 'beforeEach', 'afterEach']);
const LOOPS = new Set([
  SyntaxKind.ForStatement,
  SyntaxKind.ForInStatement,
  SyntaxKind.ForOfStatement,
  SyntaxKind.WhileStatement,
  SyntaxKind.DoStatement,
]);

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/**
 * The syntax trees of `paths`, read by TypeScript's own parser (TypeScript 7 parses in its native process; its API
 * answers for a project, so the files are opened as one that resolves nothing and loads no library: parsing only).
 */
function parseAll<T>(paths: string[], read: (file: SourceFile, path: string) => T): T[] {
  const dir = mkdtempSync(join(tmpdir(), 'earshot-parse-'));
  const config = join(dir, 'tsconfig.json');
  writeFileSync(
    config,
    JSON.stringify({ compilerOptions: { noLib: true, noResolve: true, types: [] }, files: paths }),
  );
  const api = new API({ cwd: dir });
  try {
    const program = api.updateSnapshot({ openProject: config }).getProject(config)?.program;
    assert.ok(program !== undefined, 'TypeScript opened the files');
    return paths.map((path) => {
      const file = program.getSourceFile(path);
      assert.ok(file !== undefined, `TypeScript parsed ${path}`);
      return read(file, path);
    });
  } finally {
    api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `assert(…)`, `assert.equal(…)` and the like: checks made while setting up, not declarations. */
function isAssertion(callee: Expression): boolean {
  const target = isPropertyAccessExpression(callee) ? callee.expression : callee;
  return isIdentifier(target) && target.text === 'assert';
}

/** The lines of the top-level awaits that come after a top-level call, in `file`. */
function lateAwaits(file: SourceFile): number[] {
  const late = new Set<number>();
  let declared = false;
  const visit = (node: Node): void => {
    if (isFunctionLikeDeclaration(node) || isClassLikeDeclaration(node)) return; // runs later, not while loading
    if (isAwaitExpression(node) || (isForOfStatement(node) && node.awaitModifier !== undefined)) {
      if (declared) late.add(file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1);
    }
    node.forEachChild(visit);
    // A loop runs its body again: an await in it follows the declarations its first turn made.
    if (LOOPS.has(node.kind)) node.forEachChild(visit);
    // A call made as a statement may declare tests (a test, a suite, a contract helper): a hook only registers what
    // runs around them, and an assertion checks the setup. A call whose value is kept computes a value.
    if (
      isExpressionStatement(node) &&
      isCallExpression(node.expression) &&
      !(isIdentifier(node.expression.expression) && HOOKS.has(node.expression.expression.text)) &&
      !isAssertion(node.expression.expression)
    )
      declared = true;
  };
  for (const statement of file.statements) {
    if (isImportDeclaration(statement)) continue;
    visit(statement);
  }
  return [...late];
}

/** lateAwaits of each source text, parsed as a file of its own. */
function lateAwaitsOf(sources: string[]): number[][] {
  const dir = mkdtempSync(join(tmpdir(), 'earshot-sources-'));
  try {
    const paths = sources.map((source, i) => {
      const path = join(dir, `${i}.test.ts`);
      writeFileSync(path, source);
      return path;
    });
    return parseAll(paths, lateAwaits);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
  const loop = [
    'for (const kind of kinds) {',
    '  const skip = await probe(kind);',
    '  test(kind, () => {});',
    '}',
  ];
  const hooked = [
    'after(() => server.close());',
    'const server = await start();',
    "assert.ok(server, 'started');",
    'const auth = basic(await user());',
    "test('b', () => {});",
  ];
  assert.deepEqual(lateAwaitsOf([source, loop.join('\n'), hooked.join('\n')]), [[3, 4, 6], [2], []]);
});

test('no test file awaits at its top level after declaring a test', () => {
  const paths = [testFiles(join(repoRoot, 'src')), testFiles(join(repoRoot, 'test'))].flat();
  const found = parseAll(paths, (file, path) =>
    lateAwaits(file).map((line) => `${relative(repoRoot, path)}:${line}`),
  ).flat();
  assert.deepEqual(found, [], 'declare every test before these awaits (take what they wait for first)');
});
