// Browsing the catalogue (issue 15): shows A–Z, by category, and the newest episodes of the whole instance, each
// paged by keyset so that page 200 costs what page 1 does.
//
// - `show_categories`: one row per category a show is listed under (src/domain/categories.ts maps the feed's
//   `itunes:category` names onto Apple's tree, a sub-category's parent included), written with the show at ingest
//   and filled here from the shows already stored, with the show's title key: a category page reads its shows A–Z
//   from the (slug, title_key, show_id) index instead of parsing every show's `categories_json` and sorting them.
// - `shows_title_order`: the A–Z order (lower(coalesce(title, '')), id), the same expression on both databases.
// - `episodes_recent`: every episode by (sort_key, id), for "New episodes" across shows.
// - `episodes_show_season`: a show's episodes of one season in order, for the season tabs of a long show.
import { type Kysely, sql } from 'kysely';
import { categoryTitleKey, showCategories } from '../../domain/categories.ts';
import type { Category } from '../../domain/show.ts';
import type { Migration } from './types.ts';

const BATCH = 500;

export const browse: Migration = {
  name: '0021-browse',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('show_categories')
      .addColumn('show_id', 'integer', (c) => c.notNull().references('shows.id').onDelete('cascade'))
      .addColumn('slug', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('title_key', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('show_categories_pk', ['show_id', 'slug'])
      .execute();
    await sql`create index show_categories_slug on show_categories (slug, title_key, show_id)`.execute(db);
    await sql`create index shows_title_order on shows (lower(coalesce(title, '')), id)`.execute(db);
    await sql`create index episodes_recent on episodes (sort_key, id)`.execute(db);
    await sql`create index episodes_show_season on episodes (show_id, season, sort_key, id)`.execute(db);

    let after = 0;
    for (;;) {
      const { rows } = await sql<{ id: number; title: string | null; categories_json: string | null }>`
        select id, title, categories_json from shows where id > ${after} order by id limit ${BATCH}`.execute(
        db,
      );
      const last = rows.at(-1);
      if (last === undefined) break;
      after = Number(last.id);
      for (const row of rows) {
        for (const c of showCategories(parseCategories(row.categories_json))) {
          await sql`insert into show_categories (show_id, slug, name, title_key)
            values (${Number(row.id)}, ${c.slug}, ${c.name}, ${categoryTitleKey(row.title ?? undefined)})`.execute(
            db,
          );
        }
      }
    }
  },
};

/** The stored `categories_json`, or nothing when it is not the list the store writes. */
function parseCategories(json: string | null): Category[] | undefined {
  if (json === null) return undefined;
  try {
    const value: unknown = JSON.parse(json);
    if (!Array.isArray(value)) return undefined;
    return value.flatMap((c: unknown): Category[] => {
      if (typeof c !== 'object' || c === null || !('name' in c) || typeof c.name !== 'string') return [];
      const subs =
        'subcategories' in c && Array.isArray(c.subcategories)
          ? c.subcategories.filter((s: unknown): s is string => typeof s === 'string')
          : [];
      return [subs.length > 0 ? { name: c.name, subcategories: subs } : { name: c.name }];
    });
  } catch {
    return undefined;
  }
}
