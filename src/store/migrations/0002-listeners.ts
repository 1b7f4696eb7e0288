// Listener accounts and their library: users, sessions, settings, follows, progress, queue, and a daily
// listening tally per show for the popularity ranking.
import type { Kysely } from 'kysely';
import type { Migration, SqlDialect } from './types.ts';

export const listeners: Migration = {
  name: '0002-listeners',
  async up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
    await db.schema
      .createTable('users')
      .addColumn('id', 'integer', (col) =>
        dialect === 'sqlite'
          ? col.primaryKey().autoIncrement()
          : col.primaryKey().generatedByDefaultAsIdentity(),
      )
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_key', 'text', (c) => c.notNull().unique())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('user_sessions')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('user_sessions_user').on('user_sessions').columns(['user_id']).execute();

    await db.schema
      .createTable('app_settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('follows')
      .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('feed_id', 'integer', (c) => c.notNull().references('feeds.id').onDelete('cascade'))
      .addColumn('followed_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('follows_pk', ['user_id', 'feed_id'])
      .execute();
    await db.schema.createIndex('follows_feed').on('follows').columns(['feed_id']).execute();

    await db.schema
      .createTable('progress')
      .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('episode_id', 'integer', (c) => c.notNull().references('episodes.id').onDelete('cascade'))
      .addColumn('position_seconds', 'double precision', (c) => c.notNull().defaultTo(0))
      .addColumn('played', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('played_at', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('progress_pk', ['user_id', 'episode_id'])
      .execute();
    await db.schema
      .createIndex('progress_user_updated')
      .on('progress')
      .columns(['user_id', 'updated_at'])
      .execute();
    await db.schema.createIndex('progress_played_at').on('progress').columns(['played_at']).execute();

    await db.schema
      .createTable('queue_entries')
      .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('episode_id', 'integer', (c) => c.notNull().references('episodes.id').onDelete('cascade'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('added_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('queue_entries_pk', ['user_id', 'episode_id'])
      .execute();

    await db.schema
      .createTable('listening_daily')
      .addColumn('show_id', 'integer', (c) => c.notNull().references('shows.id').onDelete('cascade'))
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('seconds', 'double precision', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('listening_daily_pk', ['show_id', 'day'])
      .execute();
    await db.schema.createIndex('listening_daily_day').on('listening_daily').columns(['day']).execute();
  },
};
