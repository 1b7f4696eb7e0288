// The operator's web tools on a real app (createApp + startServing, crawler off) against a loopback feed server:
// adding a URL answers what it is, duplicates are refused with a link, feeds are paused, resumed, refreshed and
// removed, and the users page disables accounts, resets passwords and moves admin rights.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  type FeedServer,
  feedRoute,
  htmlRoute,
  startFeedServer,
  statusRoute,
} from '../../../test/support/feed-server.ts';
import { Client } from '../../../test/support/web-app.ts';
import { loadConfig } from '../../config/config.ts';
import { type App, createApp, type Running, startServing } from '../../main.ts';

const feed = (title: string, extra = '') => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel><title>${title}</title><link>https://show.example/</link><description>d</description>${extra}
<item><title>One</title><guid>ep-1</guid><pubDate>Wed, 01 Jul 2026 08:00:00 GMT</pubDate>
<enclosure url="https://cdn.example/1.mp3" length="1000" type="audio/mpeg"/></item>
</channel></rss>`;

describe('admin: feed management and users', () => {
  let server: FeedServer;
  let dir: string;
  let running: Running;
  let app: App;

  before(async () => {
    server = await startFeedServer();
    server.route('/a.xml', feedRoute(feed('Show A', '<podcast:guid>aaaa-guid</podcast:guid>')));
    server.route('/a-mirror.xml', feedRoute(feed('Show A mirror', '<podcast:guid>aaaa-guid</podcast:guid>')));
    server.route('/page.html', htmlRoute());
    server.route('/missing.xml', statusRoute(404));
    dir = await mkdtemp(join(tmpdir(), 'earshot-admin-'));
    server.route(
      '/b-copy.xml',
      feedRoute(feed('Show B copy', `<atom:link rel="self" href="${server.url('/b.xml')}"/>`)),
    );
    server.route('/b.xml', feedRoute(feed('Show B')));
    const config = loadConfig({
      env: {
        EARSHOT_DATA: join(dir, 'data'),
        EARSHOT_ALLOW_PRIVATE_FEEDS: '1',
        EARSHOT_CRAWL: '0',
        EARSHOT_DEMO: '0',
        EARSHOT_HOST: '127.0.0.1',
        EARSHOT_LOG_LEVEL: 'silent',
      },
      cwd: dir,
    });
    app = await createApp({ ...config, port: 0 });
    running = await startServing(app);
  });
  after(async () => {
    await running.shutdown();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const store = () => app.store;

  async function admin(): Promise<Client> {
    const client = new Client(running.server);
    const signedUp = await client.signUp('root');
    if (signedUp.statusCode !== 303)
      await client.post('/signin', { name: 'root', password: 'correct horse battery' });
    return client;
  }

  test('adding a URL fetches it first and says what it is', async () => {
    const root = await admin();
    const html = await root.post('/admin/feeds', { url: server.url('/page.html') });
    assert.equal(html.statusCode, 422);
    assert.match(html.body, /Not added: not a feed: an HTML page\./);
    const missing = await root.post('/admin/feeds', { url: server.url('/missing.xml') });
    assert.equal(missing.statusCode, 422);
    assert.match(missing.body, /Not added: 404 Not Found\./);
    assert.equal(await store().feeds.count(), 0, 'nothing was added');

    const added = await root.post('/admin/feeds', { url: server.url('/a.xml') });
    assert.equal(added.statusCode, 200);
    const feedA = await store().feeds.findByUrl(server.url('/a.xml'));
    const showA = feedA && (await store().shows.getByFeed(feedA.id));
    assert.ok(showA, 'fetched and stored at once');
    assert.match(added.body, new RegExp(`Feed added: <a href="/shows/${showA.id}[^"]*">Show A</a>`));
  });

  test('duplicates are refused with a link to the existing show: by URL, podcast:guid and self link', async () => {
    const root = await admin();
    const feedA = (await store().feeds.findByUrl(server.url('/a.xml'))) ?? assert.fail('added above');
    const showA = (await store().shows.getByFeed(feedA.id)) ?? assert.fail('show A');
    const again = await root.post('/admin/feeds', { url: server.url('/a.xml') });
    assert.equal(again.statusCode, 409);
    assert.match(again.body, /Not added: this show is already here \(same URL\)/);
    assert.match(again.body, new RegExp(`href="/shows/${showA.id}`));
    const mirror = await root.post('/admin/feeds', { url: server.url('/a-mirror.xml') });
    assert.equal(mirror.statusCode, 409);
    assert.match(mirror.body, /podcast:guid/);
    assert.match(mirror.body, new RegExp(`href="/shows/${showA.id}`));

    assert.equal((await root.post('/admin/feeds', { url: server.url('/b.xml') })).statusCode, 200);
    const copy = await root.post('/admin/feeds', { url: server.url('/b-copy.xml') });
    assert.equal(copy.statusCode, 409);
    assert.match(copy.body, /same self link/);
    assert.equal(await store().feeds.findByUrl(server.url('/a-mirror.xml')), undefined);
    assert.equal(await store().feeds.findByUrl(server.url('/b-copy.xml')), undefined);
  });

  test('pause, resume, refresh now and remove one feed; listeners and forged forms are refused', async () => {
    const root = await admin();
    const feedB = (await store().feeds.findByUrl(server.url('/b.xml'))) ?? assert.fail('added above');
    const listener = new Client(running.server);
    await root.post('/admin/signup', { open: 'true' });
    await listener.signUp('ann');
    const ann = (await store().listeners.users.findByName('ann')) ?? assert.fail('ann');
    await store().listeners.library.follow(ann.id, feedB.id, new Date());

    assert.equal(
      (await listener.post(`/admin/feeds/${feedB.id}/pause`)).statusCode,
      404,
      'no hint the id exists',
    );
    assert.equal((await root.post(`/admin/feeds/${feedB.id}/pause`, {}, { csrf: false })).statusCode, 403);
    assert.equal((await root.post(`/admin/feeds/${feedB.id}/pause`)).statusCode, 303);
    assert.ok((await store().feeds.get(feedB.id))?.pausedAt);
    assert.equal(
      await store().feeds.countDue(new Date(Date.now() + 365 * 86_400_000)),
      1,
      'only A is ever due',
    );
    const page = await root.get('/admin/feeds?msg=paused');
    assert.match(page.body, /Feed paused/);
    assert.match(page.body, new RegExp(`action="/admin/feeds/${feedB.id}/resume"`));

    const refreshed = await root.post(`/admin/feeds/${feedB.id}/refresh`);
    assert.equal(refreshed.statusCode, 200);
    assert.match(refreshed.body, /Refreshed: /);

    assert.equal((await root.post(`/admin/feeds/${feedB.id}/resume`)).statusCode, 303);
    assert.equal((await store().feeds.get(feedB.id))?.pausedAt, undefined);

    assert.match(
      page.body,
      /every listener&#39;s follow, progress and queue entries|every listener's follow/,
    );
    assert.equal(
      (await root.post(`/admin/feeds/${feedB.id}/remove`)).statusCode,
      400,
      'needs the confirmation',
    );
    assert.equal((await root.post(`/admin/feeds/${feedB.id}/remove`, { confirm: 'remove' })).statusCode, 303);
    assert.equal(await store().feeds.get(feedB.id), undefined);
    assert.deepEqual(await store().listeners.library.following(ann.id), []);
    assert.equal((await root.post(`/admin/feeds/${feedB.id}/pause`)).statusCode, 404);
  });

  test('users page: disable ends sessions and refuses sign-in; reset password; admin rights never reach zero', async () => {
    const root = await admin();
    const bob = new Client(running.server);
    await root.post('/admin/signup', { open: 'true' });
    assert.equal((await bob.signUp('bob', 'bobs password 1')).statusCode, 303);
    const bobUser = (await store().listeners.users.findByName('bob')) ?? assert.fail('bob');
    assert.equal((await bob.get('/admin/users')).statusCode, 403);

    const list = await root.get('/admin/users');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /bob/);
    assert.match(list.body, /root \(you\)/);

    // Phone sync: a gPodder session, the account password over Basic, and an app password all work before.
    const created = await bob.post('/account/app-passwords', { label: 'phone' });
    const appPassword =
      /<code class="secret">([^<]+)<\/code>/.exec(created.body)?.[1] ?? assert.fail('app password');
    const basic = (password: string) => `Basic ${Buffer.from(`bob:${password}`).toString('base64')}`;
    const login = await running.server.inject({
      method: 'POST',
      url: '/api/2/auth/bob/login.json',
      headers: { authorization: basic('bobs password 1') },
    });
    assert.equal(login.statusCode, 200);
    const sessionid =
      login.cookies.find((c) => c.name === 'sessionid')?.value ?? assert.fail('gPodder session');
    const devices = (headers: Record<string, string>) =>
      running.server.inject({ method: 'GET', url: '/api/2/devices/bob.json', headers });
    const phoneAccess = async () => [
      (await devices({ cookie: `sessionid=${sessionid}` })).statusCode,
      (await devices({ authorization: basic('bobs password 1') })).statusCode,
      (await devices({ authorization: basic(appPassword) })).statusCode,
    ];
    assert.deepEqual(await phoneAccess(), [200, 200, 200]);

    assert.equal((await root.post(`/admin/users/${bobUser.id}/disable`)).statusCode, 303);
    assert.match((await bob.get('/account')).headers.location ?? '', /^\/signin/, 'signed out');
    const refused = await bob.post('/signin', { name: 'bob', password: 'bobs password 1' });
    assert.notEqual(refused.statusCode, 303, 'a disabled account cannot sign in');
    assert.deepEqual(await phoneAccess(), [401, 401, 401], 'nor sync, at once');
    assert.equal((await root.post(`/admin/users/${bobUser.id}/enable`)).statusCode, 303);
    assert.equal((await bob.post('/signin', { name: 'bob', password: 'bobs password 1' })).statusCode, 303);
    assert.deepEqual(
      (await phoneAccess()).slice(1),
      [200, 200],
      'the sync session ended; passwords work again',
    );

    const reset = await root.post(`/admin/users/${bobUser.id}/password`, { password: '' });
    assert.equal(reset.statusCode, 200);
    const generated = /New password for bob: <code class="secret">([^<]+)<\/code>/.exec(reset.body)?.[1];
    assert.ok(generated, 'the generated password is shown once');
    assert.match((await bob.get('/account')).headers.location ?? '', /^\/signin/, 'signed out by the reset');
    assert.notEqual(
      (await bob.post('/signin', { name: 'bob', password: 'bobs password 1' })).statusCode,
      303,
    );
    assert.equal((await bob.post('/signin', { name: 'bob', password: generated })).statusCode, 303);

    const rootUser = (await store().listeners.users.findByName('root')) ?? assert.fail('root');
    const lastAdmin = await root.post(`/admin/users/${rootUser.id}/unadmin`);
    assert.equal(lastAdmin.statusCode, 409);
    assert.match(lastAdmin.body, /no administrator/);
    assert.equal((await root.post(`/admin/users/${bobUser.id}/admin`)).statusCode, 303);
    assert.equal((await store().listeners.users.get(bobUser.id))?.isAdmin, true);
    assert.equal((await root.post(`/admin/users/${bobUser.id}/unadmin`)).statusCode, 303);
  });
});
