import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import {
  Client,
  ingest,
  openSerialShowApp,
  openTestApp,
  type TestApp,
  testdata,
} from '../../test/support/web-app.ts';
import { createSyncService } from '../services/sync-service.ts';
import { unmaskCsrfToken } from './context.ts';
import { createServer } from './server.ts';

let t: TestApp;
let showId: number;
let episodeIds: number[];

before(async () => {
  ({ t, showId, episodeIds } = await openSerialShowApp());
});
after(() => t.close());

const text = (body: string) => body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('every page', () => {
  test('GET /healthz answers ok', async () => {
    const res = await t.app.inject('/healthz');
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().status, 'ok');
  });

  test('pages carry a strict CSP and security headers, and no inline script', async () => {
    const res = await new Client(t.app).get('/');
    assert.equal(res.statusCode, 200);
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['x-frame-options'], 'DENY');
    assert.doesNotMatch(res.body, /<script(?![^>]*\bsrc=)[^>]*>/);
    assert.doesNotMatch(res.body, /\son[a-z]+=/i);
    assert.doesNotMatch(res.body, /\sstyle=/i);
  });

  test('the layout has one search box, the player outside #main and the operator links in the footer', async () => {
    const res = await new Client(t.app).get('/');
    assert.equal(res.body.match(/type="search"/g)?.length, 1);
    assert.match(res.body, /<main id="main" hx-history-elt[\s\S]*<\/main>[\s\S]*<earshot-player/);
    assert.match(res.body, /<h2>News<\/h2><a href="https:\/\/news.example\/">/);
    assert.match(res.body, /Advertise With Us/);
    assert.match(res.body, /href="https:\/\/social.example\/@earshot"/);
  });

  test('static assets are versioned, gzipped and cached', async () => {
    const page = await new Client(t.app).get('/');
    const css = /href="(\/assets\/app\.css\?v=[\w-]+)"/.exec(page.body)?.[1];
    const js = /src="(\/assets\/app\.js\?v=[\w-]+)"/.exec(page.body)?.[1];
    assert.ok(css && js);
    let total = 0;
    for (const url of [css, js]) {
      const res = await t.app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-encoding'], 'gzip');
      assert.match(String(res.headers['cache-control']), /immutable/);
      total += res.rawPayload.length;
      assert.ok(gunzipSync(res.rawPayload).length > res.rawPayload.length);
    }
    assert.ok(total <= 60 * 1024, `JS + CSS are ${total} bytes gzipped`);
    for (const url of ['/manifest.webmanifest', '/sw.js', '/icons/icon.svg', '/icons/icon-192.png']) {
      assert.equal((await t.app.inject(url)).statusCode, 200, url);
    }
  });

  test('unknown pages and ids are a real 404 page, malformed ids too', async () => {
    const c = new Client(t.app);
    for (const url of [
      '/nope',
      '/shows/999999',
      '/shows/abc',
      '/episodes/0',
      '/episodes/99999',
      '/people/12345',
      '/shows/1.5',
    ]) {
      const res = await c.get(url);
      assert.equal(res.statusCode, 404, url);
      assert.match(String(res.headers['content-type']), /text\/html/);
      assert.match(res.body, /Not found/);
    }
    const api = await c.json('GET', '/api/v1/episodes/424242');
    assert.equal(api.statusCode, 404);
    assert.equal(api.json().error.code, 'not-found');
  });

  test('bad query parameters are a 400 with a message', async () => {
    const c = new Client(t.app);
    const bad = await c.get(`/shows/${showId}?sort=sideways`);
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /sort must be &quot;newest&quot; or &quot;oldest&quot;/);
    assert.equal((await c.get(`/search?q=${'x'.repeat(300)}`)).statusCode, 400);
    assert.equal((await c.get(`/shows/${showId}?after=garbage`)).statusCode, 400);
    assert.equal((await c.get(`/shows/${showId}?sort=newest&sort=oldest`)).statusCode, 400);
  });
});

describe('odd requests', () => {
  test('nothing answers 500, and no file outside public/ is served', async () => {
    const c = new Client(t.app);
    const urls = [
      `/shows/${showId}?after=%FF%FE`,
      `/shows/${showId}?after=${'A'.repeat(400)}`,
      '/search?q=%00%01',
      '/search?q=%22%27%3C',
      `/episodes/${episodeIds[0]}?t=1e309`,
      `/episodes/${episodeIds[0]}?t=-1`,
      '/people/99999999999999999999',
      '/api/v1/shows?limit=abc',
      '/api/v1/shows/1/episodes?limit=100000',
      '/api/v1/search',
      '/%',
      '/assets/../package.json',
      '/assets/..%2F..%2Fpackage.json',
      '/icons/..%2F..%2Fpackage.json',
      '/demo-assets/..%2Fpackage.json',
      '/signin?next=//evil.example',
      '/library?x=%',
    ];
    for (const url of urls) {
      const res = await c.get(url);
      assert.ok(res.statusCode < 500, `${url} → ${res.statusCode}`);
      assert.doesNotMatch(res.body, /"name": "earshot"/, url);
    }
    const post = await t.app.inject({
      method: 'POST',
      url: '/signin',
      headers: { 'content-type': 'application/xml' },
      payload: '<x/>',
    });
    assert.ok(post.statusCode < 500, `unsupported media type → ${post.statusCode}`);
    const huge = await t.app.inject({
      method: 'POST',
      url: '/signin',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'a='.padEnd(3 * 1024 * 1024, 'x'),
    });
    assert.equal(huge.statusCode, 413);
  });

  test('sign-in never redirects off-site', async () => {
    const c = new Client(t.app);
    await c.signUp('lena');
    await c.post('/signout');
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const res = await c.post('/signin', { name: 'lena', password: 'correct horse battery', next });
      assert.equal(res.headers.location, '/', next);
      await c.post('/signout');
    }
  });
});

describe('anonymous page cache', () => {
  test('anonymous visitors share cached pages but each gets their own CSRF token; signed-in pages are never shared', async () => {
    const a = new Client(t.app);
    const b = new Client(t.app);
    const first = await a.get(`/episodes/${episodeIds[1]}`);
    const second = await b.get(`/episodes/${episodeIds[1]}`);
    const written = (body: string) => /<meta name="csrf-token" content="([^"]+)">/.exec(body)?.[1] ?? '';
    const token = (body: string) => unmaskCsrfToken(written(body));
    assert.equal(token(first.body), a.csrf);
    assert.equal(token(second.body), b.csrf);
    assert.notEqual(a.csrf, b.csrf);
    assert.doesNotMatch(second.body, /csrf[0-9a-f]{24}/);
    assert.equal(
      first.body.replaceAll(written(first.body), 'T'),
      second.body.replaceAll(written(second.body), 'T'),
    );
    // Masked afresh per response, so a compressed page's size says nothing about the token (BREACH).
    const again = await a.get(`/episodes/${episodeIds[1]}`);
    assert.notEqual(written(again.body), written(first.body));
    assert.equal(token(again.body), a.csrf);
    const user = new Client(t.app);
    await user.signUp('quinn');
    await user.post(`/episodes/${episodeIds[1]}/played`);
    const mine = await user.get(`/episodes/${episodeIds[1]}`);
    assert.match(mine.body, /Played ✓/);
    assert.equal(mine.headers['cache-control'], 'private, no-store');
    assert.doesNotMatch((await new Client(t.app).get(`/episodes/${episodeIds[1]}`)).body, /Played ✓|quinn/);
  });
});

describe('home', () => {
  test('shows the Popular Podcasts rail with art and a short description, and recently updated shows', async () => {
    const res = await new Client(t.app).get('/');
    assert.match(res.body, /<h2 id="popular-h">Popular Podcasts<\/h2>/);
    assert.match(res.body, /<h2 id="recent-h">Recently Updated<\/h2>/);
    // The show's art, through the image endpoint (never the publisher's full-size file).
    assert.match(res.body, /<img class="art" src="\/images\/show\/\d+\/[0-9a-f]{12}\/160\.webp"/);
    assert.doesNotMatch(res.body, /lighthouse\.example\/art\.png/);
    assert.match(res.body, /The Lighthouse Serial &lt;Test&gt;/);
    assert.match(res.body, /A three-part story about a lighthouse keeper/);
  });
});

describe('show page', () => {
  test('renders title, author, description, hosts with roles, links, and a serial oldest-first list', async () => {
    const res = await new Client(t.app).get(`/shows/${showId}`);
    assert.equal(res.statusCode, 200);
    const b = res.body;
    assert.match(b, /<h1>The Lighthouse Serial &lt;Test&gt;<\/h1>/);
    assert.match(b, /Harbour Audio/);
    assert.match(b, /Hosts And Creators/);
    assert.match(text(b), /Ada Keeper Host/);
    assert.match(text(b), /Sam Tide Producer/);
    assert.match(b, /href="https:\/\/lighthouse.example\/support"[^>]*>Support the keeper/);
    assert.match(b, /href="https:\/\/lighthouse.example\/"[^>]*>lighthouse.example/);
    assert.match(b, /All Episodes/);
    const one = b.indexOf('Part One');
    const three = b.indexOf('Part Three');
    assert.ok(one > 0 && three > one, 'serial shows list oldest first');
    assert.match(b, /S1 E1/);
    assert.match(b, /href="\/signin\?next=%2Fshows%2F\d+">Follow/);
    assert.doesNotMatch(b, /<script>alert/);
  });

  test('newest first on request; paging by cursor, and past the end is a 404', async () => {
    const c = new Client(t.app);
    const res = await c.get(`/shows/${showId}?sort=newest`);
    assert.ok(res.body.indexOf('Part Three') < res.body.indexOf('Part One'));
    const api = await c.json('GET', `/api/v1/shows/${showId}/episodes?limit=2&sort=oldest`);
    const first = api.json();
    assert.equal(first.items.length, 2);
    assert.ok(first.next);
    const second = await c.json(
      'GET',
      `/api/v1/shows/${showId}/episodes?limit=2&sort=oldest&after=${encodeURIComponent(first.next)}`,
    );
    assert.deepEqual(
      second.json().items.map((e: { title: string }) => e.title),
      ['Part Three: Dawn'],
    );
    const page = await c.get(`/shows/${showId}?sort=oldest&after=${encodeURIComponent(first.next)}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /First page/);
  });
});

describe('episode page', () => {
  test('has everything the reference page has', async () => {
    const res = await new Client(t.app).get(`/episodes/${episodeIds[0]}`);
    assert.equal(res.statusCode, 200);
    const b = res.body;
    assert.match(b, /← All Episodes/);
    assert.match(b, /<h1>Part One: The Light &lt;script&gt;alert\(1\)&lt;\/script&gt;<\/h1>/);
    assert.match(b, /January 1, 2024/);
    assert.match(b, /1 hr 5 mins/);
    assert.match(b, /The keeper arrives\./);
    assert.match(
      b,
      /<a href="https:\/\/maps.example\/lighthouse" rel="nofollow noopener ugc" target="_blank">/,
    );
    assert.match(b, /<a href="\?t=754" class="seek" data-seek="754">12:34<\/a>/);
    assert.match(b, /href="https:\/\/lighthouse.example\/notes"/);
    assert.doesNotMatch(b, /<script>alert\('x'\)/);
    assert.match(b, /Mark as Played/);
    assert.match(b, /data-play[\s\S]*data-src="https:\/\/lighthouse.example\/1.mp3"/);
    assert.match(b, /<h2 id="chap-h">Chapters<\/h2>/);
    assert.match(b, /data-seek="600"><time>10:00<\/time> The Storm/);
    assert.match(b, /The lamp goes out<\/a>/);
    assert.match(b, /Support the keeper/);
    assert.match(b, /value="https:\/\/pods.example\/episodes\/\d+"/);
    assert.match(text(b), /Ada Keeper Host/);
  });

  test('?t= starts the player there', async () => {
    const res = await new Client(t.app).get(`/episodes/${episodeIds[0]}?t=754`);
    assert.match(res.body, /data-start="754"/);
  });
});

describe('accounts', () => {
  test('the first account is the admin; the next is not; names are unique', async () => {
    const { app } = await openTestApp();
    try {
      const a = new Client(app);
      const res = await a.signUp('alice');
      assert.equal(res.statusCode, 303);
      const cookie = res.cookies.find((c) => c.name === 'earshot_session');
      assert.ok(cookie?.httpOnly);
      assert.equal(cookie?.sameSite, 'Lax');
      assert.equal((await a.json('GET', '/api/v1/me')).json().isAdmin, true);
      const b = new Client(app);
      await b.signUp('bob');
      assert.equal((await b.json('GET', '/api/v1/me')).json().isAdmin, false);
      const dup = await new Client(app).signUp('ALICE');
      assert.equal(dup.statusCode, 409);
      assert.match(dup.body, /taken/);
    } finally {
      await app.close();
    }
  });

  test('sign in, wrong password, sign out, change password', async () => {
    const { app } = await openTestApp();
    try {
      await new Client(app).signUp('carol', 'first password');
      const c = new Client(app);
      const wrong = await c.post('/signin', { name: 'carol', password: 'nope' });
      assert.equal(wrong.statusCode, 401);
      assert.match(wrong.body, /Wrong user name or password/);
      const ok = await c.post('/signin', { name: 'carol', password: 'first password', next: '/library' });
      assert.equal(ok.statusCode, 303);
      assert.equal(ok.headers.location, '/library');
      assert.equal((await c.get('/library')).statusCode, 200);
      const change = await c.post('/account/password', {
        current: 'first password',
        password: 'second password',
      });
      assert.equal(change.statusCode, 303);
      await c.post('/signout');
      assert.equal((await c.get('/library')).statusCode, 303);
      assert.equal((await c.post('/signin', { name: 'carol', password: 'first password' })).statusCode, 401);
      assert.equal((await c.post('/signin', { name: 'carol', password: 'second password' })).statusCode, 303);
    } finally {
      await app.close();
    }
  });

  test('sign-in attempts are rate-limited', async () => {
    const { app } = await openTestApp();
    try {
      await new Client(app).signUp('dave');
      const c = new Client(app);
      const codes = [];
      for (let i = 0; i < 7; i++)
        codes.push((await c.post('/signin', { name: 'dave', password: `guess ${i}` })).statusCode);
      assert.deepEqual(codes.slice(0, 5), [401, 401, 401, 401, 401]);
      assert.equal(codes[6], 429);
      assert.equal(
        (await c.post('/signin', { name: 'dave', password: 'correct horse battery' })).statusCode,
        429,
      );
    } finally {
      await app.close();
    }
  });

  test('every state change needs the CSRF token', async () => {
    const c = new Client(t.app);
    const res = await c.post('/signup', { name: 'mallory', password: 'long enough pw' }, { csrf: false });
    assert.equal(res.statusCode, 403);
    await c.signUp('erin');
    assert.equal((await c.post(`/shows/${showId}/follow`, {}, { csrf: false })).statusCode, 403);
    assert.equal(
      (await c.json('PUT', `/api/v1/me/played/${episodeIds[0]}`, undefined, { csrf: false })).statusCode,
      403,
    );
  });

  test('the admin can close sign-up', async () => {
    const { app } = await openTestApp();
    try {
      const admin = new Client(app);
      await admin.signUp('root');
      assert.equal((await admin.post('/admin/signup', { open: 'false' })).statusCode, 303);
      const visitor = new Client(app);
      assert.equal((await visitor.get('/signup')).statusCode, 403);
      assert.equal((await visitor.signUp('late')).statusCode, 403);
    } finally {
      await app.close();
    }
  });
});

describe('listener actions and authorisation', () => {
  test('follow, mark played, progress and queue, each visible only to its listener', async () => {
    const a = new Client(t.app);
    await a.signUp('frank');
    const b = new Client(t.app);
    await b.signUp('grace');
    const ep = episodeIds[1];

    assert.equal((await a.post(`/shows/${showId}/follow`)).statusCode, 303);
    assert.match((await a.get(`/shows/${showId}`)).body, /aria-pressed="true">Following/);
    assert.match((await b.get(`/shows/${showId}`)).body, /aria-pressed="false">Follow/);

    assert.equal((await a.post(`/episodes/${ep}/played`)).statusCode, 303);
    assert.match((await a.get(`/episodes/${ep}`)).body, /Played ✓/);
    assert.match((await b.get(`/episodes/${ep}`)).body, /Mark as Played/);

    const save = await a.json('POST', '/api/v1/me/progress', {
      episodeId: episodeIds[2],
      positionSeconds: 321,
      listenedSeconds: 10,
    });
    assert.equal(save.statusCode, 200);
    assert.equal((await a.json('GET', `/api/v1/me/progress/${episodeIds[2]}`)).json().positionSeconds, 321);
    assert.equal((await b.json('GET', `/api/v1/me/progress/${episodeIds[2]}`)).json().positionSeconds, 0);
    assert.match((await a.get(`/episodes/${episodeIds[2]}`)).body, /data-start="321"/);
    const ids = (r: { json(): { items: { episodeId: number }[] } }) => r.json().items.map((p) => p.episodeId);
    assert.deepEqual(ids(await a.json('GET', '/api/v1/me/in-progress')), [episodeIds[2]]);
    assert.deepEqual(ids(await b.json('GET', '/api/v1/me/in-progress')), []);
    assert.deepEqual(ids(await a.json('GET', '/api/v1/me/played')), [ep]);
    assert.deepEqual(ids(await b.json('GET', '/api/v1/me/played')), []);

    assert.equal((await a.post(`/episodes/${ep}/enqueue`)).statusCode, 303);
    assert.equal((await a.json('GET', '/api/v1/me/queue')).json().items.length, 1);
    assert.equal((await b.json('GET', '/api/v1/me/queue')).json().items.length, 0);

    const lib = await a.get('/library');
    assert.match(lib.body, /Part Two: The Storm/);
    assert.match(lib.body, /Part Three: Dawn/);
    assert.doesNotMatch((await b.get('/library')).body, /Part Two: The Storm/);
  });

  test('the queue: add, play next, move, remove — from the library page', async () => {
    const c = new Client(t.app);
    await c.signUp('judy');
    for (const id of episodeIds) assert.equal((await c.post(`/episodes/${id}/enqueue`)).statusCode, 303);
    const order = async () =>
      (await c.json('GET', '/api/v1/me/queue')).json().items.map((e: { id: number }) => e.id);
    const [e1, e2, e3] = episodeIds;
    assert.deepEqual(await order(), [e1, e2, e3]);
    assert.equal((await c.post(`/queue/${e3}/next`)).statusCode, 303);
    assert.deepEqual(await order(), [e3, e1, e2]);
    await c.post(`/queue/${e2}/up`);
    assert.deepEqual(await order(), [e3, e2, e1]);
    await c.post(`/queue/${e3}/down`);
    assert.deepEqual(await order(), [e2, e3, e1]);
    await c.post(`/queue/${e1}/remove`);
    assert.deepEqual(await order(), [e2, e3]);
    const lib = await c.get('/library');
    assert.match(lib.body, /aria-label="Play next: Part Three: Dawn"/);
    assert.equal((await c.post(`/queue/${e1}/up`)).statusCode, 404);
    assert.equal((await c.post(`/queue/${e2}/sideways`)).statusCode, 400);
    const other = new Client(t.app);
    await other.signUp('ken');
    assert.equal((await other.post(`/queue/${e2}/remove`)).statusCode, 404);
    assert.deepEqual(await order(), [e2, e3]);
  });

  test('anonymous visitors can browse and play but are asked to sign in for actions', async () => {
    const c = new Client(t.app);
    assert.equal((await c.get('/library')).statusCode, 303);
    assert.equal((await c.post(`/shows/${showId}/follow`)).statusCode, 401);
    const api = await c.json('POST', '/api/v1/me/progress', { episodeId: episodeIds[0], positionSeconds: 5 });
    assert.equal(api.statusCode, 401);
    assert.equal(api.json().error.code, 'unauthorized');
  });

  test('sendBeacon posts (text/plain JSON with the token inside) save the position', async () => {
    const c = new Client(t.app);
    await c.signUp('heidi');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/progress',
      headers: {
        'content-type': 'text/plain;charset=UTF-8',
        cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
      payload: JSON.stringify({ episodeId: episodeIds[0], positionSeconds: 99, _csrf: c.csrf }),
    });
    assert.equal(res.statusCode, 200);
    assert.equal((await c.json('GET', `/api/v1/me/progress/${episodeIds[0]}`)).json().positionSeconds, 99);
    const ended = await c.json('POST', '/api/v1/me/progress', {
      episodeId: episodeIds[0],
      positionSeconds: 3899,
      ended: true,
    });
    assert.equal(ended.json().played, true);
  });
});

describe('account page with phone sync', () => {
  test('app passwords are shown once, listed and revocable; OPML export and import', async () => {
    const { app, store } = await openTestApp();
    await app.close();
    const sync = createSyncService({
      store,
      repo: store.sync,
      users: store.listeners.users,
      library: store.listeners.library,
      addFeed: async (url) => ({ feedId: (await store.feeds.add(url, new Date())).feed.id }),
    });
    const server = await createServer({ store, sync, config: {} });
    try {
      const c = new Client(server);
      await c.signUp('olga');
      const page = await c.get('/account');
      assert.match(page.body, /App passwords \(phone sync\)/);
      const made = await c.post('/account/app-passwords', { label: 'Pixel <7>' });
      assert.equal(made.statusCode, 200);
      const secret = /<code class="secret">([^<]+)<\/code>/.exec(made.body)?.[1];
      assert.ok(secret && secret.length >= 12);
      const again = await c.get('/account');
      assert.match(again.body, /Pixel &lt;7&gt;/);
      assert.doesNotMatch(again.body, new RegExp(secret));
      const id = /action="\/account\/app-passwords\/(\d+)\/revoke"/.exec(again.body)?.[1];
      assert.ok(id);
      const other = new Client(server);
      await other.signUp('pete');
      assert.equal((await other.post(`/account/app-passwords/${id}/revoke`)).statusCode, 404);
      assert.equal((await c.post(`/account/app-passwords/${id}/revoke`)).statusCode, 303);
      assert.match((await c.get('/account')).body, /revoked/);

      const opml =
        '<?xml version="1.0"?><opml version="2.0"><body><outline type="rss" text="A" xmlUrl="https://a.example/feed.xml"/></body></opml>';
      const imported = await c.post('/account/subscriptions', { opml });
      assert.equal(imported.statusCode, 200);
      assert.match(imported.body, /Imported: 1 new/);
      const exported = await c.get('/account/subscriptions.opml');
      assert.equal(exported.statusCode, 200);
      assert.match(exported.body, /https:\/\/a.example\/feed.xml/);
      assert.doesNotMatch((await other.get('/account/subscriptions.opml')).body, /a.example/);
      assert.equal((await c.post('/account/subscriptions', { opml: 'not xml at all' })).statusCode, 400);
    } finally {
      await server.close();
      await store.close();
    }
  });
});

describe('admin feed health', () => {
  test('only the admin sees it; it lists feeds with their health and can add one', async () => {
    const { app, store } = await openTestApp();
    try {
      await ingest(store, 'https://lighthouse.example/feed.xml', testdata('serial-show.xml'));
      const anon = new Client(app);
      assert.equal((await anon.get('/admin/feeds')).statusCode, 303);
      const admin = new Client(app);
      await admin.signUp('boss');
      const user = new Client(app);
      await user.signUp('pleb');
      assert.equal((await user.get('/admin/feeds')).statusCode, 403);
      const page = await admin.get('/admin/feeds');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /https:\/\/lighthouse.example\/feed.xml/);
      assert.match(page.body, /Error streak/);
      assert.equal(
        (await admin.post('/admin/feeds', { url: 'https://new.example/feed.xml' })).statusCode,
        303,
      );
      assert.match((await admin.get('/admin/feeds')).body, /https:\/\/new.example\/feed.xml/);
      const bad = await admin.post('/admin/feeds', { url: 'javascript:alert(1)' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Only http:\/\/ and https:\/\/ feed URLs can be followed/);
      // The same feed written another way is the feed already there, not a second show.
      const before = await store.feeds.count();
      for (const url of [
        'https://new.example/feed.xml?',
        'HTTPS://New.Example:443/feed.xml#latest',
        'feed:https://new.example/feed.xml',
      ]) {
        const again = await admin.post('/admin/feeds', { url });
        assert.equal(again.headers.location, '/admin/feeds?msg=exists', url);
      }
      assert.equal(await store.feeds.count(), before);
      // No scheme: http, as podcast apps assume.
      await admin.post('/admin/feeds', { url: 'bare.example/feed' });
      assert.ok(await store.feeds.findByUrl('http://bare.example/feed'));
      // Without a crawler attached, OPML import says so (400), never a 500.
      assert.equal((await admin.post('/admin/opml', { opml: '<opml/>' })).statusCode, 400);
    } finally {
      await app.close();
    }
  });
});

describe('people, search and API', () => {
  test('a person page lists the shows they appear in', async () => {
    const c = new Client(t.app);
    const show = await c.get(`/shows/${showId}`);
    const href = /href="(\/people\/\d+)">Ada Keeper/.exec(show.body)?.[1];
    assert.ok(href);
    const res = await c.get(href);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<h1>Ada Keeper<\/h1>/);
    assert.match(res.body, /The Lighthouse Serial &lt;Test&gt;/);
    const api = await c.json('GET', `/api/v1${href}`);
    assert.equal(api.json().name, 'Ada Keeper');
    assert.equal(api.json().shows[0].showId, showId);
  });

  test('the search page renders with the query kept in the box', async () => {
    const res = await new Client(t.app).get('/search?q=%3Cb%3Elight');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /value="&lt;b&gt;light"/);
  });

  test('the OpenAPI document lists the routes', async () => {
    const res = await t.app.inject('/api/v1/openapi.json');
    assert.equal(res.statusCode, 200);
    const doc = res.json();
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.paths['/api/v1/me/progress'].post.requestBody);
    assert.ok(doc.paths['/api/v1/shows/{id}/episodes'].get);
  });

  test('malformed JSON and wrong bodies are 400s, never 500s', async () => {
    const c = new Client(t.app);
    await c.signUp('ivan');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/progress',
      headers: {
        'content-type': 'application/json',
        'x-csrf-token': c.csrf,
        cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
      payload: '{"episodeId":',
    });
    assert.equal(res.statusCode, 400);
    const wrong = await c.json('POST', '/api/v1/me/progress', { episodeId: 'x', positionSeconds: -1 });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.json().error.message, /episodeId/);
  });
});
