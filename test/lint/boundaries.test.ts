// The import boundaries of ARCHITECTURE.md as `npm run lint` enforces them (biome.json, lint/*.grit): one small
// module per case, written at the path it would have in the repository, linted with the repository's own
// configuration, and the diagnostics compared with what the boundary says.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const STORE = 'only src/store/ imports a database driver or Kysely';
const FETCH = 'only src/feed/fetch/ opens outbound connections';
const TESTS = 'tests talk to loopback servers only';
const DOMAIN = 'src/domain/ imports nothing but types';

/** Where a module sits, what it imports, and the diagnostic it must get (undefined: none). */
const CASES: { path: string; source: string; expected: string | undefined }[] = [
  { path: 'src/http/a.ts', source: "import { sql } from 'kysely';\nexport { sql };", expected: STORE },
  { path: 'src/services/b.ts', source: "import pg from 'pg';\nexport { pg };", expected: STORE },
  {
    path: 'src/sync/c.ts',
    source: "import Sqlite from 'better-sqlite3';\nexport { Sqlite };",
    expected: STORE,
  },
  {
    path: 'src/http/d.ts',
    source: "import type { Kysely } from 'kysely';\nexport type { Kysely };",
    expected: STORE,
  },
  {
    path: 'src/store/sql/e.ts',
    source: "import { sql } from 'kysely';\nexport { sql };",
    expected: undefined,
  },
  {
    path: 'src/store/f.ts',
    source: "import { request } from 'undici';\nexport { request };",
    expected: FETCH,
  },
  {
    path: 'src/http/g.ts',
    source: "import { request } from 'undici';\nexport { request };",
    expected: FETCH,
  },
  {
    path: 'src/services/h.ts',
    source: "import { lookup } from 'node:dns/promises';\nexport { lookup };",
    expected: FETCH,
  },
  { path: 'src/sync/i.ts', source: "import { get } from 'node:https';\nexport { get };", expected: FETCH },
  {
    path: 'src/http/j.ts',
    source: "import { request } from 'node:http';\nexport { request };",
    expected: FETCH,
  },
  {
    path: 'src/cli/k.ts',
    source: "import { connect } from 'node:net';\nexport { connect };",
    expected: FETCH,
  },
  {
    path: 'src/config/l.ts',
    source: "import { isIP } from 'node:net';\nexport { isIP };",
    expected: undefined,
  },
  {
    path: 'src/services/m.ts',
    source: "import { STATUS_CODES } from 'node:http';\nexport { STATUS_CODES };",
    expected: undefined,
  },
  {
    path: 'src/feed/fetch/n.ts',
    source: "import { Agent } from 'undici';\nexport { Agent };",
    expected: undefined,
  },
  { path: 'src/feed/fetch/o.ts', source: "import { sql } from 'kysely';\nexport { sql };", expected: STORE },
  {
    path: 'src/http/p.test.ts',
    source: "import { createServer } from 'node:http';\nimport pg from 'pg';\nexport { createServer, pg };",
    expected: undefined,
  },
  {
    path: 'src/http/q.test.ts',
    source: "import { fetch } from 'undici';\nexport { fetch };",
    expected: TESTS,
  },
  {
    path: 'test/support/r.ts',
    source: "import { createServer } from 'node:net';\nexport { createServer };",
    expected: undefined,
  },
  {
    path: 'bench/s.ts',
    source: "import { request } from 'undici';\nexport { request };",
    expected: undefined,
  },
  {
    path: 'src/domain/t.ts',
    source: "import { parseFeed } from '../feed/parse/index.ts';\nexport { parseFeed };",
    expected: DOMAIN,
  },
  {
    path: 'src/domain/u.ts',
    source: "import { readFileSync } from 'node:fs';\nexport { readFileSync };",
    expected: DOMAIN,
  },
  {
    path: 'src/domain/v.ts',
    source: "export { parseFeed } from '../feed/parse/index.ts';",
    expected: DOMAIN,
  },
  {
    path: 'src/domain/w.ts',
    source:
      "import type { ParsedFeed } from '../feed/parse/types.ts';\nimport { x } from './x.ts';\nexport type F = ParsedFeed;\nexport { x };",
    expected: undefined,
  },
];

interface Diagnostic {
  message: string;
  category: string;
  location: { path: string };
}

test('npm run lint enforces the import boundaries: drivers in store/, connections in feed/fetch/, types only in domain/', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'earshot-lint-'));
  try {
    cpSync(join(repoRoot, 'biome.json'), join(dir, 'biome.json'));
    cpSync(join(repoRoot, 'lint'), join(dir, 'lint'), { recursive: true });
    for (const { path, source } of CASES) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), `${source}\n`);
    }
    const biome = join(repoRoot, 'node_modules', '.bin', 'biome');
    const run = spawnSync(biome, ['lint', '--reporter=json', '--max-diagnostics=none', '.'], {
      cwd: dir,
      encoding: 'utf8',
    });
    const report = JSON.parse(run.stdout) as { diagnostics: Diagnostic[] };
    const boundary = report.diagnostics.filter(
      (d) => d.category === 'lint/style/noRestrictedImports' || d.category === 'plugin',
    );
    // Each case gets exactly the diagnostic its boundary names (the messages go on past the part named here).
    const got = CASES.map(({ path, expected }) => {
      const found = boundary.filter((d) => d.location.path === path).map((d) => d.message);
      if (expected !== undefined && found.length === 1 && found[0]?.startsWith(expected))
        return `${path}: ${expected}`;
      return `${path}: ${found.length === 0 ? 'allowed' : found.join(' | ')}`;
    });
    assert.deepEqual(
      got,
      CASES.map(({ path, expected }) => `${path}: ${expected ?? 'allowed'}`),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
