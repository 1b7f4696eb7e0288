// gPodder / Nextcloud sync: devices, one subscription list per listener with its change log, the episode
// action log, sync sessions, app passwords per device, settings. Times used for `since` windows are epoch
// milliseconds (bigint) of the server's receive time; other times are ISO text like the rest of the schema.
import type { Kysely } from 'kysely';
import { type Migration, type SqlDialect, withId } from './types.ts';

export const sync: Migration = {
  name: '0003-sync',
  async up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
    await db.schema
      .createTable('sync_devices')
      .addColumn('user_id', 'integer', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('caption', 'text')
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('synchronized', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('sync_devices_pk', ['user_id', 'device_id'])
      .execute();

    // The listener's one list: the URL as the client sent it (normalised), and the feed it resolved to.
    await db.schema
      .createTable('sync_subscriptions')
      .addColumn('user_id', 'integer', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('subscribed', 'integer', (c) => c.notNull())
      .addColumn('feed_id', 'integer')
      .addColumn('updated_ms', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('sync_subscriptions_pk', ['user_id', 'url'])
      .execute();

    await withId(db.schema.createTable('sync_subscription_changes'), dialect)
      .addColumn('user_id', 'integer', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('received_ms', 'bigint', (c) => c.notNull())
      .addColumn('device_id', 'text')
      .execute();
    await db.schema
      .createIndex('sync_subscription_changes_user_time')
      .on('sync_subscription_changes')
      .columns(['user_id', 'received_ms', 'id'])
      .execute();

    await withId(db.schema.createTable('sync_episode_actions'), dialect)
      .addColumn('user_id', 'integer', (c) => c.notNull())
      .addColumn('podcast', 'text', (c) => c.notNull())
      .addColumn('episode', 'text', (c) => c.notNull())
      .addColumn('guid', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('timestamp_ms', 'bigint', (c) => c.notNull())
      .addColumn('received_ms', 'bigint', (c) => c.notNull())
      .addColumn('device_id', 'text')
      .addColumn('started', 'integer')
      .addColumn('position', 'integer')
      .addColumn('total', 'integer')
      .addColumn('episode_ref', 'integer')
      // `web` for the one coalesced action per episode the web player writes; NULL for client uploads.
      .addColumn('web_key', 'text')
      .execute();
    await db.schema
      .createIndex('sync_episode_actions_user_time')
      .on('sync_episode_actions')
      .columns(['user_id', 'received_ms', 'id'])
      .execute();
    await db.schema
      .createIndex('sync_episode_actions_web')
      .on('sync_episode_actions')
      .columns(['user_id', 'web_key'])
      .unique()
      .execute();

    await db.schema
      .createTable('sync_sessions')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();

    await withId(db.schema.createTable('sync_app_passwords'), dialect)
      .addColumn('user_id', 'integer', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_used_at', 'text')
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema
      .createIndex('sync_app_passwords_user')
      .on('sync_app_passwords')
      .columns(['user_id'])
      .execute();

    await db.schema
      .createTable('sync_settings')
      .addColumn('user_id', 'integer', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('scope_key', 'text', (c) => c.notNull())
      .addColumn('values_json', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('sync_settings_pk', ['user_id', 'scope', 'scope_key'])
      .execute();
  },
};
