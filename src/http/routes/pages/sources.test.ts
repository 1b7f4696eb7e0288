// Sources as data on the web (issue 16): the demo catalogue's reference episode shows its research list as structured,
// linked citations; the Stakhanov (Britannica) source page lists it; a private show citing the same work is seen only
// by its followers; exports and the API give the same citations.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, ingest, openTestApp, type TestApp } from '../../../../test/support/web-app.ts';
import { loadDemoIfEmpty } from '../../../demo/load.ts';

const PRIVATE_FEED = 'https://private.example/feed.xml';
const privateFeed = (notes: string): string => `<?xml version="1.0"?>
<rss version="2.0"><channel><title>Miners' Club</title><link>https://private.example/</link><description>x</description>
<item><title>Coal and Glory</title><guid>coal-1</guid><pubDate>Mon, 05 Feb 2024 08:00:00 GMT</pubDate>
<description><![CDATA[${notes}]]></description></item></channel></rss>`;
const CITES_STAKHANOV = `<p>Sources:</p><ul><li>Britannica. "Stakhanov". Encyclopedia Britannica, https://britannica.com/place/Stakhanov/</li><li>“Coal.” Mining Weekly. 1990.</li></ul>`;

describe('sources as data on the pages, the exports and the API', () => {
  let t: TestApp;
  let episodeId: number;
  let privateShowId: number;
  let privateFeedId: number;

  before(async () => {
    t = await openTestApp();
    await loadDemoIfEmpty(t.store, new Date('2024-02-01T00:00:00Z'));
    const shows = await t.store.shows.list({ limit: 50 });
    for (const show of shows.items) {
      const page = await t.store.episodes.listForShow(show.id, { limit: 50 });
      const found = page.items.find((e) => e.title === 'Stakhanovite Movement');
      if (found) episodeId = found.id;
    }
    assert.ok(episodeId, 'the demo catalogue has the reference episode');
    privateShowId = await ingest(t.store, PRIVATE_FEED, privateFeed(CITES_STAKHANOV));
    privateFeedId = (await t.store.feeds.findByUrl(PRIVATE_FEED))?.id ?? 0;
    await t.store.feeds.setVisibility(privateFeedId, 'private');
  });
  after(() => t.close());

  const stakhanovHref = async (): Promise<string> => {
    const res = await new Client(t.app).get(`/episodes/${episodeId}`);
    const item = res.body
      .split('<li class="citation">')
      .slice(1)
      .find((li) => li.includes('britannica.com/place/Stakhanov'));
    const href = /href="(\/sources\/\d+)"/.exec(item ?? '')?.[1];
    assert.ok(href, 'the Stakhanov citation links to its source page');
    return href;
  };

  test('the reference episode page lists its 20 sources, formatted and linked, with downloads', async () => {
    const res = await new Client(t.app).get(`/episodes/${episodeId}`);
    assert.equal(res.statusCode, 200);
    const section = res.body.slice(res.body.indexOf('<section class="sources"'));
    assert.match(section, /<h2 id="sources-h">Sources <span class="count">20<\/span><\/h2>/);
    assert.equal(section.split('<li class="citation">').length - 1, 20);
    assert.match(
      section,
      /The Editors of Encyclopaedia Britannica\.<\/span> “<a href="https:\/\/www\.britannica\.com\/place\/Stakhanov"[^>]*>Stakhanov<\/a>\.” <cite>Encyclopedia Britannica<\/cite>, 10 Jun\. 2008\./,
    );
    assert.match(
      section,
      /Serge Schmemann\.<\/span> “In Soviet, Eager Beaver’s Legend Works Overtime\.” <cite>New York Times<\/cite>, Augst 31, 1985\./,
    );
    assert.match(section, /<cite>Russian History<\/cite>, 1986, vol\. 13, no\. 2\/3, pp\. 259–92\./);
    assert.match(section, new RegExp(`href="/episodes/${episodeId}/sources\\.bib"`));
    assert.match(section, new RegExp(`href="/episodes/${episodeId}/sources\\.csl\\.json"`));
    // The private show's citation of the same work is not announced to an anonymous visitor.
    assert.doesNotMatch(section, /also cited in/);
  });

  test('the Stakhanov source page lists the episode; the private show only for its followers', async () => {
    const href = await stakhanovHref();
    const anonymous = await new Client(t.app).get(href);
    assert.equal(anonymous.statusCode, 200);
    assert.match(anonymous.body, /<h1>Stakhanov<\/h1>/);
    assert.match(anonymous.body, /cited by 1 episode in 1 show/);
    assert.match(anonymous.body, new RegExp(`<a href="/episodes/${episodeId}">Stakhanovite Movement</a>`));
    assert.doesNotMatch(anonymous.body, /Coal and Glory/);

    const follower = new Client(t.app);
    await follower.signUp('miner');
    const user = await t.listeners.users.findByName('miner');
    assert.ok(user);
    await t.listeners.library.follow(user.id, privateFeedId, new Date());
    const theirs = await follower.get(href);
    assert.match(theirs.body, /cited by 2 episodes in 2 shows/);
    assert.match(theirs.body, /Coal and Glory/);
    const page = await follower.get(`/episodes/${episodeId}`);
    assert.match(page.body, /also cited in 1 other episode/);
  });

  test('a source cited only in a private show is a 404 to others, like an unknown id', async () => {
    const episodes = await t.store.episodes.listForShow(privateShowId);
    const coal = episodes.items[0]?.id ?? 0;
    const cited = await t.store.sources.forEpisode(coal);
    const mining = cited.find((c) => c.citation.container === 'Mining Weekly');
    assert.ok(mining);
    assert.equal((await new Client(t.app).get(`/sources/${mining.sourceId}`)).statusCode, 404);
    assert.equal((await new Client(t.app).get('/sources/999999')).statusCode, 404);
    assert.equal((await new Client(t.app).get('/sources/abc')).statusCode, 404);
    assert.equal((await new Client(t.app).get(`/api/v1/episodes/${coal}/sources`)).statusCode, 404);
    assert.equal((await new Client(t.app).get(`/episodes/${coal}/sources.bib`)).statusCode, 404);
  });

  test('changed notes replace the episode’s citations at the next ingest', async () => {
    const href = await stakhanovHref();
    const follower = new Client(t.app);
    await follower.signUp('second');
    const user = await t.listeners.users.findByName('second');
    assert.ok(user);
    await t.listeners.library.follow(user.id, privateFeedId, new Date());
    const feed = await t.store.feeds.findByUrl(PRIVATE_FEED);
    assert.ok(feed);
    const { ingestFeedBody } = await import('../../../feed/refresh/ingest.ts');
    const body = privateFeed('<p>Sources:</p><ul><li>“Coal.” Mining Weekly. 1990.</li></ul>');
    await t.store.transaction((tx) =>
      ingestFeedBody(tx, feed.id, [new TextEncoder().encode(body)], {
        url: PRIVATE_FEED,
        now: new Date('2024-03-01T00:00:00Z'),
      }),
    );
    const theirs = await follower.get(href);
    assert.match(theirs.body, /cited by 1 episode in 1 show/);
    assert.doesNotMatch(theirs.body, /Coal and Glory/);
  });

  test('BibTeX and CSL-JSON downloads carry the same 20 citations', async () => {
    const bib = await new Client(t.app).get(`/episodes/${episodeId}/sources.bib`);
    assert.equal(bib.statusCode, 200);
    assert.match(String(bib.headers['content-type']), /application\/x-bibtex/);
    assert.equal(bib.body.match(/^@\w+\{/gm)?.length, 20);
    assert.match(bib.body, /title = \{Stakhanov\}/);
    const csl = await new Client(t.app).get(`/episodes/${episodeId}/sources.csl.json`);
    assert.equal(csl.statusCode, 200);
    const items = JSON.parse(csl.body) as { title?: string; 'container-title'?: string; issued?: unknown }[];
    assert.equal(items.length, 20);
    const stakhanov = items.find((i) => i.title === 'Stakhanov');
    assert.equal(stakhanov?.['container-title'], 'Encyclopedia Britannica');
    assert.deepEqual(stakhanov?.issued, { 'date-parts': [[2008, 6, 10]] });
  });

  test('the API gives an episode’s sources and a source with the episodes citing it', async () => {
    const list = await new Client(t.app).get(`/api/v1/episodes/${episodeId}/sources`);
    assert.equal(list.statusCode, 200);
    const body = JSON.parse(list.body) as {
      sources: { sourceId: number; url: string; citation: { title?: string } }[];
    };
    assert.equal(body.sources.length, 20);
    const stakhanov = body.sources.find((s) => s.citation.title === 'Stakhanov');
    assert.ok(stakhanov);
    const source = await new Client(t.app).get(`/api/v1/sources/${stakhanov.sourceId}`);
    assert.equal(source.statusCode, 200);
    const json = JSON.parse(source.body) as { citedBy: { episodes: number }; episodes: { id: number }[] };
    assert.equal(json.citedBy.episodes, 1);
    assert.deepEqual(
      json.episodes.map((e) => e.id),
      [episodeId],
    );
    const doc = JSON.parse((await new Client(t.app).get('/api/v1/openapi.json')).body) as {
      paths: Record<string, unknown>;
    };
    assert.ok(doc.paths['/api/v1/sources/{id}']);
  });

  test('search finds a cited work by the words of its reference line, with who cites it', async () => {
    const href = await stakhanovHref();
    const page = (await new Client(t.app).get('/search?q=britannica+stakhanov')).body;
    const section = page.split('id="src-h"')[1] ?? '';
    assert.match(section, /Encyclopedia Britannica/);
    assert.match(section, new RegExp(`<a class="cited-by" href="${href}">cited by 1 episode in 1 show</a>`));
    assert.doesNotMatch(section, /Mining Weekly/, 'only the work holding every word');
    const api = (
      await t.app.inject({ method: 'GET', url: '/api/v1/search?q=britannica+stakhanov' })
    ).json() as {
      sources: {
        url: string;
        citation: { container?: string };
        citedBy: { episodes: number; shows: number };
      }[];
    };
    assert.deepEqual(
      api.sources.map((s) => [s.url, s.citation.container, s.citedBy]),
      [[href, 'Encyclopedia Britannica', { episodes: 1, shows: 1 }]],
    );
    // The private show's own work is nobody else's: "Mining Weekly" is cited only there.
    assert.doesNotMatch((await new Client(t.app).get('/search?q=mining+weekly')).body, /id="src-h"/);
  });
});
