// Opening a database: better-sqlite3 (default) or PostgreSQL through `pg`, both behind one Kysely<Database>.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  type SqliteDatabase as KyselySqliteDatabase,
  PostgresDialect,
  SqliteDialect,
  sql,
} from 'kysely';
import pg from 'pg';
import { StoreError } from '../errors.ts';
import type { SqlDialect } from '../migrations/index.ts';
import type { Database } from './schema.ts';

export interface Connection {
  db: Kysely<Database>;
  dialect: SqlDialect;
  /** SQLite only: the same connection's prepared statements, for running a statement without the query builder. */
  sqlite?: SqliteStatements;
  /** The driver's own handles, for what the query builder does not do (online backup, pool gauges). */
  driver: DriverHandles;
}

export type DriverHandles =
  | { readonly kind: 'sqlite'; readonly database: SqliteDatabase.Database; readonly file: string }
  | { readonly kind: 'postgres'; readonly pool: pg.Pool };

/**
 * Prepared statements of the one SQLite connection, run directly. Each Kysely query costs a chain of promises (about
 * 8 µs here) on top of the statement, which is more than the crawler's per-feed UPDATE itself. A statement run this
 * way bypasses Kysely's hold on the connection, so it must only run inside `inTransaction`, whose callback holds it:
 * anywhere else it could land inside another caller's open transaction.
 */
export interface SqliteStatements {
  prepare(sqlText: string): SqliteDatabase.Statement;
}

const PG_INT8 = 20;

/**
 * `postgres://` / `postgresql://` URLs open PostgreSQL (a `?options=-c search_path=…` parameter selects a schema);
 * anything else is a SQLite file path, or `:memory:`.
 */
export async function connect(target: string, image?: Buffer): Promise<Connection> {
  if (/^postgres(ql)?:\/\//i.test(target)) return connectPostgres(target);
  const { sqlite, database } = openSqlite(target, image);
  return {
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) }),
    dialect: 'sqlite',
    sqlite,
    driver: { kind: 'sqlite', database, file: target },
  };
}

/**
 * A second, read-only connection to a SQLite file that a `connect` has opened (and migrated): what a search thread
 * reads through (search-threads.ts). WAL lets it read while the first connection writes; it sees each write once
 * committed.
 */
export function connectSqliteReader(file: string): { db: Kysely<Database> } {
  let database: SqliteDatabase.Database;
  try {
    database = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new StoreError('unavailable', `cannot open SQLite database ${file}: ${String(error)}`, {
      cause: error,
    });
  }
  database.pragma('busy_timeout = 5000');
  database.pragma('cache_size = -8000');
  return {
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) }),
  };
}

function openSqlite(
  file: string,
  image?: Buffer,
): {
  sqlite: KyselySqliteDatabase & SqliteStatements;
  database: SqliteDatabase.Database;
} {
  let database: SqliteDatabase.Database;
  try {
    // Tests only: `:memory:` with an image is an in-memory copy of that serialized database (index.ts).
    database = new SqliteDatabase(file === ':memory:' && image !== undefined ? image : file);
  } catch (error) {
    throw new StoreError('unavailable', `cannot open SQLite database ${file}: ${String(error)}`, {
      cause: error,
    });
  }
  if (file !== ':memory:') database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  // better-sqlite3 builds SQLite with a 16 MiB page cache per connection (SQLITE_DEFAULT_CACHE_SIZE=-16000 in its
  // defines.gypi); one big ingest filled it and kept it. 8 MiB still holds every hot page of the pages we serve.
  database.pragma('cache_size = -8000');
  return { sqlite: withStatementCache(database), database };
}

/** How many distinct SQL texts keep their prepared statement (the app issues a few hundred shapes). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely asks better-sqlite3 to prepare every query it runs, and preparing costs more than running the small
 * statements the crawler and the pages issue. Keep prepared statements by SQL text, least recently used dropped.
 * Safe because Kysely runs each statement to completion synchronously (`all`/`run`; the store never streams), so a
 * cached statement is never busy when it is handed out again; SQLite re-prepares it itself after a schema change.
 */
function withStatementCache(database: SqliteDatabase.Database): KyselySqliteDatabase & SqliteStatements {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => database.close(),
    prepare(sqlText: string) {
      const cached = cache.get(sqlText);
      if (cached !== undefined) {
        cache.delete(sqlText);
        cache.set(sqlText, cached);
        return cached;
      }
      const statement = database.prepare(sqlText);
      cache.set(sqlText, statement);
      if (cache.size > STATEMENT_CACHE_SIZE) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      return statement;
    },
  };
}

/**
 * Marks the SQL of a query every page runs (`Prepared`, prepared.ts): on PostgreSQL it runs as a named statement,
 * parsed and planned once per connection instead of on every call (half the server's CPU for a primary-key read at
 * a million episodes). SQLite ignores the comment; its statement cache keys on the text anyway.
 */
export const PREPARED_MARK = '/* prepared */ ';

/** SQLSTATE of "cached plan must not change result type": a table changed under a named statement. */
const PLAN_CHANGED = '0A000';

/**
 * Runs this connection's marked queries as named statements. Kysely calls `query(text, values)`; the same call with
 * a name prepares the statement on its first use on the connection. A statement whose tables changed since (another
 * process migrated the schema) is answered as an unnamed query instead, so a rolling upgrade never fails a page.
 */
function namePreparedStatements(client: pg.PoolClient): void {
  const names = new Map<string, string>();
  // The (text, values) → Promise form of pg's overloaded query, the one Kysely uses.
  const query = client.query.bind(client) as (text: unknown, values?: unknown) => Promise<unknown>;
  const named = (text: unknown, values?: unknown): Promise<unknown> => {
    if (typeof text !== 'string' || !text.startsWith(PREPARED_MARK) || !Array.isArray(values))
      return query(text, values);
    let name = names.get(text);
    if (name === undefined) {
      name = `earshot_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
      names.set(text, name);
    }
    return query({ name, text, values }).catch((error: unknown) =>
      error instanceof Error && 'code' in error && error.code === PLAN_CHANGED
        ? query(text, values)
        : Promise.reject(error),
    );
  };
  // Only the form above is ever called on a pool client by Kysely; the others pass through unchanged.
  client.query = named as unknown as typeof client.query;
}

async function connectPostgres(url: string): Promise<Connection> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 5000,
    // Per pool, not global: bigint (counts, enclosure lengths) comes back as a number, as on SQLite.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === PG_INT8
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client's error (server restart) must not crash the process; the next query reports it.
  pool.on('error', () => {});
  pool.on('connect', namePreparedStatements);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy();
    throw new StoreError(
      'unavailable',
      `cannot reach PostgreSQL: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
  return { db, dialect: 'postgres', driver: { kind: 'postgres', pool } };
}

/** `<dataDir>/earshot.db`, creating the folder. */
export function sqliteFile(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  return join(dataDir, 'earshot.db');
}

/** Connection-scoped handles that are inside a SQLite transaction opened by `inTransaction`. */
const sqliteTransactions = new WeakSet<object>();

/**
 * Runs `fn` in one transaction; inside one already (a Kysely transaction, or a handle `inTransaction` gave out), it
 * just runs `fn` in it. On SQLite the write lock is taken at BEGIN (IMMEDIATE), so a transaction that reads then
 * writes never fails half-way with SQLITE_BUSY when another process writes; busy_timeout makes it wait instead.
 */
export async function inTransaction<DB, T>(
  db: Kysely<DB>,
  dialect: SqlDialect,
  fn: (trx: Kysely<DB>) => Promise<T>,
): Promise<T> {
  if (db.isTransaction || sqliteTransactions.has(db)) return fn(db);
  if (dialect === 'postgres') return db.transaction().execute(fn);
  return db.connection().execute(async (conn) => {
    sqliteTransactions.add(conn);
    await sql`begin immediate`.execute(conn);
    try {
      const result = await fn(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (error) {
      // SQLite may already have rolled back (e.g. disk full); the original error is the one to report.
      await sql`rollback`.execute(conn).catch(() => {});
      throw error;
    } finally {
      sqliteTransactions.delete(conn);
    }
  });
}
