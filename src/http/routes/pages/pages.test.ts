// What a listener or a crawler sees on show and episode pages: start times, links, head tags, compression.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import {
  Client,
  ingest,
  openSerialShowApp,
  openTestApp,
  type TestApp,
} from '../../../../test/support/web-app.ts';

let t: TestApp;
let showId: number;
let episodeIds: number[];

before(async () => {
  ({ t, showId, episodeIds } = await openSerialShowApp());
});
after(() => t.close());

describe('?t= on an episode page', () => {
  test('accepts h:mm:ss, mm:ss and seconds; anything else opens the page from the start', async () => {
    const c = new Client(t.app);
    const cases: [string, number | undefined][] = [
      ['90', 90],
      ['1:30', 90],
      ['1:02:03', 3723],
      ['abc', undefined],
      ['-5', undefined],
      ['1:75', undefined],
      ['1e309', undefined],
    ];
    for (const [q, want] of cases) {
      const res = await c.get(`/episodes/${episodeIds[0]}?t=${encodeURIComponent(q)}`);
      assert.equal(res.statusCode, 200, `?t=${q}`);
      const start = /data-duration="[^"]*" data-start="(\d*)"/.exec(res.body)?.[1];
      assert.equal(start, want === undefined ? '' : String(want), `?t=${q}`);
    }
  });
});

const feedOf = (title: string, author: string, item: string) => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:podcast="https://podcastindex.org/namespace/1.0">
  <channel>
    <title>${title}</title>
    <link>https://${title.toLowerCase().replace(/\W+/g, '')}.example/</link>
    <description>About ${title}.</description>
    <itunes:author>${author}</itunes:author>
    <podcast:funding url="https://fund.example/${encodeURIComponent(title)}">Back ${title}</podcast:funding>
    ${item}
  </channel>
</rss>`;

describe('names, hosts and summaries', () => {
  test('an email (Name) author shows the name only; a host with no link is not a link to #', async () => {
    const id = await ingest(
      t.store,
      'https://mail.example/feed.xml',
      feedOf('Mail Show', 'hello@mail.example (Mo Mailer)', '<item><title>M1</title><guid>m1</guid></item>'),
    );
    const b = (await new Client(t.app).get(`/shows/${id}`)).body;
    assert.match(b, /Mo Mailer/);
    assert.doesNotMatch(b, /hello@mail\.example/);
    assert.doesNotMatch(b, /href="#"/);
  });

  test('the summary is printed once when the notes begin with it', async () => {
    const id = await ingest(
      t.store,
      'https://twice.example/feed.xml',
      feedOf(
        'Twice Show',
        'Tess',
        `<item><title>T1</title><guid>t1</guid><description>The tide turns at noon.</description>
        <content:encoded><![CDATA[<p>The tide turns at noon.</p><p>More notes.</p>]]></content:encoded></item>`,
      ),
    );
    const ep = (await t.store.episodes.listForShow(id, { order: 'oldest' })).items[0];
    const b = (await new Client(t.app).get(`/episodes/${ep?.id}`)).body;
    const main = b.slice(b.indexOf('<main'));
    assert.equal(main.split('The tide turns at noon.').length - 1, 1);
    assert.match(b, /More notes\./);
    // A summary the notes do not contain is still shown.
    const other = (await new Client(t.app).get(`/episodes/${episodeIds[0]}`)).body;
    assert.match(other, /The keeper arrives\./);
  });

  test("the episode page has the show's links block", async () => {
    const b = (await new Client(t.app).get(`/episodes/${episodeIds[0]}`)).body;
    assert.match(b, /<h2 id="links-h">Show Links<\/h2>/);
    assert.match(b, /href="https:\/\/lighthouse\.example\/"/);
    assert.match(b, /Follow Us On/);
  });
});

describe('Popular Podcasts', () => {
  test('never lists the show being read, nor any show twice', async () => {
    const app = await openTestApp();
    try {
      const ids: number[] = [];
      for (const name of ['Alpha', 'Beta', 'Gamma']) {
        ids.push(
          await ingest(
            app.store,
            `https://${name}.example/feed.xml`,
            feedOf(name, name, `<item><title>${name} 1</title><guid>${name}-1</guid></item>`),
          ),
        );
      }
      const c = new Client(app.app);
      await c.signUp('popfan');
      for (const id of ids) await c.post(`/shows/${id}/follow`);
      const b = (await new Client(app.app).get(`/shows/${ids[0]}`)).body;
      const rail = b.slice(b.indexOf('id="popular-h"'));
      assert.doesNotMatch(rail, new RegExp(`href="/shows/${ids[0]}"`));
      for (const id of ids.slice(1)) {
        assert.equal(rail.split(`href="/shows/${id}"`).length - 1 <= 2, true);
        assert.match(rail, new RegExp(`href="/shows/${id}"`));
      }
    } finally {
      await app.close();
    }
  });
});

describe('compression', () => {
  test('pages come brotli- or gzip-compressed as the client asks, and plain when it does not', async () => {
    const url = `/episodes/${episodeIds[0]}`;
    const plainRes = await t.app.inject({ method: 'GET', url });
    assert.equal(plainRes.headers['content-encoding'], undefined);
    assert.match(String(plainRes.headers.vary), /Accept-Encoding/);
    const br = await t.app.inject({
      method: 'GET',
      url,
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    assert.equal(br.headers['content-encoding'], 'br');
    const brBody = brotliDecompressSync(br.rawPayload).toString();
    assert.match(brBody, /<h1>Part One: The Light/);
    assert.ok(br.rawPayload.length < brBody.length / 2);
    const gz = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.match(gunzipSync(gz.rawPayload).toString(), /<h1>Part One: The Light/);
    const refused = await t.app.inject({
      method: 'GET',
      url,
      headers: { 'accept-encoding': 'br;q=0, gzip' },
    });
    assert.equal(refused.headers['content-encoding'], 'gzip');
  });
});

describe('link previews and structured data', () => {
  const jsonLd = (body: string) => {
    const m = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(body);
    assert.ok(m?.[1], 'a JSON-LD block');
    return JSON.parse(m[1]) as Record<string, unknown>;
  };

  test('a show page has Open Graph and Twitter tags, its public feed as an alternate, and PodcastSeries JSON-LD', async () => {
    const b = (await new Client(t.app).get(`/shows/${showId}`)).body;
    assert.match(b, /<meta property="og:title" content="The Lighthouse Serial &lt;Test&gt;">/);
    assert.match(b, /<meta property="og:description" content="A three-part story/);
    assert.match(b, /<meta property="og:image" content="https:\/\/lighthouse\.example\/art\.png">/);
    assert.match(b, new RegExp(`<meta property="og:url" content="https://pods\\.example/shows/${showId}">`));
    assert.match(b, /<meta name="twitter:card" content="summary_large_image">/);
    assert.match(
      b,
      new RegExp(
        `<link rel="alternate" type="application/rss\\+xml" [^>]*href="https://pods\\.example/shows/${showId}/feed">`,
      ),
    );
    const ld = jsonLd(b);
    assert.equal(ld['@type'], 'PodcastSeries');
    assert.equal(ld.name, 'The Lighthouse Serial <Test>');
  });

  test('an episode page has og:audio and PodcastEpisode JSON-LD; a </script> in a title cannot end the block', async () => {
    const b = (await new Client(t.app).get(`/episodes/${episodeIds[0]}`)).body;
    assert.match(b, /<meta property="og:audio" content="https:\/\/lighthouse\.example\/1\.mp3">/);
    assert.match(b, /<meta property="og:audio:type" content="audio\/mpeg">/);
    assert.match(b, /<meta name="twitter:title" content="Part One: The Light &lt;script&gt;/);
    const head = b.slice(0, b.indexOf('</head>'));
    assert.equal(head.split('</script>').length - 1, 2, 'only the app script and the JSON-LD block close');
    const ld = jsonLd(b);
    assert.equal(ld['@type'], 'PodcastEpisode');
    assert.equal(ld.name, 'Part One: The Light <script>alert(1)</script>');
    assert.deepEqual(ld.partOfSeries, {
      '@type': 'PodcastSeries',
      name: 'The Lighthouse Serial <Test>',
      url: `https://pods.example/shows/${showId}`,
    });
  });

  test('a private show is a 404 to others, with no feed address anywhere on it', async () => {
    const app = await openTestApp();
    try {
      const url = 'https://secret.example/feed.xml?token=hush';
      const id = await ingest(
        app.store,
        url,
        feedOf('Secret Show', 'Sid', '<item><title>S1</title><guid>s1</guid></item>'),
      );
      const show = await app.store.shows.get(id);
      assert.ok(show);
      await app.store.feeds.setVisibility(show.feedId, 'private');
      const res = await new Client(app.app).get(`/shows/${id}`);
      assert.equal(res.statusCode, 404);
      assert.doesNotMatch(res.body, /secret\.example|hush|application\/rss\+xml/);
    } finally {
      await app.close();
    }
  });
});

describe('sitemap', () => {
  test('/sitemap.xml indexes pages listing public shows and episodes, never a private one', async () => {
    const app = await openTestApp();
    try {
      const pub = await ingest(
        app.store,
        'https://open.example/feed.xml',
        feedOf(
          'Open Show',
          'Olive',
          '<item><title>O1</title><guid>o1</guid><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate></item>',
        ),
      );
      const priv = await ingest(
        app.store,
        'https://hidden.example/feed.xml?token=x',
        feedOf('Hidden Show', 'Hal', '<item><title>H1</title><guid>h1</guid></item>'),
      );
      const hidden = await app.store.shows.get(priv);
      assert.ok(hidden);
      await app.store.feeds.setVisibility(hidden.feedId, 'private');
      const c = new Client(app.app);
      const index = await c.get('/sitemap.xml');
      assert.equal(index.statusCode, 200);
      assert.match(String(index.headers['content-type']), /^application\/xml/);
      assert.match(index.body, /<sitemapindex xmlns="http:\/\/www\.sitemaps\.org\/schemas\/sitemap\/0\.9">/);
      const locs = [...index.body.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1] ?? '');
      assert.deepEqual(locs, [
        'https://pods.example/sitemaps/browse.xml',
        'https://pods.example/sitemaps/shows-0.xml',
        'https://pods.example/sitemaps/episodes-0.xml',
      ]);
      const shows = (await c.get('/sitemaps/shows-0.xml')).body;
      assert.match(shows, new RegExp(`<loc>https://pods\\.example/shows/${pub}</loc><lastmod>`));
      assert.doesNotMatch(shows, new RegExp(`/shows/${priv}<`));
      const eps = (await c.get('/sitemaps/episodes-0.xml')).body;
      const [pubEp] = (await app.store.episodes.listForShow(pub)).items;
      const [privEp] = (await app.store.episodes.listForShow(priv)).items;
      assert.match(
        eps,
        new RegExp(
          `<loc>https://pods\\.example/episodes/${pubEp?.id}</loc><lastmod>2024-01-01T10:00:00\\.000Z</lastmod>`,
        ),
      );
      assert.doesNotMatch(eps, new RegExp(`/episodes/${privEp?.id}<`));
      assert.equal((await c.get('/sitemaps/episodes-1.xml')).statusCode, 404);
      assert.equal((await c.get('/sitemaps/people-0.xml')).statusCode, 404);
    } finally {
      await app.close();
    }
  });
});
