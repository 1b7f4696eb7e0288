// The browse reads' contract on SQLite and PostgreSQL, and migration 0021 on a database that already has shows: their
// categories are listed from the feeds' stored names.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { postgresSkip } from '../../test/support/postgres.ts';
import { storeBackends } from '../../test/support/store-backends.ts';
import { browseContract } from '../../test/support/store-contract-browse.ts';
import { openMigratedDatabase } from '../../test/support/store-contract-sync.ts';
import { SqlStore } from './sql/store.ts';

const backends = await storeBackends();

// Asked before any test is declared: a test declared after a top-level await can run after this file's hooks.
const pgSkip = await postgresSkip();

for (const backend of backends) browseContract(backend);

for (const kind of ['sqlite', 'postgres'] as const) {
  const skip = kind === 'postgres' ? pgSkip : undefined;
  test(`${kind}: 0021 lists the shows already stored under their categories`, {
    skip: skip ?? false,
  }, async () => {
    const opened = await openMigratedDatabase(kind, {
      migration: '0021-browse',
      async fill(db) {
        const now = '2026-01-01T00:00:00.000Z';
        for (const [i, categories] of [
          [{ name: 'TV &amp; Film', subcategories: ['Film Reviews'] }],
          [{ name: 'tv and film' }, { name: 'Knitting Circles' }],
          'not json',
        ].entries()) {
          await sql`insert into feeds (url, status, created_at) values (${`https://m.example/${i}`}, 'active', ${now})`.execute(
            db,
          );
          const json = typeof categories === 'string' ? categories : JSON.stringify(categories);
          await sql`insert into shows (feed_id, format, title, categories_json, content_hash, created_at, updated_at)
            select id, 'rss', ${`Show ${i}`}, ${json}, 'h', ${now}, ${now} from feeds where url = ${`https://m.example/${i}`}`.execute(
            db,
          );
        }
      },
    });
    const store = new SqlStore(opened.db, opened.dialect, false);
    try {
      const counts = Object.fromEntries(
        (await store.browse.categoryCounts({})).map((c) => [c.slug, [c.name, c.shows]]),
      );
      assert.deepEqual(counts, {
        'film-reviews': ['Film Reviews', 1],
        'knitting-circles': ['Knitting Circles', 1],
        'tv-and-film': ['TV & Film', 2],
      });
    } finally {
      await opened.close();
    }
  });
}
