import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { storeBackends } from '../../../test/support/store-backends.ts';
import { batchCalls, createFetchRecorder } from './batch.ts';

const backends = await storeBackends();

describe('batchCalls', () => {
  it('hands the calls of one event-loop turn to one flush, and each caller its own result', async () => {
    const flushes: number[][] = [];
    const double = batchCalls<number, number>(async (items) => {
      flushes.push(items);
      return items.map((n) => n * 2);
    });
    assert.deepEqual(await Promise.all([double(1), double(2), double(3)]), [2, 4, 6]);
    assert.deepEqual(await double(4), 8);
    assert.deepEqual(flushes, [[1, 2, 3], [4]]);
  });

  it('with a window, gathers calls made within it, and starts a new batch after it', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const flushes: string[][] = [];
    const echo = batchCalls<string, string>(
      async (items) => {
        flushes.push(items);
        return items;
      },
      { windowMs: 40 },
    );
    // One event-loop turn after each call, so that a flush not waiting for the window would have happened.
    const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
    const first = echo('a');
    await turn();
    t.mock.timers.tick(39);
    const second = echo('b');
    await turn();
    assert.deepEqual(flushes, [], 'nothing is flushed before the window ends');
    t.mock.timers.tick(1);
    assert.deepEqual(await Promise.all([first, second]), ['a', 'b']);
    const third = echo('c');
    await turn();
    t.mock.timers.tick(39);
    await turn();
    assert.deepEqual(flushes, [['a', 'b']], 'a call after the window waits for a window of its own');
    t.mock.timers.tick(1);
    assert.deepEqual(await third, 'c');
    assert.deepEqual(flushes, [['a', 'b'], ['c']]);
  });

  it('fails every call of a failed flush, and a flush that answers too few results', async () => {
    const broken = batchCalls<number, number>(async () => {
      throw new Error('disk full');
    });
    const results = await Promise.allSettled([broken(1), broken(2)]);
    assert.deepEqual(
      results.map((r) =>
        r.status === 'rejected' && r.reason instanceof Error ? r.reason.message : r.status,
      ),
      ['disk full', 'disk full'],
    );
    const short = batchCalls<number, number>(async () => [1]);
    const [ok, missing] = await Promise.allSettled([short(1), short(2)]);
    assert.deepEqual(ok, { status: 'fulfilled', value: 1 });
    assert.ok(missing?.status === 'rejected' && /1 results for 2 items/.test(String(missing.reason)));
  });
});

for (const backend of backends) {
  describe(`createFetchRecorder (${backend.name})`, { skip: backend.skip }, () => {
    it('writes the records of feeds finishing together, each caller resuming once its own is stored', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'earshot-batch-'));
      const { store, drop } = await backend.fresh(dir);
      try {
        const at = new Date('2026-11-01T10:00:00Z');
        const next = new Date('2026-11-01T11:00:00Z');
        const ids: number[] = [];
        for (const n of [1, 2, 3])
          ids.push((await store.feeds.add(`https://feeds.example/${n}.xml`, at)).feed.id);
        const record = createFetchRecorder(store);
        await Promise.all(
          ids.map(async (id, i) => {
            await sleep(i);
            await record(id, { kind: 'not-modified', at, httpStatus: 304, nextCheckAt: next });
            // Resolved: this feed's record is committed.
            const feed = await store.feeds.get(id);
            assert.deepEqual([feed?.notModifiedCount, feed?.nextCheckAt], [1, next.toISOString()]);
          }),
        );
      } finally {
        await drop();
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}
