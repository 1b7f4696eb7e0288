// The two queues a cluster's crawlers share, hammered from two stores (two connection pools, as two `earshot crawl`
// processes) on one PostgreSQL schema: due feeds leased with `leaseDue` and jobs claimed with `jobs.claim` go to one
// claimer each, however many ask at once, and a lease or claim that runs out makes its work available again.
// Skipped with the reason when EARSHOT_TEST_DATABASE_URL is unset or unreachable.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openStore, type Store } from '../../src/store/index.ts';
import { postgresSkip, type ThrowAwaySchema, throwAwaySchema } from '../support/postgres.ts';

const skip = (await postgresSkip()) ?? false;
const T0 = new Date('2026-12-01T00:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe('leases and claims across processes on one PostgreSQL', { skip }, () => {
  let schema: ThrowAwaySchema;
  const stores: Store[] = [];
  before(async () => {
    schema = await throwAwaySchema();
    for (let i = 0; i < 2; i++)
      stores.push(await openStore({ dataDir: '/nonexistent', databaseUrl: schema.url }));
  });
  after(async () => {
    for (const store of stores) await store.close();
    await schema?.drop();
  });
  const store = (i: number): Store => {
    const s = stores[i % stores.length];
    assert.ok(s);
    return s;
  };

  it('every due feed is leased by exactly one of many simultaneous leasers, and again only after the lease', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 300; i++)
      ids.push((await store(0).feeds.add(`https://feeds.example/${i}.xml`, T0)).feed.id);
    const leasedBy = new Map<number, number>();
    for (let round = 0; round < 20 && leasedBy.size < ids.length; round++) {
      const batches = await Promise.all(
        Array.from({ length: 8 }, (_, w) =>
          store(w)
            .feeds.leaseDue(at(1), 23, at(60))
            .then((f) => ({ w, f })),
        ),
      );
      for (const { w, f } of batches)
        for (const feed of f) {
          assert.equal(leasedBy.get(feed.id), undefined, `feed ${feed.id} leased twice`);
          leasedBy.set(feed.id, w);
        }
    }
    assert.equal(leasedBy.size, ids.length, 'every due feed was leased');
    assert.ok(new Set(leasedBy.values()).size > 1, 'by several leasers');
    assert.deepEqual(
      await store(1).feeds.leaseDue(at(59), 1000, at(120)),
      [],
      'nothing while the leases last',
    );
    const again = await store(1).feeds.leaseDue(at(61), 1000, at(120));
    assert.equal(again.length, ids.length, 'all due again once the leases ran out (their crawler died)');
  });

  it('every due job is claimed by exactly one of many simultaneous workers, and again only after the claim', async () => {
    const jobs = Array.from({ length: 200 }, (_, i) => ({
      kind: 'refresh-feed',
      key: String(i),
      payload: { feedId: i },
      runAt: T0,
      ...(i % 3 === 0 ? { lane: `listener:${i % 7}` } : {}),
    }));
    await store(0).jobs.enqueueMany(jobs, T0);
    const claimedBy = new Map<string, string>();
    for (let round = 0; round < 20 && claimedBy.size < jobs.length; round++) {
      const batches = await Promise.all(
        Array.from({ length: 8 }, (_, w) =>
          store(w)
            .jobs.claim({ kind: 'refresh-feed', workerId: `w${w}`, now: at(1), limit: 17, lockMs: 60_000 })
            .then((claimed) => ({ w, claimed })),
        ),
      );
      for (const { w, claimed } of batches)
        for (const job of claimed) {
          assert.equal(claimedBy.get(job.key), undefined, `job ${job.key} claimed twice`);
          claimedBy.set(job.key, `w${w}`);
        }
    }
    assert.equal(claimedBy.size, jobs.length, 'every job was claimed');
    const claim = (seconds: number) =>
      store(1).jobs.claim({
        kind: 'refresh-feed',
        workerId: 'late',
        now: at(seconds),
        limit: 1000,
        lockMs: 60_000,
      });
    assert.deepEqual(await claim(59), [], 'nothing while the claims last');
    assert.equal((await claim(62)).length, jobs.length, 'all claimable again once the claims ran out');
  });
});
