// The search page's filters, "more" paging, spelling correction and bounded inputs, as a visitor meets them
// (the store's filters themselves: src/store/sql/search-filters.test.ts).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openTestApp, type TestApp } from '../../../../test/support/web-app.ts';
import { loadDemoIfEmpty } from '../../../demo/load.ts';

const T0 = new Date('2026-01-01T00:00:00.000Z');
let t: TestApp;
let harbour: number;
let secret: number;
let guest: number;

before(async () => {
  t = await openTestApp();
  await loadDemoIfEmpty(t.store, T0);
  const add = async (url: string, title: string, prefix: string, years: number[], credit?: string) => {
    const { feed } = await t.store.feeds.add(url, T0);
    const { show } = await t.store.shows.upsert(feed.id, { format: 'rss', title }, T0);
    await t.store.episodes.upsertForShow(
      show.id,
      years.map((year, i) => ({
        guid: `${prefix}${i}`,
        guidSource: 'guid' as const,
        title: `Lighthouse tale ${prefix}${i}`,
        publishedAt: new Date(Date.UTC(year, 5, 1 + i)).toISOString(),
        enclosure: { url: `https://cdn.example/${prefix}${i}.mp3` },
        ...(credit && i === 0 ? { persons: [{ name: credit, role: 'guest', group: 'cast' }] } : {}),
      })),
      { now: T0, complete: true },
    );
    return { show, feed };
  };
  harbour = (
    await add(
      'https://feeds.example/harbour.xml',
      'Harbour Lights',
      'h',
      [2019, 2019, 2020, 2021],
      'Mara Keeper',
    )
  ).show.id;
  await add(
    'https://feeds.example/coast.xml',
    'Coast Radio',
    'c',
    Array.from({ length: 30 }, (_, i) => 1990 + i),
  );
  const hidden = await add('https://feeds.example/secret.xml', 'Secret Lighthouse Club', 's', [2020]);
  await t.store.feeds.setVisibility(hidden.feed.id, 'private');
  secret = hidden.show.id;
  const mara = await t.store.people.findByName('Mara Keeper');
  assert.ok(mara);
  guest = mara.id;
});
after(() => t.close());

/** The episodes listed (each is named several times in its row: link, play button, labels). */
const titles = (body: string): string[] => [
  ...new Set([...body.matchAll(/Lighthouse tale ([a-z]\d+)/g)].map((m) => m[1] ?? '')),
];

describe('search page', () => {
  test('shows come first, then episodes with their total, and "More episodes" pages without and with htmx', async () => {
    const res = await t.app.inject('/search?q=lighthouse');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /34 episodes/, 'the hidden show is not counted');
    assert.ok(res.body.indexOf('id="shows-h"') < res.body.indexOf('id="ep-h"'), 'shows before episodes');
    const more = /<a rel="next" href="([^"]+)"\s+hx-get="([^"]+)" hx-select="\.search-page"/.exec(res.body);
    assert.ok(more, 'a "more" link that htmx appends in place');
    assert.equal(more[1], more[2]);
    const next = await t.app.inject((more[1] ?? '').replaceAll('&amp;', '&'));
    assert.match(next.body, /34 episodes, page 2/);
    assert.match(next.body, /class="search-page" data-page="2"/);
    const seen = new Set([...titles(res.body), ...titles(next.body)]);
    assert.equal(seen.size, 34, 'two pages: every episode once');
    assert.doesNotMatch(next.body, /rel="next"/);
  });

  test('filters by show, person and date narrow the episodes and the total, and each can be removed', async () => {
    const byShow = await t.app.inject(`/search?q=lighthouse&show=${harbour}`);
    assert.deepEqual(titles(byShow.body).sort(), ['h0', 'h1', 'h2', 'h3']);
    assert.match(byShow.body, /4 episodes/);
    assert.match(byShow.body, /Show: Harbour Lights/);
    assert.match(byShow.body, new RegExp(`<option value="${harbour}" selected>Harbour Lights</option>`));
    assert.match(
      byShow.body,
      /href="\/search\?q=lighthouse" aria-label="Remove the filter Show: Harbour Lights"/,
    );

    const byYear = await t.app.inject('/search?q=lighthouse&year=2019');
    assert.deepEqual(titles(byYear.body).sort(), ['c29', 'h0', 'h1']);
    assert.match(byYear.body, /value="2019-01-01"/, 'the year fills the date fields');

    const byDates = await t.app.inject(`/search?q=lighthouse&show=${harbour}&from=2019-06-02&to=2020-06-03`);
    assert.deepEqual(titles(byDates.body).sort(), ['h1', 'h2'], 'both days included');

    const byPerson = await t.app.inject(`/search?q=lighthouse&person=${guest}`);
    assert.deepEqual(titles(byPerson.body), ['h0']);
    assert.match(byPerson.body, /Person: Mara Keeper/);
  });

  test('a misspelt word is corrected from the titles: "stakanovite" finds the Stakhanovite episode', async () => {
    const res = await t.app.inject('/search?q=stakanovite');
    assert.equal(res.statusCode, 200);
    assert.match(
      res.body,
      /No results for “stakanovite”. Showing results for <strong>“stakhanovite”<\/strong>/,
    );
    assert.match(res.body, /Stakhanovite Movement/);
    const right = await t.app.inject('/search?q=stakhanovite');
    assert.doesNotMatch(right.body, /Showing results for/, 'words spelt right are searched as typed');
    const none = await t.app.inject('/search?q=qwxzvbnm');
    assert.match(none.body, /Nothing found for “qwxzvbnm”/);
  });

  test('bad values are ignored or refused with a message, never a server error', async () => {
    const long = await t.app.inject(`/search?q=${'a'.repeat(201)}`);
    assert.equal(long.statusCode, 400);
    assert.match(long.body, /too long \(200 characters at most\)/);
    for (const query of [
      'show=abc',
      'show=-1',
      'show=99999999999',
      'person=1.5',
      'from=2020-13-45',
      'to=yesterday',
      'year=99999',
      'page=0',
      'page=1e9',
      'show[]=1',
      'from=2020-02-30',
    ]) {
      const res = await t.app.inject(`/search?q=lighthouse&${query}`);
      assert.equal(res.statusCode, 200, query);
      assert.match(res.body, /34 episodes/, `${query} is ignored`);
    }
  });

  test('the API takes the same filters, and its next / prev links keep them', async () => {
    const first = await t.app.inject(`/api/v1/search?q=lighthouse&show=${harbour}&limit=3`);
    assert.equal(first.statusCode, 200);
    const body = first.json() as {
      episodes: { title: string }[];
      total: { episodes: number };
      next?: string;
    };
    assert.equal(body.total.episodes, 4);
    assert.ok(body.episodes.every((e) => e.title.startsWith('Lighthouse tale h')));
    assert.match(
      body.next ?? '',
      new RegExp(`^/api/v1/search\\?q=lighthouse&show=${harbour}&page=2&limit=3$`),
    );
    const year = (await t.app.inject('/api/v1/search?q=lighthouse&year=2019&from=bad')).json() as {
      total: { episodes: number };
    };
    assert.equal(year.total.episodes, 3);
  });

  test("a private show's id as a filter is ignored: its name and episodes stay hidden", async () => {
    const res = await t.app.inject(`/search?q=lighthouse&show=${secret}`);
    assert.equal(res.statusCode, 200);
    assert.doesNotMatch(res.body, /Secret Lighthouse Club/);
    assert.match(res.body, /34 episodes/);
  });
});
