// Issue 12, finding 3: one account uploaded 10,254 feeds in one request and the crawler spent half an hour on them.
// Over the real server (built as `earshot serve` builds it, with small quotas): every path where a listener adds
// feeds answers a change over a limit with a 403 or 429 naming the limit, and applies nothing of it; feeds already in
// the catalogue are not new; administrators are exempt. Then, with the crawler on, one listener's thousand new feeds
// do not hold back another listener's one.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { REFRESH_JOB } from '../../src/feed/refresh/crawler.ts';
import { type FeedServer, startFeedServer } from '../support/feed-server.ts';
import { addListener, type Booted, basic, bootRealServer, type Listener, webSession } from './server.ts';
import { webAuth } from './world.ts';

const MAX_FOLLOWS = 30;
const MAX_NEW = 20;

const auth = (l: Listener) => ({ authorization: basic(l.name, l.password) });
const urls = (tag: string, n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => `https://${tag}-${from + i}.example/feed.xml`);

function refused(res: LightMyRequestResponse, status: 403 | 429, setting: string): void {
  assert.equal(res.statusCode, status, res.body.slice(0, 300));
  assert.match(res.body, new RegExp(setting), 'the answer names the limit');
  assert.match(res.body, /Nothing was changed/);
}

describe('per-listener quotas (issue 12)', () => {
  let booted: Booted;
  let alice: Listener;
  let root: Listener;
  before(async () => {
    booted = await bootRealServer({
      env: { EARSHOT_MAX_FOLLOWS: String(MAX_FOLLOWS), EARSHOT_MAX_NEW_FEEDS_PER_DAY: String(MAX_NEW) },
    });
    // The first account is the administrator.
    root = await addListener(booted, 'root', 'root password, long enough', true);
    alice = await addListener(booted, 'alice', 'alice password, long enough');
  });
  after(() => booted.close());

  const post = (l: Listener, add: string[], remove: string[] = []) =>
    booted.server.inject({
      method: 'POST',
      url: `/api/2/subscriptions/${l.name}/phone.json`,
      headers: auth(l),
      payload: { add, remove },
    });
  const list = async (l: Listener): Promise<string[]> => {
    const res = await booted.server.inject({ url: `/subscriptions/${l.name}/phone.json`, headers: auth(l) });
    assert.equal(res.statusCode, 200);
    const body: unknown = JSON.parse(res.body);
    assert.ok(Array.isArray(body));
    return body.map(String).sort();
  };
  const catalogue = () => booted.app.store.feeds.count();
  const jobs = () => booted.app.store.jobs.count(REFRESH_JOB);

  test("the issue's upload (thousands of feeds in one request) is a 403 naming the limit, and nothing is added", async () => {
    const [feedsBefore, jobsBefore] = [await catalogue(), await jobs()];
    const res = await post(alice, urls('flood', 10_000));
    refused(res, 403, 'EARSHOT_MAX_FOLLOWS');
    assert.deepEqual(await list(alice), []);
    assert.equal(await catalogue(), feedsBefore, 'no feed entered the catalogue');
    assert.equal(await jobs(), jobsBefore, 'nothing was queued for the crawler');
  });

  test('more new feeds at once than a day allows: 403 on every sync path, nothing applied', async () => {
    const many = urls('many', MAX_NEW + 1);
    refused(await post(alice, many), 403, 'EARSHOT_MAX_NEW_FEEDS_PER_DAY');
    const put = await booted.server.inject({
      method: 'PUT',
      url: `/subscriptions/${alice.name}/phone.txt`,
      headers: { ...auth(alice), 'content-type': 'text/plain' },
      payload: many.join('\n'),
    });
    refused(put, 403, 'EARSHOT_MAX_NEW_FEEDS_PER_DAY');
    const nc = await booted.server.inject({
      method: 'POST',
      url: '/index.php/apps/gpoddersync/subscription_change/create',
      headers: auth(alice),
      payload: { add: many, remove: [] },
    });
    refused(nc, 403, 'EARSHOT_MAX_NEW_FEEDS_PER_DAY');
    assert.deepEqual(await list(alice), []);
  });

  test("the day's new feeds used up: 429 with Retry-After on sync, web OPML import and feeds from episode actions", async () => {
    const first = urls('day', 15);
    assert.equal((await post(alice, first)).statusCode, 200);
    const feedsAfterFirst = await catalogue();
    // 15 + 6 new > 20: refused whole (not 5 of the 6), so a retrying client sees the same answer.
    const nc = await booted.server.inject({
      method: 'POST',
      url: '/index.php/apps/gpoddersync/subscription_change/create',
      headers: auth(alice),
      payload: { add: urls('day', 6, 15), remove: [] },
    });
    refused(nc, 429, 'EARSHOT_MAX_NEW_FEEDS_PER_DAY');
    const wait = Number(nc.headers['retry-after']);
    assert.ok(wait > 23 * 3600 && wait <= 24 * 3600, `Retry-After: ${nc.headers['retry-after']}`);
    const put = await booted.server.inject({
      method: 'PUT',
      url: `/subscriptions/${alice.name}/phone.json`,
      headers: auth(alice),
      payload: [...first, ...urls('day', 10, 15)],
    });
    refused(put, 429, 'EARSHOT_MAX_NEW_FEEDS_PER_DAY');
    assert.deepEqual(await list(alice), [...first].sort());
    assert.equal(await catalogue(), feedsAfterFirst);

    // Exactly up to the limit is fine.
    assert.equal((await post(alice, urls('day', 5, 15))).statusCode, 200);
    const full = await catalogue();

    const token = await webSession(booted, alice);
    const opml = `<?xml version="1.0"?><opml version="2.0"><body><outline type="rss" text="x" xmlUrl="${urls('web', 1)[0]}"/></body></opml>`;
    const page = await booted.server.inject({
      method: 'POST',
      url: '/account/subscriptions',
      headers: {
        ...webAuth(token),
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: new URLSearchParams({ opml, _csrf: webAuth(token)['x-csrf-token'] }).toString(),
    });
    refused(page, 429, 'EARSHOT_MAX_NEW_FEEDS_PER_DAY');

    // Episode actions for podcasts we do not know are stored (a sync must not fail for them), but bring no feed in.
    const actions = await booted.server.inject({
      method: 'POST',
      url: `/api/2/episodes/${alice.name}.json`,
      headers: auth(alice),
      payload: urls('actions', 3).map((podcast) => ({
        podcast,
        episode: `${podcast}.mp3`,
        action: 'download',
        timestamp: '2026-01-01T00:00:00',
      })),
    });
    assert.equal(actions.statusCode, 200, actions.body);
    assert.equal(await catalogue(), full, 'no feed added past the quota');
  });

  test('feeds already in the catalogue are not new; follows count them, and the web follow too', async () => {
    // Known feeds (an administrator's) cost alice nothing of the day's quota, which she has used up.
    const known = urls('known', 20);
    for (const url of known) await booted.app.addFeed(url);
    const res = await post(alice, known.slice(0, 10));
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((await list(alice)).length, 30, 'alice follows 20 + 10 = MAX_FOLLOWS feeds');

    // At the limit: one more (known) feed is refused on every path, including following a show on the web.
    refused(await post(alice, known.slice(10, 11)), 403, 'EARSHOT_MAX_FOLLOWS');
    const show = (await booted.app.store.shows.list({ limit: 1 })).items[0];
    assert.ok(show !== undefined, 'the demo catalogue has a show');
    const token = await webSession(booted, alice);
    const follow = await booted.server.inject({
      method: 'PUT',
      url: `/api/v1/me/follows/${show.id}`,
      headers: webAuth(token),
    });
    refused(follow, 403, 'EARSHOT_MAX_FOLLOWS');
    assert.equal(await booted.app.store.listeners.library.isFollowing(alice.id, show.feedId), false);

    // Swapping one for another keeps the count, so it is allowed; removing always is.
    const current = await list(alice);
    const swapped = [...current.slice(1), known[10] ?? ''];
    const put = await booted.server.inject({
      method: 'PUT',
      url: `/subscriptions/${alice.name}/phone.json`,
      headers: auth(alice),
      payload: swapped,
    });
    assert.equal(put.statusCode, 200, put.body);
    assert.equal((await post(alice, [], current.slice(1, 3))).statusCode, 200);
    assert.equal((await list(alice)).length, 28);
  });

  test('administrators are exempt', async () => {
    const res = await post(root, urls('admin', MAX_FOLLOWS + MAX_NEW));
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((await list(root)).length, MAX_FOLLOWS + MAX_NEW);
  });
});

describe('fair share in the crawler (issue 12)', () => {
  let booted: Booted;
  let feeds: FeedServer;
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  before(async () => {
    feeds = await startFeedServer();
    booted = await bootRealServer({
      env: {
        EARSHOT_CRAWL: '1',
        EARSHOT_CRAWL_CONCURRENCY: '2',
        EARSHOT_ALLOW_PRIVATE_FEEDS: '1',
        EARSHOT_DEMO: '0',
        EARSHOT_MAX_NEW_FEEDS_PER_DAY: '5000',
        EARSHOT_MAX_FOLLOWS: '5000',
      },
    });
  });
  after(async () => {
    open();
    await booted.close();
    await feeds.close();
  });

  test("one listener's 1,000 new feeds do not delay another listener's one behind them", async () => {
    const rss = (title: string) =>
      `<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title><item><guid>1</guid>` +
      `<title>one</title><enclosure url="https://cdn.example/${title}.mp3" type="audio/mpeg" length="1"/></item>` +
      '</channel></rss>';
    const serve = (title: string) => async (_req: unknown, res: ServerResponse) => {
      await gate; // the crawler's first fetches wait here until both listeners have added their feeds
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss(title));
    };
    const aPaths = Array.from({ length: 1000 }, (_, i) => `/a/${i}.xml`);
    for (const path of aPaths) feeds.route(path, serve(path.slice(1).replace('/', '-')));
    feeds.route('/b.xml', serve('b'));
    await addListener(booted, 'root', 'root password, long enough', true); // the first account is the administrator
    const a = await addListener(booted, 'anna', 'anna password, long enough');
    const b = await addListener(booted, 'bert', 'bert password, long enough');
    const upload = (l: Listener, add: string[]) =>
      booted.server.inject({
        method: 'POST',
        url: `/api/2/subscriptions/${l.name}/phone.json`,
        headers: auth(l),
        payload: { add, remove: [] },
      });
    assert.equal(
      (
        await upload(
          a,
          aPaths.map((p) => feeds.url(p)),
        )
      ).statusCode,
      200,
    );
    assert.equal((await upload(b, [feeds.url('/b.xml')])).statusCode, 200);
    open();
    // Wait until bert's feed has been fetched, or until enough others were fetched to show it was not taken fairly
    // (before the fix it came after all of anna's: fetch number ~1,000).
    const gets = () => feeds.requests.filter((r) => r.method === 'GET').map((r) => r.path);
    while (!gets().includes('/b.xml') && gets().length < 50) await new Promise((r) => setTimeout(r, 20));
    const order = gets();
    const position = order.indexOf('/b.xml') + 1;
    assert.ok(position > 0, `bert's feed was not among the first ${order.length} fetches`);
    assert.ok(position <= 6, `bert's feed was fetch number ${position} (of ${order.length} so far)`);
  });
});
