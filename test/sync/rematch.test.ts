// AntennaPod's first sync posts every subscription and then every action, for feeds Earshot has never fetched:
// the actions are kept, and once the crawler has the episodes their plays reach the web.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type SyncTestServer, startSyncServer, TEST_USER } from '../support/sync-clients/server.ts';

let server: SyncTestServer;
before(async () => {
  server = await startSyncServer();
});
after(async () => server.close());

test('actions for a feed not fetched yet are kept, then matched and applied when its episodes arrive', async () => {
  const alice = await server.listeners.users.findByName(TEST_USER.name);
  assert.ok(alice);
  const feedUrl = 'http://brand-new.example/feed.xml';
  await server.sync.uploadSubscriptions(alice.id, 'pixel', { add: [feedUrl] });
  const result = await server.sync.uploadActions(alice.id, [
    {
      podcast: feedUrl,
      episode: 'http://brand-new.example/ep1.mp3?u=1',
      guid: 'bn-1',
      action: 'play',
      started: 0,
      position: 111,
      total: 900,
      timestamp: '2026-11-27T10:00:00',
    },
    {
      podcast: feedUrl,
      episode: 'http://brand-new.example/ep1.mp3?u=1',
      guid: 'bn-1',
      action: 'play',
      started: 111,
      position: 222,
      total: 900,
      timestamp: '2026-11-27T10:05:00',
    },
  ]);
  assert.equal(result.rejected, undefined);

  // The subscription added the feed; the crawler's first fetch stores its show and episodes.
  const feed = await server.store.feeds.findByUrl(feedUrl);
  assert.ok(feed, 'subscribing added the feed to the catalogue');
  const { show } = await server.store.shows.upsert(
    feed.id,
    { format: 'rss', title: 'Brand new' },
    new Date(),
  );
  await server.store.episodes.upsertForShow(
    show.id,
    [
      {
        guid: 'bn-1',
        guidSource: 'guid',
        title: 'One',
        enclosure: { url: 'http://brand-new.example/ep1.mp3' },
        durationSeconds: 900,
      },
    ],
    { now: new Date(), complete: true },
  );
  const episode = await server.store.episodes.findByGuid(show.id, 'bn-1');
  assert.ok(episode);
  assert.equal(await server.listeners.library.progress(alice.id, episode.id), undefined);

  assert.equal(await server.sync.rematchFeed(feed.id), 2);
  assert.equal((await server.listeners.library.progress(alice.id, episode.id))?.positionSeconds, 222);
  assert.equal(await server.sync.rematchFeed(feed.id), 0, 'nothing is matched twice');
  // What phones download is unchanged: the client's own strings.
  const down = await server.sync.downloadActions(alice.id, { since: 0, podcast: feedUrl });
  assert.deepEqual(
    down.actions.map((a) => a.episode),
    ['http://brand-new.example/ep1.mp3?u=1', 'http://brand-new.example/ep1.mp3?u=1'],
  );
});
