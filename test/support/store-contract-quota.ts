// The contract behind per-listener quotas and fair crawling (issue 12), run against SQLite and PostgreSQL alike by
// src/store/listeners.test.ts: who brought a feed into the catalogue and when (the daily new-feed quota counts it in the
// database, so it survives restarts and holds across processes), and fair-share lanes on the job queue.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { createAccount } from '../../src/services/passwords.ts';
import { type ListenerDb, listenerDbTest } from './store-contract-listeners.ts';

const T0 = new Date('2026-01-01T00:00:00.000Z');
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);

export function quotaContract(kind: 'sqlite' | 'postgres', options: { skip?: string } = {}): void {
  const t = listenerDbTest(kind, options);
  const user = async (db: ListenerDb, name: string) =>
    (await createAccount(db.listeners.users, { name, password: 'a password, long enough' }, T0)).id;

  describe(`store contract (${kind}): quotas and fair share`, () => {
    t(
      'a feed remembers the listener who brought it in; addedSince counts only theirs, in the window',
      async (db) => {
        const { store } = db;
        const alice = await user(db, 'alice');
        const bob = await user(db, 'bob');
        const a1 = await store.feeds.add('https://feeds.example/a1.xml', at(0), { addedByUserId: alice });
        await store.feeds.add('https://feeds.example/a2.xml', at(30), { addedByUserId: alice });
        await store.feeds.add('https://feeds.example/b1.xml', at(40), { addedByUserId: bob });
        await store.feeds.add('https://feeds.example/admin.xml', at(50));
        assert.equal(a1.created, true);
        assert.equal(a1.feed.addedByUserId, alice);
        assert.equal((await store.feeds.get(a1.feed.id))?.addedByUserId, alice);
        assert.equal(
          (await store.feeds.findByUrl('https://feeds.example/admin.xml'))?.addedByUserId,
          undefined,
        );
        // A URL that is already a feed is not new: it keeps who added it and counts for nobody else.
        const again = await store.feeds.add('https://feeds.example/a1.xml', at(60), { addedByUserId: bob });
        assert.equal(again.created, false);
        assert.equal(again.feed.addedByUserId, alice);
        assert.deepEqual(await store.feeds.addedSince(alice, at(0)), [
          at(0).toISOString(),
          at(30).toISOString(),
        ]);
        assert.deepEqual(await store.feeds.addedSince(alice, at(1)), [at(30).toISOString()]);
        assert.deepEqual(await store.feeds.addedSince(bob, at(0)), [at(40).toISOString()]);
        assert.deepEqual(await store.feeds.addedSince(alice, at(31)), []);
        const recent = async (who: number, since: Date, limit = 10) =>
          (await store.feeds.addedBy(who, { since, limit })).map((f) => f.url);
        assert.deepEqual(await recent(alice, at(0)), [
          'https://feeds.example/a2.xml',
          'https://feeds.example/a1.xml',
        ]);
        assert.deepEqual(
          await recent(alice, at(0), 1),
          ['https://feeds.example/a2.xml'],
          'newest first, bounded',
        );
        assert.deepEqual(await recent(alice, at(31)), []);
        assert.deepEqual(await recent(bob, at(0)), ['https://feeds.example/b1.xml']);
      },
    );

    t('a new feed may be first due later than at once (its first fetch left to a job)', async (db) => {
      const { store } = db;
      const { feed } = await store.feeds.add('https://feeds.example/later.xml', at(0), {
        firstCheckAt: at(60),
      });
      assert.equal(feed.nextCheckAt, at(60).toISOString());
      assert.deepEqual(await store.feeds.due(at(59), 10), []);
      assert.deepEqual(
        (await store.feeds.due(at(60), 10)).map((f) => f.id),
        [feed.id],
      );
    });

    t(
      'claims take lanes in turn: one lane with many due jobs does not hold back another lane',
      async (db) => {
        const { store } = db;
        for (let i = 0; i < 50; i++)
          await store.jobs.enqueue({ kind: 'refresh', key: `a${i}`, runAt: at(0), lane: 'user:1' }, T0);
        await store.jobs.enqueue({ kind: 'refresh', key: 'admin', runAt: at(1) }, T0);
        await store.jobs.enqueue({ kind: 'refresh', key: 'b0', runAt: at(2), lane: 'user:2' }, T0);
        await store.jobs.enqueue({ kind: 'refresh', key: 'b1', runAt: at(3), lane: 'user:2' }, T0);
        const claim = (limit: number) =>
          store.jobs.claim({ kind: 'refresh', workerId: 'w', now: at(5), limit, lockMs: 60_000 });
        const first = await claim(3);
        assert.deepEqual(
          first.map((j) => j.key),
          ['a0', 'admin', 'b0'],
        );
        assert.equal(first[2]?.lane, 'user:2');
        assert.deepEqual(
          (await claim(3)).map((j) => j.key),
          ['a1', 'b1', 'a2'],
        );
        // Enqueued again, a job keeps its lane.
        await store.jobs.enqueue({ kind: 'refresh', key: 'a49', runAt: at(0) }, at(6));
        assert.equal((await store.jobs.get('refresh', 'a49'))?.lane, 'user:1');
        await store.jobs.enqueueMany([{ kind: 'refresh', key: 'c0', runAt: at(4), lane: 'user:3' }], T0);
        assert.deepEqual(
          (await claim(2)).map((j) => j.key),
          ['a3', 'c0'],
        );
      },
    );
  });
}
