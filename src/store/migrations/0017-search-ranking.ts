// Ranked, paged, typo-tolerant search (src/store/sql/search.ts; the ordering is documented in docs/search.md).
//
// SQLite: an index (id, published_at, title) so that ranking FTS5 candidates by title and date reads no episode row
// (a row with long show notes spills onto overflow pages, and published_at sits after them), and a trigram
// FTS5 index over show titles for misspelt show names ("critcal role"), and an FTS5 index of episode titles alone for
// the title stage, kept in step by triggers.
//
// PostgreSQL: episodes' words precomputed in a side table, `episode_search` (title, and title + description, as
// tsvectors; a trigger keeps it in step), with GIN indexes: a query that looks at thousands of candidate rows reads
// stored vectors instead of running to_tsvector over every description (0004's expression index, which did, is
// dropped). Shows get an expression index over the title. pg_trgm's GIN index over show titles serves the typo
// stage; the extension is created once per database, in schema public, inside a savepoint: a server without it (or
// a role that may not create it) still migrates, and search then has no typo stage. RUM was measured and is not
// used: its index scan gathers every match before returning the first (≈ 0.8 s for a word in 43 % of 1,000,000
// titles), where GIN over stored vectors and a backward scan of the newest ids stop early.
import { type Kysely, sql } from 'kysely';
import { createContentFts } from './fts.ts';
import type { Migration, SqlDialect } from './types.ts';

/** The schema of extension `name`, created in public if absent; undefined when it cannot be had. Never aborts. */
export async function tryExtension(
  db: Kysely<unknown>,
  name: 'pg_trgm' | 'btree_gin',
): Promise<string | undefined> {
  const schemaOf = async (): Promise<string | undefined> => {
    const { rows } = await sql<{ schema: string }>`select n.nspname as schema from pg_extension e
      join pg_namespace n on n.oid = e.extnamespace where e.extname = ${name}`.execute(db);
    return rows[0]?.schema;
  };
  const present = await schemaOf();
  if (present !== undefined) return present;
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_available_extensions
    where name = ${name}`.execute(db);
  if ((rows[0]?.n ?? 0) === 0) return undefined;
  await sql`savepoint earshot_extension`.execute(db);
  try {
    await sql`create extension if not exists ${sql.id(name)} schema public`.execute(db);
    await sql`release savepoint earshot_extension`.execute(db);
  } catch {
    // No privilege, or another session created it at the same moment: look again below.
    await sql`rollback to savepoint earshot_extension`.execute(db);
  }
  return schemaOf();
}

export const searchRanking: Migration = {
  name: '0017-search-ranking',
  async up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
    // The hidden shows (private feeds), usually none: a search skips the visibility filter when there are none.
    await sql`create index shows_hidden on shows (id) where is_public = 0`.execute(db);
    if (dialect === 'sqlite') {
      await sql`create index episodes_rank on episodes (id, published_at, title)`.execute(db);
      await createContentFts(db, {
        name: 'shows_trigram',
        content: 'shows',
        columns: ['title'],
        tokenize: 'trigram remove_diacritics 1',
      });
      // Episode titles in an FTS5 index of their own: the title stage walks title words only, not every
      // description's (a `{title}:` filter on episodes_fts walked the whole doclists of both columns).
      await createContentFts(db, {
        name: 'episodes_title_fts',
        content: 'episodes',
        columns: ['title'],
        tokenize: 'porter unicode61 remove_diacritics 2',
        prefix: '2 3 4 5 6',
      });
      return;
    }
    const trgm = await tryExtension(db, 'pg_trgm');
    // Episodes: their words precomputed in a side table (an episode read stays as narrow as before), kept in step by
    // a trigger; 0004's expression index, which recomputed to_tsvector for every row a query looked at, goes.
    await sql`create table episode_search (
      id integer primary key references episodes (id) on delete cascade,
      title tsvector not null,
      body tsvector not null)`.execute(db);
    await sql`create function episode_search_sync() returns trigger language plpgsql as $$
      begin
        insert into episode_search (id, title, body)
          values (new.id, to_tsvector('simple', coalesce(new.title, '')),
            to_tsvector('simple', coalesce(new.title, '') || ' ' || coalesce(new.description, '')))
          on conflict (id) do update set title = excluded.title, body = excluded.body;
        return null;
      end $$`.execute(db);
    await sql`create trigger episode_search_insert after insert on episodes
      for each row execute function episode_search_sync()`.execute(db);
    await sql`create trigger episode_search_update after update of title, description on episodes
      for each row execute function episode_search_sync()`.execute(db);
    await sql`insert into episode_search (id, title, body)
      select id, to_tsvector('simple', coalesce(title, '')),
        to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(description, '')) from episodes`.execute(
      db,
    );
    await sql`create index episode_search_title on episode_search using gin (title)`.execute(db);
    await sql`create index episode_search_body on episode_search using gin (body)`.execute(db);
    await sql`drop index episodes_fts`.execute(db);
    // Statistics now, not at autovacuum's leisure: without them the planner takes a common pair of words for a rare
    // one (25 rows), reads every match through the GIN index and sorts them (0.5 s for "history rhine" at 1,000,000
    // episodes) instead of walking the newest ids and stopping at the limit (5 ms).
    await sql`analyze episode_search`.execute(db);
    // Shows are few: an expression index over the title beside 0004's over the whole text.
    await sql`create index shows_title_fts on shows using gin (to_tsvector('simple', coalesce(title, '')))`.execute(
      db,
    );
    if (trgm !== undefined) {
      await sql`create index shows_title_trgm on shows
        using gin (title ${sql.raw(`${quoteIdent(trgm)}.gin_trgm_ops`)})`.execute(db);
    }
  },
};

/** A PostgreSQL identifier (an extension's schema) quoted for raw SQL. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
