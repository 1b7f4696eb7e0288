// gPodder 3.11's own sync code (gpodder.my.MygPoClient), run headless against Earshot (protocols.md §5.2).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { NO_GPODDER, runGpodder, tempHome } from '../support/sync-clients/clients.ts';
import { type SyncTestServer, startSyncServer, TEST_USER } from '../support/sync-clients/server.ts';

const skip = NO_GPODDER ?? false;
let server: SyncTestServer;

before(async () => {
  if (skip === false) server = await startSyncServer();
});
after(async () => server?.close());

test('gPodder desktop syncs subscriptions and episode actions both ways', { skip }, async () => {
  const ep = server.episodes[1];
  assert.ok(ep);
  const alice = await server.listeners.users.findByName(TEST_USER.name);
  assert.ok(alice);
  // Another device (a phone) already follows a show and played an episode.
  await server.sync.uploadSubscriptions(alice.id, 'phone', { add: ['http://phone-only.example/feed.xml'] });
  await server.sync.uploadActions(alice.id, [
    {
      podcast: server.feedUrl,
      episode: ep.enclosureUrl,
      action: 'PLAY',
      started: 0,
      position: 300,
      total: 1802,
      timestamp: '2026-11-27T09:00:00Z',
      device: 'phone',
    },
  ]);

  const home = tempHome();
  try {
    const run = await runGpodder(home.dir, {
      base: server.baseUrl,
      user: TEST_USER.name,
      password: TEST_USER.password,
      device: 'gpo-test',
      subscribe: [server.feedUrl, 'itpc://desktop.example/feed'],
      plays: [
        {
          podcast: server.feedUrl,
          episode: server.episodes[2]?.enclosureUrl,
          start: 0,
          end: 1803,
          total: 1803,
        },
      ],
    });
    // Server → gPodder: the phone's subscription and play arrived; gPodder applies the URL rewrite we reported.
    assert.ok(run.received_subscribe.includes('http://phone-only.example/feed.xml'), JSON.stringify(run));
    assert.deepEqual(run.rewritten, [['itpc://desktop.example/feed', 'http://desktop.example/feed']]);
    assert.deepEqual(
      run.received_episode_actions.map((a) => [a.podcast, a.episode, a.action, a.position]),
      [[server.feedUrl, ep.enclosureUrl, 'play', 300]],
    );
    // gPodder → server: nothing left queued, and the server has the subscriptions and the full play.
    assert.equal(run.pending_subscriptions, 0);
    assert.equal(run.pending_episode_actions, 0);
    const subs = (await server.repo.subscriptions(alice.id)).map((s) => s.url);
    assert.ok(subs.includes(server.feedUrl) && subs.includes('http://desktop.example/feed'), subs.join(' '));
    assert.equal((await server.repo.getDevice(alice.id, 'gpo-test'))?.caption, 'gPodder headless');
    const episode3 = server.episodes[2];
    assert.ok(episode3);
    const progress = await server.listeners.library.progress(alice.id, episode3.id);
    assert.equal(progress?.played, true, 'a full play from gPodder marks the episode played');
  } finally {
    home.remove();
  }
});
