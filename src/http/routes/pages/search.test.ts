// The search page and /api/v1/search as a visitor uses them: the number of matching episodes, and previous / next
// pages that walk every match once (ranking itself: src/store/sql/search-relevance.test.ts).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openTestApp, type TestApp } from '../../../../test/support/web-app.ts';

const T0 = new Date('2026-01-01T00:00:00.000Z');
let t: TestApp;

before(async () => {
  t = await openTestApp();
  const { feed } = await t.store.feeds.add('https://feeds.example/drip.xml', T0);
  const { show } = await t.store.shows.upsert(feed.id, { format: 'rss', title: 'Daily Drip' }, T0);
  await t.store.episodes.upsertForShow(
    show.id,
    Array.from({ length: 45 }, (_, i) => ({
      guid: `d${i + 1}`,
      guidSource: 'guid' as const,
      title: `Drip ${i + 1}`,
      publishedAt: new Date(Date.UTC(2025, 0, 1 + i)).toISOString(),
      enclosure: { url: `https://cdn.example/d${i + 1}.mp3` },
    })),
    { now: T0, complete: true },
  );
});
after(() => t.close());

describe('search pages', () => {
  test('the page says how many episodes match and links the next and previous pages', async () => {
    const first = await t.app.inject('/search?q=drip');
    assert.equal(first.statusCode, 200);
    assert.match(first.body, /45 episodes/);
    assert.match(first.body, /rel="next" href="\/search\?q=drip&amp;page=2"/);
    assert.doesNotMatch(first.body, /rel="prev"/);
    assert.match(first.body, /Daily Drip/, 'the show on the first page');
    const last = await t.app.inject('/search?q=drip&page=3');
    assert.match(last.body, /45 episodes, page 3/);
    assert.match(last.body, /rel="prev" href="\/search\?q=drip&amp;page=2"/);
    assert.doesNotMatch(last.body, /rel="next"/);
    assert.equal((last.body.match(/Drip \d+/g) ?? []).length > 0, true);
    const beyond = await t.app.inject('/search?q=drip&page=9');
    assert.match(beyond.body, /No more results/);
    assert.equal((await t.app.inject('/search?q=drip&page=abc')).statusCode, 200, 'a bad page is the first');
  });

  test('the API pages with next and prev, every episode once', async () => {
    const seen = new Set<string>();
    let url: string | undefined = '/api/v1/search?q=drip&limit=20';
    let pages = 0;
    while (url !== undefined) {
      const res: Awaited<ReturnType<typeof t.app.inject>> = await t.app.inject(url);
      assert.equal(res.statusCode, 200);
      const body = res.json() as {
        episodes: Array<{ title: string }>;
        total: { episodes: number; exact: boolean };
        page: number;
        next?: string;
        prev?: string;
      };
      pages++;
      assert.deepEqual(body.total, { episodes: 45, exact: true });
      assert.equal(body.prev !== undefined, body.page > 1);
      for (const e of body.episodes) seen.add(e.title);
      url = body.next;
    }
    assert.equal(pages, 3);
    assert.equal(seen.size, 45);
  });
});
