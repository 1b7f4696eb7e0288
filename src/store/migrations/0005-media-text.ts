// Fetched transcripts and chapters: a cache keyed by URL (parsed JSON or the error code, validators,
// when to look again), and each episode's transcript text for search.
import type { Kysely } from 'kysely';
import type { Migration } from './types.ts';

export const mediaText: Migration = {
  name: '0005-media-text',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('media_text_cache')
      // `transcript` or `chapters`: one URL could in principle serve as both.
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('fetched_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('etag', 'text')
      .addColumn('last_modified', 'text')
      // The parsed result as JSON; kept when a later refetch fails, so the page keeps its transcript.
      .addColumn('payload', 'text')
      // Set when the last attempt failed (a FeedFetchError or a format error code).
      .addColumn('error_code', 'text')
      .addPrimaryKeyConstraint('media_text_cache_pk', ['kind', 'url'])
      .execute();

    await db.schema
      .createTable('episode_transcripts')
      .addColumn('episode_id', 'integer', (c) => c.primaryKey().references('episodes.id').onDelete('cascade'))
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('language', 'text')
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};
