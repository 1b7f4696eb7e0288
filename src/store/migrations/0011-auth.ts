// Sign-in state that every web process must share (issue 12, findings 5, 7, 8 and 10):
// - users.auth_epoch: bumped whenever the account's credentials change or the listener is signed out everywhere;
//   a process that remembers a verified password checks it against this before trusting its memory.
// - users.name_skeleton: what the name looks like (src/domain/user-name.ts), so that a new name cannot pass for an
//   existing one. Filled here for existing accounts; not unique, because existing accounts may already collide.
// - sync_sessions.app_password_id: the app password a gPodder session was opened with (revoking it ends them).
// - sync_login_flows: Nextcloud Login Flow v2 in progress, bounded and expiring, readable by any process. Only
//   hashes of the two tokens are stored; the app password is made when the client collects it.
// - sign_in_failures: failed sign-ins per key (an address and name pair, or a name) in a fixed window.
import type { Kysely } from 'kysely';
import { userNameSkeleton } from '../../domain/user-name.ts';
import type { Migration } from './types.ts';

export const auth: Migration = {
  name: '0011-auth',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('users')
      .addColumn('auth_epoch', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('users').addColumn('name_skeleton', 'text').execute();
    // The migration runs on an untyped handle (it must not follow later schema changes): the columns it reads and
    // writes, as they are at this point.
    const users = db.withTables<{ users: { id: number; name: string; name_skeleton: string | null } }>();
    for (const row of await users.selectFrom('users').select(['id', 'name']).execute()) {
      await users
        .updateTable('users')
        .set({ name_skeleton: userNameSkeleton(row.name) })
        .where('id', '=', row.id)
        .execute();
    }
    await db.schema.createIndex('users_name_skeleton').on('users').columns(['name_skeleton']).execute();

    await db.schema.alterTable('sync_sessions').addColumn('app_password_id', 'integer').execute();
    await db.schema.createIndex('sync_sessions_user').on('sync_sessions').columns(['user_id']).execute();
    await db.schema
      .createIndex('sync_sessions_app_password')
      .on('sync_sessions')
      .columns(['app_password_id'])
      .execute();

    await db.schema
      .createTable('sync_login_flows')
      .addColumn('poll_hash', 'text', (c) => c.primaryKey())
      .addColumn('login_hash', 'text', (c) => c.notNull().unique())
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('expires_ms', 'bigint', (c) => c.notNull())
      // Set when the listener granted access in the browser.
      .addColumn('user_id', 'integer')
      .addColumn('label', 'text')
      .execute();
    await db.schema
      .createIndex('sync_login_flows_expiry')
      .on('sync_login_flows')
      .columns(['expires_ms'])
      .execute();
    await db.schema
      .createIndex('sync_login_flows_address')
      .on('sync_login_flows')
      .columns(['address'])
      .execute();
    await db.schema
      .createIndex('sync_login_flows_user')
      .on('sync_login_flows')
      .columns(['user_id'])
      .execute();

    await db.schema
      .createTable('sign_in_failures')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('reset_ms', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('sign_in_failures_reset')
      .on('sign_in_failures')
      .columns(['reset_ms'])
      .execute();
  },
};
