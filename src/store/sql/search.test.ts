// Search ranking beyond the store contract, on SQLite and (with EARSHOT_TEST_DATABASE_URL) PostgreSQL: a whole word
// ranks before words it is only a prefix of, and only the last word of a query is matched as a prefix.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { postgresSkip } from '../../../test/support/postgres.ts';
import { withFreshStore } from '../../../test/support/store-backends.ts';
import type { EpisodeContent } from '../../domain/episode.ts';
import { openStore } from '../index.ts';
import { migrations } from '../migrations/index.ts';
import { connect } from './connect.ts';
import { migrate } from './migrate.ts';
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
