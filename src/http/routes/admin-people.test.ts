// The admin's split by show (issue 16 §2): two people who share a name on different shows. From /admin/people (CSRF
// as every admin form) the credits of one name on chosen shows move to a new person with a page of their own; a
// re-crawl of that show credits the new person again; undo makes them one person as before.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, ingest, openTestApp, type TestApp } from '../../../test/support/web-app.ts';

const T1 = new Date('2024-03-01T00:00:00Z');
const T2 = new Date('2024-04-01T00:00:00Z');

function feed(title: string, channel: string, items: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0">
<channel><title>${title}</title><link>https://show.example/</link><description>d</description>${channel}${items}</channel></rss>`;
}

function item(guid: string, title: string, day: number, extra: string): string {
  return `<item><title>${title}</title><guid>${guid}</guid><pubDate>Mon, ${String(day).padStart(2, '0')} Jan 2024 10:00:00 GMT</pubDate>
<enclosure url="https://cdn.example/${guid}.mp3" length="1" type="audio/mpeg"/>${extra}</item>`;
}

const guest = (name: string) => `<podcast:person role="guest">${name}</podcast:person>`;

const COOKING = 'https://cooking.example/feed.xml';
const cooking = feed(
  'Cooking Corner',
  '<podcast:person role="host">John Smith</podcast:person>',
  `${item('c1', 'Soup season', 1, guest('Ann Lee'))}${item('c2', 'Bread basics', 2, '')}`,
);
const HISTORY = 'https://history.example/feed.xml';
const history = (extra = '') =>
  feed(
    'History Hour',
    '<podcast:person role="host">Bo Diaz</podcast:person>',
    `${item('h1', 'The Roman roads', 3, guest('John Smith'))}${item('h2', 'Medieval maps', 4, guest('John Smith'))}${extra}`,
  );

/** The part of a person page that is the person (the layout around it carries per-response tokens). */
function article(body: string): string {
  return /<article class="person">[\s\S]*<\/article>/.exec(body)?.[0] ?? '';
}

describe('admin: split a person by show', () => {
  let t: TestApp;
  let shows: { cooking: number; history: number };
  let john: number;
  const anon = () => new Client(t.app);

  before(async () => {
    t = await openTestApp({}, { pageCacheMs: 0 });
    shows = {
      cooking: await ingest(t.store, COOKING, cooking, T1),
      history: await ingest(t.store, HISTORY, history(), T1),
    };
    const p = await t.store.people.findByName('John Smith');
    assert.ok(p, 'John Smith is credited');
    john = p.id;
  });
  after(() => t.close());

  test('the form splits the history show off; a re-crawl keeps it; undo joins them again', async () => {
    const admin = new Client(t.app);
    assert.equal((await admin.signUp('root')).statusCode, 303);
    const listener = new Client(t.app);
    await listener.signUp('lee');

    const before = article((await anon().get(`/people/${john}`)).body);
    assert.match(before, /Cooking Corner/);
    assert.match(before, /The Roman roads/);

    const form = await admin.get(`/admin/people?person=${john}`);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /Split by show/);
    assert.match(
      form.body,
      new RegExp(`name="show-${shows.cooking}"[^>]*> Cooking Corner <small>\\(host\\)`),
    );
    assert.match(
      form.body,
      new RegExp(`name="show-${shows.history}"[^>]*> History Hour <small>\\(2 episodes\\)`),
    );

    const fields = { person: String(john), [`show-${shows.history}`]: '1' };
    // Only an admin, only with the form's token, only with a show chosen.
    assert.equal((await listener.post('/admin/people/split-show', fields)).statusCode, 404);
    assert.equal((await admin.post('/admin/people/split-show', fields, { csrf: false })).statusCode, 403);
    const none = await admin.post('/admin/people/split-show', { person: String(john) });
    assert.equal(none.statusCode, 400);
    assert.match(none.body, /Choose the shows/);
    const all = await admin.post('/admin/people/split-show', {
      ...fields,
      [`show-${shows.cooking}`]: '1',
    });
    assert.equal(all.statusCode, 409);
    assert.match(all.body, /Every credit of this person is on those shows/);

    const split = await admin.post('/admin/people/split-show', fields);
    assert.equal(split.statusCode, 303);
    const location = String(split.headers.location);
    const other = Number(/person=(\d+)/.exec(location)?.[1]);
    assert.ok(other > 0 && other !== john, 'the answer goes to the new person');
    const done = await admin.get(location);
    assert.match(done.body, /Split by show: those shows/);
    assert.match(
      done.body,
      new RegExp(`split the credits on History Hour off <a href="/people/${john}">John Smith</a>`),
    );

    const first = article((await anon().get(`/people/${john}`)).body);
    assert.match(first, /<h1>John Smith<\/h1>/);
    assert.match(first, /Cooking Corner/);
    assert.doesNotMatch(first, /History Hour|The Roman roads|Medieval maps|Bo Diaz/);
    const second = await anon().get(`/people/${other}`);
    assert.equal(second.statusCode, 200, 'the new person has a page of their own');
    assert.match(article(second.body), /<h1>John Smith<\/h1>/);
    for (const text of ['The Roman roads', 'Medieval maps', 'Bo Diaz'])
      assert.match(article(second.body), new RegExp(text));
    assert.doesNotMatch(article(second.body), /Cooking Corner|Soup season|Ann Lee/);

    // The history feed is fetched again with a new episode crediting John Smith: it is the new person's.
    await ingest(t.store, HISTORY, history(item('h3', 'Ottoman ships', 5, guest('John Smith'))), T2);
    assert.match(article((await anon().get(`/people/${other}`)).body), /Ottoman ships/);
    assert.doesNotMatch(article((await anon().get(`/people/${john}`)).body), /Ottoman ships/);
    const found = async (person: number) =>
      (
        (await anon().json('GET', `/api/v1/search?q=ottoman&person=${person}`)).json() as {
          episodes: { title: string }[];
        }
      ).episodes.map((e) => e.title);
    assert.deepEqual(await found(other), ['Ottoman ships'], 'search by person finds the new one');
    assert.deepEqual(await found(john), [], 'and not the first');
    const named = (await anon().json('GET', '/api/v1/search?q=john+smith')).json() as {
      people: { id: number }[];
    };
    assert.deepEqual(
      named.people.map((p) => p.id).sort((a, b) => a - b),
      [john, other],
      'two people of one name',
    );

    // Undo from the list of changes: one John Smith again, with every episode; the new person's page is gone.
    const change = (await t.store.people.changes(1))[0];
    assert.ok(change && change.kind === 'split-show');
    const undo = await admin.post('/admin/people/undo', { change: String(change.id) });
    assert.equal(undo.statusCode, 303);
    assert.equal(undo.headers.location, `/admin/people?person=${john}&msg=undone`);
    assert.equal((await anon().get(`/people/${other}`)).statusCode, 404);
    assert.match(
      (await admin.get(String(undo.headers.location))).body,
      new RegExp(
        `split the credits on History Hour off <a href="/people/${john}">John Smith</a> as person #${other}\\s*\\(undone\\)`,
      ),
    );
    const again = article((await anon().get(`/people/${john}`)).body);
    for (const title of ['Cooking Corner', 'The Roman roads', 'Medieval maps', 'Ottoman ships'])
      assert.match(again, new RegExp(title));
    await ingest(t.store, HISTORY, history(item('h4', 'Viking boats', 6, guest('John Smith'))), T2);
    assert.match(article((await anon().get(`/people/${john}`)).body), /Viking boats/, 'no override is left');
    assert.equal((await admin.post('/admin/people/undo', { change: String(change.id) })).statusCode, 409);
  });
});
