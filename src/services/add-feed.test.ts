// Adding a feed by hand through the real fetcher: with its SSRF guard on, a blocked address is answered with the
// guard's message and nothing is stored; a URL the normaliser refuses is answered without any request; a feed that
// is added is fetched once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type FeedServer, feedRoute, startFeedServer } from '../../test/support/feed-server.ts';
import { freshMemoryStore } from '../../test/support/sqlite-image.ts';
import { normalizeFeedUrl } from '../domain/feed-url.ts';
import { createFetcher, type Fetcher } from '../feed/fetch/index.ts';
import { refreshFeed } from '../feed/refresh/refresh.ts';
import type { Store } from '../store/index.ts';
import { checkAndAddFeed } from './add-feed.ts';

describe('checkAndAddFeed', () => {
  let server: FeedServer;
  let store: Store;
  let fetcher: Fetcher;

  before(async () => {
    server = await startFeedServer();
    server.route('/a.xml', feedRoute('<rss version="2.0"><channel><title>A</title></channel></rss>'));
    store = await freshMemoryStore();
    fetcher = createFetcher({ userAgent: 'Earshot-test/1.0' });
  });
  after(async () => {
    await fetcher.close();
    await store.close();
    await server.close();
  });

  const deps = () => ({
    store,
    fetcher,
    normalize: normalizeFeedUrl,
    add: async (url: string) => ({ feedId: (await store.feeds.add(url, new Date())).feed.id }),
    refresh: () => assert.fail('nothing is refreshed when nothing is added'),
  });

  it('answers a blocked address with the guard’s message and stores nothing', async () => {
    const answer = await checkAndAddFeed(deps(), server.url('/a.xml'));
    assert.equal(answer.kind, 'refused');
    assert.equal(answer.kind === 'refused' ? answer.code : '', 'blocked-address');
    assert.match(answer.kind === 'refused' ? answer.message : '', /loopback/);
    assert.equal(await store.feeds.count(), 0);
    assert.equal(server.requests.length, 0, 'the guard refused before connecting');
  });

  it('answers what the normaliser refuses without fetching', async () => {
    const answer = await checkAndAddFeed(deps(), 'ftp://files.example/feed.xml');
    assert.equal(answer.kind, 'refused');
    assert.equal(server.requests.length, 0);
  });

  it('fetches a new feed once: the refresh that stores it reads the checked response again', async () => {
    server.route(
      '/once.xml',
      feedRoute(
        '<rss version="2.0"><channel><title>Once</title><item><guid>e1</guid><title>First</title></item></channel></rss>',
      ),
    );
    const open = createFetcher({ userAgent: 'Earshot-test/1.0', allowOrigins: [server.origin] });
    try {
      const answer = await checkAndAddFeed(
        {
          ...deps(),
          fetcher: open,
          refresh: (feedId, through) => refreshFeed({ store, fetcher: through }, feedId),
        },
        server.url('/once.xml'),
      );
      assert.equal(answer.kind, 'added');
      assert.equal(answer.kind === 'added' ? answer.title : '', 'Once');
      const show = await store.shows.getByFeed(answer.kind === 'added' ? answer.feedId : -1);
      assert.ok(show !== undefined, 'the show was stored');
      assert.equal((await store.episodes.listForShow(show.id)).items.length, 1);
      assert.equal(server.requestsFor('/once.xml').length, 1, 'one request for the check and the refresh');
    } finally {
      await open.close();
    }
  });
});
