// The contract of the catalogue's browse reads (src/store/browse-ports.ts), run against SQLite and PostgreSQL alike
// by src/store/browse.test.ts: keyset pages that cover a list exactly once, categories from the feed's names, the
// newest episodes of every show, a show's seasons and years, and never a private show for those who may not see it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EpisodeContent } from '../../src/domain/episode.ts';
import type { ShowContent } from '../../src/domain/show.ts';
import { createAccount } from '../../src/services/passwords.ts';
import type { ShowListPage, ShowListQuery } from '../../src/store/browse-ports.ts';
import type { Audience, Store } from '../../src/store/ports.ts';
import type { Backend } from './store-backends.ts';

const T0 = new Date('2026-01-01T00:00:00.000Z');
const day = (n: number): Date => new Date(T0.getTime() + n * 86_400_000);
const EVERYONE: Audience = {};

async function addShow(
  store: Store,
  url: string,
  content: Partial<ShowContent>,
  episodes: Partial<EpisodeContent>[] = [],
  options: { private?: boolean } = {},
): Promise<{ showId: number; feedId: number }> {
  const { feed } = await store.feeds.add(
    url,
    T0,
    options.private ? { visibility: 'private', addedByUserId: 1 } : {},
  );
  const { show } = await store.shows.upsert(feed.id, { format: 'rss', ...content }, T0);
  await store.episodes.upsertForShow(
    show.id,
    episodes.map((e, i) => ({
      guid: `${url}#${i}`,
      guidSource: 'guid' as const,
      enclosure: { url: `${url}/${i}.mp3` },
      ...e,
    })),
    { now: T0, complete: true },
  );
  return { showId: show.id, feedId: feed.id };
}

/** Every page of a show list, following `next`. */
async function allPages(
  read: (q: ShowListQuery) => Promise<ShowListPage>,
  query: Omit<ShowListQuery, 'after'>,
): Promise<string[]> {
  const titles: string[] = [];
  let after: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = await read({ ...query, ...(after ? { after } : {}) });
    titles.push(...page.items.map((s) => s.title ?? '(untitled)'));
    if (page.next === undefined) return titles;
    after = page.next;
  }
  throw new Error('the pages never ended');
}

export function browseContract(backend: Backend): void {
  const t = (name: string, fn: (store: Store) => Promise<void>) =>
    test(name, backend.skip === undefined ? {} : { skip: backend.skip }, async () => {
      const { store, drop } = await backend.fresh('/nonexistent');
      try {
        await fn(store);
      } finally {
        await drop();
      }
    });

  describe(`store contract (${backend.name}): browsing the catalogue`, () => {
    t(
      'shows A–Z, case-insensitive, keyset-paged over every show exactly once; `from` jumps to a letter',
      async (store) => {
        const titles = ['banana', 'Apple', 'cherry', 'Date', 'elder', 'Fig', 'grape'];
        for (const [i, title] of titles.entries()) await addShow(store, `https://az.example/${i}`, { title });
        const read = (q: ShowListQuery) => store.browse.showsByTitle(q);
        const sorted = ['Apple', 'banana', 'cherry', 'Date', 'elder', 'Fig', 'grape'];
        assert.deepEqual(await allPages(read, { audience: EVERYONE, limit: 3 }), sorted);
        assert.deepEqual(await allPages(read, { audience: EVERYONE, limit: 100 }), sorted);
        const fromD = await store.browse.showsByTitle({ audience: EVERYONE, limit: 2, from: 'D' });
        assert.deepEqual(
          fromD.items.map((s) => s.title),
          ['Date', 'elder'],
        );
        assert.ok(fromD.next, 'more after elder');
        await assert.rejects(
          store.browse.showsByTitle({ audience: EVERYONE, limit: 2, after: 'not a cursor' }),
          (e: unknown) => e instanceof Error && 'code' in e && e.code === 'invalid',
        );
      },
    );

    t('shows by their newest episode, the ones without episodes last, every show once', async (store) => {
      await addShow(store, 'https://r.example/old', { title: 'Old' }, [
        { publishedAt: day(-30).toISOString() },
      ]);
      await addShow(store, 'https://r.example/none', { title: 'None' });
      await addShow(store, 'https://r.example/new', { title: 'New' }, [
        { publishedAt: day(-1).toISOString() },
      ]);
      await addShow(store, 'https://r.example/mid', { title: 'Mid' }, [
        { publishedAt: day(-9).toISOString() },
      ]);
      await addShow(store, 'https://r.example/none2', { title: 'None 2' });
      const read = (q: ShowListQuery) => store.browse.showsByRecency(q);
      const want = ['New', 'Mid', 'Old', 'None 2', 'None'];
      for (const limit of [1, 2, 3, 10]) {
        assert.deepEqual(await allPages(read, { audience: EVERYONE, limit }), want, `limit ${limit}`);
      }
    });

    t(
      'categories: names matched leniently to the tree, a sub-category puts the show in its parent too',
      async (store) => {
        const a = await addShow(store, 'https://c.example/a', {
          title: 'Kids Show',
          categories: [{ name: 'Kids &amp; Family' }, { name: 'Technology', subcategories: ['Tech News'] }],
        });
        await addShow(store, 'https://c.example/b', {
          title: 'Family Matters',
          categories: [{ name: 'kids and family', subcategories: ['Parenting'] }],
        });
        await addShow(store, 'https://c.example/c', {
          title: 'Baskets',
          categories: [{ name: 'Underwater  Basket Weaving' }],
        });
        const counts = new Map((await store.browse.categoryCounts(EVERYONE)).map((c) => [c.slug, c]));
        assert.equal(counts.get('kids-and-family')?.shows, 2);
        assert.equal(counts.get('kids-and-family')?.name, 'Kids & Family');
        assert.equal(counts.get('parenting')?.shows, 1);
        assert.equal(counts.get('technology')?.shows, 1);
        assert.equal(counts.get('tech-news')?.shows, 1);
        assert.equal(counts.get('news')?.shows, 1, 'Tech News is a sub-category of News');
        assert.equal(counts.get('underwater-basket-weaving')?.name, 'Underwater Basket Weaving');
        assert.equal(
          await store.browse.categoryName('underwater-basket-weaving'),
          'Underwater Basket Weaving',
        );
        assert.equal(await store.browse.countShows({ audience: EVERYONE, category: 'kids-and-family' }), 2);
        const kids = await store.browse.showsByTitle({
          audience: EVERYONE,
          limit: 10,
          category: 'kids-and-family',
        });
        assert.deepEqual(
          kids.items.map((s) => s.title),
          ['Family Matters', 'Kids Show'],
        );
        assert.deepEqual(
          (await store.browse.categoriesOf(a.showId)).map((c) => c.slug),
          ['kids-and-family', 'news', 'tech-news', 'technology'],
        );
        // A refresh that changes the feed's categories moves the show.
        await store.shows.upsert(
          a.feedId,
          { format: 'rss', title: 'Kids Show', categories: [{ name: 'Comedy' }] },
          day(1),
        );
        assert.deepEqual(
          (await store.browse.categoriesOf(a.showId)).map((c) => c.slug),
          ['comedy'],
        );
        assert.equal(await store.browse.countShows({ audience: EVERYONE, category: 'kids-and-family' }), 1);
        const among = await store.browse.showsAmong([a.showId, 999], {
          audience: EVERYONE,
          category: 'comedy',
        });
        assert.deepEqual(
          among.map((s) => s.id),
          [a.showId],
        );
      },
    );

    t('a private show is listed and counted only for admins and its followers', async (store) => {
      const { users, library } = store.listeners;
      const admin = (await createAccount(users, { name: 'admin', password: 'admin password' }, T0)).id;
      const fan = (await createAccount(users, { name: 'fan', password: 'fan password 1' }, T0)).id;
      const other = (await createAccount(users, { name: 'other', password: 'other password' }, T0)).id;
      await addShow(
        store,
        'https://p.example/public',
        { title: 'Public', categories: [{ name: 'Comedy' }] },
        [{ title: 'Public episode', publishedAt: day(-2).toISOString() }],
      );
      const hidden = await addShow(
        store,
        'https://p.example/private',
        { title: 'Private', categories: [{ name: 'Comedy' }, { name: 'Secret Things' }] },
        [{ title: 'Private episode', publishedAt: day(-1).toISOString() }],
        { private: true },
      );
      await library.follow(fan, hidden.feedId, T0);
      const seen = async (audience: Audience) => ({
        az: (await store.browse.showsByTitle({ audience, limit: 10 })).items.map((s) => s.title),
        recent: (await store.browse.showsByRecency({ audience, limit: 10 })).items.map((s) => s.title),
        comedy: await store.browse.countShows({ audience, category: 'comedy' }),
        total: await store.browse.countShows({ audience }),
        secret: (await store.browse.categoryCounts(audience)).some((c) => c.slug === 'secret-things'),
        among: (await store.browse.showsAmong([hidden.showId], { audience })).length,
        episodes: (await store.browse.newEpisodes({ audience, limit: 10, now: T0 })).items.map(
          (e) => e.title,
        ),
      });
      const outsider = {
        az: ['Public'],
        recent: ['Public'],
        comedy: 1,
        total: 1,
        secret: false,
        among: 0,
        episodes: ['Public episode'],
      };
      const insider = {
        az: ['Private', 'Public'],
        recent: ['Private', 'Public'],
        comedy: 2,
        total: 2,
        secret: true,
        among: 1,
        episodes: ['Private episode', 'Public episode'],
      };
      assert.deepEqual(await seen(EVERYONE), outsider, 'anonymous');
      assert.deepEqual(await seen({ userId: other }), outsider, 'another listener');
      assert.deepEqual(await seen({ userId: fan }), insider, 'its follower');
      assert.deepEqual(await seen({ userId: admin, isAdmin: true }), insider, 'an admin');
    });

    t(
      'new episodes: newest first across shows, keyset-paged, none vanished or dated in the future',
      async (store) => {
        await addShow(store, 'https://n.example/a', { title: 'A' }, [
          { title: 'a1', publishedAt: day(-10).toISOString() },
          { title: 'a2', publishedAt: day(-3).toISOString() },
          { title: 'a-future', publishedAt: day(300).toISOString() },
        ]);
        const b = await addShow(store, 'https://n.example/b', { title: 'B' }, [
          { title: 'b1', publishedAt: day(-5).toISOString() },
          { title: 'b2', publishedAt: day(-1).toISOString() },
          { title: 'b-gone', publishedAt: day(-2).toISOString() },
        ]);
        // b-gone leaves the feed.
        await store.episodes.upsertForShow(
          b.showId,
          [0, 1].map((i) => ({
            guid: `https://n.example/b#${i}`,
            guidSource: 'guid' as const,
            enclosure: { url: `https://n.example/b/${i}.mp3` },
            title: `b${i + 1}`,
            publishedAt: day(i === 0 ? -5 : -1).toISOString(),
          })),
          { now: day(0), complete: true },
        );
        const titles: string[] = [];
        let after: string | undefined;
        for (let guard = 0; guard < 10; guard++) {
          const page = await store.browse.newEpisodes({
            audience: EVERYONE,
            limit: 2,
            now: T0,
            ...(after ? { after } : {}),
          });
          titles.push(...page.items.map((e) => e.title ?? ''));
          if (!page.next) break;
          after = page.next;
        }
        assert.deepEqual(titles, ['b2', 'a2', 'b1', 'a1']);
      },
    );

    t(
      "a show's seasons, one season's episodes paged in order, its years and a jump to one",
      async (store) => {
        const episodes: Partial<EpisodeContent>[] = [];
        for (let i = 0; i < 9; i++) {
          episodes.push({
            title: `e${i}`,
            season: i < 4 ? 1 : 2,
            publishedAt: new Date(Date.UTC(2019 + Math.floor(i / 3), 5, 1 + i)).toISOString(),
          });
        }
        episodes.push({ title: 'extra', publishedAt: new Date(Date.UTC(2022, 0, 1)).toISOString() });
        const { showId } = await addShow(store, 'https://s.example/s', { title: 'Seasons' }, episodes);
        assert.deepEqual(await store.browse.seasons(showId), [
          { season: 1, episodes: 4 },
          { season: 2, episodes: 5 },
        ]);
        assert.deepEqual(await store.browse.episodeYears(showId), { first: 2019, last: 2022 });
        const first = await store.browse.listSeason(showId, 2, { order: 'oldest', limit: 3 });
        assert.deepEqual(
          first.items.map((e) => e.title),
          ['e4', 'e5', 'e6'],
        );
        assert.ok(first.next);
        const rest = await store.browse.listSeason(showId, 2, {
          order: 'oldest',
          limit: 3,
          cursor: first.next,
        });
        assert.deepEqual(
          rest.items.map((e) => e.title),
          ['e7', 'e8'],
        );
        assert.equal(rest.next, undefined);
        // 2020 holds e3, e4, e5.
        const newest2020 = await store.episodes.listItemsForShow(showId, {
          order: 'newest',
          limit: 2,
          cursor: store.browse.cursorAtYear(2020, 'newest'),
        });
        assert.deepEqual(
          newest2020.items.map((e) => e.title),
          ['e5', 'e4'],
        );
        const oldest2020 = await store.browse.listSeason(showId, 1, {
          order: 'oldest',
          limit: 5,
          cursor: store.browse.cursorAtYear(2020, 'oldest'),
        });
        assert.deepEqual(
          oldest2020.items.map((e) => e.title),
          ['e3'],
        );
        assert.equal(await store.browse.episodeYears(9999), undefined);
      },
    );

    t(
      "a show's page and an episode's page read in one statement what their separate reads give",
      async (store) => {
        const { showId } = await addShow(
          store,
          'https://pages.example/s',
          {
            title: 'Pages',
            type: 'serial',
            categories: [{ name: 'History' }, { name: 'Arts', subcategories: ['Books'] }],
            persons: [
              { name: 'Ann Host', role: 'host', group: 'cast', href: 'https://ann.example/' },
              { name: 'Bo Producer', role: 'producer', group: 'crew' },
              { name: 'A. Host', role: 'host', group: 'cast' },
            ],
          },
          [
            {
              title: 'one',
              season: 2,
              publishedAt: '2021-03-01T00:00:00.000Z',
              persons: [{ name: 'Gil Guest', role: 'guest', group: 'cast', img: 'https://g.example/g.jpg' }],
            },
            { title: 'two', season: 1, publishedAt: '2023-03-01T00:00:00.000Z' },
            { title: 'three', publishedAt: '2022-03-01T00:00:00.000Z' },
          ],
        );
        // Two names of one person: both pages credit the person once, under the name it was merged into.
        const names = await store.people.forShow(showId);
        const ann = names.find((c) => c.person.name === 'Ann Host');
        const alias = names.find((c) => c.person.name === 'A. Host');
        assert.ok(ann && alias);
        await store.people.merge(alias.person.id, ann.person.id, T0);
        await store.sources.replaceForEpisodes(
          showId,
          [
            {
              guid: 'https://pages.example/s#0',
              citations: [
                { text: 'Doe, Jane. A Book. 2020.', title: 'A Book', url: 'https://books.example/a' },
                { text: 'Roe. Another Work.' },
              ],
            },
          ],
          T0,
        );
        // The same book cited by an episode of another public show and of a private one: a visitor sees the first.
        // (A private feed is added by a listener: addShow names user 1.)
        await createAccount(store.listeners.users, { name: 'adder', password: 'adder password' }, T0);
        for (const [i, options] of [{}, { private: true }].entries()) {
          const other = await addShow(
            store,
            `https://pages.example/o${i}`,
            { title: `Other ${i}` },
            [{}],
            options,
          );
          await store.sources.replaceForEpisodes(
            other.showId,
            [
              {
                guid: `https://pages.example/o${i}#0`,
                citations: [{ text: 'Doe. A Book.', title: 'A Book', url: 'https://books.example/a' }],
              },
            ],
            T0,
          );
        }

        const page = await store.browse.showPage(showId, { limit: 2 });
        assert.deepEqual(page, {
          show: await store.shows.get(showId),
          // A serial's own order: oldest first.
          episodes: await store.episodes.listItemsForShow(showId, { order: 'oldest', limit: 2 }),
          credits: await store.people.forShow(showId),
          seasons: await store.browse.seasons(showId),
          years: await store.browse.episodeYears(showId),
          categories: await store.browse.categoriesOf(showId),
        });
        assert.deepEqual(
          page.credits.map((c) => [c.person.name, c.role]),
          [
            ['Ann Host', 'host'],
            ['Bo Producer', 'producer'],
          ],
        );
        assert.deepEqual(page.seasons, [
          { season: 1, episodes: 1 },
          { season: 2, episodes: 1 },
        ]);
        assert.deepEqual(page.years, { first: 2021, last: 2023 });
        assert.ok(page.categories.length >= 2);
        assert.deepEqual(
          page.episodes.items.map((e) => e.title),
          ['one', 'three'],
        );
        // The list's other shapes page exactly as listItemsForShow and listSeason do.
        const next = page.episodes.next;
        assert.ok(next);
        assert.deepEqual(
          (await store.browse.showPage(showId, { limit: 2, after: next }))?.episodes,
          await store.episodes.listItemsForShow(showId, { order: 'oldest', limit: 2, cursor: next }),
        );
        assert.deepEqual(
          (await store.browse.showPage(showId, { order: 'newest', limit: 30 }))?.episodes.items.map(
            (e) => e.title,
          ),
          ['two', 'three', 'one'],
        );
        assert.deepEqual(
          (await store.browse.showPage(showId, { order: 'newest', limit: 1, year: 2022 }))?.episodes,
          await store.episodes.listItemsForShow(showId, {
            order: 'newest',
            limit: 1,
            cursor: store.browse.cursorAtYear(2022, 'newest'),
          }),
        );
        assert.deepEqual(
          (await store.browse.showPage(showId, { limit: 30, year: 2022 }))?.episodes.items.map(
            (e) => e.title,
          ),
          ['three', 'two'],
        );
        assert.deepEqual(
          (await store.browse.showPage(showId, { limit: 30, season: 2 }))?.episodes,
          await store.browse.listSeason(showId, 2, { order: 'oldest', limit: 30 }),
        );

        const episodes = await store.episodes.listItemsForShow(showId, { order: 'oldest', limit: 10 });
        assert.equal(episodes.items.length, 3);
        for (const item of episodes.items) {
          assert.deepEqual(await store.browse.episodePage(item.id), {
            episode: await store.episodes.get(item.id),
            show: await store.shows.get(showId),
            credits: await store.people.forEpisode(item.id),
            showCredits: await store.people.forShow(showId),
            citations: await store.sources.forEpisode(item.id),
            publicReach: await store.sources.reach(
              (await store.sources.forEpisode(item.id)).map((c) => c.sourceId),
              { exceptEpisodeId: item.id, audience: EVERYONE },
            ),
          });
        }
        const first = await store.browse.episodePage(episodes.items[0]?.id ?? 0);
        assert.equal(first?.episode.title, 'one');
        assert.deepEqual(
          first?.credits.map((c) => [c.person.name, c.role, c.person.img]),
          [['Gil Guest', 'guest', 'https://g.example/g.jpg']],
        );
        assert.deepEqual(
          first?.citations.map((c) => c.citation.title ?? c.citation.text),
          ['A Book', 'Roe. Another Work.'],
        );
        assert.deepEqual(
          first?.publicReach.map((r) => [r.sourceId, r.episodes, r.shows]),
          [[first?.citations[0]?.sourceId, 1, 1]],
        );

        // A show without episodes has no years; what does not exist reads as nothing.
        const { showId: empty } = await addShow(store, 'https://pages.example/empty', { title: 'Empty' });
        const emptyPage = await store.browse.showPage(empty, { limit: 30 });
        assert.deepEqual(emptyPage?.seasons, []);
        assert.deepEqual(emptyPage?.episodes, { items: [] });
        assert.equal(emptyPage?.years, undefined);
        assert.equal(emptyPage?.show.title, 'Empty');
        assert.equal(await store.browse.showPage(999_999, { limit: 30 }), undefined);
        assert.equal(await store.browse.episodePage(999_999), undefined);
      },
    );
  });
}
