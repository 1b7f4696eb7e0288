// SQLite FTS5 external-content tables, the shape every search index of the migrations takes: the virtual table over
// a content table's columns, three triggers keeping it in step with that table's rows, and a rebuild from what is
// already stored. The names are the migrations' own constants (trigger bodies name NEW/OLD rows, which cannot be
// quoted identifiers).
import { type Kysely, sql } from 'kysely';

export interface ContentFts {
  /** The FTS5 table; its triggers are `<name>_insert`, `<name>_delete` and `<name>_update`. */
  name: string;
  content: string;
  columns: readonly string[];
  /** FTS5 `tokenize` option. */
  tokenize: string;
  /** FTS5 `prefix` option (prefix indexes), when any. */
  prefix?: string;
}

export async function createContentFts(db: Kysely<unknown>, fts: ContentFts): Promise<void> {
  const table = sql.id(fts.name);
  const content = sql.id(fts.content);
  const cols = sql.join(fts.columns.map((c) => sql.id(c)));
  const newValues = sql.raw(fts.columns.map((c) => `new.${c}`).join(', '));
  const oldValues = sql.raw(fts.columns.map((c) => `old.${c}`).join(', '));
  const prefix = fts.prefix === undefined ? sql`` : sql`, prefix=${sql.lit(fts.prefix)}`;
  await sql`create virtual table ${table} using fts5(${cols}, content=${sql.lit(fts.content)}, content_rowid='id',
    tokenize=${sql.lit(fts.tokenize)}${prefix})`.execute(db);
  await sql`create trigger ${sql.id(`${fts.name}_insert`)} after insert on ${content} begin
    insert into ${table}(rowid, ${cols}) values (new.id, ${newValues}); end`.execute(db);
  await sql`create trigger ${sql.id(`${fts.name}_delete`)} after delete on ${content} begin
    insert into ${table}(${table}, rowid, ${cols}) values ('delete', old.id, ${oldValues}); end`.execute(db);
  await sql`create trigger ${sql.id(`${fts.name}_update`)} after update of ${cols} on ${content} begin
    insert into ${table}(${table}, rowid, ${cols}) values ('delete', old.id, ${oldValues});
    insert into ${table}(rowid, ${cols}) values (new.id, ${newValues}); end`.execute(db);
  await sql`insert into ${table}(${table}) values ('rebuild')`.execute(db);
}
