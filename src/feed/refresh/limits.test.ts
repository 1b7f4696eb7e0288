import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HostLimiter, hostOf, mapPool } from './limits.ts';

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('mapPool', () => {
  it('never runs more than the global limit, nor more than perHost for one host', async () => {
    const items = Array.from(
      { length: 40 },
      (_, i) => `https://${i % 3 === 0 ? 'cdn' : `h${i}`}.example/${i}`,
    );
    let running = 0;
    let peak = 0;
    const perHostRunning = new Map<string, number>();
    let hostPeak = 0;
    const out = await mapPool(items, { concurrency: 6, perHost: 2, hostOf }, async (url, i) => {
      running++;
      peak = Math.max(peak, running);
      const h = hostOf(url);
      perHostRunning.set(h, (perHostRunning.get(h) ?? 0) + 1);
      hostPeak = Math.max(hostPeak, perHostRunning.get(h) ?? 0);
      await tick();
      await tick();
      running--;
      perHostRunning.set(h, (perHostRunning.get(h) ?? 1) - 1);
      return i * 2;
    });
    assert.deepEqual(
      out,
      items.map((_, i) => i * 2),
    );
    assert.equal(peak, 6);
    assert.equal(hostPeak, 2);
  });

  it('lets other hosts through while one host is saturated', async () => {
    const order: string[] = [];
    const items = [
      'https://a.example/1',
      'https://a.example/2',
      'https://a.example/3',
      'https://b.example/1',
    ];
    await mapPool(items, { concurrency: 3, perHost: 1, hostOf }, async (url) => {
      order.push(url);
      await tick();
    });
    assert.deepEqual(order.slice(0, 2), ['https://a.example/1', 'https://b.example/1']);
  });

  it('rejects with the first error once running tasks finish', async () => {
    await assert.rejects(
      mapPool([1, 2, 3], { concurrency: 2, perHost: 2, hostOf: () => 'x' }, async (n) => {
        if (n === 2) throw new Error('boom');
        return n;
      }),
      /boom/,
    );
  });
});

describe('HostLimiter', () => {
  it('queues the third task for one host until a slot frees', async () => {
    const limiter = new HostLimiter(2);
    const release: (() => void)[] = [];
    const started: number[] = [];
    const tasks = [1, 2, 3].map((n) =>
      limiter.run('cdn.example', async () => {
        started.push(n);
        await new Promise<void>((r) => release.push(r));
      }),
    );
    await tick();
    assert.deepEqual(started, [1, 2]);
    release.shift()?.();
    await tick();
    await tick();
    assert.deepEqual(started, [1, 2, 3]);
    for (const r of release) r();
    await tick();
    release.shift()?.();
    await Promise.all(tasks);
    assert.equal(limiter.active('cdn.example'), 0);
  });
});
