// The inputs of the next-check schedule (the channel's hints and its latest publication dates) kept on the feed row,
// written whenever a body is ingested — the only time they change. A 304, the common refresh, then reads nothing but
// the feed it already has. Null until the feed's next successful fetch; the refresh reads the history once meanwhile.
import type { Kysely } from 'kysely';
import type { Migration } from './types.ts';

export const feedSchedule: Migration = {
  name: '0008-feed-schedule',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('feeds').addColumn('schedule_json', 'text').execute();
  },
};
