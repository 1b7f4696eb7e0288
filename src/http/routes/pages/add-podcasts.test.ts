// "Add podcasts" as listeners use it: following by URL (fetched from a loopback feed server through the real
// fetcher and its SSRF guard, loopback allowed for this server only) under the quota and the private-feed rule, and
// OPML import from an upload with a result per entry.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type FeedServer,
  feedRoute,
  htmlRoute,
  startFeedServer,
  statusRoute,
} from '../../../../test/support/feed-server.ts';
import { freshMemoryStore } from '../../../../test/support/sqlite-image.ts';
import { Client } from '../../../../test/support/web-app.ts';
import { normalizeFeedUrl } from '../../../domain/feed-url.ts';
import { createFetcher, type Fetcher } from '../../../feed/fetch/index.ts';
import { refreshFeed } from '../../../feed/refresh/refresh.ts';
import { checkAndAddFeed } from '../../../services/add-feed.ts';
import { followByUrl } from '../../../services/follow-by-url.ts';
import { ListenerQuota, quotaPortsFrom } from '../../../services/listener-quota.ts';
import { createSyncService } from '../../../services/sync-service.ts';
import type { Store } from '../../../store/index.ts';
import { createServer } from '../../server.ts';

const rss = (title: string) =>
  `<rss version="2.0"><channel><title>${title}</title><item><guid>${title}-1</guid><title>${title} one</title>` +
  `<enclosure url="https://cdn.example/${encodeURIComponent(title)}.mp3" type="audio/mpeg"/></item></channel></rss>`;

let server: FeedServer;
let store: Store;
let fetcher: Fetcher;
let app: Awaited<ReturnType<typeof createServer>>;
const MAX_NEW_PER_DAY = 3;

before(async () => {
  server = await startFeedServer();
  for (const name of ['alpha', 'beta', 'gamma', 'delta', 'omega'])
    server.route(`/${name}.xml`, feedRoute(rss(`Show ${name}`)));
  server.route('/page.html', htmlRoute());
  server.route('/missing.xml', statusRoute(404));
  store = await freshMemoryStore();
  fetcher = createFetcher({ userAgent: 'Earshot-test/1.0', allowOrigins: [server.origin] });
  const now = () => new Date();
  const quota = new ListenerQuota(
    quotaPortsFrom(store),
    { maxFollows: 10, maxNewFeedsPerDay: MAX_NEW_PER_DAY },
    now,
  );
  const addListenerFeed = async (url: string, addedByUserId?: number) => ({
    feedId: (
      await store.feeds.add(url, now(), {
        visibility: 'private',
        ...(addedByUserId === undefined ? {} : { addedByUserId }),
      })
    ).feed.id,
  });
  const sync = createSyncService({
    store,
    repo: store.sync,
    users: store.listeners.users,
    library: store.listeners.library,
    quota,
    addFeed: (url, options = {}) => addListenerFeed(url, options.addedByUserId),
  });
  app = await createServer({
    store,
    listeners: store.listeners,
    sync,
    config: {},
    followUrl: (userId, url) =>
      followByUrl(
        {
          store,
          normalize: normalizeFeedUrl,
          quota,
          checkAndAdd: (feedUrl, addedByUserId) =>
            checkAndAddFeed(
              {
                store,
                fetcher,
                normalize: normalizeFeedUrl,
                add: (u) => addListenerFeed(u, addedByUserId),
                refresh: (feedId, replay) => refreshFeed({ store, fetcher: replay }, feedId),
              },
              feedUrl,
            ),
          follow: async (user, feedId) => {
            await store.listeners.library.follow(user, feedId, now());
            await sync.webFollow(user, feedId, true);
          },
          isFollowing: (user, feedId) => store.listeners.library.isFollowing(user, feedId),
        },
        userId,
        url,
      ),
  });
  await new Client(app).signUp('root'); // the first account is the administrator (no quota)
});
after(async () => {
  await app.close();
  await fetcher.close();
  await store.close();
  await server.close();
});

const text = (body: string) => body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

async function listener(name: string): Promise<Client> {
  const c = new Client(app);
  await c.signUp(name);
  return c;
}

/** A multipart/form-data POST, as a browser sends a form with a file input. */
async function upload(c: Client, url: string, file: { name: string; content: string | Buffer }, csrf = true) {
  if (!c.cookies.has('earshot_csrf')) await c.get('/');
  const boundary = '----earshot-test-boundary';
  const parts = [
    ...(csrf ? [`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${c.csrf}\r\n`] : []),
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: text/x-opml\r\n\r\n`,
  ];
  const payload = Buffer.concat([
    Buffer.from(parts.join('')),
    Buffer.from(file.content),
    Buffer.from(
      `\r\n--${boundary}\r\nContent-Disposition: form-data; name="opml"\r\n\r\n\r\n--${boundary}--\r\n`,
    ),
  ]);
  return app.inject({
    method: 'POST',
    url,
    payload,
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      accept: 'text/html',
      cookie: [...c.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; '),
    },
  });
}

const opml = (urls: string[]) =>
  `<?xml version="1.0"?><opml version="2.0"><head><title>Mine</title></head><body>${urls
    .map((u, i) => `<outline type="rss" text="Entry ${i}" xmlUrl="${u}"/>`)
    .join('')}</body></opml>`;

describe('follow a podcast by URL', () => {
  test('a feed new here is fetched, followed, and private to its followers', async () => {
    const ann = await listener('ann');
    const res = await ann.post('/library/add/url', { url: server.url('/alpha.xml') });
    assert.equal(res.statusCode, 200);
    assert.match(
      text(res.body),
      /You now follow Show alpha\. It is new to this server: only its followers see it\./,
    );
    const href = /href="(\/shows\/\d+)"/.exec(res.body.slice(res.body.indexOf('role="status"')))?.[1];
    assert.ok(href, 'a link to the show');
    assert.equal((await ann.get(href)).statusCode, 200, 'its follower sees it');
    assert.equal((await new Client(app).get(href)).statusCode, 404, 'a visitor does not');
    const bob = await listener('bob');
    assert.equal((await bob.get(href)).statusCode, 404, 'another listener does not');
    const search = await bob.get('/search?q=alpha');
    assert.doesNotMatch(search.body, /Show alpha/, 'nor finds it');

    const again = await ann.post('/library/add/url', { url: `${server.url('/alpha.xml')}` });
    assert.match(text(again.body), /You already follow Show alpha\./);
    assert.equal(server.requestsFor('/alpha.xml').length, 1, 'a followed feed is not fetched again');

    const byBob = await bob.post('/library/add/url', { url: server.url('/alpha.xml') });
    assert.match(
      text(byBob.body),
      /You now follow Show alpha\.(?! It is new)/,
      'following a feed already here',
    );
    assert.equal((await bob.get(href)).statusCode, 200, 'and now Bob sees it');
  });

  test('what is not a feed is refused with what came back, and nothing is stored', async () => {
    const cy = await listener('cy');
    const before = await store.feeds.count();
    const html = await cy.post('/library/add/url', { url: server.url('/page.html') });
    assert.equal(html.statusCode, 422);
    assert.match(text(html.body), /Not followed: not a feed: an HTML page\./);
    const missing = await cy.post('/library/add/url', { url: server.url('/missing.xml') });
    assert.match(text(missing.body), /Not followed: 404 Not Found\./);
    const ftp = await cy.post('/library/add/url', { url: 'ftp://files.example/feed.xml' });
    assert.equal(ftp.statusCode, 422);
    assert.match(text(ftp.body), /Not followed: not a feed URL/);
    const long = await cy.post('/library/add/url', { url: `https://a.example/${'x'.repeat(3000)}` });
    assert.equal(long.statusCode, 400);
    assert.equal(await store.feeds.count(), before);
    assert.equal(
      (await cy.post('/library/add/url', { url: server.url('/beta.xml') }, { csrf: false })).statusCode,
      403,
    );
  });

  test('the daily new-feed quota is asked before anything is fetched', async () => {
    const dee = await listener('dee');
    for (const name of ['beta', 'gamma', 'delta'])
      assert.equal((await dee.post('/library/add/url', { url: server.url(`/${name}.xml`) })).statusCode, 200);
    const over = await dee.post('/library/add/url', { url: server.url('/omega.xml') });
    assert.equal(over.statusCode, 429);
    assert.match(text(over.body), /at most 3 feeds a day \(EARSHOT_MAX_NEW_FEEDS_PER_DAY\)/);
    assert.equal(server.requestsFor('/omega.xml').length, 0, 'not fetched');
    assert.match(
      over.body,
      /value="http:\/\/127\.0\.0\.1:\d+\/omega\.xml"/,
      'the address stays in the field',
    );
  });
});

describe('OPML import', () => {
  test('an uploaded file: a result for every entry', async () => {
    const eve = await listener('eve');
    await eve.post('/library/add/url', { url: server.url('/alpha.xml') }); // already here and followed
    const file = opml([
      server.url('/alpha.xml'),
      'javascript:alert(1)',
      server.url('/beta.xml'), // already here (Dee added it): followed at once
      'https://new-1.example/feed.xml',
      'https://new-2.example/feed.xml',
      'https://new-3.example/feed.xml',
      'https://new-4.example/feed.xml',
    ]);
    const res = await upload(eve, '/library/add/opml', { name: 'subs.opml', content: file });
    assert.equal(res.statusCode, 200);
    const rows = [
      ...res.body.matchAll(/<tr class="import-[a-z-]+"><td>.*?<small>(.*?)<\/small><\/td><td>(.*?)<\/td>/g),
    ].map((m) => `${m[1]} → ${m[2]}`);
    assert.deepEqual(
      rows.sort(),
      [
        `${server.url('/alpha.xml')} → already followed`,
        `${server.url('/beta.xml')} → added`,
        'https://new-1.example/feed.xml → queued',
        'https://new-2.example/feed.xml → queued',
        'https://new-3.example/feed.xml → queued',
        'https://new-4.example/feed.xml → over your limit',
        'javascript:alert(1) → not a URL',
      ].sort(),
    );
    assert.match(text(res.body), /Imported: /);
    assert.match(text(res.body), /fetched in the background/);
    assert.equal(
      (await store.listeners.library.following((await store.listeners.users.findByName('eve'))?.id ?? 0))
        .length,
      5,
    );
  });

  test('what the crawler made of each queued entry shows under Recently added: 404, not a feed, fetched', async () => {
    const ivy = await listener('ivy');
    server.route('/kappa.xml', feedRoute(rss('Show kappa')));
    const file = opml([server.url('/missing.xml'), server.url('/page.html'), server.url('/kappa.xml')]);
    const res = await upload(ivy, '/library/add/opml', { name: 'subs.opml', content: file });
    assert.equal(res.statusCode, 200);
    assert.match(text(res.body), /Recently added .* Waiting to be fetched/);
    // The crawler's first fetch of each new feed (the job queue runs refreshFeed).
    const userId = (await store.listeners.users.findByName('ivy'))?.id ?? 0;
    const added = await store.feeds.addedBy(userId, { since: new Date(0), limit: 10 });
    assert.equal(added.length, 3);
    for (const feed of added) await refreshFeed({ store, fetcher }, feed.id);
    const page = await ivy.get('/library/add');
    const rows = [
      ...page.body.matchAll(
        /<tr(?: class="recent-failed")?><td>(?:<a href="([^"]*)">)?.*?<small>(.*?)<\/small><\/td><td>(.*?)<\/td>/g,
      ),
    ].map((m) => `${m[2]} → ${m[3]}${m[1] ? ` (${m[1]})` : ''}`);
    const kappa = (await store.shows.getByFeed(added.find((f) => f.url.endsWith('/kappa.xml'))?.id ?? 0))?.id;
    assert.deepEqual(
      rows.sort(),
      [
        `${server.url('/kappa.xml')} → Fetched (/shows/${kappa})`,
        `${server.url('/missing.xml')} → 404 Not Found`,
        `${server.url('/page.html')} → The server answered an HTML page, not a feed`,
      ].sort(),
    );
    // Someone else's additions are not listed to this listener.
    assert.doesNotMatch((await (await listener('hal')).get('/library/add')).body, /missing\.xml/);
  });

  test('a file that is not OPML gets one clear message', async () => {
    const fay = await listener('fay');
    const res = await upload(fay, '/library/add/opml', {
      name: 'photo.png',
      content: Buffer.from([0x89, 0x50, 0x4e, 0x47]),
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Add podcasts/, 'on the import page, not an error page');
    const messages = text(res.body).match(/not an OPML file/g) ?? [];
    assert.equal(messages.length, 1, 'said once');
    const html = await upload(fay, '/library/add/opml', {
      name: 'page.html',
      content: '<html><body>hi</body></html>',
    });
    assert.equal(html.statusCode, 400);
    assert.match(text(html.body), /This file cannot be imported: not an OPML file/);
  });

  test('uploads are bounded and need the form token', async () => {
    const gus = await listener('gus');
    const big = await upload(gus, '/library/add/opml', { name: 'big.opml', content: ' '.repeat(1_600_000) });
    assert.equal(big.statusCode, 413);
    assert.match(text(big.body), /1\.5 MB at most/);
    const huge = await upload(gus, '/library/add/opml', {
      name: 'huge.opml',
      content: ' '.repeat(3_000_000),
    });
    assert.equal(huge.statusCode, 413, 'past the body limit: refused before parsing');
    const noToken = await upload(gus, '/library/add/opml', { name: 's.opml', content: opml([]) }, false);
    assert.equal(noToken.statusCode, 403);
    const garbled = await app.inject({
      method: 'POST',
      url: '/library/add/opml',
      payload: 'no parts here',
      headers: {
        'content-type': 'multipart/form-data; boundary=x',
        cookie: [...gus.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; '),
      },
    });
    assert.equal(garbled.statusCode, 400);
    const anonymous = await new Client(app).get('/library/add');
    assert.equal(anonymous.statusCode, 303, 'signed-in listeners only');
    assert.match(String(anonymous.headers.location), /signin/);
  });
});
