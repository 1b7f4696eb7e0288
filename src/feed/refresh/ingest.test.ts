import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Backend, storeBackends } from '../../../test/support/store-backends.ts';
import { countedTurns } from '../../../test/support/turns.ts';
import { parseFeed } from '../parse/index.ts';
import { ingestFeedBody, prepareEpisode } from './ingest.ts';

const backends = await storeBackends();

// ~1 KB an item, show notes included: 900 items is ~900 KB, written in several batches by body size.
function feedXml(count: number): string {
  const items = Array.from({ length: count }, (_, i) => {
    const notes = `<p>Episode ${i}: “${'history '.repeat(60)}”</p><p><a href="https://example.com/${i}" onclick="x()">link</a></p>`;
    return `<item><title>Episode ${i}</title><guid>guid-${i}</guid><pubDate>${new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toUTCString()}</pubDate><enclosure url="https://cdn.example/${i}.mp3" length="${1000 + i}" type="audio/mpeg"/><content:encoded><![CDATA[${notes}]]></content:encoded></item>`;
  });
  return `<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Big</title>${items.join('')}</channel></rss>`;
}

/** The body in 64 KB chunks, as the spool reads it back. */
function chunksOf(xml: string): Uint8Array[] {
  const bytes = Buffer.from(xml, 'utf8');
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 64 * 1024) out.push(bytes.subarray(i, i + 64 * 1024));
  return out;
}

for (const backend of backends) ingestSuite(backend);

function ingestSuite(backend: Backend): void {
  describe(`ingestFeedBody, a feed written in batches by body size (${backend.name})`, {
    skip: backend.skip ?? false,
  }, () => {
    let dir: string;
    let db: Awaited<ReturnType<Backend['fresh']>>;

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'earshot-ingest-'));
      db = await backend.fresh(dir);
    });
    after(async () => {
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    });

    it('stores every item once, as parsed and sanitised, and recognises them all the next time', async () => {
      const { store } = db;
      const xml = feedXml(900);
      const { feed } = await store.feeds.add('https://example.com/big.xml', new Date(Date.UTC(2026, 0, 1)));
      const ingest = (body: string, at: number) =>
        store.transaction((tx) =>
          ingestFeedBody(tx, feed.id, chunksOf(body), {
            url: 'https://example.com/big.xml',
            now: new Date(Date.UTC(2026, 0, 1, at)),
          }),
        );

      const first = await ingest(xml, 1);
      assert.equal(first.inserted, 900);
      assert.equal(await store.episodes.count(), 900);
      const show = await store.shows.getByFeed(feed.id);
      assert.ok(show);
      const stored = await store.episodes.findByGuid(show.id, 'guid-457');
      const parsed = parseFeed({ body: Buffer.from(xml), url: 'https://example.com/big.xml' }).episodes[457];
      assert.equal(stored?.title, parsed?.title);
      assert.equal(stored?.enclosure?.url, parsed?.enclosure?.url);
      assert.equal(stored?.publishedAt, parsed?.publishedAt);
      assert.match(stored?.contentHtml ?? '', /^<p>Episode 457: “history /);
      assert.doesNotMatch(stored?.contentHtml ?? '', /onclick/);

      const again = await ingest(xml, 2);
      assert.deepEqual(
        {
          inserted: again.inserted,
          updated: again.updated,
          unchanged: again.unchanged,
          vanished: again.vanished,
        },
        { inserted: 0, updated: 0, unchanged: 900, vanished: 0 },
      );

      // The last 40 items leave the feed: marked vanished after the batches, not deleted.
      const shrunk = await ingest(feedXml(860), 3);
      assert.equal(shrunk.vanished, 40);
      assert.equal(await store.episodes.count(), 900);
    });

    it('sanitises long show notes in turns of the event loop, storing what the store would have stored', async () => {
      const { store } = db;
      const notes = `<p>${'<b>bold</b> <a href="https://example.com/x" onclick="x()">a link</a> '.repeat(3_000)}</p>`;
      const xml = `<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Long notes</title><item><title>Long</title><guid>long-1</guid><content:encoded><![CDATA[${notes}]]></content:encoded></item></channel></rss>`;
      const { feed } = await store.feeds.add('https://example.com/long.xml', new Date(Date.UTC(2026, 0, 1)));
      const { turns, pauses } = countedTurns(20);
      const ingest = (at: number) =>
        store.transaction((tx) =>
          ingestFeedBody(tx, feed.id, chunksOf(xml), {
            url: 'https://example.com/long.xml',
            now: new Date(Date.UTC(2026, 0, 1, at)),
            turns,
          }),
        );
      assert.equal((await ingest(1)).inserted, 1);
      assert.ok(pauses() > 10, `the sanitiser handed the loop back ${pauses()} times`);
      const show = await store.shows.getByFeed(feed.id);
      const stored = await store.episodes.findByGuid(show?.id ?? 0, 'long-1');
      assert.equal(
        stored?.contentHtml,
        prepareEpisode({ guid: 'long-1', guidSource: 'guid', contentHtml: notes }).contentHtml,
      );
      assert.doesNotMatch(stored?.contentHtml ?? '', /onclick/);
      // The raw item is what the store compares: the same feed again is unchanged.
      assert.equal((await ingest(2)).unchanged, 1);
    });
  });
}
