import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { feedRoute, startFeedServer } from '../../../test/support/feed-server.ts';
import { freshMemoryStore } from '../../../test/support/sqlite-image.ts';
import { createFetcher } from '../fetch/index.ts';
import { startCrawler } from './crawler.ts';
import { createJobQueue } from './queue.ts';
import { refreshFeed } from './refresh.ts';

const small = readFileSync(join(import.meta.dirname, 'testdata', 'small-feed.xml'));

describe('crawler', () => {
  it('refreshes due feeds through the queue, never more than perHost at once on one host, and skips the demo', {
    // A guard, not a speed assertion: a limit of one per host would leave the first request waiting for a pair.
    timeout: 60_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'earshot-crawler-'));
    const store = await freshMemoryStore(dir);
    const server = await startFeedServer();
    const fetcher = createFetcher({ userAgent: 'Earshot/test', allowPrivate: true, connectionsPerOrigin: 8 });
    let active = 0;
    let peak = 0;
    let finished = 0;
    // A request is held until a second one is in flight beside it (or no other is left to come), so the limit is
    // reached whatever the machine's load: no clock decides whether two requests overlap. The pair is then held a
    // little longer, so that a third request a broken limit let through would arrive meanwhile.
    let held: (() => void)[] = [];
    const releaseIfPaired = (): void => {
      if (active < 2 && finished + active < 8) return;
      const pair = held;
      held = [];
      setTimeout(() => {
        for (const release of pair) release();
      }, 20);
    };
    const serve = feedRoute(small);
    for (let i = 0; i < 8; i++) {
      server.route(`/f${i}.xml`, async (req, res) => {
        active++;
        peak = Math.max(peak, active);
        const paired = new Promise<void>((resolve) => held.push(resolve));
        releaseIfPaired();
        await paired;
        active--;
        finished++;
        await serve(req, res);
      });
      await store.feeds.add(server.url(`/f${i}.xml`), new Date());
    }
    const demo = (await store.feeds.add('http://demo.earshot.invalid/feeds/x.xml', new Date())).feed;
    const queue = createJobQueue(store);
    const done = new Set<number>();
    let resolveAll: () => void = () => {};
    const all = new Promise<void>((r) => {
      resolveAll = r;
    });
    const crawler = startCrawler({
      store,
      queue,
      refresh: (feed, limit) => refreshFeed({ store, fetcher, limit }, feed),
      concurrency: 6,
      perHost: 2,
      skip: (url) => url.startsWith('http://demo.earshot.invalid/'),
      onReport: (r) => {
        if (r.status === 'updated') done.add(r.feedId);
        if (done.size === 8) resolveAll();
      },
    });
    try {
      await all;
      assert.equal(peak, 2);
      assert.equal(done.size, 8);
      const feeds = await store.feeds.list();
      assert.ok(feeds.filter((f) => f.feed.url.startsWith(server.origin)).every((f) => f.episodeCount === 3));
      assert.equal(
        (await store.feeds.get(demo.id))?.lastFetchAt,
        undefined,
        'the demo feed is never fetched',
      );
      assert.deepEqual(await store.feeds.due(new Date(), 10), [], 'nothing is due right after');
    } finally {
      await crawler.stop();
      await fetcher.close();
      await server.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('renews the lease of a feed it is still fetching, so a second crawler never fetches it again meanwhile', {
    timeout: 60_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'earshot-crawler-'));
    const store = await freshMemoryStore(dir);
    const server = await startFeedServer();
    const fetcher = createFetcher({ userAgent: 'Earshot/test', allowPrivate: true });
    const leaseMs = 400;
    // The first request is held for four leases; a crawler that let its lease run out would see the feed leased and
    // fetched by the other crawler in that time.
    let requests = 0;
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const serve = feedRoute(small);
    server.route('/slow.xml', async (req, res) => {
      requests++;
      if (requests === 1) await released;
      await serve(req, res);
    });
    await store.feeds.add(server.url('/slow.xml'), new Date());
    let firstReport: () => void = () => {};
    const reported = new Promise<void>((resolve) => {
      firstReport = resolve;
    });
    const crawl = () =>
      startCrawler({
        store,
        queue: createJobQueue(store),
        refresh: (feed, limit) => refreshFeed({ store, fetcher, limit }, feed),
        concurrency: 2,
        perHost: 2,
        leaseMs,
        onReport: () => firstReport(),
      });
    const first = crawl();
    const second = crawl();
    try {
      while (requests === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      // Each crawler looks for due feeds every quarter lease: many chances to take an expired lease.
      await new Promise((resolve) => setTimeout(resolve, leaseMs * 4));
      release();
      await reported;
      assert.equal(requests, 1, 'fetched once: the lease was renewed while the fetch was held');
    } finally {
      release();
      await first.stop();
      await second.stop();
      await fetcher.close();
      await server.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
