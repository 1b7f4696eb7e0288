// SQLite's FTS5 indexes grow as segments: each crawl's writes add small ones, FTS5 merges them only a few at a time
// (automerge), and every lookup reads each word's list from every segment and merges them. After the crawler's
// writes settle, an index of a few large segments answers a search's lookups about twice as fast as one of many
// (measured on the bench:web catalogue at 100,000 episodes: the newest 501 matches of one word 0.25 → 0.12 ms, of
// two words 0.43 → 0.28 ms). `usermerge` 2 lets the incremental 'merge' command (MaintenanceRepository
// .tidySearchIndexes, run by the crawler when it is idle, a bounded number of pages at a time) join any two segments
// of a level, down to about one per level, as 'optimize' would but without one long write holding the database.
// PostgreSQL's GIN indexes need nothing of the kind (autovacuum folds their pending lists in).
import { type Kysely, sql } from 'kysely';
import type { Migration } from './types.ts';

/** Every FTS5 table of the schema (migrations 0004, 0006, 0007, 0017, 0025, 0028). */
export const FTS_TABLES = [
  'episodes_fts',
  'episodes_title_by_date',
  'episode_transcripts_fts',
  'shows_fts',
  'shows_trigram',
  'people_fts',
  'sources_fts',
] as const;

export const searchIndexMerging: Migration = {
  name: '0032-search-index-merging',
  async up(db: Kysely<unknown>, dialect): Promise<void> {
    if (dialect !== 'sqlite') return;
    for (const table of FTS_TABLES)
      await sql`insert into ${sql.id(table)} (${sql.id(table)}, rank) values ('usermerge', 2)`.execute(db);
  },
};
