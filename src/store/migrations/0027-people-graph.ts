// The people graph (issue 16): a person is one or more names as feeds write them. A `people` row is one such name
// (its `key`, what credits point to); `merged_into` joins it to the person it belongs to (null: it is that person).
// Names are joined at ingest when a link or picture identifies them, or by an admin; every admin merge or split is
// recorded in `person_changes` with the rows' state before and after, so an undo restores exactly what was there.
// A re-crawl writes credits by name and never touches `merged_into`, so it keeps the admin's decision.
import type { Kysely } from 'kysely';
import { type Migration, withId } from './types.ts';

export const peopleGraph: Migration = {
  name: '0027-people-graph',
  async up(db: Kysely<unknown>, dialect): Promise<void> {
    await db.schema
      .alterTable('people')
      .addColumn('merged_into', 'integer', (c) => c.references('people.id').onDelete('set null'))
      .execute();
    await db.schema.createIndex('people_merged_into').on('people').columns(['merged_into']).execute();
    await db.schema.createIndex('people_href').on('people').columns(['href']).execute();
    await db.schema.createIndex('people_img').on('people').columns(['img']).execute();
    await withId(db.schema.createTable('person_changes'), dialect)
      .addColumn('kind', 'text', (c) => c.notNull())
      /** The person acted on: merged away (merge) or split off (split). */
      .addColumn('person_id', 'integer', (c) => c.notNull())
      /** The person merged into (merge) or left (split). */
      .addColumn('other_id', 'integer', (c) => c.notNull())
      /** `[{ id, before, after }]`: each changed row's `merged_into` before and after (null: none). */
      .addColumn('rows_json', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('undone_at', 'text')
      .execute();
    await db.schema
      .createIndex('person_changes_person')
      .on('person_changes')
      .columns(['person_id'])
      .execute();
  },
};
