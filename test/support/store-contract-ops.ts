// The operators' part of the store contract (pausing and removing feeds, disabling accounts and admin rights,
// ending sessions, database status and backup), registered by src/store/sqlite.test.ts and postgres.test.ts against a
// fresh database per test.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createMetrics } from '../../src/services/metrics.ts';
import { createAccount, verifyPassword } from '../../src/services/passwords.ts';
import { openStore, type Store, StoreError } from '../../src/store/index.ts';
import type { StoreHarness } from './store-contract.ts';

const T0 = new Date('2026-01-01T00:00:00.000Z');
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);

/** A new account on `store` (the first one is the admin). */
const account = (store: Store, name: string, password = 'secret-password', when = T0) =>
  createAccount(store.listeners.users, { name, password }, when);

export function operatorsContract(name: string, harness: StoreHarness): void {
  const options = harness.skip === undefined ? {} : { skip: harness.skip };
  const it = (title: string, fn: (store: Store) => Promise<void>) =>
    test(title, options, async () => {
      const db = await harness.fresh();
      const store = await db.open();
      try {
        await fn(store);
      } finally {
        await store.close();
        await db.drop();
      }
    });

  const isCode = (code: string) => (error: unknown) => error instanceof StoreError && error.code === code;

  describe(`store contract (operators): ${name}`, () => {
    it('a paused feed is never due, leased or counted as due; resumed, it is due at once', async (store) => {
      const a = (await store.feeds.add('https://feeds.example/a.xml', T0)).feed;
      const b = (await store.feeds.add('https://feeds.example/b.xml', T0)).feed;
      const paused = await store.feeds.setPaused(a.id, true, at(1));
      assert.equal(paused.pausedAt, at(1).toISOString());
      assert.equal((await store.feeds.setPaused(a.id, true, at(2))).pausedAt, at(1).toISOString());
      assert.deepEqual(
        (await store.feeds.due(at(10), 10)).map((f) => f.id),
        [b.id],
      );
      assert.equal(await store.feeds.countDue(at(10)), 1);
      assert.deepEqual(
        (await store.feeds.leaseDue(at(10), 10, at(25))).map((f) => f.id),
        [b.id],
      );
      assert.deepEqual(await store.feeds.leaseDue(at(30), 10, at(45)).then((l) => l.map((f) => f.id)), [
        b.id,
      ]);
      const resumed = await store.feeds.setPaused(a.id, false, at(40));
      assert.equal(resumed.pausedAt, undefined);
      assert.equal(resumed.nextCheckAt, at(40).toISOString());
      assert.deepEqual(
        (await store.feeds.due(at(40), 10)).map((f) => f.id),
        [a.id],
      );
      await assert.rejects(store.feeds.setPaused(9999, true, T0), isCode('not-found'));
    });

    it('removing a feed deletes its show, episodes and listeners’ follows and progress, keeps the sync history', async (store) => {
      const { feed } = await store.feeds.add('https://feeds.example/a.xml', T0);
      await store.feeds.addAlias(feed.id, 'https://old.example/a.xml', 'redirect', T0);
      const { show } = await store.shows.upsert(feed.id, { format: 'rss', title: 'Doomed' }, T0);
      await store.episodes.upsertForShow(
        show.id,
        [{ guid: 'e1', guidSource: 'guid', title: 'One', enclosure: { url: 'https://cdn.example/1.mp3' } }],
        { now: T0, complete: true },
      );
      const episode = (await store.episodes.listForShow(show.id)).items[0] ?? assert.fail('no episode');
      const other = (await store.feeds.add('https://feeds.example/b.xml', T0)).feed;
      const user = await account(store, 'ann');
      await store.listeners.library.follow(user.id, feed.id, T0);
      await store.listeners.library.follow(user.id, other.id, T0);
      await store.listeners.library.savePosition(user.id, episode.id, 60, T0);
      await store.listeners.library.enqueue(user.id, episode.id, T0);
      await store.sync.changeSubscriptions(user.id, { add: [feed.url], remove: [] }, 1_000, 'phone');
      await store.sync.setSubscriptionFeed(user.id, feed.url, feed.id);
      await store.sync.appendActions(
        user.id,
        [
          {
            podcast: feed.url,
            episode: 'https://cdn.example/1.mp3',
            action: 'play',
            timestampMs: 500,
            position: 60,
            episodeRef: episode.id,
          },
        ],
        1_000,
      );

      await store.feeds.remove(feed.id);

      assert.equal(await store.feeds.get(feed.id), undefined);
      assert.equal(await store.feeds.findByUrl('https://old.example/a.xml'), undefined);
      assert.equal(await store.shows.get(show.id), undefined);
      assert.equal(await store.episodes.get(episode.id), undefined);
      assert.deepEqual(
        (await store.listeners.library.following(user.id)).map((f) => f.feedId),
        [other.id],
      );
      assert.equal(await store.listeners.library.progress(user.id, episode.id), undefined);
      assert.deepEqual(await store.listeners.library.queue(user.id), []);
      assert.equal((await store.search.search('Doomed', { limit: 5 })).shows.length, 0);
      // The phone's record stays: its subscription URL (no longer linked) and its uploaded action.
      assert.deepEqual(await store.sync.subscriptions(user.id), [{ url: feed.url }]);
      const actions = await store.sync.listActions(user.id, { sinceMs: 0, untilMs: 10_000 });
      assert.equal(actions.length, 1);
      assert.equal(actions[0]?.episodeRef, undefined);
      // The URL can be added again, as a new feed.
      assert.equal((await store.feeds.add(feed.url, at(1))).created, true);
      await assert.rejects(store.feeds.remove(feed.id), isCode('not-found'));
    });

    it('a disabled account cannot sign in and its web and sync sessions end; enabled again, it can', async (store) => {
      const admin = await account(store, 'root', 'admin-password');
      const ann = await account(store, 'ann', 'secret-password', at(1));
      const web = await store.listeners.sessions.create(ann.id, at(2), 3600);
      await store.sync.createSession(ann.id, 'sync-hash', at(2), at(600));
      const keep = await store.listeners.sessions.create(admin.id, at(2), 3600);
      assert.equal((await store.listeners.users.get(ann.id))?.lastSeenAt, at(2).toISOString());

      const disabled = await store.listeners.users.setDisabled(ann.id, true, at(3));
      assert.equal(disabled.disabledAt, at(3).toISOString());
      assert.equal(await verifyPassword(store.listeners.users, 'ann', 'secret-password'), undefined);
      assert.equal(await store.listeners.sessions.get(web, at(4)), undefined);
      assert.equal(await store.sync.sessionUser('sync-hash', at(4)), undefined);
      assert.equal(
        (await store.listeners.sessions.get(keep, at(4)))?.user.id,
        admin.id,
        'others keep theirs',
      );
      // A session made after the fact (a race) still does not let a disabled account in.
      const late = await store.listeners.sessions.create(ann.id, at(5), 3600);
      assert.equal(await store.listeners.sessions.get(late, at(5)), undefined);

      const enabled = await store.listeners.users.setDisabled(ann.id, false, at(6));
      assert.equal(enabled.disabledAt, undefined);
      assert.equal((await verifyPassword(store.listeners.users, 'ann', 'secret-password'))?.id, ann.id);
      assert.deepEqual(
        (await store.listeners.users.list()).map((u) => [u.name, u.isAdmin, u.disabledAt]),
        [
          ['ann', false, undefined],
          ['root', true, undefined],
        ],
      );
    });

    it('the last enabled admin can be neither unmade nor disabled', async (store) => {
      const root = await account(store, 'root', 'admin-password');
      const ann = await account(store, 'ann');
      await assert.rejects(store.listeners.users.setAdmin(root.id, false, at(1)), isCode('conflict'));
      await assert.rejects(store.listeners.users.setDisabled(root.id, true, at(1)), isCode('conflict'));
      assert.equal((await store.listeners.users.get(root.id))?.isAdmin, true, 'rolled back');
      assert.equal((await store.listeners.users.get(root.id))?.disabledAt, undefined, 'rolled back');
      assert.equal((await store.listeners.users.setAdmin(ann.id, true, at(2))).isAdmin, true);
      assert.equal((await store.listeners.users.setAdmin(root.id, false, at(3))).isAdmin, false);
      await assert.rejects(store.listeners.users.setDisabled(ann.id, true, at(4)), isCode('conflict'));
      await assert.rejects(store.listeners.users.setAdmin(9999, true, at(4)), isCode('not-found'));
    });

    it('disabling signs a listener out of the web and of sync, and no one else', async (store) => {
      await account(store, 'root', 'admin-password');
      const ann = await account(store, 'ann');
      const bob = await account(store, 'bob');
      const a = await store.listeners.sessions.create(ann.id, T0, 3600);
      const b = await store.listeners.sessions.create(bob.id, T0, 3600);
      await store.sync.createSession(ann.id, 'ann-sync', T0, at(600));
      await store.sync.createSession(bob.id, 'bob-sync', T0, at(600));
      await store.listeners.users.setDisabled(ann.id, true, at(1));
      assert.equal(await store.listeners.sessions.get(a, at(1)), undefined);
      assert.equal(await store.sync.sessionUser('ann-sync', at(1)), undefined);
      assert.equal((await store.listeners.sessions.get(b, at(1)))?.user.id, bob.id);
      assert.equal(await store.sync.sessionUser('bob-sync', at(1)), bob.id);
    });

    it('metrics read feeds due and jobs from the store, and the pool where there is one', async (store) => {
      const { feed } = await store.feeds.add('https://feeds.example/due.xml', T0);
      await store.feeds
        .add('https://feeds.example/paused.xml', T0)
        .then((r) => store.feeds.setPaused(r.feed.id, true, T0));
      await store.jobs.enqueue({ kind: 'refresh-feed', key: String(feed.id), runAt: T0 }, T0);
      const { body } = await createMetrics({ store, now: () => at(1) }).scrape();
      assert.match(body, /\nearshot_feeds_due 1\n/);
      assert.match(body, /\nearshot_jobs_queued 1\n/);
      if (store.dialect === 'postgres')
        assert.match(body, /earshot_db_pool_connections\{state="total"\} [1-9]/);
      else assert.doesNotMatch(body, /earshot_db_pool_connections/);
    });

    it('status reports every migration applied; backup copies SQLite online or names pg_dump', async (store) => {
      const status = await store.maintenance.status();
      assert.equal(status.dialect, store.dialect);
      assert.equal(status.migrationsApplied, status.migrationsKnown);
      assert.deepEqual(status.pending, []);
      await store.feeds.add('https://feeds.example/kept.xml', T0);
      const dir = await mkdtemp(join(tmpdir(), 'earshot-backup-'));
      try {
        const result = await store.maintenance.backup(join(dir, 'copy.db'));
        if (store.dialect === 'postgres') {
          assert.equal(result.kind, 'use-pg-dump');
          assert.match(
            result.kind === 'use-pg-dump' ? result.hint : '',
            /^pg_dump .*"\$EARSHOT_DATABASE_URL"$/,
          );
          const pool = store.maintenance.pool() ?? assert.fail('PostgreSQL has a pool');
          assert.ok(pool.total >= 1 && pool.idle >= 0 && pool.waiting >= 0);
          assert.ok(status.sizeBytes > 0);
          return;
        }
        assert.equal(store.maintenance.pool(), undefined);
        assert.equal(result.kind, 'written');
        assert.ok(result.kind === 'written' && result.bytes > 0);
        const copy = await openStore({ dataDir: dir, databaseUrl: join(dir, 'copy.db') });
        try {
          assert.equal(
            (await copy.feeds.findByUrl('https://feeds.example/kept.xml'))?.url,
            'https://feeds.example/kept.xml',
          );
        } finally {
          await copy.close();
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}
