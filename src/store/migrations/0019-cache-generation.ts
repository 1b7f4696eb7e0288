// Pages and lists cached in a process (the anonymous page micro-cache, the popular shows) must not outlive a change
// that takes a show out of public view. Several processes share one database (web processes of a cluster, the CLI
// beside `serve`), so the change is announced through it: one counter per kind of cached content, advanced in the
// transaction of the change, which every caching process polls.
import { type Kysely, sql } from 'kysely';
import type { Migration } from './types.ts';

export const cacheGeneration: Migration = {
  name: '0019-cache-generation',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('cache_generations')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('generation', 'bigint', (c) => c.notNull())
      .execute();
    await sql`insert into cache_generations (name, generation) values ('catalogue-visibility', 0)`.execute(
      db,
    );
  },
};
