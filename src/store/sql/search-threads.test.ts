// SQLite searches on threads of their own (search-threads.ts): the same answers as the store's own connection (the
// catalogue's search and the sources'), writes seen once committed, several searches at once, and a closed store
// refusing more.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../config/config.ts';
import type { EpisodeContent } from '../../domain/episode.ts';
import { createApp, startServing } from '../../main.ts';
import { StoreError } from '../errors.ts';
import { openStore, type Store } from '../index.ts';
import { ThreadedSearch } from './search-threads.ts';

const T0 = new Date('2026-01-01T00:00:00.000Z');
const METRICS_TOKEN = 'search-threads-metrics-token-0123456789';

function episode(guid: string, title: string, description?: string): EpisodeContent {
  return {
    guid,
    guidSource: 'guid',
    title,
    ...(description === undefined ? {} : { description }),
    enclosure: { url: `https://cdn.example/${guid}.mp3` },
  };
}

async function withStores(
  fn: (threaded: Store, inProcess: Store, file: string) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'earshot-search-threads-'));
  const file = join(dir, 'earshot.db');
  const threaded = await openStore({ dataDir: dir, databaseUrl: file, searchThreads: 2 });
  const inProcess = await openStore({ dataDir: dir, databaseUrl: file });
  try {
    await fn(threaded, inProcess, file);
  } finally {
    await threaded.close();
    await inProcess.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function addShow(
  store: Store,
  slug: string,
  title: string,
  episodes: EpisodeContent[],
): Promise<number> {
  const { feed } = await store.feeds.add(`https://feeds.example/${slug}.xml`, T0);
  const { show } = await store.shows.upsert(feed.id, { format: 'rss', title, author: 'Coal Radio' }, T0);
  await store.episodes.upsertForShow(show.id, episodes, { now: T0, complete: false });
  return show.id;
}

describe('SQLite searches on threads', () => {
  it('serve on a SQLite file answers the search page from its threads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'earshot-search-threads-'));
    const config = loadConfig({
      env: {
        EARSHOT_DATA: dir,
        EARSHOT_CRAWL: '0',
        EARSHOT_HOST: '127.0.0.1',
        EARSHOT_SEARCH_THREADS: '2',
        EARSHOT_METRICS: 'on',
        EARSHOT_METRICS_TOKEN: METRICS_TOKEN,
      },
      cwd: dir,
    });
    const app = await createApp({ ...config, port: 0 });
    assert.ok(app.store.search instanceof ThreadedSearch, 'EARSHOT_SEARCH_THREADS reaches the store');
    const running = await startServing(app);
    try {
      const page = await fetch(`${running.url}/search?q=stakhanov`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /Stakhanovite Movement/, 'the demo episode is found');
      assert.ok(running.demo.episodes > 0);
      const metrics = await fetch(`${running.url}/metrics`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      const text = await metrics.text();
      assert.match(
        text,
        /^earshot_search_threads\{state="total"\} 2$/m,
        'the page asked the catalogue and the sources at once: a thread each',
      );
      assert.match(text, /^earshot_search_threads\{state="idle"\} 2$/m);
      assert.match(text, /^earshot_search_threads\{state="waiting"\} 0$/m);
    } finally {
      await running.shutdown();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('answers as the store’s own connection does: shows, episodes, people, the total, and the sources', () =>
    withStores(async (threaded, inProcess) => {
      assert.ok(
        threaded.search instanceof ThreadedSearch,
        'a file store with searchThreads searches on threads',
      );
      const showId = await addShow(threaded, 'coal', 'Coal and Steel', [
        {
          ...episode('a', 'Alexei Stakhanov', 'The miner who dug 102 tonnes of coal'),
          persons: [{ name: 'Lewis Siegelbaum', role: 'guest', group: 'cast' }],
        },
        episode('b', 'The Stakhanovites', 'A movement of record breakers'),
        episode('c', 'Steel towns', 'Magnitogorsk and its coal'),
      ]);
      for (const query of [
        'stakhanov',
        'stakh',
        'coal',
        'coal steel',
        'magnitogorsk',
        'siegelbaum',
        'nothing here',
      ]) {
        const options = { limit: 10 };
        assert.deepEqual(
          await threaded.search.search(query, options),
          await inProcess.search.search(query, options),
          query,
        );
      }
      await threaded.sources.replaceForEpisodes(
        showId,
        [
          {
            guid: 'a',
            citations: [
              { text: '"Alexei Stakhanov." Britannica.', title: 'Alexei Stakhanov', container: 'Britannica' },
              {
                text: 'Siegelbaum, Lewis. Stakhanovism and the Politics of Productivity.',
                title: 'Stakhanovism',
              },
            ],
          },
        ],
        T0,
      );
      assert.ok(
        threaded.sources.search !== inProcess.sources.search,
        'the sources are searched on the threads',
      );
      for (const query of ['stakhanov', 'britannica', 'stakh', 'nothing']) {
        const options = { limit: 5 };
        assert.deepEqual(
          await threaded.sources.search(query, options),
          await inProcess.sources.search(query, options),
          `sources: ${query}`,
        );
      }
      assert.equal((await threaded.sources.search('stakhanov', { limit: 5 })).length, 2);
      const found = await threaded.search.search('coal', { limit: 10 });
      assert.deepEqual(
        found.episodes.map((e) => e.episode.guid),
        ['c', 'a'],
        'the episodes whose description holds the word',
      );
      assert.equal(found.shows[0]?.title, 'Coal and Steel');
      const person = await threaded.search.search('siegelbaum', { limit: 10 });
      assert.deepEqual(
        person.people.map((p) => p.name),
        ['Lewis Siegelbaum'],
        'people by name',
      );
    }));

  it('finds what the store wrote once it is committed, and runs several searches at once', () =>
    withStores(async (threaded) => {
      assert.deepEqual(threaded.maintenance.searchThreads(), { total: 0, idle: 0, waiting: 0 }, 'none yet');
      assert.equal((await threaded.search.search('danube', { limit: 10 })).episodes.length, 0);
      await addShow(
        threaded,
        'rivers',
        'Rivers',
        Array.from({ length: 30 }, (_, i) => episode(`r${i}`, `Danube part ${i + 1}`)),
      );
      const pages = await Promise.all(
        [1, 2, 3, 1, 2, 3].map((page) => threaded.search.search('danube', { limit: 10, page })),
      );
      assert.deepEqual(
        pages.map((p) => p.episodes.length),
        [10, 10, 10, 10, 10, 10],
      );
      assert.deepEqual(pages[0], pages[3], 'the same page twice, from either thread');
      assert.deepEqual(
        threaded.maintenance.searchThreads(),
        { total: 2, idle: 2, waiting: 0 },
        'both threads started, and idle once every search is answered',
      );
      const seen = new Set(pages.slice(0, 3).flatMap((p) => p.episodes.map((e) => e.episode.guid)));
      assert.equal(seen.size, 30, 'three pages, thirty different episodes');
    }));

  it('a closed store’s search fails as unavailable', async () => {
    let search: Store['search'] | undefined;
    await withStores(async (threaded) => {
      search = threaded.search;
      await threaded.search.search('anything', { limit: 5 });
    });
    await assert.rejects(
      () => search?.search('anything', { limit: 5 }) ?? Promise.resolve(),
      (error: unknown) => error instanceof StoreError && error.code === 'unavailable',
    );
  });

  it('a thread that cannot open the file fails the search as unavailable, and the next one tries again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'earshot-search-threads-'));
    const search = new ThreadedSearch(join(dir, 'missing.db'), 1);
    try {
      for (let i = 0; i < 2; i++)
        await assert.rejects(
          () => search.search('coal', { limit: 5 }),
          (error: unknown) => error instanceof StoreError && error.code === 'unavailable',
        );
    } finally {
      await search.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
