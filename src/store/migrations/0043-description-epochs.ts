// PostgreSQL: the description stage of a search reads its matches newest first from the recent ids, not from all.
//
// When the planner expects a few thousand descriptions to hold a search's words, the stage reads them from GIN and
// sorts them by id (sql/search.ts, `bodySortBelow`): GIN keeps no order, so it intersects every posting of the
// rarest word and visits every match's row, to keep the newest 501. "danube samurai story" at 1,002,679 episodes:
// 67,469 postings of "danube" walked and 2,868 rows visited, 22 ms.
//
// The body's GIN index gains the id's epoch, its 65,536-wide block (`id >> 16`), as a second column (extension
// btree_gin, over the expression: no column is added, so the table is not rewritten): `body @@ q and (id >> 16) =
// any(…)` intersects the words only inside those blocks. The stage reads the newest blocks expected to hold its
// matches, then the older ones only when they did not: 3.5 ms for the same search, 403 rows visited. A body-only
// lookup (the total, the walk newest first) uses the same index's first column.
//
// btree_gin ships with PostgreSQL (contrib), created once per database in schema public, inside a savepoint; a server
// without it (or a role that may not create it) keeps migration 0017's index, and search reads every match as before.
import { type Kysely, sql } from 'kysely';
import { tryExtension } from './0017-search-ranking.ts';
import type { Migration } from './types.ts';

/** An episode id's epoch is `id >> EPOCH_BITS`: blocks of 65,536 ids. */
export const EPOCH_BITS = 16;

export const descriptionEpochs: Migration = {
  name: '0043-description-epochs',
  async up(db: Kysely<unknown>, dialect): Promise<void> {
    if (dialect !== 'postgres') return;
    if ((await tryExtension(db, 'btree_gin')) === undefined) return;
    await sql`create index episode_search_body_epoch on episode_search
      using gin (body, (id >> ${sql.lit(EPOCH_BITS)}))`.execute(db);
    await sql`drop index episode_search_body`.execute(db);
  },
};
