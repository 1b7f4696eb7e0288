// The people graph's last piece (issue 16 §2): two people who share one name on different shows. An admin's "split by
// show" moves the credits of a person's names on some shows to a new person with the same name (new `people` rows,
// each with a key no feed name can have: the name's key, a tab, its own id), and stores, per show, which row each of
// those names resolves to there (`show_person_names`). A re-crawl writes credits by name: on such a show the name
// resolves to the split person, so the admin's decision stays. The change is recorded in `person_changes` (kind
// `split-show`, `rows_json` an object: the new rows, the shows, the overrides before and after), so undo restores
// exactly what was there.
import type { Kysely } from 'kysely';
import type { Migration } from './types.ts';

export const personShowNames: Migration = {
  name: '0030-person-show-names',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('show_person_names')
      .addColumn('show_id', 'integer', (c) => c.notNull().references('shows.id').onDelete('cascade'))
      /** `personKey(name)` as the show's feed writes the name. */
      .addColumn('key', 'text', (c) => c.notNull())
      /** The `people` row the name is on this show. */
      .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('show_person_names_pk', ['show_id', 'key'])
      .execute();
    await db.schema
      .createIndex('show_person_names_person')
      .on('show_person_names')
      .columns(['person_id'])
      .execute();
  },
};
