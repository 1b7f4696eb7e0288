import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freshMemoryStore } from '../../test/support/sqlite-image.ts';
import type { Store } from '../store/index.ts';
import { demoAssetsDir, demoFeeds } from './catalogue.ts';
import { loadDemoIfEmpty } from './load.ts';

describe('loadDemoIfEmpty', () => {
  let store: Store;
  let dir: string;
  const now = new Date('2026-07-15T12:00:00Z');
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'earshot-demo-'));
    store = await freshMemoryStore(dir);
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('loads the reference show with playable local enclosures into an empty database', async () => {
    const r = await loadDemoIfEmpty(store, now);
    assert.equal(r.feeds, demoFeeds().length);
    const shows = await store.shows.list({ limit: 10 });
    const titles = shows.items.map((s) => s.title);
    assert.ok(titles.includes('Stuff You Missed in History Class'), String(titles));
    const ref = shows.items.find((s) => s.title === 'Stuff You Missed in History Class');
    const page = await store.episodes.listForShow(ref?.id ?? 0);
    assert.deepEqual(
      page.items.map((e) => e.title),
      ['Stakhanovite Movement', 'Unearthed in July 2017', 'Our Most Requested Episodes We Already Have'],
    );
    const stakhanov = page.items[0];
    assert.equal(stakhanov?.durationSeconds, 34 * 60 + 16);
    assert.match(stakhanov?.contentHtml ?? '', /rel="nofollow noopener ugc"/);
    for (const e of page.items) {
      const url = e.enclosure?.url ?? '';
      assert.match(url, /^\/demo-assets\/[\w.-]+$/);
      assert.ok(existsSync(join(demoAssetsDir(), url.slice('/demo-assets/'.length))), url);
    }
    const transcript = page.items[1]?.transcripts?.[0]?.url;
    assert.equal(transcript, '/demo-assets/unearthed-in-july-2017.vtt');
    assert.equal(ref?.imageUrl, '/demo-assets/cover.png');
  });

  it('is never due for a fetch, and does nothing on a database that has feeds', async () => {
    assert.deepEqual(await store.feeds.due(new Date('2030-01-01T00:00:00Z'), 10), []);
    const again = await loadDemoIfEmpty(store, now);
    assert.deepEqual(again, { feeds: 0, episodes: 0 });
    assert.equal(await store.feeds.count(), demoFeeds().length);
  });
});
