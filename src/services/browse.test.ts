// Shows by popularity, page after page: the ranked shows first, then every other show by recency, each show once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freshMemoryStore } from '../../test/support/sqlite-image.ts';
import { formatPopularCursor, PopularBrowse, type PopularCursor, parsePopularCursor } from './browse.ts';
import { createAccount } from './passwords.ts';

const T0 = new Date('2026-03-01T00:00:00.000Z');

test('popularity pages list the ranked shows, then the rest by newest episode, every visible show once', async () => {
  const store = await freshMemoryStore();
  try {
    const feeds = new Map<string, number>();
    for (const [i, title] of ['A', 'B', 'C', 'D', 'E', 'Hidden'].entries()) {
      const { feed } = await store.feeds.add(
        `https://pop.example/${i}`,
        T0,
        title === 'Hidden' ? { visibility: 'private' } : {},
      );
      const { show } = await store.shows.upsert(feed.id, { format: 'rss', title }, T0);
      await store.episodes.upsertForShow(
        show.id,
        [
          {
            guid: `g${i}`,
            guidSource: 'guid',
            publishedAt: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
          },
        ],
        { now: T0, complete: true },
      );
      feeds.set(title, feed.id);
    }
    const { users, library } = store.listeners;
    const fan = (await createAccount(users, { name: 'fan', password: 'a long password' }, T0)).id;
    const other = (await createAccount(users, { name: 'other', password: 'a long password' }, T0)).id;
    // B is followed twice, Hidden and A once: B, then A (lower id than Hidden), Hidden only for admins.
    for (const [user, title] of [
      [fan, 'B'],
      [other, 'B'],
      [fan, 'A'],
      [fan, 'Hidden'],
    ] as const) {
      await library.follow(user, feeds.get(title) ?? 0, T0);
    }
    const browse = new PopularBrowse({ store, listeners: store.listeners });
    const walk = async (audience: { isAdmin?: boolean }, limit: number) => {
      const titles: string[][] = [];
      let after: PopularCursor | undefined;
      for (let guard = 0; guard < 20; guard++) {
        const page = await browse.page({ audience, limit, ...(after ? { after } : {}) }, T0);
        titles.push(page.items.map((s) => s.title ?? ''));
        if (!page.next) return titles;
        // Through the URL form, as the pages pass it on.
        after = parsePopularCursor(formatPopularCursor(page.next));
      }
      throw new Error('the pages never ended');
    };
    assert.deepEqual(await walk({}, 2), [['B', 'A'], ['E', 'D'], ['C']]);
    assert.deepEqual((await walk({}, 3)).flat(), ['B', 'A', 'E', 'D', 'C']);
    assert.deepEqual((await walk({ isAdmin: true }, 2)).flat(), ['B', 'A', 'Hidden', 'E', 'D', 'C']);
    assert.equal(parsePopularCursor('x1'), undefined);
    assert.equal(parsePopularCursor('r99999999'), undefined);
  } finally {
    await store.close();
  }
});
