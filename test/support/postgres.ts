// The one PostgreSQL harness of the tests. PostgreSQL is reached only through EARSHOT_TEST_DATABASE_URL (e.g.
// postgres://postgres@127.0.0.1:5432/test); when it is unset or does not answer, `postgresSkip` says why and the
// tests that need PostgreSQL are reported as skipped with that reason. Each test works in its own schema (selected
// with search_path), so runs never collide. `throwAwaySchema` gives a truly new, empty one (for tests that migrate
// step by step); `migratedSchema`/`freshPostgresStore` give one migrated to the end, reused within the test process:
// a schema a test has finished with is emptied (its non-empty tables truncated, the rows migrations seed and every
// sequence restored from a snapshot taken right after migrating) and handed to the next test, which costs a fraction
// of migrating anew. The process drops its schemas when it exits; schemas left by killed runs are dropped by the next
// process after an hour (their name carries their creation time).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/index.ts';
import { inCallerContext } from './caller-context.ts';

const VARIABLE = 'EARSHOT_TEST_DATABASE_URL';
const PREFIX = 'earshot_test_';
/** `earshot_test_<creation time, base 36 ms>_<random hex>`. */
const NAME = /^earshot_test_([0-9a-z]+)_[0-9a-f]{8}$/;
const STALE_MS = 60 * 60 * 1000;
/** The migrations' bookkeeping table: kept as it is when a schema is emptied. */
const BOOKKEEPING = 'schema_migrations';

/** The test PostgreSQL's URL, or undefined when none is configured (the test process's own boundary). */
export const pgUrl: string | undefined = process.env[VARIABLE] || undefined;

let skipReason: Promise<string | undefined> | undefined;

/**
 * Why PostgreSQL tests cannot run here (unset or unreachable); undefined when they can. Asked once per process. A
 * server that is there but slow to accept (a loaded machine) gets 15 s: a skip must mean "no PostgreSQL here".
 */
export function postgresSkip(): Promise<string | undefined> {
  skipReason ??= (async () => {
    if (pgUrl === undefined)
      return `${VARIABLE} is not set (e.g. postgres://postgres@127.0.0.1:5432/test); skipping the PostgreSQL tests`;
    const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 15_000 });
    try {
      await client.connect();
      await client.query('select 1');
      return undefined;
    } catch (error) {
      return `PostgreSQL at ${VARIABLE} is unreachable (${error instanceof Error ? error.message : String(error)}); skipping`;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return inCallerContext(skipReason);
}

function requireUrl(): string {
  if (pgUrl === undefined) throw new Error(`${VARIABLE} is not set: the test should have been skipped`);
  return pgUrl;
}

const ident = (name: string): string => pg.escapeIdentifier(name);

function schemaUrl(schema: string): string {
  const url = new URL(requireUrl());
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

/** The process's administrative connections (idle ones do not keep the process alive). */
let adminPool: pg.Pool | undefined;
let swept: Promise<void> | undefined;

function admin(): pg.Pool {
  adminPool ??= new pg.Pool({ connectionString: requireUrl(), max: 2, allowExitOnIdle: true });
  return adminPool;
}

/** Drops the schemas of earlier runs that are older than an hour (a killed run never dropped them). Once a process. */
function sweepStale(): Promise<void> {
  swept ??= (async () => {
    const { rows } = await admin().query<{ nspname: string }>(
      `select nspname from pg_namespace where nspname like 'earshot\\_test\\_%'`,
    );
    for (const { nspname } of rows) {
      const created = NAME.exec(nspname)?.[1];
      if (created === undefined || Date.now() - Number.parseInt(created, 36) < STALE_MS) continue;
      await admin()
        .query(`drop schema if exists ${ident(nspname)} cascade`)
        .catch(() => {});
    }
  })();
  return inCallerContext(swept);
}

async function createSchema(): Promise<string> {
  await sweepStale();
  const schema = `${PREFIX}${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await admin().query(`create schema ${ident(schema)}`);
  return schema;
}

/** A fresh, empty schema: `url` selects it; `drop` removes it and everything in it (close its connections first). */
export interface ThrowAwaySchema {
  url: string;
  drop(): Promise<void>;
}

/** A truly new, empty schema, never reused (for tests that migrate it themselves). */
export async function throwAwaySchema(): Promise<ThrowAwaySchema> {
  const schema = await createSchema();
  return {
    url: schemaUrl(schema),
    async drop() {
      await admin().query(`drop schema ${ident(schema)} cascade`);
    },
  };
}

/** A migrated schema of this process and the SQL that brings it back to just migrated. */
interface Pooled {
  schema: string;
  /** The tables other than the bookkeeping one. */
  tables: string[];
  /** Empties the given tables and restores what migrating left in them and in the sequences (one statement list). */
  resetSql(nonEmpty: string[]): string;
}

const idle: Pooled[] = [];
const owned = new Set<string>();
let exitHookSet = false;

/** Drops every schema this process made for reuse, when it has nothing else left to do. */
function dropOwnedOnExit(): void {
  if (exitHookSet) return;
  exitHookSet = true;
  let done = false;
  process.on('beforeExit', () => {
    if (done) return;
    done = true;
    void (async () => {
      const pool = admin();
      for (const schema of owned)
        await pool.query(`drop schema if exists ${ident(schema)} cascade`).catch(() => {});
      owned.clear();
      await pool.end().catch(() => {});
      adminPool = undefined;
    })();
  });
}

/** What migrating left in `schema`: its tables, the rows it seeded and every sequence's position. */
async function snapshot(schema: string): Promise<Pooled> {
  const pool = admin();
  const { rows: tableRows } = await pool.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relkind in ('r', 'p') and c.relname <> $2 order by 1`,
    [schema, BOOKKEEPING],
  );
  const tables = tableRows.map((r) => r.name);
  const seeded = new Map<string, string>(); // table → its rows as JSON
  for (const table of tables) {
    const { rows } = await pool.query<{ rows: unknown[] | null }>(
      `select json_agg(t) as rows from ${ident(schema)}.${ident(table)} t`,
    );
    const data = rows[0]?.rows;
    if (data !== null && data !== undefined && data.length > 0) seeded.set(table, JSON.stringify(data));
  }
  const { rows: seqRows } = await pool.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relkind = 'S' order by 1`,
    [schema],
  );
  const sequences: string[] = [];
  for (const { name } of seqRows) {
    const { rows } = await pool.query<{ last_value: string; is_called: boolean }>(
      `select last_value::text, is_called from ${ident(schema)}.${ident(name)}`,
    );
    const position = rows[0];
    if (position === undefined) continue;
    sequences.push(
      `select setval(${pg.escapeLiteral(`${ident(schema)}.${ident(name)}`)}, ${position.last_value}, ${position.is_called})`,
    );
  }
  const q = (table: string) => `${ident(schema)}.${ident(table)}`;
  return {
    schema,
    tables,
    resetSql(nonEmpty) {
      const statements: string[] = [];
      // Seeded tables are always among the non-empty ones (or were emptied by a test, and get their rows back).
      const truncate = [...new Set([...nonEmpty, ...seeded.keys()])];
      if (truncate.length > 0) statements.push(`truncate ${truncate.map(q).join(', ')} cascade`);
      for (const [table, json] of seeded)
        statements.push(
          `insert into ${q(table)} select * from json_populate_recordset(null::${q(table)}, ${pg.escapeLiteral(json)})`,
        );
      statements.push(...sequences);
      return `begin; ${statements.join('; ')}; commit`;
    },
  };
}

/** Brings a schema a test has finished with back to just migrated, for the next test of this process. */
async function release(pooled: Pooled): Promise<void> {
  const pool = admin();
  const probe = pooled.tables
    .map(
      (t) =>
        `select ${pg.escapeLiteral(t)} as name where exists (select 1 from ${ident(pooled.schema)}.${ident(t)})`,
    )
    .join(' union all ');
  const { rows } = await pool.query<{ name: string }>(probe);
  await pool.query(pooled.resetSql(rows.map((r) => r.name)));
  idle.push(pooled);
}

/** A schema migrated to the end and empty, used by nothing else until `drop`, which hands it back for reuse. */
async function acquire(): Promise<{ pooled: Pooled; store?: Store }> {
  const reused = idle.pop();
  if (reused !== undefined) return { pooled: reused };
  const schema = await createSchema();
  owned.add(schema);
  dropOwnedOnExit();
  const store = await openStore({ dataDir: '/nonexistent', databaseUrl: schemaUrl(schema) });
  try {
    return { pooled: await snapshot(schema), store };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/**
 * A schema migrated to the end, empty and used by no other test: `url` selects it; `drop` (after closing every
 * connection to it) empties it for the next test of this process.
 */
export async function migratedSchema(): Promise<ThrowAwaySchema> {
  const { pooled, store } = await acquire();
  await store?.close();
  return { url: schemaUrl(pooled.schema), drop: () => release(pooled) };
}

/** A store migrated to the end in a schema of its own (see migratedSchema); `drop` closes it and hands it back. */
export async function freshPostgresStore(): Promise<{ store: Store; drop(): Promise<void> }> {
  const { pooled, store: opened } = await acquire();
  const store =
    opened ?? (await openStore({ dataDir: '/nonexistent', databaseUrl: schemaUrl(pooled.schema) }));
  return {
    store,
    async drop() {
      await store.close();
      await release(pooled);
    },
  };
}
