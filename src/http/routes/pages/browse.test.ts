// What a visitor finds when browsing (issue 15): every show by popularity and A–Z, the category tree and a category's
// shows, the newest episodes, a long show's seasons and years, and never a listener's private feed unless they may
// see it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, ingest, openTestApp, type TestApp } from '../../../../test/support/web-app.ts';

interface Item {
  title: string;
  date: string;
  season?: number;
}

const xml = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;');

function feed(
  title: string,
  options: { categories?: string; items?: Item[]; description?: string } = {},
): string {
  const items = (options.items ?? []).map(
    (it, i) => `<item><title>${xml(it.title)}</title><guid>${xml(title)}-${i}</guid>
      <pubDate>${new Date(it.date).toUTCString()}</pubDate><itunes:duration>30:00</itunes:duration>
      ${it.season !== undefined ? `<itunes:season>${it.season}</itunes:season>` : ''}
      <enclosure url="https://cdn.example/${encodeURIComponent(title)}/${i}.mp3" type="audio/mpeg" length="100"/></item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel><title>${xml(title)}</title><description>${xml(options.description ?? `About ${title}.`)}</description>
${options.categories ?? ''}
${items.join('\n')}
</channel></rss>`;
}

const cardTitles = (body: string, from = '<main'): string[] =>
  [...body.slice(body.indexOf(from)).matchAll(/<span class="card-title">([^<]*)<\/span>/g)].map(
    (m) => m[1] ?? '',
  );
const hrefOf = (body: string, rel: string): string | undefined =>
  new RegExp(`<a rel="${rel}" href="([^"]+)"`).exec(body)?.[1]?.replaceAll('&amp;', '&');

describe('browsing the catalogue', () => {
  let t: TestApp;
  let admin: Client;
  let fan: Client;
  let privateShow: number;
  let kidsShow: number;

  before(async () => {
    t = await openTestApp();
    // The first account is the admin.
    admin = new Client(t.app);
    await admin.signUp('boss');
    fan = new Client(t.app);
    await fan.signUp('fan');
    const fanId = (await t.store.listeners.users.findByName('fan'))?.id ?? assert.fail('no fan');
    kidsShow = await ingest(
      t.store,
      'https://kids.example/feed.xml',
      feed('Kids Corner', {
        categories:
          '<itunes:category text="Kids &amp;amp; Family"><itunes:category text="Parenting"/></itunes:category>',
        items: [{ title: 'Kids 1', date: '2024-01-10T00:00:00Z' }],
      }),
    );
    await ingest(
      t.store,
      'https://family.example/feed.xml',
      feed('Family Hour', {
        categories:
          '<itunes:category text="Kids and Family"/><itunes:category text="Underwater Basket Weaving"/>',
        items: [{ title: 'Family 1', date: '2024-01-20T00:00:00Z' }],
      }),
    );
    for (let i = 0; i < 33; i++) {
      const name = `Show ${String(i).padStart(2, '0')}`;
      await ingest(
        t.store,
        `https://many.example/${i}.xml`,
        feed(name, {
          categories: '<itunes:category text="Comedy"/>',
          items: [{ title: `${name} ep`, date: new Date(Date.UTC(2023, 0, 1 + i)).toISOString() }],
        }),
      );
    }
    // A listener's private feed, in a category of its own and in Comedy.
    const { feed: hidden } = await t.store.feeds.add('https://secret.example/feed.xml', new Date(), {
      visibility: 'private',
      addedByUserId: fanId,
    });
    privateShow = await ingest(
      t.store,
      'https://secret.example/feed.xml',
      feed('Zz Secret Diary', {
        categories: '<itunes:category text="Comedy"/><itunes:category text="Secret Societies"/>',
        items: [{ title: 'Secret entry', date: '2024-02-01T00:00:00Z' }],
      }),
    );
    await t.store.listeners.library.follow(fanId, hidden.id, new Date());
  });
  after(() => t.close());

  test('the header links to the new pages', async () => {
    const b = (await new Client(t.app).get('/')).body;
    for (const path of ['/shows', '/categories', '/new']) assert.match(b, new RegExp(`<a href="${path}">`));
  });

  test('/shows A–Z: every public show once over keyset pages, with the total', async () => {
    const c = new Client(t.app);
    const first = await c.get('/shows?order=az');
    assert.equal(first.statusCode, 200);
    assert.match(first.body, /35 shows/);
    const page1 = cardTitles(first.body);
    assert.equal(page1.length, 30);
    assert.deepEqual(page1.slice(0, 3), ['Family Hour', 'Kids Corner', 'Show 00']);
    const next = hrefOf(first.body, 'next') ?? assert.fail('no next page');
    const second = await c.get(next);
    const page2 = cardTitles(second.body);
    assert.deepEqual(page2, ['Show 28', 'Show 29', 'Show 30', 'Show 31', 'Show 32']);
    assert.equal(hrefOf(second.body, 'next'), undefined);
    assert.match(second.body, /First page/);
    assert.doesNotMatch(first.body + second.body, /Zz Secret Diary/);
    // The letter jump.
    const k = await c.get('/shows?order=az&from=k');
    assert.deepEqual(cardTitles(k.body).slice(0, 2), ['Kids Corner', 'Show 00']);
    assert.equal((await c.get('/shows?order=sideways')).statusCode, 400);
    assert.equal((await c.get('/shows?after=zzz')).statusCode, 400);
    assert.equal((await c.get('/shows?order=az&after=zzz')).statusCode, 400);
  });

  test('/shows by popularity: what listeners follow first, then every other show by its newest episode', async () => {
    const app = await openTestApp();
    try {
      const ids: number[] = [];
      for (const [i, name] of ['Quiet', 'Loud', 'Middle'].entries()) {
        ids.push(
          await ingest(
            app.store,
            `https://pop.example/${i}.xml`,
            feed(name, {
              items: [{ title: `${name} 1`, date: new Date(Date.UTC(2024, 0, 1 + i)).toISOString() }],
            }),
          ),
        );
      }
      const c = new Client(app.app);
      await c.signUp('listener');
      await c.post(`/shows/${ids[1]}/follow`);
      const b = (await new Client(app.app).get('/shows')).body;
      assert.deepEqual(cardTitles(b), ['Loud', 'Middle', 'Quiet']);
      assert.match(b, /aria-current="page">Popular/);
    } finally {
      await app.close();
    }
  });

  test('/categories: the tree with counts, sub-categories, and the categories feeds invent', async () => {
    const b = (await new Client(t.app).get('/categories')).body;
    assert.match(
      b,
      /<a href="\/categories\/kids-and-family">Kids &amp; Family<\/a> <span class="count">\(2\)/,
    );
    assert.match(b, /<a href="\/categories\/parenting">Parenting<\/a> <span class="count">\(1\)/);
    assert.match(b, /<a href="\/categories\/comedy">Comedy<\/a> <span class="count">\(33\)/);
    assert.match(b, /Other Categories[\s\S]*Underwater Basket Weaving/);
    assert.doesNotMatch(b, /Secret Societies/);
    // The private show's follower and the admin see it counted.
    for (const c of [fan, admin]) {
      const mine = (await c.get('/categories')).body;
      assert.match(mine, /<a href="\/categories\/comedy">Comedy<\/a> <span class="count">\(34\)/);
      assert.match(mine, /Secret Societies/);
    }
  });

  test('/categories/:slug: the shows of the category and its sub-categories, a Popular rail, paging', async () => {
    const c = new Client(t.app);
    const kids = await c.get('/categories/kids-and-family');
    assert.equal(kids.statusCode, 200);
    assert.match(kids.body, /<h1>Kids &amp; Family<\/h1>/);
    assert.match(kids.body, /Popular in Kids &amp; Family/);
    const all = kids.body.slice(kids.body.indexOf('id="cat-all-h"'));
    assert.deepEqual(cardTitles(all, 'id="cat-all-h"'), ['Family Hour', 'Kids Corner']);
    assert.match(kids.body, /href="\/categories\/parenting"/);
    const parenting = await c.get('/categories/parenting');
    assert.match(parenting.body, /<a href="\/categories\/kids-and-family">← Kids &amp; Family<\/a>/);
    assert.deepEqual(cardTitles(parenting.body, 'id="cat-all-h"'), ['Kids Corner']);
    const comedy = await c.get('/categories/comedy');
    assert.match(comedy.body, /33 shows/);
    const next = hrefOf(comedy.body, 'next') ?? assert.fail('no next page');
    assert.deepEqual(cardTitles((await c.get(next)).body, 'id="cat-all-h"'), [
      'Show 30',
      'Show 31',
      'Show 32',
    ]);
    // An official category with no show yet is a page; a name nobody uses is not.
    assert.equal((await c.get('/categories/true-crime')).statusCode, 200);
    assert.equal((await c.get('/categories/no-such-thing')).statusCode, 404);
    assert.equal((await c.get(`/categories/${'x'.repeat(90)}`)).statusCode, 404);
    assert.equal((await c.get('/categories/underwater-basket-weaving')).statusCode, 200);
  });

  test('a category only a private feed has is 404 to others, listed for its follower', async () => {
    assert.equal((await new Client(t.app).get('/categories/secret-societies')).statusCode, 404);
    const mine = await fan.get('/categories/secret-societies');
    assert.equal(mine.statusCode, 200);
    assert.deepEqual(cardTitles(mine.body, 'id="cat-all-h"'), ['Zz Secret Diary']);
    const comedy = (await new Client(t.app).get('/categories/comedy')).body;
    assert.doesNotMatch(comedy, /Zz Secret Diary/);
  });

  test('/new: the latest episodes of every show, newest first, with their show, paged', async () => {
    const c = new Client(t.app);
    const first = await c.get('/new');
    assert.equal(first.statusCode, 200);
    const titles = [...first.body.matchAll(/<h3><a href="\/episodes\/\d+">([^<]*)<\/a>/g)].map((m) => m[1]);
    assert.deepEqual(titles.slice(0, 3), ['Family 1', 'Kids 1', 'Show 32 ep']);
    assert.equal(titles.length, 30);
    assert.match(first.body, /<p class="show-name"><a href="\/shows\/\d+">Family Hour<\/a>/);
    assert.doesNotMatch(first.body, /Secret entry/);
    const next = hrefOf(first.body, 'next') ?? assert.fail('no next page');
    const more = (await c.get(next)).body;
    assert.equal([...more.matchAll(/<h3><a href="\/episodes\//g)].length, 5);
    assert.match((await fan.get('/new')).body, /Secret entry/);
    assert.equal((await c.get('/new?after=%%%')).statusCode, 400);
  });

  test('the sitemap lists the browse pages and the public categories', async () => {
    const index = (await t.app.inject({ url: '/sitemap.xml' })).body;
    assert.match(index, /\/sitemaps\/browse\.xml/);
    const res = await t.app.inject({ url: '/sitemaps/browse.xml' });
    assert.equal(res.statusCode, 200);
    for (const path of [
      '/shows',
      '/categories',
      '/new',
      '/categories/kids-and-family',
      '/categories/parenting',
    ]) {
      assert.match(res.body, new RegExp(`<loc>https://pods\\.example${path}</loc>`));
    }
    assert.doesNotMatch(res.body, /secret-societies/);
  });

  test("the show page links to the show's categories", async () => {
    const b = (await new Client(t.app).get(`/shows/${kidsShow}`)).body;
    assert.match(b, /<a href="\/categories\/kids-and-family">Kids &amp; Family<\/a>/);
    assert.equal((await new Client(t.app).get(`/shows/${privateShow}`)).statusCode, 404);
  });
});

describe('a long show', () => {
  let t: TestApp;
  let showId: number;
  const longDescription = `${'A story of islands and the sea, told over many seasons. '.repeat(12)}The very end.`;

  before(async () => {
    t = await openTestApp();
    const items: Item[] = [];
    // 45 episodes over 2019–2023, seasons 1–3, then a few without a season.
    for (let i = 0; i < 45; i++) {
      items.push({
        title: `Episode ${i + 1}`,
        date: new Date(Date.UTC(2019 + Math.floor(i / 10), 0, 1 + i)).toISOString(),
        ...(i < 42 ? { season: 1 + Math.floor(i / 14) } : {}),
      });
    }
    showId = await ingest(
      t.store,
      'https://long.example/feed.xml',
      feed('Long Voyage', { items, description: longDescription }),
    );
  });
  after(() => t.close());

  const episodeTitles = (body: string) =>
    [...body.matchAll(/<h3><a href="\/episodes\/\d+">([^<]*)<\/a>/g)].map((m) => m[1]);

  test('season tabs: each season alone, with its count; an unknown season is 404', async () => {
    const c = new Client(t.app);
    const all = (await c.get(`/shows/${showId}`)).body;
    assert.match(all, /<nav class="tabs seasons" aria-label="Seasons">/);
    assert.match(all, /aria-current="page">All</);
    assert.match(all, /Season 2 <span class="count">\(14\)/);
    const tab =
      /<a href="([^"]+)"\s*>Season 2 /.exec(all)?.[1]?.replaceAll('&amp;', '&') ?? assert.fail('no tab');
    const two = await c.get(tab);
    assert.equal(two.statusCode, 200);
    assert.deepEqual(
      episodeTitles(two.body),
      Array.from({ length: 14 }, (_, i) => `Episode ${28 - i}`),
    );
    assert.match(two.body, /aria-current="page">Season 2/);
    assert.match(two.body, /All Episodes <span class="count">\(14\)/);
    assert.equal((await c.get(`/shows/${showId}?season=9`)).statusCode, 404);
    assert.equal((await c.get(`/shows/${showId}?season=two`)).statusCode, 400);
  });

  test('a jump to a year starts the list there, in either order', async () => {
    const c = new Client(t.app);
    const all = (await c.get(`/shows/${showId}`)).body;
    assert.match(all, /<nav class="years" aria-label="Jump to a year">/);
    for (const y of [2019, 2020, 2021, 2022, 2023]) assert.match(all, new RegExp(`>${y}</a>`));
    const newest = (await c.get(`/shows/${showId}?year=2020`)).body;
    assert.equal(episodeTitles(newest)[0], 'Episode 20');
    const oldest = (await c.get(`/shows/${showId}?sort=oldest&year=2021`)).body;
    assert.equal(episodeTitles(oldest)[0], 'Episode 21');
    const inSeason = (await c.get(`/shows/${showId}?season=3&year=2021`)).body;
    assert.equal(episodeTitles(inSeason)[0], 'Episode 30');
    assert.equal((await c.get(`/shows/${showId}?year=nineteen`)).statusCode, 400);
  });

  test('a long description is folded behind "more", without script', async () => {
    const b = (await new Client(t.app).get(`/shows/${showId}`)).body;
    assert.match(b, /<div class="description folded"><p>A story of islands/);
    assert.match(
      b,
      /<details><summary>more<span class="visually-hidden"> of the description<\/span><\/summary><p>[^<]*The very end\.<\/p><\/details>/,
    );
  });

  test('a signed-in listener sees which episodes they played and how far they got', async () => {
    const c = new Client(t.app);
    await c.signUp('sailor');
    const userId = (await t.store.listeners.users.findByName('sailor'))?.id ?? assert.fail('no user');
    const page = await t.store.episodes.listItemsForShow(showId, { order: 'newest', limit: 2 });
    const [played, started] = page.items;
    if (!played || !started) assert.fail('no episodes');
    assert.equal((await c.post(`/episodes/${played.id}/played`)).statusCode, 303);
    await t.store.listeners.library.savePosition(userId, started.id, 90, new Date());
    const b = (await c.get(`/shows/${showId}`)).body;
    const row = (id: number) => {
      const at = b.indexOf(`<a href="/episodes/${id}">`);
      return b.slice(b.lastIndexOf('<li class="episode', at), b.indexOf('</li>', at));
    };
    assert.match(row(played.id), /<li class="episode played">/);
    assert.match(row(played.id), /Played/);
    assert.match(row(started.id), /<progress max="100" value="5" aria-label="Listened 5%">/);
    // Another visitor sees neither.
    const anon = (await new Client(t.app).get(`/shows/${showId}`)).body;
    assert.doesNotMatch(anon, /class="episode played"|<progress/);
  });
});
