// Debian's python3-mygpoclient (what gPodder uses) against Earshot, in one client session.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { NO_MYGPOCLIENT, runMygpo } from '../support/sync-clients/clients.ts';
import { type SyncTestServer, startSyncServer, TEST_USER } from '../support/sync-clients/server.ts';

const skip = NO_MYGPOCLIENT ?? false;
let server: SyncTestServer;

before(async () => {
  if (skip !== false) return;
  server = await startSyncServer();
});
after(async () => server?.close());

test('one mygpoclient session: devices, subscriptions and episode actions round-trip exactly', {
  skip,
}, async () => {
  const ep = server.episodes[0];
  assert.ok(ep);
  const other = 'http://other.example/show.rss';
  const results = await runMygpo(server.baseUrl, TEST_USER.name, TEST_USER.password, [
    { op: 'update_device', device: 'gpodder-desktop', caption: 'My desktop', type: 'desktop' },
    { op: 'devices' },
    {
      op: 'update_subscriptions',
      device: 'gpodder-desktop',
      add: [server.feedUrl, 'feed://Other.example/show.rss'],
    },
    { op: 'pull_subscriptions', device: 'gpodder-desktop', since: 0 },
    {
      op: 'upload_actions',
      actions: [
        {
          podcast: server.feedUrl,
          episode: ep.enclosureUrl,
          action: 'play',
          device: 'gpodder-desktop',
          timestamp: '2026-11-27T10:00:00',
          started: 0,
          position: 754,
          total: 1801,
        },
        {
          podcast: other,
          episode: 'http://other.example/1.mp3',
          action: 'download',
          device: 'gpodder-desktop',
          timestamp: '2026-11-27T10:01:00',
        },
      ],
    },
    { op: 'download_actions', since: 0 },
    { op: 'devices' },
  ]);
  for (const r of results) assert.equal(r.error, undefined, `${r.op} failed: ${r.error}`);
  const [device, devices, update, pull, upload, download, devicesAfter] = results.map((r) => r.result);
  assert.equal(device, true);
  assert.deepEqual(devices, [
    { id: 'gpodder-desktop', caption: 'My desktop', type: 'desktop', subscriptions: 0 },
  ]);
  assert.deepEqual(update, {
    update_urls: [['feed://Other.example/show.rss', other]],
    since: (update as { since: number }).since,
  });
  const pulled = pull as { add: string[]; remove: string[] };
  assert.deepEqual([...pulled.add].sort(), [server.feedUrl, other].sort());
  assert.deepEqual(pulled.remove, []);
  assert.equal(typeof upload, 'number');
  assert.deepEqual((download as { actions: unknown[] }).actions, [
    {
      podcast: server.feedUrl,
      episode: ep.enclosureUrl,
      action: 'play',
      device: 'gpodder-desktop',
      timestamp: '2026-11-27T10:00:00',
      started: 0,
      position: 754,
      total: 1801,
    },
    {
      podcast: other,
      episode: 'http://other.example/1.mp3',
      action: 'download',
      device: 'gpodder-desktop',
      timestamp: '2026-11-27T10:01:00',
    },
  ]);
  assert.equal((devicesAfter as { subscriptions: number }[])[0]?.subscriptions, 2);

  // The play matched our episode (enclosure URL) and became the listener's resume position.
  const alice = await server.listeners.users.findByName(TEST_USER.name);
  assert.ok(alice);
  assert.equal((await server.listeners.library.progress(alice.id, ep.id))?.positionSeconds, 754);
  // Subscribing followed the known show and added the unknown feed to the catalogue.
  assert.ok(await server.store.feeds.findByUrl(other));
  assert.equal(
    await server.listeners.library.isFollowing(
      alice.id,
      (await server.store.feeds.findByUrl(server.feedUrl))?.id ?? -1,
    ),
    true,
  );

  // The cookie path: urllib answered one challenge, then the session cookie carried every later call.
  const requests = server.requests;
  const challenged = requests.filter((r) => r.status === 401);
  assert.ok(challenged.length <= 2, `too many 401s: ${JSON.stringify(requests)}`);
  const afterLogin = requests.slice(requests.findIndex((r) => r.status === 200) + 1);
  assert.ok(afterLogin.length >= 4);
  assert.ok(
    afterLogin.every((r) => r.cookie && r.status === 200),
    JSON.stringify(requests),
  );
});

test('mygpoclient: Simple API, settings, suggestions and the public directory', { skip }, async () => {
  const results = await runMygpo(server.baseUrl, 'bob', 'bob password', [
    {
      op: 'put_subscriptions',
      device: 'bob-laptop',
      urls: ['http://bob.example/feed.xml', 'http://bob.example/feed.xml'],
    },
    { op: 'get_subscriptions', device: 'bob-laptop' },
    { op: 'settings', scope: 'account', set: { theme: 'dark', speed: 1.5 } },
    { op: 'settings', scope: 'podcast', p1: server.feedUrl, set: { auto_download: true } },
    { op: 'get_settings', scope: 'account' },
    { op: 'suggestions', count: 5 },
    { op: 'toplist', count: 5 },
    { op: 'search', q: 'stuff missed' },
    { op: 'pull_subscriptions', device: 'bob-phone', since: 0 },
  ]);
  for (const r of results) assert.equal(r.error, undefined, `${r.op} failed: ${r.error}`);
  const [put, get, , podcastSettings, account, suggestions, toplist, search, pull] = results.map(
    (r) => r.result,
  );
  assert.equal(put, true);
  assert.deepEqual(get, ['http://bob.example/feed.xml']);
  assert.deepEqual(podcastSettings, { auto_download: true });
  assert.deepEqual(account, { theme: 'dark', speed: 1.5 });
  assert.ok((suggestions as string[]).includes(server.feedUrl), 'a show bob does not follow is suggested');
  assert.ok((toplist as string[]).includes(server.feedUrl));
  assert.deepEqual(search, [server.feedUrl]);
  // One list per listener: the laptop's PUT shows up on bob's phone.
  assert.deepEqual((pull as { add: string[] }).add, ['http://bob.example/feed.xml']);
});
