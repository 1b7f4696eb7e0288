import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { storeBackends } from '../../../test/support/store-backends.ts';
import type { Store } from '../../store/index.ts';
import { createJobQueue } from './queue.ts';

const backends = await storeBackends();

for (const backend of backends) {
  describe(`job queue over the jobs table (${backend.name})`, { skip: backend.skip ?? false }, () => {
    let store: Store;
    let dir: string;
    let drop: () => Promise<void>;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'earshot-queue-'));
      ({ store, drop } = await backend.fresh(dir));
    });
    after(async () => {
      await drop();
      await rm(dir, { recursive: true, force: true });
    });

    it('enqueueMany adds new jobs and treats existing keys like enqueue (earlier run-at, revived, revision bumped)', async () => {
      const queue = createJobQueue(store);
      const t0 = new Date('2030-01-01T00:00:00Z');
      const later = new Date('2030-01-02T00:00:00Z');
      await queue.enqueue('test-m', 'old', { n: 0 }, later);
      const before = await store.jobs.get('test-m', 'old');
      await queue.enqueueMany(
        'test-m',
        [
          { key: 'old', payload: { n: 1 } },
          { key: 'new', payload: { n: 2 } },
          { key: 'new', payload: { n: 3 } },
        ],
        t0,
      );
      const old = await store.jobs.get('test-m', 'old');
      const fresh = await store.jobs.get('test-m', 'new');
      assert.equal(old?.runAt, t0.toISOString());
      assert.deepEqual(old?.payload, { n: 1 });
      assert.equal(old?.revision, (before?.revision ?? 0) + 1);
      assert.deepEqual(fresh?.payload, { n: 3 });
      assert.equal(await store.jobs.count('test-m'), 2);
      // Never later: a second call with a later run-at keeps the earlier one.
      await queue.enqueueMany('test-m', [{ key: 'old', payload: { n: 4 } }], later);
      assert.equal((await store.jobs.get('test-m', 'old'))?.runAt, t0.toISOString());
    });

    it('runs each enqueued job once, at most `concurrency` at a time, and removes it when done', async () => {
      const queue = createJobQueue(store);
      const seen: string[] = [];
      let running = 0;
      let peak = 0;
      for (let i = 0; i < 12; i++) await queue.enqueue('test-a', `k${i}`, { n: i }, new Date());
      await queue.enqueue('test-a', 'k3', { n: 3 }, new Date()); // same key: still one job
      const all = new Promise<void>((resolve) => {
        const worker = queue.work(
          'test-a',
          async (payload) => {
            running++;
            peak = Math.max(peak, running);
            await new Promise((r) => setTimeout(r, 5));
            seen.push(JSON.stringify(payload));
            running--;
            if (seen.length === 12) void worker.stop().then(resolve);
          },
          { concurrency: 3, pollMs: 20 },
        );
      });
      await all;
      assert.equal(seen.length, 12);
      assert.equal(new Set(seen).size, 12);
      assert.ok(peak <= 3);
      assert.equal(await store.jobs.count('test-a'), 0);
    });

    it('does not run a job before its time', async () => {
      const queue = createJobQueue(store);
      await queue.enqueue('test-b', 'later', {}, new Date(Date.now() + 3_600_000));
      let ran = false;
      const worker = queue.work(
        'test-b',
        async () => {
          ran = true;
        },
        { concurrency: 1, pollMs: 10 },
      );
      await new Promise((r) => setTimeout(r, 60));
      await worker.stop();
      assert.equal(ran, false);
      assert.equal(await store.jobs.count('test-b'), 1);
    });

    it('records a failure and schedules the retry; stop() waits for the job in flight', async () => {
      const queue = createJobQueue(store);
      await queue.enqueue('test-c', 'x', {}, new Date());
      let finished = false;
      let started!: () => void;
      const startedP = new Promise<void>((r) => {
        started = r;
      });
      const worker = queue.work(
        'test-c',
        async () => {
          started();
          await new Promise((r) => setTimeout(r, 50));
          finished = true;
          throw new Error('feed exploded');
        },
        { concurrency: 1, pollMs: 10 },
      );
      await startedP;
      await worker.stop();
      assert.equal(finished, true);
      const job = await store.jobs.get('test-c', 'x');
      assert.equal(job?.lastError, 'feed exploded');
      assert.ok(Date.parse(job?.runAt ?? '') > Date.now());
    });
  });
}
