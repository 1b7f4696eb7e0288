// A client that retries an episode-action upload (its first attempt timed out but was committed) must not leave two
// copies of its actions: both the gPodder API v2 and the Nextcloud gpoddersync upload are idempotent.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { basicAuthHeader } from '../../src/sync/basic-auth.ts';
import { type SyncTestServer, startSyncServer, TEST_USER } from '../support/sync-clients/server.ts';

let server: SyncTestServer;
const auth = basicAuthHeader(TEST_USER.name, TEST_USER.password);

before(async () => {
  server = await startSyncServer();
});
after(async () => server.close());

async function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function actions(since = 0): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${server.baseUrl}/api/2/episodes/alice.json?since=${since}`, {
    headers: { authorization: auth },
  });
  return ((await res.json()) as { actions: Record<string, unknown>[] }).actions;
}

test('the same gPodder upload POSTed twice is stored once, and both answers have the shape clients expect', async () => {
  const ep = server.episodes[0];
  assert.ok(ep);
  const batch = [
    {
      podcast: server.feedUrl,
      episode: ep.enclosureUrl,
      action: 'play',
      started: 0,
      position: 120,
      total: 1800,
      timestamp: '2026-11-27T09:00:00',
      device: 'retry-phone',
    },
    {
      podcast: server.feedUrl,
      episode: ep.enclosureUrl,
      action: 'download',
      timestamp: '2026-11-27T08:59:00',
    },
  ];
  const first = await post('/api/2/episodes/alice.json', batch);
  const retry = await post('/api/2/episodes/alice.json', batch);
  for (const answer of [first, retry]) {
    assert.equal(answer.status, 200);
    assert.equal(typeof answer.json.timestamp, 'number');
    assert.deepEqual(answer.json.update_urls, []);
  }
  const mine = (await actions()).filter((a) => a.episode === ep.enclosureUrl);
  assert.deepEqual(
    mine.map((a) => [a.action, a.position ?? null, a.device ?? null]),
    [
      ['play', 120, 'retry-phone'],
      ['download', null, null],
    ],
  );
});

test('the same Nextcloud episode_action/create POSTed twice is stored once', async () => {
  const ep = server.episodes[1];
  assert.ok(ep);
  const batch = [
    {
      podcast: server.feedUrl,
      episode: ep.enclosureUrl,
      guid: ep.guid,
      action: 'PLAY',
      timestamp: '2026-11-27T10:00:00',
      started: 0,
      position: 300,
      total: 1800,
    },
  ];
  for (let i = 0; i < 2; i++) {
    const answer = await post('/index.php/apps/gpoddersync/episode_action/create', batch);
    assert.equal(answer.status, 200);
    assert.equal(typeof answer.json.timestamp, 'number');
  }
  const mine = (await actions()).filter((a) => a.episode === ep.enclosureUrl);
  assert.deepEqual(
    mine.map((a) => [a.action, a.position]),
    [['play', 300]],
  );
});
