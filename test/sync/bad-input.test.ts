// Defined answers to bad input and to clients that differ from the happy path (src/sync/README.md).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { basicAuthHeader } from '../../src/sync/basic-auth.ts';
import { type SyncTestServer, startSyncServer, TEST_USER } from '../support/sync-clients/server.ts';

let server: SyncTestServer;
const alice = basicAuthHeader(TEST_USER.name, TEST_USER.password);
const bob = basicAuthHeader('bob', 'bob password');

before(async () => {
  // Guessing slows a name under attack down (up to 2 s a check by default); capped at 10 ms here, as an operator can
  // with EARSHOT_SIGN_IN_MAX_DELAY_MS: the guessing test checks the 429 and the owner getting through, not the wait.
  server = await startSyncServer({ signInMaxDelayMs: 10 });
});
after(async () => server.close());

async function call(
  method: string,
  path: string,
  init: { auth?: string; body?: string | Uint8Array; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.auth !== undefined) headers.authorization = init.auth;
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers,
    ...(init.body === undefined
      ? {}
      : { body: typeof init.body === 'string' ? init.body : new Uint8Array(init.body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: () => JSON.parse(text) as Record<string, unknown>,
  };
}

test('no credentials: 401 with the Basic challenge urllib needs; wrong ones too', async () => {
  for (const auth of [undefined, basicAuthHeader('alice', 'nope')]) {
    const res = await call('GET', '/api/2/devices/alice.json', auth === undefined ? {} : { auth });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Basic realm="gpodder"');
  }
});

test("a URL naming another listener is a 400, and listeners never see each other's data", async () => {
  await call('POST', '/api/2/episodes/alice.json', {
    auth: alice,
    body: JSON.stringify([
      { podcast: 'http://a.example/', episode: 'http://a.example/1.mp3', action: 'play', position: 5 },
    ]),
  });
  const res = await call('GET', '/api/2/episodes/alice.json?since=0', { auth: bob });
  assert.equal(res.status, 400);
  assert.match(res.text, /alice/);
  const own = await call('GET', '/api/2/episodes/bob.json?since=0', { auth: bob });
  assert.deepEqual(own.json().actions, []);
  assert.equal(
    (await call('GET', '/api/2/episodes/ALICE.json?since=0', { auth: alice })).status,
    200,
    'user names compare case-insensitively',
  );
});

test('bodies are JSON whatever the Content-Type, gzip included; malformed JSON is a 400 that says so', async () => {
  const body = JSON.stringify({ add: ['http://form.example/feed'], remove: [] });
  const form = await call('POST', '/api/2/subscriptions/alice/desk.json', {
    auth: alice,
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(form.status, 200);
  const gz = await call('POST', '/api/2/subscriptions/alice/desk.json', {
    auth: alice,
    body: gzipSync(JSON.stringify({ add: ['http://gzip.example/feed'] })),
    headers: { 'content-encoding': 'gzip', 'content-type': 'text/plain' },
  });
  assert.equal(gz.status, 200);
  const subs = await call('GET', '/subscriptions/alice/desk.txt', { auth: alice });
  assert.match(subs.text, /http:\/\/form\.example\/feed\n/);
  assert.match(subs.text, /http:\/\/gzip\.example\/feed\n/);
  const broken = await call('POST', '/api/2/episodes/alice.json', { auth: alice, body: '[{"podcast":' });
  assert.equal(broken.status, 400);
  assert.match(broken.json().message as string, /not valid JSON/);
});

test('a batch with bad items: the good ones are stored, the bad ones reported by index; the download stays strict', async () => {
  const res = await call('POST', '/api/2/episodes/alice.json', {
    auth: alice,
    body: JSON.stringify([
      {
        podcast: 'http://batch.example/',
        episode: 'http://batch.example/1.mp3',
        action: 'Play',
        position: 10,
        timestamp: '2026-11-27T05:00:00.123+00:00',
      },
      { podcast: 'http://batch.example/', episode: 'http://batch.example/2.mp3', action: 'skip' },
      {
        podcast: 'http://batch.example/',
        episode: 'http://batch.example/3.mp3',
        action: 'delete',
        timestamp: 'soon',
      },
      {
        podcast: 'http://batch.example/',
        episode: 'http://batch.example/4.mp3',
        action: 'new',
        position: 99,
      },
    ]),
  });
  assert.equal(res.status, 200);
  const rejected = res.json().rejected as { index: number; message: string }[];
  assert.deepEqual(
    rejected.map((r) => r.index),
    [1, 2],
  );
  assert.match(rejected[0]?.message ?? '', /actions\[1\]\.action/);
  const down = await call('GET', '/api/2/episodes/alice.json?since=0&podcast=http://batch.example/', {
    auth: alice,
  });
  assert.deepEqual(down.json().actions, [
    {
      podcast: 'http://batch.example/',
      episode: 'http://batch.example/1.mp3',
      action: 'play',
      timestamp: '2026-11-27T05:00:00',
      position: 10,
    },
    {
      podcast: 'http://batch.example/',
      episode: 'http://batch.example/4.mp3',
      action: 'new',
      timestamp: (down.json().actions as { timestamp: string }[])[1]?.timestamp,
    },
  ]);
  assert.equal(
    (await call('POST', '/api/2/episodes/alice.json', { auth: alice, body: '{"actions":[]}' })).status,
    400,
  );
});

test('since: required and non-negative for API v2; a URL in both add and remove is a 400', async () => {
  assert.equal((await call('GET', '/api/2/subscriptions/alice/desk.json', { auth: alice })).status, 400);
  assert.equal(
    (await call('GET', '/api/2/subscriptions/alice/desk.json?since=-1', { auth: alice })).status,
    400,
  );
  const both = await call('POST', '/api/2/subscriptions/alice/desk.json', {
    auth: alice,
    body: JSON.stringify({ add: ['http://x.example/'], remove: ['http://x.example/'] }),
  });
  assert.equal(both.status, 400);
});

test('unknown devices are created on first use; malformed device ids and formats get 400/404, never 500', async () => {
  const res = await call('GET', '/api/2/subscriptions/alice/brand-new.json?since=0', { auth: alice });
  assert.equal(res.status, 200);
  assert.ok(
    (
      (await call('GET', '/api/2/devices/alice.json', { auth: alice })).json() as unknown as { id: string }[]
    ).some((d) => d.id === 'brand-new'),
  );
  assert.equal(
    (await call('GET', '/api/2/subscriptions/alice/bad%20device.json?since=0', { auth: alice })).status,
    400,
  );
  assert.equal((await call('GET', '/api/2/devices/alice.xml', { auth: alice })).status, 404);
  assert.equal(
    (await call('POST', '/api/2/devices/alice/desk.json', { auth: alice, body: '{"type":"toaster"}' }))
      .status,
    400,
  );
});

test('an oversized body is a 413', async () => {
  const huge = `[${'"x",'.repeat(2_500_000)}"x"]`;
  const res = await call('POST', '/api/2/episodes/alice.json', { auth: alice, body: huge });
  assert.equal(res.status, 413);
});

test('a since window on receive time: an old-timestamped action uploaded late still reaches the other devices', async () => {
  const first = await call('GET', '/api/2/episodes/alice.json?since=0', { auth: alice });
  const since = first.json().timestamp as number;
  await call('POST', '/api/2/episodes/alice.json', {
    auth: alice,
    body: JSON.stringify([
      {
        podcast: 'http://late.example/',
        episode: 'http://late.example/1.mp3',
        action: 'play',
        position: 42,
        timestamp: '2020-01-01T00:00:00',
      },
    ]),
  });
  const next = await call('GET', `/api/2/episodes/alice.json?since=${since}`, { auth: alice });
  const actions = next.json().actions as { podcast: string; timestamp: string }[];
  assert.ok(
    actions.some((a) => a.podcast === 'http://late.example/' && a.timestamp === '2020-01-01T00:00:00'),
  );
});

test('the Simple API: PUT replaces the whole list (empty 200), OPML and the all-devices export', async () => {
  const put = await call('PUT', '/subscriptions/alice/simple.json', {
    auth: alice,
    body: JSON.stringify([server.feedUrl, 'http://simple.example/rss']),
  });
  assert.equal(put.status, 200);
  assert.equal(put.text, '');
  const json = (await call('GET', '/subscriptions/alice/simple.json', { auth: alice })).text;
  assert.deepEqual(JSON.parse(json), [server.feedUrl, 'http://simple.example/rss']);
  const opml = await call('GET', '/subscriptions/alice.opml', { auth: alice });
  assert.equal(opml.status, 200);
  assert.match(opml.text, /<opml version="2.0">/);
  assert.match(opml.text, /text="Stuff You Missed"/);
  assert.match(opml.text, /xmlUrl="http:\/\/simple\.example\/rss"/);
  const jsonp = await call('GET', '/subscriptions/alice/simple.jsonp?jsonp=cb', { auth: alice });
  assert.match(jsonp.text, /^cb\(\[/);
  const toplist = await call('GET', '/toplist/10.json');
  assert.equal((toplist.json() as unknown as { url: string; title: string }[])[0]?.title, 'Stuff You Missed');
  const search = await call('GET', '/search.json?q=missed');
  assert.equal((search.json() as unknown as { url: string }[])[0]?.url, server.feedUrl);
});

test('a client sending Basic on every call without keeping cookies gets one session, not one per request', async () => {
  const first = await call('GET', '/api/2/devices/alice.json', {
    auth: alice,
    headers: { 'user-agent': 'NoCookies/1' },
  });
  const second = await call('GET', '/api/2/devices/alice.json', {
    auth: alice,
    headers: { 'user-agent': 'NoCookies/1' },
  });
  const cookieOf = (h: Headers) => (h.get('set-cookie') ?? '').split(';')[0];
  assert.match(cookieOf(first.headers) ?? '', /^sessionid=.+/);
  assert.equal(cookieOf(second.headers), cookieOf(first.headers));
});

test('a malformed session cookie is no cookie (401 challenge), never a 500', async () => {
  const res = await call('GET', '/api/2/devices/alice.json', { headers: { cookie: 'sessionid=%ZZ' } });
  assert.equal(res.status, 401);
  assert.equal(
    (
      await call('GET', '/api/2/devices/alice.json', {
        auth: alice,
        headers: { cookie: 'sessionid=%E0%A4%A' },
      })
    ).status,
    200,
  );
});

test('a whole-list PUT of more than 10,000 entries is a 400 naming the limit', async () => {
  const res = await call('PUT', '/subscriptions/alice/big.json', {
    auth: alice,
    body: JSON.stringify(Array.from({ length: 10_001 }, (_, i) => `http://f${i}.example/`)),
  });
  assert.equal(res.status, 400);
  assert.match(res.json().message as string, /at most 10000/);
});

test('password guessing over Basic: after 20 failures the guesses get 429 with Retry-After, the owner still passes', async () => {
  const guess = basicAuthHeader('bob', 'guess');
  let last = 0;
  for (let i = 0; i < 21; i++) last = (await call('GET', '/api/2/devices/bob.json', { auth: guess })).status;
  assert.equal(last, 429);
  const blocked = await call('GET', '/api/2/devices/bob.json', { auth: guess });
  assert.equal(blocked.status, 429);
  assert.match(blocked.headers.get('retry-after') ?? '', /^\d+$/);
  // Issue 12, finding 7: the limit must not lock out the owner's correct password (verified before, so no hashing).
  assert.equal((await call('GET', '/api/2/devices/bob.json', { auth: bob })).status, 200);
});
