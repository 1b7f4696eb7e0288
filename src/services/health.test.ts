import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backgroundHealth } from './health.ts';

/** A probe the test settles by hand, counting how often it was started. */
function manualProbe() {
  const pending: { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }[] = [];
  const probe = () =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      pending.push({ resolve, reject });
    });
  return { probe, pending };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('backgroundHealth', () => {
  it('waits for the first probe, then answers at once while a slow probe runs behind it', async () => {
    let now = 0;
    const { probe, pending } = manualProbe();
    const health = backgroundHealth(probe, { maxAgeMs: 5_000, stuckMs: 30_000, nowMs: () => now });
    const first = health();
    pending[0]?.resolve({ feeds: 3 });
    assert.deepEqual(await first, { ok: true, feeds: 3, checkedMsAgo: 0 });

    now = 6_000; // older than maxAgeMs: a new probe starts, and the database is busy (it does not answer yet)
    assert.deepEqual(await health(), { ok: true, feeds: 3, checkedMsAgo: 6_000 });
    assert.equal(pending.length, 2, 'a new probe started in the background');
    now = 7_000;
    assert.deepEqual(await health(), { ok: true, feeds: 3, checkedMsAgo: 7_000 });
    assert.equal(pending.length, 2, 'no second probe while one runs');

    pending[1]?.resolve({ feeds: 4 });
    await settle();
    assert.deepEqual(await health(), { ok: true, feeds: 4, checkedMsAgo: 0 });
  });

  it('is unhealthy when the probe fails, and when it has not answered for stuckMs', async () => {
    let now = 0;
    const { probe, pending } = manualProbe();
    const health = backgroundHealth(probe, { maxAgeMs: 1_000, stuckMs: 10_000, nowMs: () => now });
    const first = health();
    pending[0]?.reject(new Error('disk I/O error'));
    assert.deepEqual(await first, { ok: false, database: 'unavailable: disk I/O error', checkedMsAgo: 0 });

    now = 2_000;
    await health(); // starts a probe that never answers
    now = 13_000;
    assert.deepEqual(await health(), { ok: false, database: 'no answer for 11 s' });
  });
});
