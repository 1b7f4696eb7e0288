// What a listener or a crawler sees on show and episode pages: start times, links, head tags, compression.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, ingest, openTestApp, type TestApp, testdata } from '../../../../test/support/web-app.ts';

let t: TestApp;
let showId: number;
let episodeIds: number[];

before(async () => {
  t = await openTestApp();
  showId = await ingest(t.store, 'https://lighthouse.example/feed.xml', testdata('serial-show.xml'));
  const page = await t.store.episodes.listForShow(showId, { order: 'oldest' });
  episodeIds = page.items.map((e) => e.id);
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
