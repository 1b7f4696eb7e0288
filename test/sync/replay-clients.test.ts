// AntennaPod's and Kasts' call sequences (protocols.md §1.3, §1.5, §6), replayed over real loopback HTTP.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { antennapodDeviceId, ReplayClient } from '../support/sync-clients/clients.ts';
import { type SyncTestServer, startSyncServer, TEST_USER } from '../support/sync-clients/server.ts';

let server: SyncTestServer;
const auth = { user: TEST_USER.name, password: TEST_USER.password };

before(async () => {
  server = await startSyncServer();
});
after(async () => server.close());

test('AntennaPod, gpodder.net mode: Basic only on login.json, then the cookie alone', async () => {
  const ap = new ReplayClient(server.baseUrl, 'AntennaPod/3.5.0');
  const device = antennapodDeviceId('Pixel 8 (AntennaPod)');
  const u = TEST_USER.name;

  const login = await ap.request('POST', `/api/2/auth/${u}/login.json`, { auth });
  assert.equal(login.status, 200);
  assert.equal(login.text, '');
  const setCookie = login.headers.get('set-cookie') ?? '';
  assert.match(setCookie, /sessionid=[^;]+; Path=\//);
  assert.doesNotMatch(setCookie, /Secure/, 'a Secure cookie would be dropped over plain http');

  assert.equal(
    (
      await ap.request('POST', `/api/2/devices/${u}/${device}.json`, {
        json: { caption: 'Pixel 8', type: 'mobile' },
      })
    ).status,
    200,
  );
  const devices = (await ap.request('GET', `/api/2/devices/${u}.json`)).json() as {
    id: string;
    caption: string;
    type: string;
    subscriptions: number;
  }[];
  assert.deepEqual(devices, [{ id: device, caption: 'Pixel 8', type: 'mobile', subscriptions: 0 }]);

  // First sync: GET since=0, then POST every local feed.
  const first = (await ap.request('GET', `/api/2/subscriptions/${u}/${device}.json?since=0`)).json() as {
    add: string[];
    timestamp: number;
  };
  assert.deepEqual(first.add, []);
  const post = await ap.request('POST', `/api/2/subscriptions/${u}/${device}.json`, {
    json: { add: [server.feedUrl], remove: [] },
  });
  assert.equal(post.status, 200);
  const posted = post.json() as { timestamp: number; update_urls: unknown[] };
  assert.deepEqual(posted.update_urls, []);
  assert.equal(Number.isInteger(posted.timestamp), true);

  // Episode actions in AntennaPod's shape: 30 per POST, with guid; answered 200 with timestamp + update_urls.
  const ep = server.episodes[0];
  assert.ok(ep);
  const batch = Array.from({ length: 30 }, (_, i) => ({
    podcast: server.feedUrl,
    episode: ep.enclosureUrl,
    guid: ep.guid,
    action: 'play',
    timestamp: `2026-11-27T08:${String(i).padStart(2, '0')}:00`,
    started: 0,
    position: 60 + i,
    total: 1801,
    device,
  }));
  const up = await ap.request('POST', `/api/2/episodes/${u}.json`, { json: batch });
  assert.equal(up.status, 200);
  assert.deepEqual(Object.keys(up.json() as object).sort(), ['timestamp', 'update_urls']);

  const down = (await ap.request('GET', `/api/2/episodes/${u}.json?since=0&aggregated=true`)).json() as {
    actions: { guid?: string; position?: number; action: string }[];
  };
  assert.equal(down.actions.length, 1, 'aggregated: the latest action per episode');
  assert.equal(down.actions[0]?.guid, ep.guid, 'the client guid is echoed back');
  assert.equal(down.actions[0]?.position, 89);

  const calls = ap.log.slice(1);
  assert.ok(
    calls.every((c) => !c.sentAuth && c.sentCookie && c.status === 200),
    JSON.stringify(ap.log),
  );
  const alice = await server.listeners.users.findByName(TEST_USER.name);
  assert.equal((await server.listeners.library.progress(alice?.id ?? -1, ep.id))?.positionSeconds, 89);
});

test('Nextcloud mode (AntennaPod, Kasts): Login Flow v2 pairing, then Basic with the app password on every call', async () => {
  const app = new ReplayClient(server.baseUrl, 'Kasts/23.08');
  const start = await app.request('POST', '/index.php/login/v2');
  assert.equal(start.status, 200);
  const flow = start.json() as { poll: { token: string; endpoint: string }; login: string };
  assert.match(flow.login, /^http:\/\/127\.0\.0\.1:\d+\/index\.php\/login\/v2\/flow\//);

  const poll = () =>
    app.request('POST', new URL(flow.poll.endpoint).pathname, { form: { token: flow.poll.token } });
  assert.equal((await poll()).status, 404, 'pending until the listener signs in');

  // The listener opens the link in a browser and signs in.
  const browser = new ReplayClient(server.baseUrl, 'Mozilla/5.0');
  const loginPath = new URL(flow.login).pathname;
  const form = await browser.request('GET', loginPath);
  assert.equal(form.status, 200);
  assert.match(form.text, /<form method="post">/);
  assert.equal(
    (await browser.request('POST', loginPath, { form: { user: 'alice', password: 'wrong' } })).status,
    401,
  );
  assert.equal(
    (await browser.request('POST', loginPath, { form: { user: 'alice', password: TEST_USER.password } }))
      .status,
    200,
  );

  const granted = await poll();
  assert.equal(granted.status, 200);
  const creds = granted.json() as { server: string; loginName: string; appPassword: string };
  assert.equal(creds.loginName, 'alice');
  assert.equal(creds.server, server.baseUrl);
  assert.notEqual(creds.appPassword, TEST_USER.password);
  assert.equal((await poll()).status, 404, 'the app password is handed out once');

  const appAuth = { user: creds.loginName, password: creds.appPassword };
  const nc = '/index.php/apps/gpoddersync';
  const other = 'http://kasts-only.example/feed.xml';
  const change = await app.request('POST', `${nc}/subscription_change/create`, {
    auth: appAuth,
    json: { add: [other], remove: [] },
  });
  assert.equal(change.status, 200);
  assert.deepEqual(Object.keys(change.json() as object), ['timestamp']);
  const subs = (await app.request('GET', `${nc}/subscriptions?since=0`, { auth: appAuth })).json() as {
    add: string[];
    remove: string[];
  };
  assert.ok(subs.add.includes(other));

  const ep = server.episodes[2];
  assert.ok(ep);
  // Kasts sends -1 for absent numbers and uppercase actions; both are normalised, never echoed back.
  const created = await app.request('POST', `${nc}/episode_action/create`, {
    auth: appAuth,
    json: [
      {
        podcast: server.feedUrl,
        episode: ep.enclosureUrl,
        guid: ep.guid,
        action: 'PLAY',
        timestamp: '2026-11-27T07:00:00',
        started: -1,
        position: 120,
        total: -1,
      },
      {
        podcast: server.feedUrl,
        episode: ep.enclosureUrl,
        guid: ep.guid,
        action: 'DOWNLOAD',
        timestamp: '2026-11-27T06:00:00',
        started: -1,
        position: -1,
        total: -1,
      },
    ],
  });
  assert.equal(created.status, 200);
  const actions = (await app.request('GET', `${nc}/episode_action?since=0`, { auth: appAuth })).json() as {
    actions: Record<string, unknown>[];
  };
  const mine = actions.actions.filter((a) => a.guid === ep.guid);
  assert.deepEqual(
    mine.map((a) => [a.action, a.position, 'started' in a, 'total' in a]),
    [
      ['play', 120, false, false],
      ['download', undefined, false, false],
    ],
  );
  assert.ok(app.log.filter((c) => c.path.startsWith(nc)).every((c) => c.sentAuth && c.status === 200));

  // Revoking the app password on the web locks the phone out at once.
  const alice = await server.listeners.users.findByName('alice');
  const pw = (await server.sync.listAppPasswords(alice?.id ?? -1)).at(-1);
  assert.ok(pw);
  await server.sync.revokeAppPassword(alice?.id ?? -1, pw.id);
  const locked = await app.request('GET', `${nc}/subscriptions?since=0`, { auth: appAuth });
  assert.equal(locked.status, 401);
  assert.match(locked.headers.get('www-authenticate') ?? '', /^Basic realm="/);
});

test('Kasts extras: sync-devices, logout', async () => {
  const k = new ReplayClient(server.baseUrl, 'Kasts/23.08');
  await k.request('POST', '/api/2/devices/alice/kasts.json', {
    auth,
    json: { caption: 'Kasts', type: 'laptop' },
  });
  await k.request('POST', '/api/2/devices/alice/tablet-1.json', {
    json: { caption: 'Tablet', type: 'tablet' },
  });
  const devices = (await k.request('GET', '/api/2/devices/alice.json')).json() as {
    id: string;
    type: string;
  }[];
  assert.equal(devices.find((d) => d.id === 'tablet-1')?.type, 'mobile', 'mygpoclient knows no "tablet"');
  const sd = (await k.request('GET', '/api/2/sync-devices/alice.json')).json() as {
    synchronized: string[][];
  };
  assert.ok(sd.synchronized[0]?.includes('kasts'));
  const stopped = await k.request('POST', '/api/2/sync-devices/alice.json', {
    json: { synchronize: [], 'stop-synchronize': ['tablet-1'] },
  });
  assert.ok((stopped.json() as { 'not-synchronized': string[] })['not-synchronized'].includes('tablet-1'));
  assert.equal((await k.request('POST', '/api/2/auth/alice/logout.json')).status, 200);
  const after = await k.request('GET', '/api/2/devices/alice.json');
  assert.equal(after.status, 401);
});

test("unsubscribing with a feed's new URL removes the subscription made under its old one", async () => {
  const c = new ReplayClient(server.baseUrl, 'AntennaPod/3.5.0');
  await c.request('POST', '/api/2/auth/alice/login.json', { auth });
  const oldUrl = 'http://old.example/history.rss'; // an alias of the seeded feed (a 301 it followed)
  await c.request('POST', '/api/2/subscriptions/alice/moved.json', { json: { add: [oldUrl], remove: [] } });
  const res = await c.request('POST', '/api/2/subscriptions/alice/moved.json', {
    json: { add: [], remove: [server.feedUrl] },
  });
  assert.equal(res.status, 200);
  const list = (await c.request('GET', '/subscriptions/alice/moved.json')).json() as string[];
  assert.equal(list.includes(oldUrl), false);
  assert.equal(list.includes(server.feedUrl), false);
  const alice = await server.listeners.users.findByName('alice');
  const feed = await server.store.feeds.findByUrl(server.feedUrl);
  assert.equal(await server.listeners.library.isFollowing(alice?.id ?? -1, feed?.id ?? -1), false);
});
