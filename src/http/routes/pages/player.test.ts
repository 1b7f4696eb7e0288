// What the player asks of the server and what the episode page gives it: played and un-played by the player's
// verdict, the queue playing on, Play next / Play last, the no-JavaScript audio and the listener's progress.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, openSerialShowApp, type TestApp } from '../../../../test/support/web-app.ts';

describe('the player and the server', () => {
  let t: TestApp;
  let showId: number;
  let episodeIds: number[];
  before(async () => {
    ({ t, showId, episodeIds } = await openSerialShowApp());
  });
  after(() => t.close());

  const progress = async (c: Client, id: number) =>
    (await c.json('GET', `/api/v1/me/progress/${id}`)).json() as { positionSeconds: number; played: boolean };

  test('the player marks an episode played at the end and un-marks it when the listener goes back', async () => {
    const c = new Client(t.app);
    await c.signUp('ada');
    const [id] = episodeIds as [number];
    const save = (body: object) => c.json('POST', '/api/v1/me/progress', { episodeId: id, ...body });
    assert.equal((await save({ positionSeconds: 3890, ended: true })).statusCode, 200);
    const ended = await progress(c, id);
    assert.equal(ended.played, true);
    assert.equal(ended.positionSeconds, 3890);
    // A plain save keeps the mark (a pause at the end is still the end).
    await save({ positionSeconds: 3895 });
    assert.equal((await progress(c, id)).played, true);
    await save({ positionSeconds: 600, ended: false });
    const back = await progress(c, id);
    assert.equal(back.played, false);
    assert.equal(back.positionSeconds, 600, 'and the position is where the listener went back to');
    assert.match((await c.get(`/episodes/${id}`)).body, /Mark as Played/);
  });

  test('the queue plays on: advance takes the finished episode out and answers the next as a track', async () => {
    const c = new Client(t.app);
    await c.signUp('bea');
    const [e1, e2, e3] = episodeIds as [number, number, number];
    assert.equal((await c.post(`/episodes/${e2}/enqueue`)).statusCode, 303);
    assert.equal((await c.post(`/episodes/${e3}/play-next`)).statusCode, 303);
    await c.json('POST', '/api/v1/me/progress', { episodeId: e2, positionSeconds: 120 });
    const order = async () =>
      (await c.json('GET', '/api/v1/me/queue')).json().items.map((e: { id: number }) => e.id);
    assert.deepEqual(await order(), [e3, e2], 'Play next goes first, Play last at the end');

    let r = await c.json('POST', '/api/v1/me/queue/advance', { from: e1 });
    assert.equal(r.statusCode, 200);
    assert.equal(r.json().next.episodeId, String(e3), 'playing something not queued: the head of the queue');
    r = await c.json('POST', '/api/v1/me/queue/advance', { from: e3 });
    const next = r.json().next;
    assert.equal(next.episodeId, String(e2));
    assert.equal(next.audioUrl, 'https://lighthouse.example/2.mp3');
    assert.equal(next.startSeconds, 120, 'resumes where the listener stopped');
    assert.equal(next.showTitle, 'The Lighthouse Serial <Test>');
    assert.deepEqual(await order(), [e2]);
    r = await c.json('POST', '/api/v1/me/queue/advance', { from: e2 });
    assert.deepEqual(r.json(), {});
    assert.deepEqual(await order(), []);
    assert.equal(
      (await c.json('POST', '/api/v1/me/queue/advance', { from: e2 }, { csrf: false })).statusCode,
      403,
    );
    assert.equal((await new Client(t.app).json('POST', '/api/v1/me/queue/advance', {})).statusCode, 401);
  });

  test('the episode page: the browser’s own player and a download link for everyone, progress and Resume for the listener', async () => {
    const [id] = episodeIds as [number];
    const anonymous = (await new Client(t.app).get(`/episodes/${id}`)).body;
    assert.match(
      anonymous,
      /<audio class="native-audio" controls preload="none" src="https:\/\/lighthouse.example\/1.mp3"/,
    );
    assert.match(
      anonymous,
      /<a class="download" href="https:\/\/lighthouse.example\/1.mp3"[^>]*>Download audio<\/a>/,
    );
    assert.equal(anonymous.match(/Download audio/g)?.length, 1, 'one download link');
    assert.doesNotMatch(anonymous, /Play next/, 'the queue is a listener’s');

    const c = new Client(t.app);
    await c.signUp('cyd');
    await c.json('POST', '/api/v1/me/progress', { episodeId: id, positionSeconds: 3180 });
    const page = (await c.get(`/episodes/${id}`)).body;
    // 1:05:00 long, at 53:00: 12 minutes left.
    assert.match(page, /<span class="play-label">Resume · 12 min left<\/span>/);
    assert.match(page, /Listened to 53:00 of 1:05:00 · 12 min left/);
    assert.match(page, /<progress max="3900" value="3180"/);
    assert.match(page, />Play next<\/button>/);
    assert.match(page, />Play last<\/button>/);
    const home = (await c.get('/')).body;
    assert.match(home, /Continue Listening/);
    assert.match(home, /Resume · 12 min left/);
  });

  test('every episode row offers Play next and Play last to a listener, and comes back to its page', async () => {
    const anonymous = await new Client(t.app).get(`/shows/${showId}`);
    assert.doesNotMatch(anonymous.body, /Play last/, 'no queue menu for visitors');
    const c = new Client(t.app);
    await c.signUp('row');
    const page = (await c.get(`/shows/${showId}?sort=oldest`)).body;
    const menus = page.match(/class="row-menu"/g) ?? [];
    assert.equal(menus.length, episodeIds.length, 'one menu per row');
    assert.match(page, new RegExp(`name="back" value="/shows/${showId}\\?sort=oldest"`));
    const [e1, e2, e3] = episodeIds as [number, number, number];
    // Without JavaScript: 303 back to the list it came from.
    const r = await c.post(`/episodes/${e1}/enqueue`, { back: `/shows/${showId}?sort=oldest` });
    assert.equal(r.statusCode, 303);
    assert.equal(r.headers.location, `/shows/${showId}?sort=oldest`);
    // With htmx: the row's status says what happened, no navigation.
    const hx = await c.post(
      `/episodes/${e2}/play-next`,
      { back: '/new' },
      { headers: { 'hx-request': 'true' } },
    );
    assert.equal(hx.statusCode, 200);
    assert.equal(hx.body, 'Plays next.');
    // Another site is never where a form comes back to.
    for (const back of ['//evil.example/x', '/\\evil.example', 'https://evil.example/']) {
      const off = await c.post(`/episodes/${e3}/enqueue`, { back });
      assert.equal(off.headers.location, `/episodes/${e3}`, back);
    }
    const order = (await c.json('GET', '/api/v1/me/queue')).json().items.map((e: { id: number }) => e.id);
    assert.deepEqual(order, [e2, e1, e3]);
  });
});
