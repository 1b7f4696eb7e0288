// The listener repositories' contract, run against SQLite and PostgreSQL alike by
// src/store/listeners.test.ts. Each test gets a fresh database (SQLite in memory, or a throw-away PostgreSQL schema).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createAccount, setPassword, verifyPassword } from '../../src/services/passwords.ts';
import { StoreError } from '../../src/store/errors.ts';
import type { Store } from '../../src/store/index.ts';
import type { ListenerStore } from '../../src/store/listener-ports.ts';
import { freshPostgresStore } from './postgres.ts';
import { freshMemoryStore } from './sqlite-image.ts';

export interface ListenerDb {
  store: Store;
  listeners: ListenerStore;
  close(): Promise<void>;
}

/** A fresh store migrated to the end: SQLite in memory, or a throw-away PostgreSQL schema (test/support/postgres.ts). */
export async function openListenerDb(kind: 'sqlite' | 'postgres'): Promise<ListenerDb> {
  if (kind === 'sqlite') {
    const store = await freshMemoryStore();
    return { store, listeners: store.listeners, close: () => store.close() };
  }
  const { store, drop } = await freshPostgresStore();
  return { store, listeners: store.listeners, close: drop };
}

const T0 = new Date('2026-01-01T00:00:00.000Z');
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);

async function seed(store: Store): Promise<{ feedId: number; showId: number; episodes: number[] }> {
  const { feed } = await store.feeds.add('https://feeds.example/a.xml', T0);
  const { show } = await store.shows.upsert(feed.id, { format: 'rss', title: 'A' }, T0);
  await store.episodes.upsertForShow(
    show.id,
    ['a', 'b', 'c'].map((g) => ({
      guid: g,
      guidSource: 'guid' as const,
      title: g,
      enclosure: { url: `https://cdn.example/${g}.mp3` },
    })),
    { now: T0, complete: true },
  );
  const page = await store.episodes.listForShow(show.id, { order: 'oldest' });
  return { feedId: feed.id, showId: show.id, episodes: page.items.map((e) => e.id) };
}

/** A contract test of `kind`: each runs on a listener database of its own, closed after (skipped with `skip`). */
export function listenerDbTest(
  kind: 'sqlite' | 'postgres',
  options: { skip?: string } = {},
): (name: string, fn: (db: ListenerDb) => Promise<void>) => void {
  return (name, fn) =>
    test(name, { skip: options.skip ?? false }, async () => {
      const db = await openListenerDb(kind);
      try {
        await fn(db);
      } finally {
        await db.close();
      }
    });
}

export function listenerContract(kind: 'sqlite' | 'postgres', options: { skip?: string } = {}): void {
  const t = listenerDbTest(kind, options);

  describe(`listener store contract: ${kind}`, () => {
    t(
      'the first user is the admin, names are unique case-insensitively, passwords verify',
      async ({ listeners }) => {
        const { users } = listeners;
        const first = await createAccount(users, { name: 'Alice', password: 'secret one' }, T0);
        const second = await createAccount(users, { name: 'bob', password: 'secret two' }, T0);
        assert.equal(first.isAdmin, true);
        assert.equal(second.isAdmin, false);
        assert.equal(await users.count(), 2);
        await assert.rejects(
          createAccount(users, { name: 'ALICE', password: 'x' }, T0),
          (e: unknown) => e instanceof StoreError && e.code === 'conflict',
        );
        assert.equal((await verifyPassword(users, 'alice', 'secret one'))?.id, first.id);
        const stored = await users.credentials('ALICE');
        assert.match(stored?.passwordHash ?? '', /^scrypt\$/, 'the store keeps a hash');
        assert.equal(stored?.passwordHash.includes('secret one'), false, 'never the password');
        assert.equal(await verifyPassword(users, 'alice', 'secret two'), undefined);
        assert.equal(await verifyPassword(users, 'nobody', 'secret one'), undefined);
        await setPassword(users, first.id, 'new secret', at(1));
        assert.equal(await verifyPassword(users, 'Alice', 'secret one'), undefined);
        assert.equal((await verifyPassword(users, 'Alice', 'new secret'))?.name, 'Alice');
        assert.equal((await users.findByName('BOB'))?.id, second.id);
        assert.equal((await users.get(second.id))?.name, 'bob');
      },
    );

    t(
      'a listener’s change lock: holders for one listener take turns, other listeners do not wait',
      async ({ listeners }) => {
        const { users } = listeners;
        const order: string[] = [];
        let open: () => void = () => {};
        const gate = new Promise<void>((resolve) => {
          open = resolve;
        });
        const first = users.exclusive(1, async () => {
          order.push('first in');
          await gate;
          order.push('first out');
          return 'first';
        });
        // Given time to start (on PostgreSQL, to take the advisory lock) before the others ask.
        while (!order.includes('first in')) await new Promise((r) => setTimeout(r, 5));
        const second = users.exclusive(1, async () => {
          order.push('second');
          return 'second';
        });
        assert.equal(await users.exclusive(2, async () => 'other listener'), 'other listener', 'not blocked');
        await new Promise((r) => setTimeout(r, 50));
        assert.deepEqual(order, ['first in'], 'the same listener waits');
        open();
        assert.deepEqual(await Promise.all([first, second]), ['first', 'second']);
        assert.deepEqual(order, ['first in', 'first out', 'second']);
        await assert.rejects(
          users.exclusive(1, async () => Promise.reject(new Error('failed inside'))),
          /failed inside/,
        );
        assert.equal(await users.exclusive(1, async () => 'after a failure'), 'after a failure', 'let go');
      },
    );

    t('sessions: only the token finds the user, until it expires or is deleted', async ({ listeners }) => {
      const user = await createAccount(listeners.users, { name: 'carol', password: 'pw pw pw pw' }, T0);
      const token = await listeners.sessions.create(user.id, T0, 3600);
      const other = await listeners.sessions.create(user.id, T0, 3600);
      assert.equal((await listeners.sessions.get(token, at(1)))?.user.id, user.id);
      assert.equal(await listeners.sessions.get(token, at(61)), undefined);
      assert.equal(await listeners.sessions.get(`${token}x`, at(1)), undefined);
      await listeners.sessions.deleteForUser(user.id, token);
      assert.equal(await listeners.sessions.get(other, at(1)), undefined);
      assert.ok(await listeners.sessions.get(token, at(1)));
      await listeners.sessions.delete(token);
      assert.equal(await listeners.sessions.get(token, at(1)), undefined);
    });

    t(
      'a password change ends every other session: web, sync, app passwords, granted flows; the epoch moves',
      async ({ store, listeners }) => {
        const { users, sessions } = listeners;
        const user = await createAccount(users, { name: 'dave', password: 'old password' }, T0);
        const other = await createAccount(users, { name: 'erin', password: 'her password' }, T0);
        const epoch = await users.authEpoch(user.id);
        assert.equal(typeof epoch, 'number');
        const here = await sessions.create(user.id, T0, 3600);
        const elsewhere = await sessions.create(user.id, T0, 3600);
        const hers = await sessions.create(other.id, T0, 3600);
        const later = at(60 * 24 * 365);
        const app = await store.sync.createAppPassword(user.id, 'Pixel', 'pixel-hash', T0);
        await store.sync.createSession(user.id, 'sync-by-password', T0, later);
        await store.sync.createSession(user.id, 'sync-by-app', T0, later, app.id);
        await store.sync.createSession(other.id, 'her-sync', T0, later);
        const limits = { total: 10, perAddress: 10 };
        await store.sync.startLoginFlow({ pollHash: 'p', loginHash: 'l', address: 'a' }, T0, at(20), limits);
        await store.sync.grantLoginFlow('l', user.id, 'Kasts', T0);

        await setPassword(users, user.id, 'new password', at(1), { keepSession: here });
        assert.ok(await sessions.get(here, at(2)), 'the session the password was changed from stays');
        assert.equal(await sessions.get(elsewhere, at(2)), undefined);
        assert.equal(await store.sync.sessionUser('sync-by-password', at(2)), undefined);
        assert.equal(await store.sync.sessionUser('sync-by-app', at(2)), undefined);
        assert.equal(await store.sync.useAppPassword('pixel-hash', at(2)), undefined);
        assert.equal(await store.sync.collectLoginFlow('p', at(2)), undefined, 'a granted flow is dropped');
        assert.notEqual(await users.authEpoch(user.id), epoch);
        assert.equal(
          (await verifyPassword(users, 'dave', 'new password'))?.authEpoch,
          await users.authEpoch(user.id),
        );
        // The other listener keeps everything.
        assert.ok(await sessions.get(hers, at(2)));
        assert.equal(await store.sync.sessionUser('her-sync', at(2)), other.id);

        const before = await users.authEpoch(user.id);
        await users.endSessions(user.id, at(3));
        assert.equal(await sessions.get(here, at(4)), undefined, 'signed out everywhere');
        assert.notEqual(await users.authEpoch(user.id), before);
        assert.equal(await users.authEpoch(999_999), undefined);
      },
    );

    t(
      'a new name that looks like an existing one is refused; the existing one still signs in',
      async ({ listeners }) => {
        const { users } = listeners;
        await createAccount(users, { name: 'alice', password: 'pw pw pw pw' }, T0);
        for (const lookalike of ['аlice', 'aIice', 'a1ice', 'ａｌｉｃｅ']) {
          await assert.rejects(
            createAccount(users, { name: lookalike, password: 'pw pw pw pw' }, T0),
            (e: unknown) =>
              e instanceof StoreError &&
              e.code === 'conflict' &&
              /looks too much like "alice"/.test(e.message),
            lookalike,
          );
        }
        await createAccount(users, { name: 'rnallory', password: 'pw pw pw pw' }, T0);
        await assert.rejects(
          createAccount(users, { name: 'mallory', password: 'pw pw pw pw' }, T0),
          StoreError,
        );
        assert.ok(await verifyPassword(users, 'alice', 'pw pw pw pw'));
      },
    );

    t('sign-in failures count per key in a fixed window, then start again', async ({ listeners }) => {
      const { signInFailures: f } = listeners;
      const ms = (n: number) => new Date(T0.getTime() + n);
      await f.fail(
        [
          { key: 'pair', windowMs: 1000 },
          { key: 'name', windowMs: 5000 },
        ],
        ms(0),
      );
      await f.fail([{ key: 'pair', windowMs: 1000 }], ms(500));
      let counts = await f.counts(['pair', 'name', 'none'], ms(600));
      assert.equal(counts.get('pair')?.count, 2);
      assert.equal(counts.get('pair')?.resetAt.getTime(), ms(1000).getTime());
      assert.equal(counts.get('name')?.count, 1);
      assert.equal(counts.has('none'), false);
      counts = await f.counts(['pair', 'name'], ms(1000));
      assert.equal(counts.has('pair'), false, 'the window ended');
      await f.fail([{ key: 'pair', windowMs: 1000 }], ms(1200));
      assert.equal((await f.counts(['pair'], ms(1300))).get('pair')?.count, 1, 'a new window starts at 1');
      await f.clear('pair');
      assert.equal((await f.counts(['pair'], ms(1300))).has('pair'), false);
      assert.equal((await f.counts(['name'], ms(1300))).get('name')?.count, 1);
    });

    t('settings are upserted', async ({ listeners }) => {
      assert.equal(await listeners.settings.get('signup-open'), undefined);
      await listeners.settings.set('signup-open', 'false', T0);
      await listeners.settings.set('signup-open', 'true', at(1));
      assert.equal(await listeners.settings.get('signup-open'), 'true');
    });

    t('follows are per user and per feed, idempotent', async ({ store, listeners }) => {
      const { feedId } = await seed(store);
      const a = await createAccount(listeners.users, { name: 'a', password: 'pw pw pw pw' }, T0);
      const b = await createAccount(listeners.users, { name: 'b', password: 'pw pw pw pw' }, T0);
      await listeners.library.follow(a.id, feedId, T0);
      await listeners.library.follow(a.id, feedId, at(5));
      assert.equal(await listeners.library.isFollowing(a.id, feedId), true);
      assert.equal(await listeners.library.isFollowing(b.id, feedId), false);
      assert.deepEqual(await listeners.library.following(a.id), [{ feedId, followedAt: T0.toISOString() }]);
      await listeners.library.unfollow(a.id, feedId);
      assert.deepEqual(await listeners.library.following(a.id), []);
    });

    t('progress: positions, played, newer wins, lists per user only', async ({ store, listeners }) => {
      const { episodes } = await seed(store);
      const [e1, e2, e3] = episodes as [number, number, number];
      const a = await createAccount(listeners.users, { name: 'a', password: 'pw pw pw pw' }, T0);
      const b = await createAccount(listeners.users, { name: 'b', password: 'pw pw pw pw' }, T0);
      const lib = listeners.library;
      await lib.savePosition(a.id, e1, 120, at(1), 60);
      await lib.savePosition(a.id, e1, 240, at(3), 60);
      const stale = await lib.savePosition(a.id, e1, 10, at(2));
      assert.equal(stale.positionSeconds, 240, 'an older save is ignored');
      await lib.savePosition(a.id, e2, 30, at(4));
      await lib.setPlayed(a.id, e3, true, at(5));
      assert.equal((await lib.progress(a.id, e1))?.positionSeconds, 240);
      assert.equal(await lib.progress(b.id, e1), undefined);
      assert.deepEqual(
        (await lib.inProgress(a.id, 10)).map((p) => p.episodeId),
        [e2, e1],
      );
      assert.deepEqual(
        (await lib.played(a.id, 10)).map((p) => p.episodeId),
        [e3],
      );
      assert.deepEqual(
        (await lib.history(a.id, 10)).map((p) => p.episodeId),
        [e3, e2, e1],
      );
      assert.deepEqual(await lib.history(b.id, 10), []);
      const map = await lib.progressFor(a.id, [e1, e2, 999_999]);
      assert.deepEqual([...map.keys()].sort(), [e1, e2].sort());
      const unplayed = await lib.setPlayed(a.id, e3, false, at(6));
      assert.equal(unplayed.played, false);
      assert.equal(unplayed.positionSeconds, 0);
      await assert.rejects(
        lib.savePosition(a.id, e1, -5, at(7)),
        (e: unknown) => e instanceof StoreError && e.code === 'invalid',
      );
    });

    t('the queue keeps order: add, play next, move, remove', async ({ store, listeners }) => {
      const { episodes } = await seed(store);
      const [e1, e2, e3] = episodes as [number, number, number];
      const a = await createAccount(listeners.users, { name: 'a', password: 'pw pw pw pw' }, T0);
      const b = await createAccount(listeners.users, { name: 'b', password: 'pw pw pw pw' }, T0);
      const lib = listeners.library;
      await lib.enqueue(a.id, e1, T0);
      await lib.enqueue(a.id, e2, T0);
      await lib.enqueue(a.id, e3, T0, { next: true });
      await lib.enqueue(a.id, e1, T0);
      const ids = async () => (await lib.queue(a.id)).map((q) => q.episodeId);
      assert.deepEqual(await ids(), [e3, e1, e2]);
      await lib.moveInQueue(a.id, e3, 5);
      assert.deepEqual(await ids(), [e1, e2, e3]);
      await lib.dequeue(a.id, e2);
      assert.deepEqual(await ids(), [e1, e3]);
      assert.deepEqual(await lib.queue(b.id), []);
      await assert.rejects(
        lib.moveInQueue(b.id, e1, 0),
        (e: unknown) => e instanceof StoreError && e.code === 'not-found',
      );
      await assert.rejects(
        lib.enqueue(a.id, 999_999, T0),
        (e: unknown) => e instanceof StoreError && e.code === 'not-found',
      );
    });

    t(
      'signals: listening per show per day, completions and follows since a date',
      async ({ store, listeners }) => {
        const { feedId, showId, episodes } = await seed(store);
        const [e1, e2] = episodes as [number, number];
        const a = await createAccount(listeners.users, { name: 'a', password: 'pw pw pw pw' }, T0);
        await listeners.library.savePosition(a.id, e1, 60, at(1), 50);
        await listeners.library.savePosition(a.id, e1, 120, at(2), 60);
        await listeners.library.setPlayed(a.id, e2, true, at(3));
        await listeners.library.follow(a.id, feedId, at(4));
        const signals = await listeners.library.signals(new Date(T0.getTime() - 86_400_000));
        const listen = signals.filter((s) => s.kind === 'listen');
        assert.equal(listen.length, 1);
        assert.equal(listen[0]?.amount, 110);
        assert.equal(listen[0]?.showId, showId);
        assert.equal(signals.filter((s) => s.kind === 'complete' && s.showId === showId).length, 1);
        assert.equal(signals.filter((s) => s.kind === 'follow' && s.showId === showId).length, 1);
        assert.deepEqual(await listeners.library.signals(at(60 * 48)), []);
      },
    );
  });
}
