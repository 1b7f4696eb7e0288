// "Find podcasts" in-process: both directories replayed by a loopback server, a listener following a result in one
// click through the same path as an OPML import (quota, private until published), an admin publishing one.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  type DirectoryServer,
  startDirectoryServer,
  TEST_PI_KEY,
  TEST_PI_SECRET,
} from '../../../../test/support/directory-server.ts';
import { Client, ingest, openTestApp, testdata } from '../../../../test/support/web-app.ts';
import { appleSearchProvider, createDirectory, podcastIndexProvider } from '../../../directory/index.ts';
import { createFetcher, type Fetcher } from '../../../feed/fetch/index.ts';
import { ListenerQuota, quotaPortsFrom } from '../../../services/listener-quota.ts';
import { createSyncService } from '../../../services/sync-service.ts';
import type { Store } from '../../../store/index.ts';
import { createServer } from '../../server.ts';

const SYMHC = 'https://feeds.megaphone.fm/stuffyoumissedinhistoryclass';
const PC20 = 'https://mp3s.nashownotes.com/pc20rss.xml';

describe('find podcasts', () => {
  let stub: DirectoryServer;
  let fetcher: Fetcher;
  let store: Store;
  let server: Awaited<ReturnType<typeof createServer>>;
  let admin: Client;
  let olga: Client;
  let pete: Client;
  let pc20ShowId: number;

  before(async () => {
    stub = await startDirectoryServer();
    fetcher = createFetcher({ userAgent: 'Earshot-test/1.0', allowOrigins: [stub.server.origin] });
    const t = await openTestApp();
    await t.app.close();
    store = t.store;
    pc20ShowId = await ingest(store, PC20, testdata('serial-show.xml'));
    const quota = new ListenerQuota(quotaPortsFrom(store), { maxFollows: 2, maxNewFeedsPerDay: 10 });
    const sync = createSyncService({
      store,
      repo: store.sync,
      users: store.listeners.users,
      library: store.listeners.library,
      quota,
    });
    const directory = createDirectory(
      [
        podcastIndexProvider({
          fetcher,
          key: TEST_PI_KEY,
          secret: TEST_PI_SECRET,
          baseUrl: stub.podcastIndexUrl,
          timeoutMs: 2000,
        }),
        appleSearchProvider({ fetcher, baseUrl: stub.appleUrl, timeoutMs: 2000 }),
      ],
      { cacheMs: 0 },
    );
    server = await createServer({ store, sync, quota, directory, config: { siteName: 'Earshot' } });
    admin = new Client(server);
    await admin.signUp('boss');
    olga = new Client(server);
    await olga.signUp('olga');
    pete = new Client(server);
    await pete.signUp('pete');
  });
  beforeEach(() => {
    stub.setMode('podcast-index', 'ok');
    stub.setMode('apple', 'ok');
  });
  after(async () => {
    await server.close();
    await store.close();
    await fetcher.close();
    await stub.close();
  });

  const resultBlock = (body: string, title: string): string => {
    const start = body.indexOf(`<h3>${title}</h3>`);
    assert.ok(start >= 0, `${title} is listed`);
    return body.slice(start, body.indexOf('</li>', start));
  };

  test('a visitor is asked to sign in, and nothing is searched for them', async () => {
    const before = stub.server.requests.length;
    const page = await new Client(server).get('/directory?q=history');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Sign in to search podcast directories/);
    assert.equal(stub.server.requests.length, before);
  });

  test('a listener finds shows from both directories, each once, with what the directories say', async () => {
    const page = await olga.get('/directory?q=history');
    assert.equal(page.statusCode, 200);
    const titles = [...page.body.matchAll(/<h3>([^<]+)<\/h3>/g)].map((m) => m[1]);
    assert.deepEqual(titles, [
      'Stuff You Missed in History Class',
      'The Rest Is History',
      'Podcasting 2.0',
      'Dan Carlin&#39;s Hardcore History',
    ]);
    const symhc = resultBlock(page.body, 'Stuff You Missed in History Class');
    assert.match(symhc, /From Podcast Index and Apple Podcasts/);
    assert.match(symhc, /News · History · Society · 2,417 episodes/);
    assert.match(symhc, /aria-label="Follow Stuff You Missed in History Class"/);
    // The show already here is marked, with a link to it, and offers no second follow.
    const pc20 = resultBlock(page.body, 'Podcasting 2.0');
    assert.match(pc20, /In the catalogue/);
    assert.match(pc20, new RegExp(`href="/shows/${pc20ShowId}"`));
    assert.doesNotMatch(pc20, /Follow Podcasting/);
    // Only an admin is offered the public catalogue.
    assert.doesNotMatch(page.body, /Add to the public catalogue/);
    assert.match((await admin.get('/directory?q=history')).body, /Add to the public catalogue/);
  });

  test('follow in one click: private to its followers, marked Following, under the follow quota', async () => {
    const followed = await olga.post('/directory/follow', { url: SYMHC, q: 'history' });
    assert.equal(followed.statusCode, 303);
    assert.equal(followed.headers.location, '/directory?q=history&done=followed');
    const back = await olga.get(String(followed.headers.location));
    assert.match(back.body, /You follow it now/);
    assert.match(
      resultBlock(back.body, 'Stuff You Missed in History Class'),
      /✓ <a href="\/library">Following<\/a>/,
      'followed, not fetched yet: its episodes will be in the library',
    );
    const feed = await store.feeds.findByUrl(SYMHC);
    assert.ok(feed !== undefined);
    assert.equal(feed.isPublic, false, 'a listener’s feed stays private until an admin publishes it');
    assert.equal(
      await store.listeners.library.isFollowing(
        (await store.listeners.users.findByName('olga'))?.id ?? 0,
        feed.id,
      ),
      true,
    );
    // Another listener is not told that someone here follows it.
    const other = await pete.get('/directory?q=history');
    assert.doesNotMatch(
      resultBlock(other.body, 'Stuff You Missed in History Class'),
      /Following|In the catalogue/,
    );
    // The quota (2 follows here) applies as it does to an OPML import.
    assert.equal((await olga.post('/directory/follow', { url: PC20 })).statusCode, 303);
    const third = await olga.post('/directory/follow', {
      url: 'https://feeds.feedburner.com/dancarlin/history',
    });
    assert.equal(third.statusCode, 403);
    assert.match(third.body, /follow/i);
  });

  test('an admin adds a result to the public catalogue, or publishes one a listener follows privately', async () => {
    const added = await admin.post('/directory/add', {
      url: 'https://feeds.megaphone.fm/GLT4787413333',
      q: 'history',
    });
    assert.equal(added.statusCode, 303);
    assert.equal((await store.feeds.findByUrl('https://feeds.megaphone.fm/GLT4787413333'))?.isPublic, true);
    await olga.post('/directory/follow', { url: SYMHC });
    const published = await admin.post('/directory/add', { url: SYMHC, q: 'history' });
    assert.equal(published.headers.location, '/directory?q=history&done=published');
    assert.equal((await store.feeds.findByUrl(SYMHC))?.isPublic, true);
    assert.equal((await olga.post('/directory/add', { url: SYMHC })).statusCode, 403);
  });

  test('a directory that fails is named, and the other one’s results are shown', async () => {
    for (const mode of ['silent', 'error', 'not-json', 'huge', 'wrong-shape'] as const) {
      stub.setMode('apple', mode);
      const page = await olga.get('/directory?q=history');
      assert.equal(page.statusCode, 200, mode);
      assert.match(page.body, /Apple Podcasts: it[^<]*; these results are from the other directory\./, mode);
      assert.match(page.body, /Stuff You Missed in History Class/, mode);
      assert.doesNotMatch(page.body, /Hardcore History/, mode);
    }
    stub.setMode('podcast-index', 'error');
    const none = await olga.get('/directory?q=history');
    assert.equal(none.statusCode, 200);
    assert.match(none.body, /Podcast Index: it is unavailable \(HTTP 500\)/);
    assert.match(none.body, /No podcasts found/);
  });

  test('bad requests get a 4xx with a message, never a 500', async () => {
    assert.equal((await olga.get(`/directory?q=${'x'.repeat(300)}`)).statusCode, 400);
    const notUrl = await olga.post('/directory/follow', { url: 'javascript:alert(1)' });
    assert.equal(notUrl.statusCode, 400);
    assert.equal((await olga.post('/directory/follow', { url: '' })).statusCode, 400);
    assert.equal((await olga.post('/directory/follow', { url: SYMHC }, { csrf: false })).statusCode, 403);
    assert.equal((await new Client(server).post('/directory/follow', { url: SYMHC })).statusCode, 401);
  });

  test('without a directory configured the page says so', async () => {
    const t = await openTestApp({ directory: createDirectory([]) });
    try {
      const c = new Client(t.app);
      await c.signUp('solo');
      const page = await c.get('/directory?q=history');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /No podcast directory is configured on this server/);
      assert.match(page.body, /EARSHOT_PODCASTINDEX_KEY/, 'the admin is told what turns it on');
    } finally {
      await t.close();
    }
  });
});
