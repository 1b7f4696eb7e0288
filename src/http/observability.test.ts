// Logs and metrics of a real `serve` (createApp + startServing) on loopback: one JSON line per request and per crawler
// refresh, captured from the stream the test passes in, with the fields an operator greps for and none of the secrets
// a request or a feed URL carries; /metrics for admins and bearer-token holders only, or on a port of its own.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { type FeedServer, feedRoute, startFeedServer } from '../../test/support/feed-server.ts';
import { Client } from '../../test/support/web-app.ts';
import { type Config, loadConfig } from '../config/config.ts';
import { type App, createApp, type Running, startServing } from '../main.ts';
import { createAccount } from '../services/passwords.ts';

const TOKEN = 'metrics-token-0123456789abcdef0123456789';
const FEED = `<?xml version="1.0"?><rss version="2.0"><channel><title>Logged</title><link>https://l.example/</link>
<description>d</description><item><title>One</title><guid>1</guid><enclosure url="https://cdn.example/1.mp3" type="audio/mpeg"/></item>
</channel></rss>`;

/** Polls until `get` gives a value (the crawler works in the background), for at most 10 s. */
async function until<T>(get: () => Promise<T | undefined>): Promise<T | undefined> {
  for (let i = 0; i < 500; i++) {
    const value = await get();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
  return undefined;
}

interface Served {
  app: App;
  running: Running;
  lines: () => Record<string, unknown>[];
  raw: () => string;
  close(): Promise<void>;
}

describe('logs and metrics', () => {
  let feeds: FeedServer;
  let dir: string;

  before(async () => {
    feeds = await startFeedServer();
    feeds.route('/logged.xml', feedRoute(FEED));
    dir = await mkdtemp(join(tmpdir(), 'earshot-obs-'));
  });
  after(async () => {
    await feeds.close();
    await rm(dir, { recursive: true, force: true });
  });

  let n = 0;
  async function serve(
    env: Record<string, string>,
    adjust: (c: Config) => Config = (c) => c,
  ): Promise<Served> {
    n++;
    const config = loadConfig({
      env: {
        EARSHOT_DATA: join(dir, `data-${n}`),
        EARSHOT_ALLOW_PRIVATE_FEEDS: '1',
        EARSHOT_DEMO: '0',
        EARSHOT_HOST: '127.0.0.1',
        ...env,
      },
      cwd: dir,
    });
    const app = await createApp(adjust({ ...config, port: 0 }));
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (c: Buffer) => {
      text += c.toString();
    });
    const running = await startServing(app, { logStream: stream });
    return {
      app,
      running,
      raw: () => text,
      lines: () =>
        text
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      close: () => running.shutdown(),
    };
  }

  test('one JSON line per request and per refresh, with ids, route, status and duration, and no secrets', async () => {
    const s = await serve({ EARSHOT_LOG_LEVEL: 'info' });
    try {
      const feedUrl = `${feeds.origin.replace('http://', 'http://user:feedpass@')}/logged.xml?key=feedsecret`;
      const { feedId } = await s.app.addFeed(feedUrl);
      await s.running.crawler?.tick();
      const show = await until(() => s.app.store.shows.getByFeed(feedId));
      assert.ok(show, 'the crawler fetched the feed');

      const client = new Client(s.running.server);
      await client.get(`/shows/${show.id}?token=querysecret`, { authorization: 'Bearer headersecret' });
      await client.post('/signin', { name: 'nobody', password: 'passwordsecret' });

      const lines = s.lines();
      const page = lines.find((l) => l.msg === 'request' && l.route === '/shows/:id');
      assert.ok(page, s.raw());
      assert.equal(page.method, 'GET');
      assert.equal(page.status, 200);
      assert.equal(typeof page.ms, 'number');
      assert.match(String(page.reqId), /\S/);
      const signin = lines.find((l) => l.msg === 'request' && l.route === '/signin' && l.method === 'POST');
      assert.ok(signin, 'the sign-in POST has its line');
      assert.notEqual(signin.reqId, page.reqId);

      const refresh = lines.find((l) => l.msg === 'refresh');
      assert.ok(refresh, s.raw());
      assert.equal(refresh.component, 'crawler');
      assert.equal(refresh.feedId, feedId);
      assert.equal(refresh.host, new URL(feeds.origin).host);
      assert.equal(refresh.outcome, 'updated');
      assert.equal(refresh.status, 200);
      assert.equal(typeof refresh.ms, 'number');

      for (const secret of [
        'querysecret',
        'headersecret',
        'passwordsecret',
        'feedpass',
        'feedsecret',
        'earshot_csrf',
      ])
        assert.doesNotMatch(s.raw(), new RegExp(secret), `${secret} must not be logged`);
    } finally {
      await s.close();
    }
    const quiet = await serve({ EARSHOT_LOG_LEVEL: 'silent', EARSHOT_CRAWL: '0' });
    try {
      await new Client(quiet.running.server).get('/');
      assert.equal(quiet.raw(), '', 'silent logs nothing');
    } finally {
      await quiet.close();
    }
  });

  test('/metrics answers admins and the bearer token only, with requests, fetches, sync actions and gauges', async () => {
    const s = await serve({
      EARSHOT_METRICS: 'on',
      EARSHOT_METRICS_TOKEN: TOKEN,
      EARSHOT_LOG_LEVEL: 'silent',
    });
    try {
      const { feedId } = await s.app.addFeed(`${feeds.origin}/logged.xml`);
      await s.running.crawler?.tick();
      await until(() => s.app.store.shows.getByFeed(feedId));
      await s.app.store.feeds.add('https://later.example/feed.xml', new Date());
      const inject = (headers: Record<string, string> = {}) =>
        s.running.server.inject({ method: 'GET', url: '/metrics', headers });

      assert.equal((await inject()).statusCode, 401);
      assert.equal((await inject({ authorization: 'Bearer wrong-token' })).statusCode, 401);
      const listener = new Client(s.running.server);
      const admin = new Client(s.running.server);
      await admin.signUp('root');
      await createAccount(
        s.app.store.listeners.users,
        { name: 'ann', password: 'ann password 1' },
        new Date(),
      );
      assert.equal(
        (await listener.post('/signin', { name: 'ann', password: 'ann password 1' })).statusCode,
        303,
      );
      assert.equal((await listener.get('/metrics')).statusCode, 401, 'a listener is not an admin');
      assert.equal((await admin.get('/metrics')).statusCode, 200);

      const basic = `Basic ${Buffer.from('ann:ann password 1').toString('base64')}`;
      const upload = await s.running.server.inject({
        method: 'POST',
        url: '/api/2/episodes/ann.json',
        headers: { authorization: basic, 'content-type': 'application/json' },
        payload: JSON.stringify([
          { podcast: `${feeds.origin}/logged.xml`, episode: 'https://cdn.example/1.mp3', action: 'download' },
          {
            podcast: `${feeds.origin}/logged.xml`,
            episode: 'https://cdn.example/1.mp3',
            action: 'play',
            position: 10,
            started: 0,
            total: 60,
          },
        ]),
      });
      assert.equal(upload.statusCode, 200, upload.body);

      const scraped = await inject({ authorization: `Bearer ${TOKEN}` });
      assert.equal(scraped.statusCode, 200);
      assert.match(String(scraped.headers['content-type']), /^text\/plain/);
      const body = scraped.body;
      assert.match(
        body,
        /earshot_http_request_duration_seconds_count\{route="\/metrics",method="GET",status="2xx"\} \d+/,
      );
      assert.match(
        body,
        /earshot_http_request_duration_seconds_count\{route="\/signin",method="POST",status="3xx"\} \d+/,
      );
      assert.match(body, /earshot_crawler_fetches_total\{outcome="updated",code=""\} 1/);
      assert.match(body, /earshot_sync_actions_total\{kind="download"\} 1/);
      assert.match(body, /earshot_sync_actions_total\{kind="play"\} 1/);
      assert.match(body, /earshot_feeds_due 1\n/, 'the feed added later is due, the fetched one is not');
      assert.match(body, /earshot_jobs_queued \d+/);
      assert.doesNotMatch(body, /earshot_db_pool_connections/, 'SQLite has no pool');
      assert.ok(feedId > 0);
    } finally {
      await s.close();
    }
  });

  test('metrics off: no /metrics; on a port of their own: only there, on loopback', async () => {
    const off = await serve({ EARSHOT_CRAWL: '0', EARSHOT_LOG_LEVEL: 'silent' });
    try {
      assert.equal((await off.running.server.inject({ method: 'GET', url: '/metrics' })).statusCode, 404);
    } finally {
      await off.close();
    }
    const own = await serve({ EARSHOT_CRAWL: '0', EARSHOT_LOG_LEVEL: 'silent' }, (c) => ({
      ...c,
      metrics: { enabled: true, listen: { host: '127.0.0.1', port: 0 } },
    }));
    try {
      assert.equal((await own.running.server.inject({ method: 'GET', url: '/metrics' })).statusCode, 404);
      const url = own.running.metricsUrl ?? assert.fail('a metrics URL');
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const res = await fetch(url);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /earshot_feeds_due 0/);
    } finally {
      await own.close();
    }
  });
});
