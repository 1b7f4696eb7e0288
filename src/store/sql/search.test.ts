// Search ranking beyond the store contract, on SQLite and (with EARSHOT_TEST_DATABASE_URL) PostgreSQL: a whole word
// ranks before words it is only a prefix of, and only the last word of a query is matched as a prefix.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pg from 'pg';
import { migratedSchema, postgresSkip } from '../../../test/support/postgres.ts';
import { withFreshStore } from '../../../test/support/store-backends.ts';
import type { EpisodeContent } from '../../domain/episode.ts';
import { openStore } from '../index.ts';
import { migrations } from '../migrations/index.ts';
import { connect } from './connect.ts';
import { migrate } from './migrate.ts';
import { epochBatches } from './search.ts';
import { SqlStore } from './store.ts';

// Asked before any test is declared: a test declared after a top-level await can run after this file's hooks.
const pgSkip = await postgresSkip();

const T0 = new Date('2026-01-01T00:00:00.000Z');

function episode(guid: string, title: string): EpisodeContent {
  return { guid, guidSource: 'guid', title, enclosure: { url: `https://cdn.example/${guid}.mp3` } };
}

for (const kind of ['sqlite', 'postgres'] as const) {
  const skip = (kind === 'postgres' ? pgSkip : undefined) ?? false;
  describe(`search ranking (${kind})`, { skip }, () => {
    it('a whole-word title match ranks before a newer title that only starts with the word', () =>
      withFreshStore(kind, async (store) => {
        const { feed } = await store.feeds.add('https://feeds.example/s.xml', T0);
        const { show } = await store.shows.upsert(feed.id, { format: 'rss', title: 'Coal' }, T0);
        await store.episodes.upsertForShow(show.id, [episode('old', 'Alexei Stakhanov')], {
          now: T0,
          complete: false,
        });
        await store.episodes.upsertForShow(show.id, [episode('new', 'The Stakhanovites')], {
          now: T0,
          complete: false,
        });
        const guids = async (q: string, limit = 10): Promise<string[]> =>
          (await store.search.search(q, { limit })).episodes.map((r) => r.episode.guid);
        assert.deepEqual(await guids('stakhanov'), ['old', 'new'], 'the whole word first');
        assert.deepEqual(await guids('stakhanov', 1), ['old'], 'and it keeps its place at the limit');
        assert.deepEqual(await guids('stakh'), ['new', 'old'], 'a partial word: newest first');
        assert.deepEqual(await guids('stakhanov alex'), ['old'], 'the last word is a prefix');
        assert.deepEqual(await guids('stakh alexei'), [], 'earlier words are whole words');
        assert.deepEqual(await guids('alexei s'), ['old'], 'a one-letter last word is not typed yet');
      }));
  });
}

describe('search prefix indexes (SQLite migration 0007)', () => {
  it('episodes indexed before the migration are still found, by whole words and by prefixes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'earshot-search-'));
    const file = join(dir, 'earshot.db');
    try {
      const before = migrations.findIndex((m) => m.name === '0007-search-prefixes');
      assert.ok(before > 0);
      const { db, dialect } = await connect(file);
      await migrate(db, dialect, migrations.slice(0, before));
      const old = new SqlStore(db, dialect, false);
      const { feed } = await old.feeds.add('https://feeds.example/m.xml', T0);
      const { show } = await old.shows.upsert(feed.id, { format: 'rss', title: 'Donbas Stories' }, T0);
      await old.episodes.upsertForShow(show.id, [episode('a', 'Alexei Stakhanov')], {
        now: T0,
        complete: false,
      });
      await old.close();
      const store = await openStore({ dataDir: dir, databaseUrl: file });
      try {
        for (const q of ['stakhanov', 'stakha', 'sta', 'alexei stakh']) {
          const found = await store.search.search(q, { limit: 5 });
          assert.deepEqual(
            found.episodes.map((r) => r.episode.guid),
            ['a'],
            q,
          );
        }
        assert.deepEqual(
          (await store.search.search('donb', { limit: 5 })).shows.map((s) => s.title),
          ['Donbas Stories'],
        );
      } finally {
        await store.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the description stage by epochs (PostgreSQL migration 0043)', () => {
  it('reads the newest epochs expected to hold the matches, then every older one', () => {
    // 1,002,679 episodes (epochs 0–15), 3,035 expected matches, the newest 501 wanted one and a half times over: the
    // newest 248,272 ids, from 754,407 (epoch 11).
    assert.deepEqual(epochBatches(1_002_679, 3_035, 501), [
      [15, 14, 13, 12, 11],
      [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ]);
    assert.deepEqual(
      epochBatches(1_002_679, 400, 501),
      [[...Array(16).keys()].reverse()],
      'too few: all at once',
    );
    assert.deepEqual(epochBatches(60_000, 3_000, 501), [[0]], 'one epoch');
    assert.deepEqual(epochBatches(0, 0, 501), [[0]], 'no episode yet');
  });

  it('finds the newest matches across epochs, the older epochs read when the newest hold too few', {
    skip: pgSkip ?? false,
  }, async () => {
    const schema = await migratedSchema();
    const client = new pg.Client({ connectionString: schema.url });
    await client.connect();
    const store = await openStore({ dataDir: '/nonexistent', databaseUrl: schema.url });
    try {
      const { rows } = await client.query(
        `select 1 from pg_indexes where indexname = 'episode_search_body_epoch' and schemaname = current_schema()`,
      );
      assert.equal(
        rows.length,
        1,
        'migration 0043 made its index (btree_gin is installed here, as .ci/run does)',
      );
      const { feed } = await store.feeds.add('https://feeds.example/e.xml', T0);
      const { show } = await store.shows.upsert(feed.id, { format: 'rss', title: 'Epochs' }, T0);
      const add = (prefix: string, n: number) =>
        store.episodes.upsertForShow(
          show.id,
          Array.from({ length: n }, (_, i) => ({
            ...episode(`${prefix}${i}`, `Part ${prefix}${i}`),
            description: 'Alpha and beta, again.',
          })),
          { now: T0, complete: false },
        );
      // 1,700 matches in epoch 0, then 300 in epoch 3 (ids from 200,001): the newest 501 are the 300 and 201 older.
      await add('old', 1700);
      await client.query(`select setval(pg_get_serial_sequence('episodes', 'id'), 200000)`);
      await add('new', 300);
      // Statistics, so that the planner expects about 2,000 matches: the stage then reads epochs 3–1 first, and 0 after.
      await client.query('analyze episode_search');
      const page = async (n: number) =>
        (await store.search.search('alpha beta', { limit: 100, page: n })).episodes.map(
          (r) => r.episode.guid,
        );
      assert.deepEqual(
        await page(3),
        Array.from({ length: 100 }, (_, i) => `new${99 - i}`),
      );
      assert.deepEqual(
        await page(4),
        Array.from({ length: 100 }, (_, i) => `old${1699 - i}`),
        'after the newest epochs, the newest of the older ones',
      );
      const found = await store.search.search('alpha beta', { limit: 10 });
      assert.equal(found.episodeTotal.exact, false, 'more than 500: an estimate');
      assert.ok(found.episodeTotal.count >= 1_000, `about ${found.episodeTotal.count}`);
    } finally {
      await store.close();
      await client.end();
      await schema.drop();
    }
  });
});
