// The parser's problems of a feed's last body move off the feed row into a table of their own. They are written once
// per ingest and read only by the health listings, while the feed row is rewritten on every fetch — a 304 included —
// and with a few KB of problems in it a row spilled onto overflow pages that SQLite copied on every one of those
// writes.
import { type Kysely, sql } from 'kysely';
import type { Migration } from './types.ts';

export const feedProblems: Migration = {
  name: '0009-feed-problems',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('feed_problems')
      .addColumn('feed_id', 'integer', (c) => c.primaryKey().references('feeds.id').onDelete('cascade'))
      .addColumn('problems_json', 'text', (c) => c.notNull())
      .execute();
    await sql`insert into feed_problems (feed_id, problems_json)
      select id, problems_json from feeds where problems_json is not null`.execute(db);
    await db.schema.alterTable('feeds').dropColumn('problems_json').execute();
  },
};
