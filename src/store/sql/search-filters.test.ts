// Search filters (SearchFilters in ports.ts) on SQLite and (with EARSHOT_TEST_DATABASE_URL) PostgreSQL: by show, by
// person and by publication date, applied as the indexes are read, so pages and totals count only what passes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { postgresSkip } from '../../../test/support/postgres.ts';
import { withFreshStore } from '../../../test/support/store-backends.ts';
import type { EpisodeContent } from '../../domain/episode.ts';
import type { Store } from '../index.ts';
import type { SearchFilters } from '../ports.ts';

// Asked before any test is declared: a test declared after a top-level await can run after this file's hooks.
const pgSkip = await postgresSkip();

const T0 = new Date('2026-01-01T00:00:00.000Z');

function episode(
  guid: string,
  title: string,
  publishedAt: string | undefined,
  guest?: string,
): EpisodeContent {
  return {
    guid,
    guidSource: 'guid',
    title,
    ...(publishedAt ? { publishedAt } : {}),
    enclosure: { url: `https://cdn.example/${guid}.mp3` },
    ...(guest ? { persons: [{ name: guest, role: 'guest', group: 'cast' }] } : {}),
  };
}

/** Two shows about mining: one hosted by Ada (a show credit), one with Bo as a guest of one episode. */
async function catalogue(store: Store): Promise<{ coal: number; ore: number; ada: number; bo: number }> {
  const a = await store.feeds.add('https://feeds.example/coal.xml', T0);
  const coal = await store.shows.upsert(
    a.feed.id,
    {
      format: 'rss',
      title: 'Coal Mining Stories',
      persons: [{ name: 'Ada Host', role: 'host', group: 'cast' }],
    },
    T0,
  );
  await store.episodes.upsertForShow(
    coal.show.id,
    [
      episode('c1', 'Mining in 2019', '2019-03-01T10:00:00.000Z'),
      episode('c2', 'Mining in 2020', '2020-06-01T10:00:00.000Z'),
      episode('c3', 'Mining in 2021', '2021-09-01T10:00:00.000Z'),
    ],
    { now: T0, complete: true },
  );
  const b = await store.feeds.add('https://feeds.example/ore.xml', T0);
  const ore = await store.shows.upsert(b.feed.id, { format: 'rss', title: 'Ore Weekly' }, T0);
  await store.episodes.upsertForShow(
    ore.show.id,
    [
      episode('o1', 'Mining the moon', '2020-01-01T00:00:00.000Z', 'Bo Guest'),
      episode('o2', 'Mining the sea', '2020-12-31T23:59:59.000Z'),
      episode('o3', 'Mining undated', undefined),
    ],
    { now: T0, complete: true },
  );
  const ada = await store.people.findByName('Ada Host');
  const bo = await store.people.findByName('Bo Guest');
  assert.ok(ada && bo, 'the credits were stored');
  return { coal: coal.show.id, ore: ore.show.id, ada: ada.id, bo: bo.id };
}

for (const kind of ['sqlite', 'postgres'] as const) {
  const skip = (kind === 'postgres' ? pgSkip : undefined) ?? false;
  describe(`search filters (${kind})`, { skip }, () => {
    it('narrows episodes by show, person and date, and counts only what passes', () =>
      withFreshStore(kind, async (store) => {
        const ids = await catalogue(store);
        const find = async (filters: SearchFilters, limit = 10, page = 1) => {
          const r = await store.search.search('mining', { limit, page, filters });
          return {
            guids: r.episodes.map((e) => e.episode.guid).sort(),
            shows: r.shows.map((s) => s.title),
            total: r.episodeTotal,
            hasMore: r.hasMore,
          };
        };
        const all = await find({});
        assert.equal(all.guids.length, 6, 'no filter: every episode');
        assert.deepEqual(all.shows, ['Coal Mining Stories'], 'the show with the word in its title');

        const coal = await find({ showId: ids.coal });
        assert.deepEqual(coal.guids, ['c1', 'c2', 'c3']);
        assert.deepEqual(coal.total, { count: 3, exact: true });
        assert.deepEqual((await find({ showId: ids.ore })).shows, [], 'shows narrowed to the one asked for');

        const year2020 = await find({
          publishedFrom: '2020-01-01T00:00:00.000Z',
          publishedBefore: '2021-01-01T00:00:00.000Z',
        });
        assert.deepEqual(year2020.guids, ['c2', 'o1', 'o2'], 'both ends of the year, none undated');
        assert.deepEqual(year2020.total, { count: 3, exact: true });
        assert.deepEqual(year2020.shows, ['Coal Mining Stories'], 'shows are not narrowed by date');
        assert.deepEqual((await find({ publishedFrom: '2021-01-01T00:00:00.000Z' })).guids, ['c3']);
        assert.deepEqual((await find({ publishedBefore: '2019-12-31T00:00:00.000Z' })).guids, ['c1']);

        assert.deepEqual(
          (await find({ personId: ids.ada })).guids,
          ['c1', 'c2', 'c3'],
          "a show's host: its episodes",
        );
        const bo = await find({ personId: ids.bo });
        assert.deepEqual(bo.guids, ['o1'], 'a guest: the episode crediting them');
        assert.deepEqual(bo.shows, [], 'no show titled "mining" credits the guest');

        assert.deepEqual(
          (await find({ showId: ids.ore, publishedFrom: '2020-06-01T00:00:00.000Z' })).guids,
          ['o2'],
          'filters combine',
        );
        assert.deepEqual((await find({ showId: ids.coal, personId: ids.bo })).guids, []);

        const first = await find({ showId: ids.coal }, 2, 1);
        const second = await find({ showId: ids.coal }, 2, 2);
        assert.equal(first.hasMore, true, 'a filtered search pages');
        assert.equal(second.hasMore, false);
        assert.deepEqual([...first.guids, ...second.guids].sort(), ['c1', 'c2', 'c3']);
      }));

    it('a person filter finds the credits of every name merged into that person', () =>
      withFreshStore(kind, async (store) => {
        const ids = await catalogue(store);
        // "Bo Guest" merged into Ada (an admin's merge): Ada's filter also finds the episode crediting Bo.
        await store.people.merge(ids.bo, ids.ada, T0);
        const guids = async (personId: number): Promise<string[]> =>
          (await store.search.search('mining', { limit: 10, filters: { personId } })).episodes
            .map((e) => e.episode.guid)
            .sort();
        assert.deepEqual(await guids(ids.ada), ['c1', 'c2', 'c3', 'o1']);
        const shows = await store.search.search('ore', { limit: 10, filters: { personId: ids.ada } });
        assert.deepEqual(
          shows.shows.map((s) => s.title),
          ['Ore Weekly'],
          'a show with an episode crediting a merged name',
        );
      }));

    it('filters apply together with what the audience may see', () =>
      withFreshStore(kind, async (store) => {
        const ids = await catalogue(store);
        const ore = await store.shows.get(ids.ore);
        assert.ok(ore);
        await store.feeds.setVisibility(ore.feedId, 'private');
        const r = await store.search.search('mining', {
          limit: 10,
          audience: {},
          filters: { publishedFrom: '2020-01-01T00:00:00.000Z' },
        });
        assert.deepEqual(
          r.episodes.map((e) => e.episode.guid).sort(),
          ['c2', 'c3'],
          'the hidden show stays hidden',
        );
        assert.deepEqual(r.episodeTotal, { count: 2, exact: true });
      }));
  });
}
