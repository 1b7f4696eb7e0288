// The fixed relevance set: queries → the results a listener expects on top, on the demo catalogue, on a small fixture
// catalogue built here, and (when ../shared/corpus is beside the clone) on real feeds; on SQLite and PostgreSQL.
// Also the paging and the totals. The ordering under test is THE ORDERING of sql/search.ts (docs/search.md).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { corpusDir, corpusPath, NO_CORPUS } from '../../../test/support/corpus.ts';
import { storeBackends } from '../../../test/support/store-backends.ts';
import { loadDemoIfEmpty } from '../../demo/load.ts';
import type { EpisodeContent } from '../../domain/episode.ts';
import { ingestFeedBody } from '../../feed/refresh/ingest.ts';
import type { Store } from '../index.ts';
import type { SearchResults } from '../ports.ts';
import { rank, trigramSimilarity } from './search.ts';

const backends = await storeBackends();

const T0 = new Date('2026-08-01T00:00:00.000Z');

interface FixtureShow {
  title: string;
  author?: string;
  description?: string;
  followers?: number;
  episodes: Array<{ title: string; description?: string; publishedAt: string }>;
}

/** Episodes are stored in the order given: dates are deliberately not insertion order. */
const FIXTURE: FixtureShow[] = [
  {
    title: 'Critical Role',
    author: 'Critical Role',
    description: 'Dungeons and Dragons actual play with voice actors.',
    followers: 2,
    episodes: [
      { title: 'Critical Role Campaign 4 Episode 2', publishedAt: '2026-07-24T02:00:00.000Z' },
      { title: 'Critical Role Campaign 4 Episode 1', publishedAt: '2026-07-17T02:00:00.000Z' },
      ...Array.from({ length: 12 }, (_, i) => ({
        title: `Critical Role Bonus Q&A ${i + 1}`,
        publishedAt: `2020-0${(i % 9) + 1}-10T02:00:00.000Z`,
      })),
      {
        title: 'The Legend of Vox Machina',
        description: 'An animated series by Critical Role.',
        publishedAt: '2025-01-01T00:00:00.000Z',
      },
    ],
  },
  {
    title: 'Role Models',
    description: 'Critical thinking about role models.',
    episodes: [{ title: 'Mentors', publishedAt: '2024-03-01T00:00:00.000Z' }],
  },
  {
    title: 'The Adventure Zone',
    episodes: [{ title: 'Here There Be Gerblins', publishedAt: '2015-01-01T00:00:00.000Z' }],
  },
  {
    title: 'History of Rome',
    author: 'Mike Duncan',
    episodes: [
      { title: 'The Fall of Rome', publishedAt: '2012-05-06T00:00:00.000Z' },
      {
        title: 'Aurelian',
        description: 'Rome is restored, for a while.',
        publishedAt: '2011-02-01T00:00:00.000Z',
      },
    ],
  },
  {
    title: 'Rest Is History',
    episodes: [{ title: 'Rome Sweet Rome', publishedAt: '2023-09-01T00:00:00.000Z' }],
  },
  // Two shows of the same name: the one listeners follow comes first (popularity breaks the tie).
  { title: 'Morning Brew', episodes: [{ title: 'Coffee', publishedAt: '2024-01-01T00:00:00.000Z' }] },
  {
    title: 'Morning Brew',
    followers: 1,
    episodes: [{ title: 'Tea', publishedAt: '2024-01-02T00:00:00.000Z' }],
  },
  {
    title: 'Daily Drip',
    episodes: Array.from({ length: 45 }, (_, i) => ({
      title: `Drip ${i + 1}`,
      publishedAt: new Date(Date.UTC(2025, 0, 1 + i)).toISOString(),
    })),
  },
];

async function loadFixture(store: Store): Promise<void> {
  let n = 0;
  let listener = 0;
  for (const spec of FIXTURE) {
    n++;
    const { feed } = await store.feeds.add(`https://feeds.example/${n}.xml`, T0);
    const { show } = await store.shows.upsert(
      feed.id,
      {
        format: 'rss',
        title: spec.title,
        ...(spec.author ? { author: spec.author } : {}),
        ...(spec.description ? { description: spec.description } : {}),
      },
      T0,
    );
    const episodes: EpisodeContent[] = spec.episodes.map((e, i) => ({
      guid: `${n}-${i}`,
      guidSource: 'guid',
      title: e.title,
      ...(e.description ? { description: e.description } : {}),
      publishedAt: e.publishedAt,
      enclosure: { url: `https://cdn.example/${n}-${i}.mp3` },
    }));
    await store.episodes.upsertForShow(show.id, episodes, { now: T0, complete: true });
    for (let f = 0; f < (spec.followers ?? 0); f++) {
      listener++;
      const user = await store.listeners.users.create({ name: `listener${listener}`, passwordHash: 'x' }, T0);
      await store.listeners.library.follow(user.id, feed.id, T0);
    }
  }
}

const titles = (r: SearchResults): string[] => r.episodes.map((e) => e.episode.title ?? '');
const showTitles = (r: SearchResults): string[] => r.shows.map((s) => s.title ?? '');

describe('search ordering helpers', () => {
  it('ranks by band, then recency (episodes) or popularity (shows), then id', () => {
    const c = (id: number, score: number, at: string | null, popularity = 0) => ({
      id,
      score,
      at,
      popularity,
    });
    assert.deepEqual(
      rank('episodes', [c(1, 1.0, '2020'), c(2, 0.95, '2026'), c(3, 0.3, '2027')]).map((x) => x.id),
      [2, 1, 3],
      'a score within the best band: the newer first; a clearly weaker match after',
    );
    assert.deepEqual(
      rank('shows', [c(1, 1, '2026', 0), c(2, 1, '2020', 5)]).map((x) => x.id),
      [2, 1],
    );
  });
  it('measures how much of a misspelt query a title holds', () => {
    assert.ok(trigramSimilarity('critcal role', 'Critical Role') > 0.7);
    assert.ok(trigramSimilarity('critcal role', 'Role Models') < 0.5);
  });
});

for (const backend of backends) {
  describe(`search relevance (${backend.name})`, { skip: backend.skip ?? false }, () => {
    const withStore = async (run: (store: Store) => Promise<void>): Promise<void> => {
      const { store, drop } = await backend.fresh('/nonexistent');
      try {
        await run(store);
      } finally {
        await drop();
      }
    };

    it('the demo catalogue: titles first', () =>
      withStore(async (store) => {
        await loadDemoIfEmpty(store, T0);
        const cases: Array<[string, 'shows' | 'episodes', string]> = [
          ['stakhanovite', 'episodes', 'Stakhanovite Movement'],
          ['history class', 'shows', 'Stuff You Missed in History Class'],
          ['missed histo', 'shows', 'Stuff You Missed in History Class'],
          ['histroy class', 'shows', 'Stuff You Missed in History Class'],
          ['namespace', 'shows', 'Podcasting 2.0 Namespace Example'],
          ['the future', 'episodes', 'Episode 3 - The Future'],
          ['unearthed', 'episodes', 'Unearthed in July 2017'],
        ];
        for (const [query, kind, expected] of cases) {
          const found = await store.search.search(query, { limit: 10 });
          const top = kind === 'shows' ? showTitles(found)[0] : titles(found)[0];
          assert.equal(top, expected, `“${query}”: top ${kind}`);
        }
      }));

    it('the fixture catalogue: titles first, then relevance, recency and popularity', () =>
      withStore(async (store) => {
        await loadFixture(store);
        const critical = await store.search.search('critical role', { limit: 10 });
        assert.deepEqual(showTitles(critical).slice(0, 1), ['Critical Role']);
        assert.deepEqual(
          titles(critical).slice(0, 2),
          ['Critical Role Campaign 4 Episode 2', 'Critical Role Campaign 4 Episode 1'],
          'the newest title matches first, though stored first',
        );
        assert.ok(
          !titles(critical).slice(0, 10).includes('The Legend of Vox Machina'),
          'a match in the description only comes after the title matches',
        );
        const rome = await store.search.search('rome', { limit: 10 });
        assert.equal(showTitles(rome)[0], 'History of Rome', 'a show named by the word first');
        assert.deepEqual(titles(rome).slice(0, 2).sort(), ['Rome Sweet Rome', 'The Fall of Rome']);
        assert.equal(titles(rome)[2], 'Aurelian', 'the description match last');
        const brew = await store.search.search('morning brew', { limit: 10 });
        const followed = brew.shows[0];
        assert.ok(followed !== undefined && brew.shows.length === 2);
        assert.equal(
          (await store.shows.get(followed.id))?.id,
          Math.max(...brew.shows.map((s) => s.id)),
          'the followed one (the later) first',
        );
      }));

    it('the fixture catalogue: show names within a typo', () =>
      withStore(async (store) => {
        await loadFixture(store);
        for (const [query, expected] of [
          ['critcal role', 'Critical Role'],
          ['critical rol', 'Critical Role'],
          ['adventure zoen', 'The Adventure Zone'],
          ['histroy of rome', 'History of Rome'],
        ] as const) {
          assert.equal(showTitles(await store.search.search(query, { limit: 10 }))[0], expected, query);
        }
        assert.deepEqual(showTitles(await store.search.search('qqqq zzzz', { limit: 10 })), []);
      }));

    it('pages the episodes with a total, without repeats or gaps', () =>
      withStore(async (store) => {
        await loadFixture(store);
        const seen: string[] = [];
        for (let page = 1; page <= 3; page++) {
          const found = await store.search.search('drip', { limit: 20, page });
          assert.deepEqual(found.episodeTotal, { count: 45, exact: true });
          assert.equal(found.page, page);
          assert.equal(found.hasMore, page < 3, `page ${page}: a next page`);
          assert.equal(found.episodes.length, page < 3 ? 20 : 5);
          if (page > 1) assert.deepEqual(found.shows, [], 'shows on the first page only');
          seen.push(...titles(found));
        }
        assert.equal(seen[0], 'Drip 45', 'newest first among equal titles');
        assert.equal(new Set(seen).size, 45);
        const beyond = await store.search.search('drip', { limit: 20, page: 4 });
        assert.deepEqual([beyond.episodes.length, beyond.hasMore], [0, false]);
      }));

    it('episode titles newest first by publication date, whatever the order they were stored in', () =>
      withStore(async (store) => {
        const { feed } = await store.feeds.add('https://feeds.example/lamps.xml', T0);
        const { show } = await store.shows.upsert(feed.id, { format: 'rss', title: 'Lamps' }, T0);
        const item = (guid: string, title: string, publishedAt?: string): EpisodeContent => ({
          guid,
          guidSource: 'guid',
          title,
          ...(publishedAt === undefined ? {} : { publishedAt }),
          enclosure: { url: `https://cdn.example/${guid}.mp3` },
        });
        await store.episodes.upsertForShow(
          show.id,
          [
            item('a', 'Lantern Makers', '2021-01-01T00:00:00.000Z'),
            item('b', 'Lantern Lighters', '2023-01-01T00:00:00.000Z'),
            item('c', 'Lantern Keepers, undated'),
            item('d', 'Lantern Keepers', '1921-01-01T00:00:00.000Z'),
            item('e', 'Lantern Sellers', '2022-01-01T00:00:00.000Z'),
          ],
          { now: T0, complete: true },
        );
        assert.deepEqual(titles(await store.search.search('lantern', { limit: 10 })), [
          'Lantern Lighters',
          'Lantern Sellers',
          'Lantern Makers',
          'Lantern Keepers',
          'Lantern Keepers, undated',
        ]);
        assert.deepEqual(titles(await store.search.search('lantern kee', { limit: 10 })).slice(0, 2), [
          'Lantern Keepers',
          'Lantern Keepers, undated',
        ]);
      }));

    it('past 500 matches the total is an estimate, and says so', () =>
      withStore(async (store) => {
        const { feed } = await store.feeds.add('https://feeds.example/many.xml', T0);
        const { show } = await store.shows.upsert(feed.id, { format: 'rss', title: 'Many' }, T0);
        await store.episodes.upsertForShow(
          show.id,
          Array.from({ length: 620 }, (_, i) => ({
            guid: `m${i}`,
            guidSource: 'guid' as const,
            title: `Lantern ${i}`,
            enclosure: { url: `https://cdn.example/m${i}.mp3` },
          })),
          { now: T0, complete: true },
        );
        const found = await store.search.search('lantern', { limit: 20, audience: {} });
        assert.equal(found.episodeTotal.exact, false);
        assert.ok(found.episodeTotal.count > 500, `${found.episodeTotal.count}`);
        assert.equal(found.episodes.length, 20);
        assert.ok(found.hasMore);
      }));

    it(
      'real feeds: "critical role" finds the newest episodes on the first page',
      { skip: corpusDir === undefined ? NO_CORPUS : false },
      () =>
        withStore(async (store) => {
          const url = 'https://feeds.example/critical-role.xml';
          const { feed } = await store.feeds.add(url, T0);
          const body = readFileSync(corpusPath('feeds/critrolesync/critical-role/feed-2026-07-21.xml'));
          await store.transaction((tx) => ingestFeedBody(tx, feed.id, [body], { url, now: T0 }));
          const found = await store.search.search('critical role', { limit: 20 });
          assert.equal(showTitles(found)[0], 'Critical Role');
          const dates = found.episodes.map((e) => e.episode.publishedAt ?? '');
          assert.ok(
            dates.some((d) => d.startsWith('2026-07')),
            `July 2026 episodes on the first page (got ${dates.slice(0, 5).join(', ')})`,
          );
          assert.ok(
            found.episodeTotal.count >= 81,
            `every title match counted (${found.episodeTotal.count})`,
          );
          assert.ok(found.hasMore);
        }),
    );
  });
}
