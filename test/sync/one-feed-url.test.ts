// One feed followed from a phone (gPodder API, Nextcloud) and from the web (OPML import) is one feed row, however
// each of them spells its URL: every way in uses the one feed-URL rule (src/domain/feed-url.ts).
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

async function post(path: string, body: unknown) {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, path);
  return (await res.json()) as { update_urls?: [string, string][] };
}

test('the same feed from a phone, a second phone and the web is one feed, and clients are told its spelling', async () => {
  const before = await server.store.feeds.count();
  const answer = await post('/api/2/subscriptions/alice/phone.json', {
    add: ['HTTP://Shows.Example:80/feed?', 'https://user:tok@Premium.Example/feed?', 'other.example/feed'],
  });
  // Credentials stay (the premium feed cannot be fetched without them); a URL without a scheme is http.
  assert.deepEqual(answer.update_urls, [
    ['HTTP://Shows.Example:80/feed?', 'http://shows.example/feed'],
    ['https://user:tok@Premium.Example/feed?', 'https://user:tok@premium.example/feed'],
    ['other.example/feed', 'http://other.example/feed'],
  ]);
  await post('/index.php/apps/gpoddersync/subscription_change/create', {
    add: ['shows.example/feed'],
    remove: [],
  });
  const alice = await server.listeners.users.findByName(TEST_USER.name);
  assert.ok(alice);
  await server.sync.importOpml(
    alice.id,
    '<opml version="2.0"><body><outline text="Shows" type="rss" xmlUrl="HTTP://Shows.Example/feed?#latest"/></body></opml>',
  );
  assert.equal(await server.store.feeds.count(), before + 3, 'one new feed row per feed');
  const urls = (await server.repo.subscriptions(alice.id)).map((s) => s.url);
  assert.deepEqual(urls.filter((u) => !u.includes('podcasts.example')).sort(), [
    'http://other.example/feed',
    'http://shows.example/feed',
    'https://user:tok@premium.example/feed',
  ]);
});
