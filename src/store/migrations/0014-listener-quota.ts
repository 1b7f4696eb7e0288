// Per-listener quotas and fair crawling (issue 12): who brought a feed into the catalogue, so that the feeds one
// listener added in the last day can be counted in the database (across restarts and processes), and a fair-share
// lane on jobs, so that the crawler takes "refresh now" jobs round-robin across listeners.
import type { Kysely } from 'kysely';
import type { Migration } from './types.ts';

export const listenerQuota: Migration = {
  name: '0014-listener-quota',
  async up(db: Kysely<unknown>): Promise<void> {
    // Null for feeds an administrator, the CLI or the demo added. A deleted account keeps nothing on its feeds.
    await db.schema
      .alterTable('feeds')
      .addColumn('added_by_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
      .execute();
    await db.schema
      .createIndex('feeds_added_by')
      .on('feeds')
      .columns(['added_by_user_id', 'created_at'])
      .execute();
    // Jobs of different lanes are claimed round-robin; null is one lane of its own (the administrator's work).
    await db.schema.alterTable('jobs').addColumn('lane', 'text').execute();
  },
};
