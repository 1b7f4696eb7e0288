// The people graph in the pages (issue 16): a person's roles by show, guest appearances across shows (from
// podcast:person and from show notes), co-hosts and collaborators with counts, a name joined by a shared link; private
// shows never leak; an admin merges, splits and undoes, and a re-crawl keeps the admin's decision; the demo's people.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, ingest, openTestApp, type TestApp } from '../../../../test/support/web-app.ts';
import { loadDemoIfEmpty } from '../../../demo/load.ts';

const T1 = new Date('2024-03-01T00:00:00Z');
const T2 = new Date('2024-04-01T00:00:00Z');

function feed(title: string, channel: string, items: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0">
<channel><title>${title}</title><link>https://show.example/</link><description>d</description>${channel}${items}</channel></rss>`;
}

function item(guid: string, title: string, day: number, extra: string): string {
  return `<item><title>${title}</title><guid>${guid}</guid><pubDate>Mon, ${String(day).padStart(2, '0')} Jan 2024 10:00:00 GMT</pubDate>
<enclosure url="https://cdn.example/${guid}.mp3" length="1" type="audio/mpeg"/>${extra}</item>`;
}

const ALPHA = 'https://alpha.example/feed.xml';
const alpha = (a2Extra = '') =>
  feed(
    'Alpha Hour',
    `<itunes:author>Ann Lee and Bo Diaz</itunes:author>
<podcast:person role="host" href="https://ann.example/">Ann Lee</podcast:person>`,
    `${item('a1', 'Alpha one', 1, '<description>My guest today is historian Cy Ng. Hosted by Libsyn.</description>')}
${item('a2', 'Alpha two', 2, `<description><![CDATA[<p>With special guests Cy Ng and Di Roe!${a2Extra}</p>]]></description>`)}
${item('a3', 'Alpha three', 3, '<description>with guest appearances from our listeners</description>')}`,
  );
const BETA = 'https://beta.example/feed.xml';
const beta = feed(
  'Beta Talk',
  '<itunes:author>Beta Media Network</itunes:author>',
  `${item('b1', 'Beta one', 4, '<podcast:person role="guest">Cy Ng</podcast:person>')}
${item('b2', 'Beta two', 5, '<podcast:person href="https://ann.example/">Annie Lee</podcast:person>')}`,
);
const SECRET = 'https://secret.example/feed.xml?token=hush';
const secret = feed(
  'Secret Show',
  '',
  item('s1', 'Secret one', 6, '<description>With special guest Cy Ng and Ed Fox!</description>'),
);

/** The part of a person page that is the person (the layout around it carries per-response tokens). */
function article(body: string): string {
  return /<article class="person">[\s\S]*<\/article>/.exec(body)?.[0] ?? '';
}

describe('person pages', () => {
  let t: TestApp;
  let ids: { ann: number; annie: number; cy: number; di: number; ed: number };
  const anon = () => new Client(t.app);

  before(async () => {
    // No micro-cache: the test reads pages right after the changes it makes.
    t = await openTestApp({}, { pageCacheMs: 0 });
    await ingest(t.store, ALPHA, alpha(), T1);
    await ingest(t.store, BETA, beta, T1);
    const secretShow = await t.store.shows.get(await ingest(t.store, SECRET, secret, T1));
    assert.ok(secretShow);
    await t.store.feeds.setVisibility(secretShow.feedId, 'private');
    const id = async (name: string) => {
      const p = await t.store.people.findByName(name);
      assert.ok(p, `${name} is credited`);
      return p.id;
    };
    ids = {
      ann: await id('Ann Lee'),
      annie: await id('Annie Lee'),
      cy: await id('Cy Ng'),
      di: await id('Di Roe'),
      ed: await id('Ed Fox'),
    };
  });
  after(() => t.close());

  test('a guest: appearances across shows from tags and show notes, collaborators with counts', async () => {
    const res = await anon().get(`/people/${ids.cy}`);
    assert.equal(res.statusCode, 200);
    const page = article(res.body);
    assert.match(page, /<h1>Cy Ng<\/h1>/);
    assert.match(page, /Guest appearances <span class="count">3 episodes in 2 shows<\/span>/);
    for (const title of ['Alpha one', 'Alpha two', 'Beta one']) assert.match(page, new RegExp(title));
    assert.match(page, /Co-hosts and frequent collaborators/);
    assert.match(
      page,
      new RegExp(`<a href="/people/${ids.ann}">Ann Lee</a> <span class="count">2 episodes together`),
    );
    assert.match(
      page,
      new RegExp(`<a href="/people/${ids.di}">Di Roe</a> <span class="count">1 episode together`),
    );
    assert.doesNotMatch(res.body, /Secret|Ed Fox|hush/, 'a private show never shows to others');
  });

  test('nobody is made of "hosted by Libsyn", a network byline or "guest appearances from our listeners"', async () => {
    for (const name of ['Libsyn', 'Beta Media Network', 'Beta Media', 'Our Listeners', 'Appearances'])
      assert.equal(await t.store.people.findByName(name), undefined, name);
  });

  test('a host: roles by show, the byline too; a name with their link is them, under their own name', async () => {
    const res = await anon().get(`/people/${ids.ann}`);
    const page = article(res.body);
    assert.match(page, /Also credited as Annie Lee/);
    assert.match(page, /<span class="card-title">Alpha Hour<\/span><\/a>\s*<p class="role">host<\/p>/);
    assert.match(page, /<h2 id="pe-h">Episodes<\/h2>[\s\S]*Beta two/);
    assert.match(page, /href="https:\/\/ann\.example\/"/);
    const bo = await t.store.people.findByName('Bo Diaz');
    assert.ok(bo, 'the itunes:author byline credits Bo Diaz');
    assert.match(
      page,
      new RegExp(
        `<a href="/people/${bo.id}">Bo Diaz</a> <span class="count">3 episodes together, 1 show together`,
      ),
    );
    const alias = await anon().get(`/people/${ids.annie}`);
    assert.equal(alias.statusCode, 302);
    assert.equal(alias.headers.location, `/people/${ids.ann}`);
  });

  test('someone credited only in a private show is a 404 to others, shown to its admin', async () => {
    assert.equal((await anon().get(`/people/${ids.ed}`)).statusCode, 404);
    assert.equal((await anon().json('GET', `/api/v1/people/${ids.ed}`)).statusCode, 404);
  });

  test('a person first named by a private show goes by a public name to others', async () => {
    const hidden = await t.store.shows.get(
      await ingest(
        t.store,
        'https://hidden.example/feed.xml?token=x',
        feed(
          'Hidden Hour',
          '<podcast:person href="https://gil.example/">Gil Moss</podcast:person>',
          item('h1', 'Hidden one', 8, ''),
        ),
        T1,
      ),
    );
    assert.ok(hidden);
    await t.store.feeds.setVisibility(hidden.feedId, 'private');
    await ingest(
      t.store,
      'https://open.example/feed.xml',
      feed(
        'Open Hour',
        '<podcast:person href="https://gil.example/">Gilbert Moss</podcast:person>',
        item('o1', 'Open one', 8, ''),
      ),
      T1,
    );
    const gil = await t.store.people.findByName('Gil Moss');
    assert.ok(gil);
    const res = await anon().get(`/people/${gil.id}`);
    assert.equal(res.statusCode, 200);
    assert.match(article(res.body), /<h1>Gilbert Moss<\/h1>/);
    assert.doesNotMatch(res.body, /Gil Moss|Hidden/);
    const api = (await anon().json('GET', `/api/v1/people/${gil.id}`)).json() as {
      name: string;
      alsoKnownAs: string[];
    };
    assert.deepEqual([api.name, api.alsoKnownAs], ['Gilbert Moss', []]);
  });

  test('the API exposes a person: other names, roles, episodes, collaborators', async () => {
    const res = await anon().json('GET', `/api/v1/people/${ids.annie}`);
    assert.equal(res.statusCode, 200);
    const body = res.json() as {
      id: number;
      name: string;
      alsoKnownAs: string[];
      shows: { title: string; role: string }[];
      collaborators: { name: string; episodes: number; shows: number }[];
    };
    assert.equal(body.id, ids.ann, 'a joined name answers as its person');
    assert.equal(body.name, 'Ann Lee');
    assert.deepEqual(body.alsoKnownAs, ['Annie Lee']);
    assert.deepEqual(
      body.shows.map((s) => `${s.title}:${s.role}`),
      ['Alpha Hour:host'],
      "the feed's own podcast:person role wins over the byline",
    );
    assert.deepEqual(
      body.collaborators.map((c) => `${c.name}:${c.episodes}:${c.shows}`),
      ['Bo Diaz:3:1', 'Cy Ng:2:0', 'Di Roe:1:0'],
    );
  });

  test('an admin merges, a re-crawl keeps it, undo restores the exact pages; split and undo alike', async () => {
    const admin = new Client(t.app);
    assert.equal((await admin.signUp('root')).statusCode, 303);
    const listener = new Client(t.app);
    await listener.signUp('lee');
    const before = {
      cy: article((await anon().get(`/people/${ids.cy}`)).body),
      di: article((await anon().get(`/people/${ids.di}`)).body),
    };

    // Only an admin, only with the form's token.
    assert.equal(
      (await listener.post('/admin/people/merge', { from: String(ids.di), into: String(ids.cy) })).statusCode,
      404,
    );
    assert.equal(
      (
        await admin.post(
          '/admin/people/merge',
          { from: String(ids.di), into: String(ids.cy) },
          { csrf: false },
        )
      ).statusCode,
      403,
    );
    const refused = await admin.post('/admin/people/merge', { from: String(ids.cy), into: String(ids.cy) });
    assert.equal(refused.statusCode, 409);
    assert.match(refused.body, /already one person/);
    assert.equal((await admin.post('/admin/people/merge', { from: 'x', into: '1' })).statusCode, 400);

    const merged = await admin.post('/admin/people/merge', { from: String(ids.di), into: String(ids.cy) });
    assert.equal(merged.statusCode, 303);
    const adminPage = await admin.get(String(merged.headers.location));
    assert.match(adminPage.body, /Merged: the two are one person now/);
    assert.match(adminPage.body, /Di Roe \(#\d+\)/);
    assert.equal((await anon().get(`/people/${ids.di}`)).headers.location, `/people/${ids.cy}`);
    assert.match(article((await anon().get(`/people/${ids.cy}`)).body), /Also credited as Di Roe/);

    // The feed is crawled again, the episode crediting Di Roe changed (its credits are written anew): still one person.
    await ingest(t.store, ALPHA, alpha(' Recorded live.'), T2);
    assert.equal((await anon().get(`/people/${ids.di}`)).headers.location, `/people/${ids.cy}`);
    const after = article((await anon().get(`/people/${ids.cy}`)).body);
    assert.match(after, /Also credited as Di Roe/);
    assert.match(after, /Guest appearances <span class="count">3 episodes in 2 shows<\/span>/);

    // Undo: both pages are exactly as they were before the merge.
    const change = (await t.store.people.changes(1))[0];
    assert.ok(change);
    assert.equal((await admin.post('/admin/people/undo', { change: String(change.id) })).statusCode, 303);
    assert.deepEqual(
      {
        cy: article((await anon().get(`/people/${ids.cy}`)).body),
        di: article((await anon().get(`/people/${ids.di}`)).body),
      },
      before,
    );
    assert.equal((await admin.post('/admin/people/undo', { change: String(change.id) })).statusCode, 409);

    // Split the name joined by its link; a re-crawl keeps it apart; undo joins it again.
    const split = await admin.post('/admin/people/split', { name: String(ids.annie) });
    assert.equal(split.statusCode, 303);
    await ingest(t.store, BETA, beta, new Date('2024-06-01T00:00:00Z'));
    const annie = await anon().get(`/people/${ids.annie}`);
    assert.equal(annie.statusCode, 200, 'a re-crawl never undoes an admin split');
    assert.match(article(annie.body), /<h1>Annie Lee<\/h1>/);
    assert.doesNotMatch(article((await anon().get(`/people/${ids.ann}`)).body), /Also credited as/);
    const splitChange = (await t.store.people.changes(1))[0];
    assert.ok(splitChange);
    await admin.post('/admin/people/undo', { change: String(splitChange.id) });
    assert.equal((await anon().get(`/people/${ids.annie}`)).headers.location, `/people/${ids.ann}`);

    // The admin sees the way to these tools on a person page; others do not.
    assert.match((await admin.get(`/people/${ids.cy}`)).body, /Merge or split this person/);
    assert.doesNotMatch((await anon().get(`/people/${ids.cy}`)).body, /Merge or split this person/);
    assert.equal((await listener.get('/admin/people')).statusCode, 403);
  });
});

describe('the demo catalogue', () => {
  test('its people show on person pages: hosts across episodes, guests, a byline', async () => {
    const t = await openTestApp();
    try {
      await loadDemoIfEmpty(t.store, new Date('2024-01-01T00:00:00Z'));
      const adam = await t.store.people.findByName('Adam Curry');
      const dave = await t.store.people.findByName('Dave Jones');
      assert.ok(adam && dave);
      const page = article((await new Client(t.app).get(`/people/${dave.id}`)).body);
      assert.match(page, /<h1>Dave Jones<\/h1>/);
      assert.match(page, /Guest appearances <span class="count">3 episodes in 1 show<\/span>/);
      assert.match(
        page,
        new RegExp(`<a href="/people/${adam.id}">Adam Curry</a> <span class="count">3 episodes together`),
      );
      const tracy = await t.store.people.findByName('Tracy V. Wilson');
      const holly = await t.store.people.findByName('Holly Frey');
      assert.ok(tracy && holly);
      assert.notEqual(tracy.id, holly.id, 'two hosts sharing their show page stay two people');
      assert.equal((await t.store.people.resolve(holly.id))?.id, holly.id);
      assert.equal(await t.store.people.findByName('iHeartPodcasts'), undefined);
      // The example feed's byline ("john@example.com (John Doe)") and owner credit John Doe on its show.
      const john = await t.store.people.findByName('John Doe');
      assert.ok(john, 'the byline credits John Doe');
      const johnPage = article((await new Client(t.app).get(`/people/${john.id}`)).body);
      assert.match(johnPage, /<p class="role">author<\/p>/);
    } finally {
      await t.close();
    }
  });
});
