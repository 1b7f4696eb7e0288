// The reference show (../shared/fixtures/reference-show): what its README says a listener must see, checked on the
// server-rendered episode page after the feed went through the real ingest path.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  Client,
  ingest,
  NO_REFERENCE,
  openTestApp,
  REFERENCE_DIR,
  referenceFeed,
  type TestApp,
  testdata,
} from '../../test/support/web-app.ts';

describe('the reference episode page', { skip: NO_REFERENCE ?? false }, () => {
  let t: TestApp;
  let stakhanov: number;
  let unearthed: number;
  let showId: number;
  let host: Server;
  let assetBase: string;

  before(async () => {
    // The podcast host: serves the fixture's transcript; the server fetches it through the crawler's door.
    host = createHttpServer((req, res) => {
      if (req.url === '/reference/unearthed-in-july-2017.vtt') {
        res
          .writeHead(200, { 'content-type': 'text/vtt' })
          .end(readFileSync(join(REFERENCE_DIR, 'unearthed-in-july-2017.vtt')));
      } else res.writeHead(404).end();
    });
    await new Promise<void>((ok) => host.listen(0, '127.0.0.1', ok));
    const origin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    assetBase = `${origin}/reference`;
    t = await openTestApp({}, { allowOrigins: [origin] });
    showId = await ingest(
      t.store,
      'https://feeds.example/symhc.xml',
      referenceFeed('https://feeds.example/symhc.xml', assetBase),
    );
    // A second show, so the Popular Podcasts rail (which never lists the show being read) has something to show.
    await ingest(t.store, 'https://lighthouse.example/feed.xml', testdata('serial-show.xml'));
    const page = await t.store.episodes.listForShow(showId);
    const byTitle = new Map(page.items.map((e) => [e.title, e.id]));
    stakhanov = byTitle.get('Stakhanovite Movement') ?? 0;
    unearthed = byTitle.get('Unearthed in July 2017') ?? 0;
  });
  after(async () => {
    await t.close();
    host.close();
  });

  test('"Stakhanovite Movement" shows everything the README lists', async () => {
    const res = await new Client(t.app).get(`/episodes/${stakhanov}`);
    assert.equal(res.statusCode, 200);
    const b = res.body;
    assert.match(b, /Stuff You Missed in History Class/);
    assert.match(b, new RegExp(`<a href="/shows/${showId}">← All Episodes</a>`));
    assert.match(b, /<time datetime="[^"]+">January 22, 2024<\/time>/);
    assert.match(b, /<time datetime="PT34M16S">34 mins<\/time>/);
    assert.match(b, /In 1935, miner Alexei Stakhanov became a hero of labor/);
    const feed = referenceFeed('x');
    const notes = /<content:encoded><!\[CDATA\[([\s\S]*?)\]\]>/.exec(feed)?.[1] ?? '';
    const urls = [...notes.matchAll(/https?:\/\/[^\s<"]+/g)].map((m) => m[0].replace(/[.,]$/, ''));
    assert.ok(urls.length >= 10, `the fixture lists ${urls.length} research URLs`);
    for (const url of urls) {
      const escaped = url.replaceAll('&', '&amp;').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      assert.match(b, new RegExp(`<a href="${escaped}"`), `research URL ${url} is a link`);
    }
    assert.match(b, /Costea, Bogdan and Peter Watt/);
    assert.match(
      b,
      /<a href="https:\/\/omnystudio.com\/listener"[^>]*>omnystudio.com\/listener<\/a> for privacy information/,
    );
    assert.match(b, /Mark as Played/);
    assert.match(b, /Hosts And Creators/);
    assert.match(b, /Tracy V. Wilson/);
    assert.match(b, /Holly Frey/);
    assert.match(b, /Popular Podcasts/);
    assert.match(b, /<earshot-player/);
    assert.match(
      b,
      /<button type="button" class="play" data-play[\s\S]*?data-src="[^"]*\/reference\/stakhanovite-movement.mp3"/,
    );
  });

  test("the show page has the show's links, hosts and every episode newest first", async () => {
    const res = await new Client(t.app).get(`/shows/${showId}`);
    const b = res.body;
    assert.match(b, /Show Links/);
    assert.match(b, /href="https:\/\/www.iheart.com\/podcast\/105-stuff-you-missed-in-histor-21124503\/"/);
    assert.match(b, /Tracy V. Wilson/);
    const order = ['Stakhanovite Movement', 'Unearthed in July 2017', 'Our Most Requested Episodes'].map(
      (x) => b.indexOf(x),
    );
    assert.ok(
      order.every((i, k) => i > 0 && (k === 0 || i > (order[k - 1] ?? 0))),
      'newest first',
    );
    assert.match(b, /37 mins/);
  });

  test('the transcript is fetched, parsed and shown with clickable cues', async () => {
    const res = await new Client(t.app).get(`/episodes/${unearthed}`);
    const b = res.body;
    assert.match(b, /Episode Transcript/);
    assert.match(b, /<ol class="cues" data-transcript>/);
    const cues = b.match(/<li data-start="[\d.]+"/g) ?? [];
    assert.ok(cues.length >= 3, `${cues.length} cues`);
    assert.match(b, /class="seek" href="\?t=\d+" data-seek="[\d.]+"><time>0:0\d<\/time>/);
  });
});
