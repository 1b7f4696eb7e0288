// Ranked, paged, typo-tolerant search (src/store/sql/search.ts; the ordering is documented in docs/search.md).
//
// SQLite: an index (id, published_at) so that ranking a page of FTS5 candidates by date reads no episode row (an
// episode row with long show notes spills onto overflow pages, and published_at sits after them), and a trigram
// FTS5 index over show titles for misspelt show names ("critcal role"), kept in step by triggers.
//
// PostgreSQL: an expression index over the title of shows and episodes beside 0004's over the whole document (no
// stored column, so reading a row costs no more), RUM when the extension can be had (its index keeps positions, so
// the ts_rank-like `<=>` ordering streams from it; 0004's GIN index is then rebuilt as RUM) and GIN otherwise. pg_trgm's GIN index over show titles serves the typo stage. Extensions are created once per
// database, in the schema `public`, inside a savepoint: a server without them (or a role that may not create them)
// still migrates, and search then runs on GIN and without the typo stage (slower for common words, see the doc).
import { type Kysely, sql } from 'kysely';
import type { Migration, SqlDialect } from './types.ts';

/** The schema of extension `name`, created in public if absent; undefined when it cannot be had. Never aborts. */
async function tryExtension(db: Kysely<unknown>, name: 'rum' | 'pg_trgm'): Promise<string | undefined> {
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

/** The indexed text on PostgreSQL: the same expressions as 0004's, which sql/search.ts repeats. */
const PG_DOCUMENTS = {
  shows: ['title', 'author', 'description'],
  episodes: ['title', 'description'],
} as const;

export const searchRanking: Migration = {
  name: '0017-search-ranking',
  async up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
    // The hidden shows (private feeds), usually none: a search skips the visibility filter when there are none.
    await sql`create index shows_hidden on shows (id) where is_public = 0`.execute(db);
    if (dialect === 'sqlite') {
      await sql`create index episodes_id_published on episodes (id, published_at)`.execute(db);
      await sql`create virtual table shows_trigram using fts5(title, content='shows', content_rowid='id',
        tokenize='trigram remove_diacritics 1')`.execute(db);
      await sql`create trigger shows_trigram_insert after insert on shows begin
        insert into shows_trigram(rowid, title) values (new.id, new.title); end`.execute(db);
      await sql`create trigger shows_trigram_delete after delete on shows begin
        insert into shows_trigram(shows_trigram, rowid, title) values ('delete', old.id, old.title); end`.execute(
        db,
      );
      await sql`create trigger shows_trigram_update after update of title on shows begin
        insert into shows_trigram(shows_trigram, rowid, title) values ('delete', old.id, old.title);
        insert into shows_trigram(rowid, title) values (new.id, new.title); end`.execute(db);
      await sql`insert into shows_trigram(shows_trigram) values ('rebuild')`.execute(db);
      return;
    }
    const rum = await tryExtension(db, 'rum');
    const trgm = await tryExtension(db, 'pg_trgm');
    const method = rum === undefined ? sql`gin` : sql`rum`;
    const ops = rum === undefined ? sql`` : sql.raw(` ${quoteIdent(rum)}.rum_tsvector_ops`);
    for (const [table, columns] of Object.entries(PG_DOCUMENTS)) {
      const document = sql.join(
        columns.map((c) => sql`coalesce(${sql.id(c)}, '')`),
        sql` || ' ' || `,
      );
      // The 0004 index over the whole document, rebuilt with RUM when it can be; and a new one over the title alone.
      if (rum !== undefined) {
        await sql`drop index ${sql.id(`${table}_fts`)}`.execute(db);
        await sql`create index ${sql.id(`${table}_fts`)} on ${sql.id(table)}
          using ${method} ((to_tsvector('simple', ${document}))${ops})`.execute(db);
      }
      await sql`create index ${sql.id(`${table}_title_fts`)} on ${sql.id(table)}
        using ${method} ((to_tsvector('simple', coalesce(title, '')))${ops})`.execute(db);
    }
    if (trgm !== undefined) {
      await sql`create index shows_title_trgm on shows
        using gin (title ${sql.raw(`${quoteIdent(trgm)}.gin_trgm_ops`)})`.execute(db);
    }
  },
};

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
