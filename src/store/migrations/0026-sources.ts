// Sources as data (issue 16): the works show notes cite, identified across episodes and shows. `sources` holds one
// row per work (its fullest citation), `source_keys` every key it is known by (DOI, ISBN, normalised URL, title +
// container: `citationKeys` in src/domain/citation.ts), and `episode_citations` each episode's entries in order,
// as written, each matched to its source. An episode's rows are replaced whenever its notes change.
import type { Kysely } from 'kysely';
import { type Migration, withId } from './types.ts';

export const sources: Migration = {
  name: '0026-sources',
  async up(db: Kysely<unknown>, dialect): Promise<void> {
    await withId(db.schema.createTable('sources'), dialect)
      .addColumn('citation_json', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('source_keys')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('source_id', 'integer', (c) => c.notNull().references('sources.id').onDelete('cascade'))
      .execute();
    await db.schema.createIndex('source_keys_source').on('source_keys').columns(['source_id']).execute();
    await db.schema
      .createTable('episode_citations')
      .addColumn('episode_id', 'integer', (c) => c.notNull().references('episodes.id').onDelete('cascade'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('source_id', 'integer', (c) => c.notNull().references('sources.id').onDelete('cascade'))
      .addColumn('citation_json', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('episode_citations_pk', ['episode_id', 'position'])
      .execute();
    await db.schema
      .createIndex('episode_citations_source')
      .on('episode_citations')
      .columns(['source_id', 'episode_id'])
      .execute();
  },
};
