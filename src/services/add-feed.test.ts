// Adding a feed by hand through the real fetcher with its SSRF guard on: a blocked address is answered with the
// guard's message and nothing is stored; a URL the normaliser refuses is answered without any request.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type FeedServer, feedRoute, startFeedServer } from '../../test/support/feed-server.ts';
import { normalizeFeedUrl } from '../domain/feed-url.ts';
import { createFetcher, type Fetcher } from '../feed/fetch/index.ts';
import { openStore, type Store } from '../store/index.ts';
import { checkAndAddFeed } from './add-feed.ts';

describe('checkAndAddFeed', () => {
  let server: FeedServer;
  let store: Store;
  let fetcher: Fetcher;

  before(async () => {
    server = await startFeedServer();
    server.route('/a.xml', feedRoute('<rss version="2.0"><channel><title>A</title></channel></rss>'));
    store = await openStore({ databaseUrl: ':memory:', dataDir: '/nonexistent' });
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
});
