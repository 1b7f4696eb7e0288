// The sync repository's contract, run against SQLite and PostgreSQL alike (test/sync/store-sync.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Kysely, sql } from 'kysely';
import { sync } from '../../src/store/migrations/0003-sync.ts';
import { migrations } from '../../src/store/migrations/index.ts';
import type { SqlDialect } from '../../src/store/migrations/types.ts';
import { connect } from '../../src/store/sql/connect.ts';
import { migrate } from '../../src/store/sql/migrate.ts';
import type { Database } from '../../src/store/sql/schema.ts';
import { createSyncRepository } from '../../src/store/sql/sync.ts';
import type { SyncRepository } from '../../src/store/sync-ports.ts';
import { migratedSchema, throwAwaySchema } from './postgres.ts';
import { sqliteImage } from './sqlite-image.ts';

/** The migration list with the sync step, whether or not the shared list has taken it in yet. */
export const allMigrations = migrations.some((m) => m.name === sync.name)
  ? migrations
  : [...migrations, sync];

export interface OpenedSyncStore {
  repo: SyncRepository;
  dialect: SqlDialect;
  close(): Promise<void>;
}

/** What was there before `migration`: `fill` writes it with the code or raw SQL of that schema. */
export interface BeforeMigration {
  migration: string;
  fill: (db: Kysely<Database>, dialect: SqlDialect) => Promise<void>;
}

/**
 * A fresh database migrated to the end: SQLite in memory, or a throw-away schema in the test PostgreSQL. With
 * `before`, it is first migrated up to (not including) the named migration and filled, the way an older Earshot
 * left it, so the test sees what upgrading does.
 */
export async function openMigratedDatabase(
  kind: 'sqlite' | 'postgres',
  before?: BeforeMigration,
): Promise<{ db: Kysely<Database>; dialect: SqlDialect; close(): Promise<void> }> {
  const upgrade = async (db: Kysely<Database>, dialect: SqlDialect) => {
    if (before !== undefined) {
      const at = allMigrations.findIndex((m) => m.name === before.migration);
      assert.ok(at > 0, `no migration ${before.migration}`);
      await migrate(db, dialect, allMigrations.slice(0, at));
      await before.fill(db, dialect);
    }
    await migrate(db, dialect, allMigrations);
  };
  if (kind === 'sqlite') {
    // Migrated to the end, a copy of the migrated image will do; step by step, an empty database.
    const { db, dialect } = await connect(':memory:', before === undefined ? await sqliteImage() : undefined);
    await upgrade(db, dialect);
    return { db, dialect, close: () => db.destroy() };
  }
  // Migrating step by step needs a truly new schema; migrated to the end, a reused one does.
  const schema = before === undefined ? await migratedSchema() : await throwAwaySchema();
  const { db, dialect } = await connect(schema.url);
  const close = async () => {
    await db.destroy();
    await schema.drop();
  };
  try {
    await upgrade(db, dialect);
  } catch (error) {
    await close();
    throw error;
  }
  return { db, dialect, close };
}

/** A fresh sync store (see openMigratedDatabase). */
export async function openSyncStore(
  kind: 'sqlite' | 'postgres',
  before?: BeforeMigration,
): Promise<OpenedSyncStore> {
  const { db, dialect, close } = await openMigratedDatabase(kind, before);
  return { repo: createSyncRepository(db, dialect), dialect, close };
}

export function syncStoreContract(kind: 'sqlite' | 'postgres', skip?: string): void {
  const t = (name: string, fn: (repo: SyncRepository) => Promise<void>) =>
    test(`${kind}: ${name}`, { skip: skip ?? false }, async () => {
      const store = await openSyncStore(kind);
      try {
        await fn(store.repo);
      } finally {
        await store.close();
      }
    });
  const now = new Date('2026-11-27T12:00:00.000Z');

  t('devices are created, updated field by field, and kept per listener', async (repo) => {
    await repo.upsertDevice(1, 'phone', { caption: 'My phone', type: 'mobile' }, now);
    const updated = await repo.upsertDevice(1, 'phone', { type: 'tablet' }, new Date(now.getTime() + 1000));
    assert.equal(updated.caption, 'My phone');
    assert.equal(updated.type, 'tablet');
    const bare = await repo.upsertDevice(1, 'laptop', {}, now);
    assert.equal(bare.type, 'other');
    assert.equal('caption' in bare, false);
    assert.deepEqual((await repo.listDevices(1)).map((d) => d.deviceId).sort(), ['laptop', 'phone']);
    assert.deepEqual(await repo.listDevices(2), []);
    await repo.setDeviceSynchronized(1, 'laptop', false, now);
    assert.equal((await repo.getDevice(1, 'laptop'))?.synchronized, false);
  });

  t(
    'one subscription list per listener; only real changes are logged, with receive time and device',
    async (repo) => {
      const first = await repo.changeSubscriptions(
        1,
        { add: ['http://a/', 'http://b/'], remove: [] },
        1_000,
        'phone',
      );
      assert.deepEqual(first, { added: ['http://a/', 'http://b/'], removed: [] });
      const again = await repo.changeSubscriptions(
        1,
        { add: ['http://a/'], remove: ['http://zzz/'] },
        2_000,
        'laptop',
      );
      assert.deepEqual(again, { added: [], removed: [] });
      await repo.changeSubscriptions(1, { add: [], remove: ['http://a/'] }, 3_000, 'laptop');
      assert.deepEqual(
        (await repo.subscriptions(1)).map((s) => s.url),
        ['http://b/'],
      );
      assert.deepEqual(await repo.subscriptions(2), []);
      const log = await repo.subscriptionChanges(1, 1_000, 3_000);
      assert.deepEqual(
        log.map((c) => [c.url, c.kind, c.receivedAtMs, c.device]),
        [
          ['http://a/', 'add', 1_000, 'phone'],
          ['http://b/', 'add', 1_000, 'phone'],
        ],
      );
      await repo.setSubscriptionFeed(1, 'http://b/', 42);
      assert.deepEqual(await repo.subscriptions(1), [{ url: 'http://b/', feedId: 42 }]);
    },
  );

  t(
    'episode actions come back verbatim, in receive order, filtered by window, podcast and device',
    async (repo) => {
      const play = {
        podcast: 'http://a/',
        episode: 'http://a/1.mp3',
        action: 'play' as const,
        timestampMs: 500,
        guid: 'g1',
        device: 'phone',
        started: 0,
        position: 754,
        total: 1800,
        episodeRef: 7,
      };
      await repo.appendActions(
        1,
        [play, { podcast: 'http://b/', episode: 'http://b/2.mp3', action: 'download', timestampMs: 600 }],
        1_000,
      );
      await repo.appendActions(2, [play], 1_000);
      await repo.appendActions(1, [{ ...play, position: 800 }], 2_000);
      const all = await repo.listActions(1, { sinceMs: 0, untilMs: 10_000 });
      assert.equal(all.length, 3);
      const { id: _id, ...first } = all[0] ?? assert.fail('no action');
      assert.deepEqual(first, { ...play, receivedAtMs: 1_000 });
      assert.equal('position' in (all[1] ?? {}), false);
      assert.equal((await repo.listActions(1, { sinceMs: 2_000, untilMs: 10_000 })).length, 1);
      assert.equal((await repo.listActions(1, { sinceMs: 0, untilMs: 2_000 })).length, 2);
      assert.equal(
        (await repo.listActions(1, { sinceMs: 0, untilMs: 10_000, podcasts: ['http://b/'] })).length,
        1,
      );
      assert.equal((await repo.listActions(1, { sinceMs: 0, untilMs: 10_000, device: 'phone' })).length, 2);
      assert.equal((await repo.listActions(1, { sinceMs: 0, untilMs: 10_000, limit: 1 })).length, 1);
    },
  );

  t(
    'an upload sent again (a client retrying after a timeout) adds no second copy of any action',
    async (repo) => {
      const play = {
        podcast: 'http://a/',
        episode: 'http://a/1.mp3',
        action: 'play' as const,
        timestampMs: 500,
        device: 'phone',
        started: 0,
        position: 754,
        total: 1800,
      };
      // No device and no position: NULLs must not make two copies of the same action look different.
      const download = {
        podcast: 'http://a/',
        episode: 'http://a/1.mp3',
        action: 'download' as const,
        timestampMs: 400,
      };
      const batch = [play, download, { ...play, position: 800, timestampMs: 600 }];
      await repo.appendActions(1, batch, 1_000);
      await repo.appendActions(1, batch, 2_000);
      await repo.appendActions(1, [download, download], 3_000);
      const rows = await repo.listActions(1, { sinceMs: 0, untilMs: 10_000 });
      assert.deepEqual(
        rows.map((r) => [r.action, r.position, r.receivedAtMs]),
        [
          ['play', 754, 1_000],
          ['download', undefined, 1_000],
          ['play', 800, 1_000],
        ],
        'one row per action, kept as first received',
      );
      // A different device, listener, time or position is a different action.
      await repo.appendActions(
        1,
        [
          { ...play, device: 'tablet' },
          { ...play, timestampMs: 501 },
        ],
        4_000,
      );
      await repo.appendActions(2, [play], 4_000);
      assert.equal((await repo.listActions(1, { sinceMs: 0, untilMs: 10_000 })).length, 5);
      assert.equal((await repo.listActions(2, { sinceMs: 0, untilMs: 10_000 })).length, 1);
    },
  );

  test(`${kind}: upgrading removes duplicate uploads already stored, keeping the earliest received`, {
    skip: skip ?? false,
  }, async () => {
    const insert = (
      db: Kysely<Database>,
      receivedMs: number,
      position: number | null,
      device: string | null,
    ) =>
      sql`insert into sync_episode_actions
        (user_id, podcast, episode, action, timestamp_ms, received_ms, device_id, position, web_key)
        values (1, 'http://a/', 'http://a/1.mp3', 'play', 500, ${receivedMs}, ${device}, ${position}, null)`.execute(
        db,
      );
    const store = await openSyncStore(kind, {
      migration: '0012-idempotent-actions',
      async fill(db) {
        for (const device of ['phone', null]) {
          await insert(db, 2_000, 754, device);
          await insert(db, 1_000, 754, device);
          await insert(db, 3_000, null, device);
          await insert(db, 4_000, null, device);
        }
        await insert(db, 5_000, 900, 'phone');
      },
    });
    try {
      const rows = await store.repo.listActions(1, { sinceMs: 0, untilMs: 10_000 });
      assert.deepEqual(
        rows.map((r) => [r.receivedAtMs, r.device, r.position]),
        [
          [1_000, 'phone', 754],
          [1_000, undefined, 754],
          [3_000, 'phone', undefined],
          [3_000, undefined, undefined],
          [5_000, 'phone', 900],
        ],
      );
    } finally {
      await store.close();
    }
  });

  t('unmatched actions are found by podcast URL across listeners and can be matched later', async (repo) => {
    const a = {
      podcast: 'http://new.example/',
      episode: 'http://new.example/1.mp3',
      action: 'play' as const,
      timestampMs: 1,
      position: 3,
    };
    await repo.appendActions(1, [a, { ...a, podcast: 'http://other.example/' }], 1_000);
    await repo.appendActions(2, [a, { ...a, position: 4, episodeRef: 9 }], 1_000);
    const found = await repo.unmatchedActions(['http://new.example/'], 0, 100);
    assert.deepEqual(
      found.map((r) => r.userId),
      [1, 2],
    );
    await repo.setActionEpisode(
      found.map((r) => r.id),
      5,
    );
    assert.deepEqual(await repo.unmatchedActions(['http://new.example/'], 0, 100), []);
    assert.equal((await repo.listActions(2, { sinceMs: 0, untilMs: 2_000 }))[0]?.episodeRef, 5);
  });

  t('the web keeps one action per key, moved to its latest receive time', async (repo) => {
    const a = {
      podcast: 'http://a/',
      episode: 'http://a/1.mp3',
      action: 'play' as const,
      timestampMs: 1_000,
      position: 10,
    };
    await repo.putWebAction(1, 'episode:7', a, 1_000);
    await repo.putWebAction(1, 'episode:7', { ...a, position: 20, timestampMs: 5_000 }, 5_000);
    const rows = await repo.listActions(1, { sinceMs: 0, untilMs: 10_000 });
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.position, 20);
    assert.equal(rows[0]?.receivedAtMs, 5_000);
  });

  t('sessions expire; app passwords work until revoked, only by their owner', async (repo) => {
    await repo.createSession(1, 'h1', now, new Date(now.getTime() + 60_000));
    assert.equal(await repo.sessionUser('h1', now), 1);
    assert.equal(await repo.sessionUser('h1', new Date(now.getTime() + 61_000)), undefined);
    await repo.deleteSession('h1');
    assert.equal(await repo.sessionUser('h1', now), undefined);

    const pw = await repo.createAppPassword(1, 'Pixel', 'secret-hash', now);
    assert.deepEqual(await repo.useAppPassword('secret-hash', now), { userId: 1, id: pw.id });
    assert.equal((await repo.listAppPasswords(1))[0]?.lastUsedAt, now.toISOString());
    assert.equal(await repo.revokeAppPassword(2, pw.id, now), false);
    assert.equal(await repo.revokeAppPassword(1, pw.id, now), true);
    assert.equal(await repo.useAppPassword('secret-hash', now), undefined);
  });

  t('revoking an app password ends the sessions opened with it, and only those', async (repo) => {
    const pw = await repo.createAppPassword(1, 'Pixel', 'pixel-hash', now);
    const other = await repo.createAppPassword(1, 'Kasts', 'kasts-hash', now);
    const later = new Date(now.getTime() + 365 * 24 * 3600_000);
    await repo.createSession(1, 'via-pixel', now, later, pw.id);
    await repo.createSession(1, 'via-kasts', now, later, other.id);
    await repo.createSession(1, 'via-password', now, later);
    assert.equal(await repo.revokeAppPassword(1, pw.id, now), true);
    assert.equal(await repo.sessionUser('via-pixel', now), undefined);
    assert.equal(await repo.sessionUser('via-kasts', now), 1);
    assert.equal(await repo.sessionUser('via-password', now), 1);
  });

  t(
    'Login Flow v2: pending, granted once, collected once, expiring, bounded in all and per address',
    async (repo) => {
      const at = (ms: number) => new Date(now.getTime() + ms);
      const limits = { total: 3, perAddress: 2 };
      const flow = (n: number, address = '192.0.2.1') => ({ pollHash: `p${n}`, loginHash: `l${n}`, address });
      assert.equal(await repo.startLoginFlow(flow(1), now, at(60_000), limits), 'started');
      assert.equal(await repo.loginFlowPending('l1', now), true);
      assert.equal(await repo.collectLoginFlow('p1', now), 'pending');
      assert.equal(await repo.grantLoginFlow('l1', 7, 'Kasts', now), true);
      assert.equal(await repo.grantLoginFlow('l1', 8, 'again', now), false, 'a flow is granted once');
      assert.equal(await repo.loginFlowPending('l1', now), false);
      assert.deepEqual(await repo.collectLoginFlow('p1', now), { userId: 7, label: 'Kasts' });
      assert.equal(await repo.collectLoginFlow('p1', now), undefined, 'handed out exactly once');

      assert.equal(await repo.startLoginFlow(flow(2), now, at(60_000), limits), 'started');
      assert.equal(await repo.startLoginFlow(flow(3), now, at(60_000), limits), 'started');
      assert.equal(await repo.startLoginFlow(flow(4), now, at(60_000), limits), 'address-busy');
      assert.equal(await repo.startLoginFlow(flow(5, '192.0.2.2'), now, at(60_000), limits), 'started');
      assert.equal(await repo.startLoginFlow(flow(6, '192.0.2.3'), now, at(60_000), limits), 'busy');
      // Expired flows answer nothing and make room.
      assert.equal(await repo.collectLoginFlow('p2', at(60_000)), undefined);
      assert.equal(await repo.grantLoginFlow('l3', 7, 'late', at(60_000)), false);
      assert.equal(
        await repo.startLoginFlow(flow(7, '192.0.2.3'), at(60_000), at(120_000), limits),
        'started',
      );
    },
  );

  t('settings merge set and remove per scope', async (repo) => {
    await repo.updateSettings(1, 'account', '', { a: 1, b: 'x' }, []);
    assert.deepEqual(await repo.updateSettings(1, 'account', '', { c: true }, ['a']), { b: 'x', c: true });
    assert.deepEqual(await repo.getSettings(1, 'device', 'phone'), {});
  });
}
