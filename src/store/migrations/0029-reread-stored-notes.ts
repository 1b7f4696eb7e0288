// Episodes stored before 0026 (sources) and 0027 (credits in show notes) have neither: the refresh derives both only
// for new and changed episodes. This makes every stored episode count as changed once, and every feed's next fetch
// unconditional (no validators, no body hash), so each feed's next scheduled refresh reads its whole body again and
// re-derives its episodes' sources and credits inside the refresh's transaction, as for a new feed. Nothing is lost
// meanwhile: pages show what is stored until then. The cost is one full download and rewrite per feed, spread over
// the crawler's normal schedule. Search triggers watch titles, descriptions and dates, not these columns.
import { type Kysely, sql } from 'kysely';
import type { Migration } from './types.ts';

export const rereadStoredNotes: Migration = {
  name: '0029-reread-stored-notes',
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`update episodes set content_hash = '' where content_hash <> ''`.execute(db);
    await sql`update feeds set etag = null, last_modified = null, body_hash = null
      where etag is not null or last_modified is not null or body_hash is not null`.execute(db);
  },
};
