// The store contract against SQLite files (WAL, as `earshot serve` uses them), plus what only SQLite has.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { writeMigratedFile } from '../../test/support/sqlite-image.ts';
import { type StoreHarness, storeContract } from '../../test/support/store-contract.ts';
import { operatorsContract } from '../../test/support/store-contract-ops.ts';
import { openStore, StoreError } from './index.ts';
import { migrations } from './migrations/index.ts';
import { connect } from './sql/connect.ts';
import { migrate } from './sql/migrate.ts';

const sqliteHarness: StoreHarness = {
  async fresh() {
    const dataDir = await mkdtemp(join(tmpdir(), 'earshot-store-'));
    // A migrated database file to start from (replaying the migrations is tested below, on empty databases).
    await writeMigratedFile(join(dataDir, 'earshot.db'));
    return {
      open: () => openStore({ dataDir }),
      drop: () => rm(dataDir, { recursive: true, force: true }),
    };
  },
};
storeContract('SQLite', sqliteHarness);
operatorsContract('SQLite', sqliteHarness);

test('SQLite: an in-memory database works for tests', async () => {
  const store = await openStore({ dataDir: '/nonexistent', databaseUrl: ':memory:' });
  try {
    assert.equal(store.dialect, 'sqlite');
    assert.equal((await store.feeds.add('https://feeds.example/a.xml', new Date())).created, true);
  } finally {
    await store.close();
  }
});

test('SQLite: the default file is <dataDir>/earshot.db, created with its folder', async () => {
  const root = await mkdtemp(join(tmpdir(), 'earshot-store-'));
  try {
    const dataDir = join(root, 'nested', 'data');
    const store = await openStore({ dataDir });
    await store.feeds.add('https://feeds.example/a.xml', new Date());
    await store.close();
    const reopened = await openStore({ dataDir: join(root, 'nested', 'data') });
    assert.equal(await reopened.feeds.count(), 1);
    await reopened.close();
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('SQLite: migrating is idempotent, and a database from a newer Earshot is refused', async () => {
  const { db, dialect } = await connect(':memory:');
  try {
    const first = await migrate(db, dialect, migrations);
    assert.deepEqual(
      first,
      migrations.map((m) => m.name),
    );
    assert.deepEqual(await migrate(db, dialect, migrations), []);
    await assert.rejects(
      migrate(db, dialect, migrations.slice(0, 1)),
      (e: unknown) => e instanceof StoreError && e.code === 'schema-too-new',
    );
  } finally {
    await db.destroy();
  }
});

test("SQLite: upgrading keeps every feed's parser problems (0009 moves them off the feed row)", async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'earshot-store-'));
  const file = join(dataDir, 'earshot.db');
  try {
    const before = migrations.findIndex((m) => m.name === '0009-feed-problems');
    const { db, dialect } = await connect(file);
    await migrate(db, dialect, migrations.slice(0, before));
    const problems = [{ code: 'bad-date', message: 'unreadable date', episode: 'g1' }];
    await sql`insert into feeds (url, status, created_at, problems_json)
      values ('https://feeds.example/a.xml', 'active', '2026-01-01T00:00:00.000Z', ${JSON.stringify(problems)}),
             ('https://feeds.example/b.xml', 'active', '2026-01-01T00:00:00.000Z', null)`.execute(db);
    await db.destroy();
    const store = await openStore({ dataDir, databaseUrl: file });
    try {
      const listed = await store.feeds.list();
      assert.deepEqual(
        listed.map((l) => [l.feed.url, l.problems]),
        [
          ['https://feeds.example/a.xml', problems],
          ['https://feeds.example/b.xml', []],
        ],
      );
    } finally {
      await store.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('SQLite: a database that cannot be opened is a StoreError, not a crash', async () => {
  await assert.rejects(
    openStore({ dataDir: '/nonexistent', databaseUrl: '/nonexistent/dir/earshot.db' }),
    (e: unknown) => e instanceof StoreError && e.code === 'unavailable',
  );
  await assert.rejects(
    openStore({ dataDir: '/nonexistent', databaseUrl: 'postgres://nobody@127.0.0.1:1/none' }),
    (e: unknown) => e instanceof StoreError && e.code === 'unavailable',
  );
});
