// A prepared query answers like the query it was built from, for every later set of arguments; a query that would
// bind a value derived from an argument (rather than the argument) is refused instead of answering wrongly.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { postgresSkip, throwAwaySchema } from '../../../test/support/postgres.ts';
import { migrations } from '../migrations/index.ts';
import { connect } from './connect.ts';
import { migrate } from './migrate.ts';
import { Prepared } from './prepared.ts';

describe('Prepared', () => {
  it('binds each call’s arguments where the query uses them, constants staying in place', async () => {
    const { db } = await connect(':memory:');
    try {
      await migrate(db, 'sqlite', migrations);
      for (const name of ['a', 'b', 'c', 'd'])
        await db
          .insertInto('app_settings')
          .values({ key: name, value: name.toUpperCase(), updated_at: '2026-01-01T00:00:00.000Z' })
          .execute();
      const query = new Prepared((from: string, limit: number) =>
        db
          .selectFrom('app_settings')
          .select(['key', 'value'])
          .where('key', '>=', from)
          .where('key', '!=', 'c')
          .orderBy('key')
          .limit(limit),
      );
      assert.deepEqual((await db.executeQuery(query.bind('a', 2))).rows, [
        { key: 'a', value: 'A' },
        { key: 'b', value: 'B' },
      ]);
      assert.deepEqual((await db.executeQuery(query.bind('b', 5))).rows, [
        { key: 'b', value: 'B' },
        { key: 'd', value: 'D' },
      ]);
      const derived = new Prepared((limit: number) =>
        db
          .selectFrom('app_settings')
          .selectAll()
          .limit(limit + 1),
      );
      assert.throws(() => derived.bind(1), /derived/);
    } finally {
      await db.destroy();
    }
  });

  it('on PostgreSQL runs as a named statement, and still answers after its table changed', async (t) => {
    const skip = await postgresSkip();
    if (skip !== undefined) return t.skip(skip);
    const schema = await throwAwaySchema();
    const { db } = await connect(schema.url);
    try {
      await migrate(db, 'postgres', migrations);
      await db
        .insertInto('app_settings')
        .values({ key: 'a', value: 'A', updated_at: '2026-01-01T00:00:00.000Z' })
        .execute();
      const query = new Prepared((key: string) =>
        db.selectFrom('app_settings').selectAll().where('key', '=', key),
      );
      assert.equal((await db.executeQuery(query.bind('a'))).rows.length, 1);
      const named = await sql<{ n: string }>`select count(*) as n from pg_prepared_statements`.execute(db);
      assert.ok(Number(named.rows[0]?.n) >= 1, 'a named statement was prepared');
      // Another process migrates: the named statement's result type changes under it.
      await sql`alter table app_settings add column extra text`.execute(db);
      const after = (await db.executeQuery(query.bind('a'))).rows[0];
      assert.equal(after?.value, 'A');
    } finally {
      await db.destroy();
      await schema.drop();
    }
  });
});
