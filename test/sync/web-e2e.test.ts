// End to end through the whole web server with the gPodder plugin registered: what a listener does on the web
// reaches mygpoclient, and what mygpoclient uploads is where the web player resumes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { NO_MYGPOCLIENT, ReplayClient, runMygpo } from '../support/sync-clients/clients.ts';
import { type SyncTestServer, startSyncServer, TEST_USER } from '../support/sync-clients/server.ts';

const skip = NO_MYGPOCLIENT ?? false;
let server: SyncTestServer;

before(async () => {
  if (skip === false) server = await startSyncServer({ web: true });
});
after(async () => server?.close());

async function signIn(): Promise<{ web: ReplayClient; csrf: string }> {
  const web = new ReplayClient(server.baseUrl, 'Mozilla/5.0 (test)');
  await web.request('GET', '/signin');
  const csrf = web.cookie('earshot_csrf');
  assert.ok(csrf, 'the web sets its CSRF cookie');
  const res = await web.request('POST', '/signin', {
    form: { name: TEST_USER.name, password: TEST_USER.password, _csrf: csrf },
  });
  assert.equal(res.status, 303, res.text.slice(0, 300));
  // Signing in binds a new CSRF token to the new session (issue 12, finding 11).
  const bound = web.cookie('earshot_csrf');
  assert.ok(bound && bound !== csrf, 'signing in replaces the CSRF token');
  return { web, csrf: bound };
}

test('Mark as Played on the web → mygpoclient downloads the matching play action', { skip }, async () => {
  const ep = server.episodes[0];
  assert.ok(ep);
  const { web, csrf } = await signIn();
  const marked = await web.request('PUT', `/api/v1/me/played/${ep.id}`, {
    headers: { 'x-csrf-token': csrf },
  });
  assert.equal(marked.status, 200, marked.text);

  const [download] = await runMygpo(server.baseUrl, TEST_USER.name, TEST_USER.password, [
    { op: 'download_actions', since: 0 },
  ]);
  assert.ok(download !== undefined && download.error === undefined, download?.error);
  const actions = (download.result as { actions: Record<string, unknown>[] }).actions;
  assert.deepEqual(actions, [
    {
      podcast: server.feedUrl,
      episode: ep.enclosureUrl,
      action: 'play',
      device: 'earshot-web',
      timestamp: actions[0]?.timestamp,
      started: ep.durationSeconds,
      position: ep.durationSeconds,
      total: ep.durationSeconds,
    },
  ]);
  assert.match(String(actions[0]?.timestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
});

test('a mygpoclient play at position 754 → the web player resumes at 12:34', { skip }, async () => {
  const ep = server.episodes[1];
  assert.ok(ep);
  const [upload] = await runMygpo(server.baseUrl, TEST_USER.name, TEST_USER.password, [
    {
      op: 'upload_actions',
      actions: [
        {
          podcast: server.feedUrl,
          episode: ep.enclosureUrl,
          action: 'play',
          device: 'desktop',
          timestamp: new Date().toISOString().slice(0, 19),
          started: 0,
          position: 754,
          total: ep.durationSeconds,
        },
      ],
    },
  ]);
  assert.equal(upload?.error, undefined, upload?.error);
  const { web } = await signIn();
  const progress = await web.request('GET', `/api/v1/me/progress/${ep.id}`);
  assert.equal(progress.status, 200, progress.text);
  const body = progress.json() as { positionSeconds: number; played: boolean };
  assert.equal(body.positionSeconds, 754);
  assert.equal(body.played, false);
  const page = await web.request('GET', `/episodes/${ep.id}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /data-start="754"/, 'the player on the episode page starts at 12:34');
});
