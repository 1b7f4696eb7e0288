// The catalogue, the crawler's health and the job queue.
import type { Kysely } from 'kysely';
import { type Migration, type SqlDialect, withId } from './types.ts';

export const initial: Migration = {
  name: '0001-initial',
  async up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
    await withId(db.schema.createTable('feeds'), dialect)
      .addColumn('url', 'text', (c) => c.notNull().unique())
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('etag', 'text')
      .addColumn('last_modified', 'text')
      .addColumn('body_hash', 'text')
      .addColumn('last_fetch_at', 'text')
      .addColumn('last_success_at', 'text')
      .addColumn('next_check_at', 'text')
      .addColumn('error_streak', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error_code', 'text')
      .addColumn('last_error_message', 'text')
      .addColumn('last_error_at', 'text')
      .addColumn('http_status', 'integer')
      .addColumn('fetch_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('not_modified_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('problems_json', 'text')
      .addColumn('retry_after_until', 'text')
      .execute();
    await db.schema.createIndex('feeds_next_check').on('feeds').columns(['next_check_at']).execute();

    await withId(db.schema.createTable('feed_aliases'), dialect)
      .addColumn('feed_id', 'integer', (c) => c.notNull().references('feeds.id').onDelete('cascade'))
      .addColumn('alias', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('feed_aliases_feed').on('feed_aliases').columns(['feed_id']).execute();

    let shows = withId(db.schema.createTable('shows'), dialect)
      .addColumn('feed_id', 'integer', (c) => c.notNull().unique().references('feeds.id').onDelete('cascade'))
      .addColumn('format', 'text', (c) => c.notNull());
    for (const name of [
      'title',
      'link',
      'description',
      'language',
      'author',
      'owner_name',
      'owner_email',
      'image_url',
    ]) {
      shows = shows.addColumn(name, 'text');
    }
    shows = shows
      .addColumn('explicit', 'integer')
      .addColumn('type', 'text')
      .addColumn('podcast_guid', 'text');
    shows = shows.addColumn('medium', 'text').addColumn('locked', 'integer').addColumn('complete', 'integer');
    shows = shows.addColumn('block', 'integer');
    for (const name of [
      'categories',
      'funding',
      'social',
      'value',
      'location',
      'license',
      'update_frequency',
      'persons',
      'extras',
    ]) {
      shows = shows.addColumn(`${name}_json`, 'text');
    }
    await shows
      .addColumn('content_hash', 'text', (c) => c.notNull())
      .addColumn('episode_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('latest_episode_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('shows_latest_episode').on('shows').columns(['latest_episode_at']).execute();
    await db.schema.createIndex('shows_podcast_guid').on('shows').columns(['podcast_guid']).execute();

    let episodes = withId(db.schema.createTable('episodes'), dialect)
      .addColumn('show_id', 'integer', (c) => c.notNull().references('shows.id').onDelete('cascade'))
      .addColumn('guid', 'text', (c) => c.notNull())
      .addColumn('guid_source', 'text', (c) => c.notNull())
      .addColumn('enclosure_url', 'text')
      .addColumn('enclosure_url_base', 'text')
      .addColumn('enclosure_type', 'text')
      .addColumn('enclosure_length', 'bigint');
    for (const name of ['title', 'link', 'description', 'content_html', 'published_at']) {
      episodes = episodes.addColumn(name, 'text');
    }
    episodes = episodes
      .addColumn('duration_seconds', 'double precision')
      .addColumn('image_url', 'text')
      .addColumn('explicit', 'integer')
      .addColumn('season', 'integer')
      .addColumn('episode', 'integer')
      .addColumn('episode_type', 'text');
    for (const name of [
      'transcripts',
      'chapters',
      'soundbites',
      'funding',
      'persons',
      'value',
      'alternate_enclosures',
      'extras',
    ]) {
      episodes = episodes.addColumn(`${name}_json`, 'text');
    }
    await episodes
      .addColumn('content_hash', 'text', (c) => c.notNull())
      .addColumn('sort_key', 'text', (c) => c.notNull())
      .addColumn('first_seen_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addColumn('vanished_at', 'text')
      .execute();
    // Keyset paging of a show's episodes both ways: the first page of a huge show reads `limit` index entries.
    await db.schema
      .createIndex('episodes_show_order')
      .on('episodes')
      .columns(['show_id', 'sort_key', 'id'])
      .execute();
    await db.schema.createIndex('episodes_show_guid').on('episodes').columns(['show_id', 'guid']).execute();
    await db.schema
      .createIndex('episodes_show_enclosure_base')
      .on('episodes')
      .columns(['show_id', 'enclosure_url_base'])
      .execute();
    await db.schema.createIndex('episodes_enclosure').on('episodes').columns(['enclosure_url']).execute();
    await db.schema
      .createIndex('episodes_enclosure_base')
      .on('episodes')
      .columns(['enclosure_url_base'])
      .execute();

    await withId(db.schema.createTable('people'), dialect)
      .addColumn('key', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('href', 'text')
      .addColumn('img', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    for (const [table, owner, ownerTable] of [
      ['show_persons', 'show_id', 'shows'],
      ['episode_persons', 'episode_id', 'episodes'],
    ] as const) {
      await db.schema
        .createTable(table)
        .addColumn(owner, 'integer', (c) => c.notNull().references(`${ownerTable}.id`).onDelete('cascade'))
        .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('person_group', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint(`${table}_pk`, [owner, 'person_id', 'role'])
        .execute();
      await db.schema.createIndex(`${table}_person`).on(table).columns(['person_id']).execute();
    }

    await withId(db.schema.createTable('jobs'), dialect)
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('payload_json', 'text')
      .addColumn('run_at', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locked_by', 'text')
      .addColumn('locked_until', 'text')
      .addColumn('last_error', 'text')
      .addColumn('failed_at', 'text')
      .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('jobs_kind_key', ['kind', 'key'])
      .execute();
    await db.schema.createIndex('jobs_kind_run_at').on('jobs').columns(['kind', 'run_at']).execute();
  },
};
