// The people graph's contract (issue 16, migration 0027), run against SQLite and PostgreSQL alike by
// src/store/people.test.ts: names resolved into one person at ingest (same name; a link or picture of a known person
// of the same family name, never a link two names share), collaborators, and an admin's merge, split, split by show
// (two people who share a name on different shows) and undo, which restore exactly the previous state and which a
// re-crawl keeps.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { EpisodeContent } from '../../src/domain/episode.ts';
import { type CreditedPerson, PersonChangeError } from '../../src/domain/person.ts';
import type { Store } from '../../src/store/index.ts';
import type { Backend } from './store-backends.ts';

const T0 = new Date('2026-01-01T00:00:00.000Z');
/** Later crawls (the store tells a re-crawl from a duplicate item by its time). */
const T1 = new Date('2026-01-01T01:00:00.000Z');
const T2 = new Date('2026-01-01T02:00:00.000Z');

const host = (name: string, extra: Partial<CreditedPerson> = {}): CreditedPerson => ({
  name,
  role: 'host',
  group: 'cast',
  ...extra,
});
const guest = (name: string, extra: Partial<CreditedPerson> = {}): CreditedPerson => ({
  name,
  role: 'guest',
  group: 'cast',
  ...extra,
});

function episode(guid: string, persons: CreditedPerson[]): EpisodeContent {
  return {
    guid,
    guidSource: 'guid',
    title: `Episode ${guid}`,
    enclosure: { url: `https://cdn.example/${guid}.mp3` },
    persons,
  };
}

/** A show from its own feed, with show-level credits and episodes; returns the show id. */
async function show(
  store: Store,
  slug: string,
  persons: CreditedPerson[],
  episodes: EpisodeContent[] = [],
  visibility: 'public' | 'private' = 'public',
): Promise<number> {
  const { feed } = await store.feeds.add(`https://feeds.example/${slug}.xml`, T0, { visibility });
  const { show: s } = await store.shows.upsert(feed.id, { format: 'rss', title: slug, persons }, T0);
  await store.episodes.upsertForShow(s.id, episodes, { now: T0, complete: episodes.length > 0 });
  return s.id;
}

async function personId(store: Store, name: string): Promise<number> {
  const p = await store.people.findByName(name);
  assert.ok(p, `${name} is stored`);
  return p.id;
}

/** What a person page shows: the person's name, their shows and roles, their episodes and roles. */
async function page(store: Store, id: number) {
  const person = await store.people.resolve(id);
  assert.ok(person);
  const credits = await store.people.credits(person.id);
  return {
    name: person.name,
    names: (await store.people.names(person.id)).map((n) => n.name),
    shows: credits.shows.map((s) => `${s.title}:${s.role}`),
    episodes: credits.episodes.map((e) => `${e.title}:${e.role}`).sort(),
  };
}

export function peopleContract(backend: Backend): void {
  const t = (name: string, fn: (store: Store) => Promise<void>) =>
    test(name, backend.skip === undefined ? {} : { skip: backend.skip }, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'earshot-people-'));
      const { store, drop } = await backend.fresh(dir);
      try {
        await fn(store);
      } finally {
        await drop();
        await rm(dir, { recursive: true, force: true });
      }
    });

  describe(`store contract (${backend.name}): the people graph`, () => {
    t('a new name with the link of a known person of the same family name is that person', async (store) => {
      const a = await show(store, 'alpha', [host('Tracy V. Wilson', { href: 'https://tracy.example/' })]);
      const b = await show(
        store,
        'beta',
        [],
        [episode('b1', [guest('Tracy Wilson', { href: 'https://tracy.example/' })])],
      );
      const tracy = await personId(store, 'Tracy V. Wilson');
      const alias = await personId(store, 'Tracy Wilson');
      assert.notEqual(alias, tracy, 'each name keeps its row');
      assert.equal((await store.people.resolve(alias))?.id, tracy);
      const ep = await store.episodes.findByGuid(b, 'b1');
      assert.deepEqual(
        (await store.people.forEpisode(ep?.id ?? -1)).map((c) => c.person.name),
        ['Tracy V. Wilson'],
        'the episode credits the person under their own name',
      );
      const credits = await store.people.credits(tracy);
      assert.deepEqual(
        credits.shows.map((s) => s.showId),
        [a],
      );
      assert.deepEqual(
        credits.episodes.map((e) => e.title),
        ['Episode b1'],
      );
      assert.deepEqual(
        (await store.people.names(tracy)).map((n) => n.name),
        ['Tracy V. Wilson', 'Tracy Wilson'],
      );
      assert.deepEqual(
        (await store.search.search('tracy wilson', { limit: 10 })).people.map((p) => [p.id, p.name]),
        [[tracy, 'Tracy V. Wilson']],
        'search finds both names as the one person, once',
      );
      // A private show's spelling of the person joins them too, but is named only to those who may see that show.
      await show(store, 'secret', [host('T. V. Wilson', { href: 'https://tracy.example/' })], [], 'private');
      assert.equal((await store.people.resolve(await personId(store, 'T. V. Wilson')))?.id, tracy);
      assert.deepEqual(
        (await store.people.names(tracy, { audience: {} })).map((n) => n.name),
        ['Tracy V. Wilson', 'Tracy Wilson'],
      );
      assert.deepEqual(
        (await store.people.names(tracy, { audience: { isAdmin: true } })).map((n) => n.name),
        ['Tracy V. Wilson', 'Tracy Wilson', 'T. V. Wilson'],
      );
    });

    t('a same picture joins names too; a link two names share in one feed joins nobody', async (store) => {
      await show(store, 'alpha', [
        host('Tracy V. Wilson', { href: 'https://show.example/' }),
        host('Holly Frey', { href: 'https://show.example/' }),
      ]);
      const tracy = await personId(store, 'Tracy V. Wilson');
      const holly = await personId(store, 'Holly Frey');
      assert.equal(
        (await store.people.resolve(holly))?.id,
        holly,
        'two hosts sharing the show page stay two',
      );
      await show(store, 'beta', [host('Jo Frey', { href: 'https://show.example/' })]);
      const jo = await personId(store, 'Jo Frey');
      assert.equal((await store.people.resolve(jo))?.id, holly, 'the one known Frey with that link');
      await show(store, 'gamma', [host('Ann Lee', { img: 'https://img.example/ann.jpg' })]);
      await show(store, 'delta', [host('Annie Lee', { img: 'https://img.example/ann.jpg' })]);
      assert.equal(
        (await store.people.resolve(await personId(store, 'Annie Lee')))?.id,
        await personId(store, 'Ann Lee'),
      );
      await show(store, 'epsilon', [host('Sam Park', { href: 'https://show.example/' })]);
      const sam = await personId(store, 'Sam Park');
      assert.equal((await store.people.resolve(sam))?.id, sam, 'no known Park: a link alone proves nothing');
      assert.equal((await store.people.resolve(tracy))?.id, tracy);
    });

    t(
      'collaborators: people sharing episodes (a show credit is in every episode) and shows, with counts, only where the audience sees',
      async (store) => {
        await show(
          store,
          'alpha',
          [host('Ann Lee'), host('Bo Diaz')],
          [
            episode('a1', [host('Ann Lee'), guest('Cy Ng')]),
            episode('a2', [host('Ann Lee'), guest('Cy Ng'), guest('Di Roe')]),
          ],
        );
        await show(
          store,
          'secret',
          [host('Ann Lee')],
          [episode('s1', [host('Ann Lee'), guest('Ed Fox')])],
          'private',
        );
        const ann = await personId(store, 'Ann Lee');
        const all = await store.people.collaborators(ann);
        assert.deepEqual(
          all.map((c) => `${c.person.name}:${c.episodes}:${c.shows}`),
          ['Bo Diaz:2:1', 'Cy Ng:2:0', 'Di Roe:1:0', 'Ed Fox:1:0'],
        );
        const anonymous = await store.people.collaborators(ann, { audience: {} });
        assert.deepEqual(
          anonymous.map((c) => c.person.name),
          ['Bo Diaz', 'Cy Ng', 'Di Roe'],
          'a private show never shows',
        );
      },
    );

    t('merge and undo restore exactly the previous pages; a re-crawl keeps the merge', async (store) => {
      const credits = [host('Ann Lee'), host('Bo Diaz')];
      const a = await show(store, 'alpha', credits, [episode('a1', [guest('Ann Lee')])]);
      await show(store, 'beta', [host('Annie Lee')], [episode('b1', [guest('Cy Ng'), guest('Annie Lee')])]);
      const ann = await personId(store, 'Ann Lee');
      const annie = await personId(store, 'Annie Lee');
      const before = { ann: await page(store, ann), annie: await page(store, annie) };

      const change = await store.people.merge(annie, ann, T0);
      assert.equal(change.kind, 'merge');
      assert.equal((await store.people.resolve(annie))?.id, ann);
      assert.deepEqual(await page(store, ann), {
        name: 'Ann Lee',
        names: ['Ann Lee', 'Annie Lee'],
        shows: ['alpha:host', 'beta:host'],
        episodes: ['Episode a1:guest', 'Episode b1:guest'],
      });
      assert.deepEqual(
        (await store.people.collaborators(ann)).map((c) => c.person.name),
        ['Bo Diaz', 'Cy Ng'],
      );

      // The feeds are crawled again, with changes: the merge stays.
      const { feed } = await store.feeds.add('https://feeds.example/beta.xml', T0);
      await store.shows.upsert(
        feed.id,
        { format: 'rss', title: 'beta', persons: [host('Annie Lee'), host('Cy Ng')] },
        T0,
      );
      await store.episodes.upsertForShow(a, [episode('a1', [guest('Ann Lee'), guest('Annie Lee')])], {
        now: T1,
        complete: true,
      });
      assert.equal((await store.people.resolve(annie))?.id, ann, 'a re-crawl never undoes an admin merge');
      assert.deepEqual((await page(store, ann)).shows, ['alpha:host', 'beta:host']);

      await store.people.undo(change.id, T0);
      assert.equal((await store.people.resolve(annie))?.id, annie);
      await store.shows.upsert(feed.id, { format: 'rss', title: 'beta', persons: [host('Annie Lee')] }, T0);
      await store.episodes.upsertForShow(a, [episode('a1', [guest('Ann Lee')])], { now: T2, complete: true });
      assert.deepEqual({ ann: await page(store, ann), annie: await page(store, annie) }, before);
      await assert.rejects(
        store.people.undo(change.id, T0),
        (e) => e instanceof PersonChangeError && e.code === 'already-undone',
      );
    });

    t('split takes a joined name out; a re-crawl keeps it out; undo joins it again', async (store) => {
      await show(store, 'alpha', [host('Tracy V. Wilson', { href: 'https://tracy.example/' })]);
      await show(store, 'beta', [host('Tracy Wilson', { href: 'https://tracy.example/' })]);
      const tracy = await personId(store, 'Tracy V. Wilson');
      const alias = await personId(store, 'Tracy Wilson');
      assert.equal((await store.people.resolve(alias))?.id, tracy);
      const split = await store.people.split(alias, T0);
      assert.equal((await store.people.resolve(alias))?.id, alias);
      await show(store, 'beta', [host('Tracy Wilson', { href: 'https://tracy.example/' }), host('Cy Ng')]);
      assert.equal((await store.people.resolve(alias))?.id, alias, 'a re-crawl never undoes an admin split');
      await store.people.undo(split.id, T0);
      assert.equal((await store.people.resolve(alias))?.id, tracy);
      await assert.rejects(
        store.people.split(await personId(store, 'Cy Ng'), T0),
        (e) => e instanceof PersonChangeError && e.code === 'not-joined',
      );
    });

    t("splitting a person's own name keeps the other names together", async (store) => {
      await show(store, 'alpha', [host('Ann Lee'), host('Annie Lee'), host('A. J. Lee')]);
      const [ann, annie, aj] = [
        await personId(store, 'Ann Lee'),
        await personId(store, 'Annie Lee'),
        await personId(store, 'A. J. Lee'),
      ];
      await store.people.merge(annie, ann, T0);
      await store.people.merge(aj, ann, T0);
      const split = await store.people.split(ann, T0);
      assert.equal((await store.people.resolve(ann))?.id, ann);
      assert.equal((await store.people.resolve(annie))?.id, annie, 'the oldest other name is the person now');
      assert.equal((await store.people.resolve(aj))?.id, annie);
      await store.people.undo(split.id, T0);
      for (const id of [ann, annie, aj]) assert.equal((await store.people.resolve(id))?.id, ann);
    });

    t(
      'split by show: two people who share a name are two pages, with their own shows, episodes and collaborators',
      async (store) => {
        const cooking = await show(
          store,
          'cooking',
          [host('John Smith')],
          [episode('c1', [host('John Smith'), guest('Ann Lee')])],
        );
        const history = await show(
          store,
          'history',
          [host('Bo Diaz')],
          [episode('h1', [guest('John Smith')]), episode('h2', [guest('John Smith'), guest('Cy Ng')])],
        );
        const john = await personId(store, 'John Smith');
        assert.deepEqual(await page(store, john), {
          name: 'John Smith',
          names: ['John Smith'],
          shows: ['cooking:host'],
          episodes: ['Episode c1:host', 'Episode h1:guest', 'Episode h2:guest'],
        });
        assert.deepEqual(
          (await store.people.creditedShows(john)).map((s) => [s.title, s.roles, s.episodes]),
          [
            ['cooking', ['host'], 1],
            ['history', [], 2],
          ],
        );

        const change = await store.people.splitByShow(john, [history], T0);
        assert.equal(change.kind, 'split-show');
        assert.equal(change.otherId, john);
        assert.deepEqual(change.showIds, [history]);
        const other = change.personId;
        assert.notEqual(other, john);
        assert.deepEqual(await page(store, john), {
          name: 'John Smith',
          names: ['John Smith'],
          shows: ['cooking:host'],
          episodes: ['Episode c1:host'],
        });
        assert.deepEqual(await page(store, other), {
          name: 'John Smith',
          names: ['John Smith'],
          shows: [],
          episodes: ['Episode h1:guest', 'Episode h2:guest'],
        });
        assert.deepEqual(
          (await store.people.collaborators(john)).map((c) => c.person.name),
          ['Ann Lee'],
        );
        assert.deepEqual(
          (await store.people.collaborators(other)).map((c) => c.person.name),
          ['Bo Diaz', 'Cy Ng'],
        );
        const h1 = await store.episodes.findByGuid(history, 'h1');
        assert.deepEqual(
          (await store.people.forEpisode(h1?.id ?? -1)).map((c) => c.person.id),
          [other],
        );
        assert.equal(
          (await store.people.findByName('John Smith'))?.id,
          john,
          'the name still finds the first',
        );
        // Search: both people by the name; the person filter finds each one's own episodes.
        assert.deepEqual(
          (await store.search.search('john smith', { limit: 10 })).people
            .map((p) => p.id)
            .sort((a, b) => a - b),
          [john, other],
        );
        const episodesOf = async (personId: number) =>
          (await store.search.search('episode', { limit: 10, filters: { personId } })).episodes
            .map((e) => e.episode.title)
            .sort();
        assert.deepEqual(await episodesOf(john), ['Episode c1']);
        assert.deepEqual(await episodesOf(other), ['Episode h1', 'Episode h2']);

        // Both feeds are crawled again, with changes: on the history show the name is the other John Smith.
        await show(store, 'history', [
          host('Bo Diaz'),
          host('John Smith', { img: 'https://img.example/js.jpg' }),
        ]);
        await store.episodes.upsertForShow(
          history,
          [
            episode('h1', [guest('John Smith'), guest('Di Roe')]),
            episode('h2', [guest('John Smith'), guest('Cy Ng')]),
            episode('h3', [guest('John Smith')]),
          ],
          { now: T1, complete: true },
        );
        await show(store, 'cooking', [host('John Smith')]);
        await store.episodes.upsertForShow(
          cooking,
          [episode('c1', [host('John Smith'), guest('Ann Lee')]), episode('c2', [host('John Smith')])],
          { now: T1, complete: true },
        );
        assert.deepEqual(await page(store, john), {
          name: 'John Smith',
          names: ['John Smith'],
          shows: ['cooking:host'],
          episodes: ['Episode c1:host', 'Episode c2:host'],
        });
        assert.deepEqual(await page(store, other), {
          name: 'John Smith',
          names: ['John Smith'],
          shows: ['history:host'],
          episodes: ['Episode h1:guest', 'Episode h2:guest', 'Episode h3:guest'],
        });
        assert.equal(
          (await store.people.get(other))?.img,
          'https://img.example/js.jpg',
          'the history feed pictures its own John Smith',
        );
        assert.equal((await store.people.get(john))?.img, undefined, 'and never the first');

        // Undo: one person again, with everything the feeds credit now; a later crawl credits the first again.
        await store.people.undo(change.id, T2);
        assert.equal(await store.people.resolve(other), undefined, 'the split person is gone');
        assert.deepEqual(await page(store, john), {
          name: 'John Smith',
          names: ['John Smith'],
          shows: ['cooking:host', 'history:host'],
          episodes: [
            'Episode c1:host',
            'Episode c2:host',
            'Episode h1:guest',
            'Episode h2:guest',
            'Episode h3:guest',
          ],
        });
        await store.episodes.upsertForShow(history, [episode('h4', [guest('John Smith')])], {
          now: T2,
          complete: false,
        });
        assert.ok((await page(store, john)).episodes.includes('Episode h4:guest'), 'no override is left');
        assert.deepEqual(
          (await store.people.changes(1)).map((c) => [c.kind, c.undoneAt !== undefined]),
          [['split-show', true]],
        );
      },
    );

    t(
      'split by show then undo restores exactly the pages before; every name of the person moves',
      async (store) => {
        await show(store, 'alpha', [host('Ann Lee'), host('Annie Lee')], [episode('a1', [guest('Cy Ng')])]);
        const beta = await show(
          store,
          'beta',
          [host('Bo Diaz')],
          [episode('b1', [guest('Annie Lee')]), episode('b2', [guest('Ann Lee'), guest('Cy Ng')])],
        );
        const gamma = await show(store, 'gamma', [], [episode('g1', [guest('Ann Lee')])]);
        const [ann, annie, cy] = [
          await personId(store, 'Ann Lee'),
          await personId(store, 'Annie Lee'),
          await personId(store, 'Cy Ng'),
        ];
        await store.people.merge(annie, ann, T0);
        const before = {
          ann: await page(store, ann),
          cy: (await store.people.collaborators(cy)).map((c) => `${c.person.id}:${c.episodes}:${c.shows}`),
        };
        const change = await store.people.splitByShow(ann, [beta, gamma], T0);
        const other = change.personId;
        assert.deepEqual(await page(store, other), {
          name: 'Ann Lee',
          names: ['Ann Lee', 'Annie Lee'],
          shows: [],
          episodes: ['Episode b1:guest', 'Episode b2:guest', 'Episode g1:guest'],
        });
        assert.deepEqual((await page(store, ann)).episodes, []);
        assert.deepEqual((await page(store, ann)).shows, ['alpha:host']);
        await store.people.undo(change.id, T1);
        assert.deepEqual(
          {
            ann: await page(store, ann),
            cy: (await store.people.collaborators(cy)).map((c) => `${c.person.id}:${c.episodes}:${c.shows}`),
          },
          before,
        );
        assert.equal((await store.people.resolve(annie))?.id, ann);
      },
    );

    t(
      'split by show is refused without credits there or anywhere else; undo waits for later changes',
      async (store) => {
        const alpha = await show(store, 'alpha', [host('Ann Lee')]);
        const beta = await show(store, 'beta', [host('Ann Lee'), host('Bo Diaz')]);
        const gamma = await show(store, 'gamma', [host('Cy Ng')]);
        const [ann, bo] = [await personId(store, 'Ann Lee'), await personId(store, 'Bo Diaz')];
        const refused = (code: PersonChangeError['code']) => (e: unknown) =>
          e instanceof PersonChangeError && e.code === code;
        await assert.rejects(store.people.splitByShow(ann, [gamma], T0), refused('no-credits'));
        await assert.rejects(store.people.splitByShow(ann, [], T0), refused('no-credits'));
        await assert.rejects(store.people.splitByShow(ann, [alpha, beta], T0), refused('nothing-left'));
        await assert.rejects(store.people.splitByShow(999_999, [alpha], T0), refused('not-found'));
        assert.deepEqual(await store.people.changes(10), [], 'a refused split changes nothing');

        const cy = await personId(store, 'Cy Ng');
        await store.episodes.upsertForShow(gamma, [episode('g1', [guest('Ann Lee')])], {
          now: T0,
          complete: false,
        });
        const split = await store.people.splitByShow(ann, [beta, gamma], T0);
        const other = split.personId;
        // A later merge of the split person: undo that one first.
        const merge = await store.people.merge(other, bo, T0);
        await assert.rejects(store.people.undo(split.id, T0), refused('conflict'));
        await store.people.undo(merge.id, T0);
        // A later split of the split person, on one of the same shows: undo that one first too.
        const again = await store.people.splitByShow(other, [gamma], T0);
        assert.deepEqual((await page(store, again.personId)).episodes, ['Episode g1:guest']);
        await assert.rejects(store.people.undo(split.id, T0), refused('conflict'));
        await store.people.undo(again.id, T0);
        await store.people.undo(split.id, T0);
        assert.deepEqual((await page(store, ann)).shows, ['alpha:host', 'beta:host']);
        assert.deepEqual((await page(store, ann)).episodes, ['Episode g1:guest']);
        assert.deepEqual((await page(store, cy)).shows, ['gamma:host']);
      },
    );

    t(
      'undo refuses when a later change touched the same names; merging a person into themself is refused',
      async (store) => {
        await show(store, 'alpha', [host('Ann Lee'), host('Annie Lee'), host('Bo Diaz')]);
        const [ann, annie, bo] = [
          await personId(store, 'Ann Lee'),
          await personId(store, 'Annie Lee'),
          await personId(store, 'Bo Diaz'),
        ];
        const first = await store.people.merge(annie, ann, T0);
        const second = await store.people.merge(ann, bo, T0);
        await assert.rejects(
          store.people.undo(first.id, T0),
          (e) => e instanceof PersonChangeError && e.code === 'conflict',
        );
        await assert.rejects(
          store.people.merge(annie, bo, T0),
          (e) => e instanceof PersonChangeError && e.code === 'same-person',
        );
        await assert.rejects(
          store.people.merge(annie, 999_999, T0),
          (e) => e instanceof PersonChangeError && e.code === 'not-found',
        );
        await store.people.undo(second.id, T0);
        await store.people.undo(first.id, T0);
        for (const id of [ann, annie, bo]) assert.equal((await store.people.resolve(id))?.id, id);
        assert.deepEqual(
          (await store.people.changes(10)).map((c) => [c.kind, c.undoneAt !== undefined]),
          [
            ['merge', true],
            ['merge', true],
          ],
        );
      },
    );
  });
}
