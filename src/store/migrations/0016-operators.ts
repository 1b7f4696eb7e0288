// What the operator's tools need: a feed can be paused (the crawler skips it), an account disabled (it cannot sign in
// or sync), and an account's last sign-in is kept for the users page. All three are timestamps, NULL when not set.
import type { Kysely } from 'kysely';
import type { Migration } from './types.ts';

export const operators: Migration = {
  name: '0016-operators',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('feeds').addColumn('paused_at', 'text').execute();
    await db.schema.alterTable('users').addColumn('disabled_at', 'text').execute();
    await db.schema.alterTable('users').addColumn('last_seen_at', 'text').execute();
  },
};
