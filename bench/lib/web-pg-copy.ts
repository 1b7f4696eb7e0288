// The PostgreSQL catalogue of `npm run bench:web --database-url postgres://…`: a schema of its own in that database
// (`earshot_bench_web_<episodes>`), migrated by Earshot's own migrations, then filled with a row-for-row copy of the
// SQLite catalogue of the same size (which went through the real ingest path). Ingesting a million episodes a second
// time would take as long again; the copy writes exactly the rows the app stored, so the pages read the same data.
// Every table both databases have is copied, whatever it is (transcripts: episode_transcripts and the parsed files
// in media_text_cache; sources: sources with its search_text, source_keys, episode_citations). On PostgreSQL the
// transcript and source searches read GIN indexes over stored, generated vectors (migration 0033: PostgreSQL computes
// them as the rows are copied), created again after the copy; the tables PostgreSQL triggers fill (episode_search,
// show_search, and the word list search_words of migration 0039) are filled after the copy (which runs with triggers
// off), each at once. Tables only one database has (SQLite's FTS5 shadow tables) are skipped. Non-constraint indexes are
// dropped for the copy and created again after it; then every copied table's row count is checked against SQLite's
// (when the copy is made: bench runs add sessions and progress to both databases afterwards).
// The schema is reused while its bench_meta row matches the generator version and size; otherwise it is replaced.
// (A bench, not the app: this is the one place outside src/store that speaks SQL, to move rows in bulk.)

import Database from 'better-sqlite3';
import pg from 'pg';
import { openStore } from '../../src/store/index.ts';
import { FILL_SEARCH_WORDS } from '../../src/store/migrations/0039-search-words.ts';
import { GENERATOR_VERSION, type WebBenchData } from './web-data.ts';

/** `url` with the schema selected by search_path (as test/support/postgres.ts does). */
export function withSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

export async function ensurePgData(
  databaseUrl: string,
  sqliteFile: string,
  data: WebBenchData,
  log: (m: string) => void,
): Promise<string> {
  const schema = `earshot_bench_web_${data.target}`;
  const url = withSchema(databaseUrl, schema);
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    const found = await admin
      .query<{ version: number; episodes: number }>(
        `select version, episodes from ${schema}.bench_meta limit 1`,
      )
      .catch(() => undefined);
    const row = found?.rows[0];
    if (row !== undefined && row.version === GENERATOR_VERSION && row.episodes === data.episodes) {
      log(`reusing PostgreSQL schema ${schema} (generator v${row.version}, ${row.episodes} episodes)`);
      // Migrations added since the copy (new indexes) are applied here, as the server would.
      await (await openStore({ dataDir: '.', databaseUrl: url })).close();
      await fillEpisodeSearch(admin, schema, log);
      await fillShowSearch(admin, schema, log);
      await fillSearchWords(admin, schema, log);
      return url;
    }
    log(`building PostgreSQL schema ${schema}: a copy of ${sqliteFile}`);
    const t0 = performance.now();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.query(`create schema ${schema}`);
    await (await openStore({ dataDir: '.', databaseUrl: url })).close();
    await copyRows(admin, schema, sqliteFile, log);
    await fillEpisodeSearch(admin, schema, log);
    await fillShowSearch(admin, schema, log);
    await fillSearchWords(admin, schema, log);
    await checkCopy(admin, schema, sqliteFile, log);
    await admin.query(
      `create table ${schema}.bench_meta (version integer not null, episodes integer not null)`,
    );
    await admin.query(`insert into ${schema}.bench_meta values ($1, $2)`, [GENERATOR_VERSION, data.episodes]);
    log(`built ${schema} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    return url;
  } finally {
    await admin.end();
  }
}

/**
 * `episode_search` (migration 0017) holds episodes' words as PostgreSQL computes them: the copy, made with triggers
 * off, leaves it empty (so that searches found no episode at all), and it is filled here as its trigger would have
 * (the columns of migrations 0017 and 0025), then analysed. Also repairs a copy made before this step existed.
 */
async function fillEpisodeSearch(admin: pg.Client, schema: string, log: (m: string) => void): Promise<void> {
  const { rows } = await admin.query<{ filled: boolean; dated: boolean }>(
    `select exists (select 1 from ${schema}.episode_search) as filled,
      exists (select 1 from information_schema.columns where table_schema = $1 and table_name = 'episode_search'
        and column_name = 'published_at') as dated`,
    [schema],
  );
  if (rows[0] === undefined || rows[0].filled) return;
  const t0 = performance.now();
  const dated = rows[0].dated;
  await withoutTriggers(admin, () =>
    admin.query(`insert into ${schema}.episode_search (id, title, body${dated ? ', published_at' : ''})
      select id, to_tsvector('simple', coalesce(title, '')),
        to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(description, ''))
        ${dated ? `, coalesce(published_at, '')` : ''} from ${schema}.episodes`),
  );
  await admin.query(`vacuum (analyze) ${schema}.episode_search`);
  log(`  episode_search filled in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

/**
 * `show_search` (migration 0036), shows' words as PostgreSQL computes them, left empty by the copy as
 * `episode_search` is (fillEpisodeSearch): filled here as its trigger would have, then analysed.
 */
async function fillShowSearch(admin: pg.Client, schema: string, log: (m: string) => void): Promise<void> {
  const { rows } = await admin.query<{ filled: boolean }>(
    `select exists (select 1 from ${schema}.show_search) as filled`,
  );
  if (rows[0] === undefined || rows[0].filled) return;
  await withoutTriggers(admin, () =>
    admin.query(`insert into ${schema}.show_search (id, title, body)
      select id, to_tsvector('simple', coalesce(title, '')),
        to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(author, '') || ' ' || coalesce(description, ''))
      from ${schema}.shows`),
  );
  await admin.query(`vacuum (analyze) ${schema}.show_search`);
  log('  show_search filled');
}

/**
 * `search_words` (migration 0039), every word of the searched tables: its triggers are off while the copy and the two
 * fills above run (one lookup a row would take minutes), so it is filled here at once, as the migration fills it.
 */
async function fillSearchWords(admin: pg.Client, schema: string, log: (m: string) => void): Promise<void> {
  const { rows } = await admin.query<{ filled: boolean }>(
    `select exists (select 1 from ${schema}.search_words) as filled`,
  );
  if (rows[0] === undefined || rows[0].filled) return;
  const t0 = performance.now();
  await admin.query('begin');
  try {
    // The migration's statement names its tables unqualified, as the server's connections see them.
    await admin.query(`set local search_path to ${schema}`);
    await admin.query(FILL_SEARCH_WORDS);
    await admin.query('commit');
  } catch (e) {
    await admin.query('rollback');
    throw e;
  }
  await admin.query(`analyze ${schema}.search_words`);
  log(`  search_words filled in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

/** `fill` with this connection's triggers off (as the copy runs): derived tables are filled by the steps above. */
async function withoutTriggers(admin: pg.Client, fill: () => Promise<unknown>): Promise<void> {
  await admin.query('set session_replication_role = replica');
  try {
    await fill();
  } finally {
    await admin.query('reset session_replication_role');
  }
}

/**
 * Every table both databases have holds as many rows on PostgreSQL as in the SQLite catalogue, episode_search one
 * per episode and show_search one per show (a table left empty or half copied made searches find nothing, silently).
 * Throws otherwise.
 */
async function checkCopy(
  admin: pg.Client,
  schema: string,
  sqliteFile: string,
  log: (m: string) => void,
): Promise<void> {
  const lite = new Database(sqliteFile, { readonly: true });
  try {
    const tables = (await schemaTables(admin, schema)).filter((t) => t !== 'bench_meta');
    const pgCount = async (table: string): Promise<number> =>
      Number((await admin.query<{ n: string }>(`select count(*) as n from ${schema}."${table}"`)).rows[0]?.n);
    const wrong: string[] = [];
    const counts: string[] = [];
    for (const table of tables) {
      const exists = lite.prepare(`select 1 from sqlite_master where type = 'table' and name = ?`).get(table);
      const want =
        exists === undefined
          ? table === 'episode_search'
            ? Number(lite.prepare('select count(*) from episodes').pluck().get())
            : table === 'show_search'
              ? Number(lite.prepare('select count(*) from shows').pluck().get())
              : undefined
          : Number(lite.prepare(`select count(*) from "${table}"`).pluck().get());
      if (want === undefined) continue;
      const got = await pgCount(table);
      if (got !== want) wrong.push(`${table}: ${got} rows, SQLite ${want}`);
      if (/transcript|media_text|source|citation|episode_search/.test(table)) counts.push(`${table} ${got}`);
    }
    if (wrong.length > 0) throw new Error(`the PostgreSQL copy ${schema} differs: ${wrong.join('; ')}`);
    log(`  copy checked (every table's rows): ${counts.join(', ')}`);
  } finally {
    lite.close();
  }
}

async function copyRows(
  admin: pg.Client,
  schema: string,
  sqliteFile: string,
  log: (m: string) => void,
): Promise<void> {
  const lite = new Database(sqliteFile, { readonly: true });
  try {
    const tables = await schemaTables(admin, schema);
    const indexes = (
      await admin.query<{ indexname: string; indexdef: string }>(
        `select i.indexname, i.indexdef from pg_indexes i
          where i.schemaname = $1
            and not exists (select 1 from pg_constraint c join pg_namespace n on n.oid = c.connamespace
                             where n.nspname = $1 and c.conname = i.indexname)`,
        [schema],
      )
    ).rows;
    for (const ix of indexes) await admin.query(`drop index ${schema}.${ix.indexname}`);
    await admin.query('begin');
    // Rows are copied in any table order: foreign keys are not checked during the copy (the rows come from a
    // database that checked them).
    await admin.query(`set local session_replication_role = replica`);
    for (const table of tables) {
      const liteCols = new Set(
        (lite.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name),
      );
      if (liteCols.size === 0) continue;
      const cols = (
        await admin.query<{ column_name: string }>(
          `select column_name from information_schema.columns
            where table_schema = $1 and table_name = $2 and is_generated = 'NEVER' order by ordinal_position`,
          [schema, table],
        )
      ).rows
        .map((r) => r.column_name)
        .filter((c) => liteCols.has(c));
      if (cols.length === 0) continue;
      // Rows a migration seeded are in the SQLite copy too.
      await admin.query(`delete from ${schema}."${table}"`);
      const perBatch = Math.max(1, Math.floor(30_000 / cols.length));
      const select = lite.prepare(`select ${cols.map((c) => `"${c}"`).join(', ')} from "${table}"`).raw(true);
      let batch: unknown[][] = [];
      let n = 0;
      const flush = async (): Promise<void> => {
        if (batch.length === 0) return;
        const values: unknown[] = [];
        const tuples = batch.map((row) => {
          const start = values.length;
          values.push(...row);
          return `(${row.map((_, i) => `$${start + i + 1}`).join(',')})`;
        });
        await admin.query(
          `insert into ${schema}."${table}" (${cols.map((c) => `"${c}"`).join(', ')}) values ${tuples.join(',')}`,
          values,
        );
        n += batch.length;
        batch = [];
      };
      for (const row of select.iterate() as Iterable<unknown[]>) {
        batch.push(row);
        if (batch.length >= perBatch) {
          await flush();
          if (n % (perBatch * 100) === 0) log(`  ${table}: ${n} rows`);
        }
      }
      await flush();
      log(`  ${table}: ${n} rows copied`);
      const identity = await admin.query<{ column_name: string }>(
        `select column_name from information_schema.columns where table_schema = $1 and table_name = $2 and is_identity = 'YES'`,
        [schema, table],
      );
      for (const { column_name: col } of identity.rows) {
        await admin.query(
          `select setval(pg_get_serial_sequence('${schema}."${table}"', '${col}'), coalesce((select max("${col}") from ${schema}."${table}"), 0) + 1, false)`,
        );
      }
    }
    await admin.query('commit');
    await admin.query(`set maintenance_work_mem = '256MB'`);
    for (const ix of indexes) {
      const t0 = performance.now();
      await admin.query(ix.indexdef);
      log(`  index ${ix.indexname}: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
    // As a database that has been running a while: statistics gathered, and the visibility map set (so that
    // index-only scans need not visit the heap).
    for (const table of tables) await admin.query(`vacuum (analyze) ${schema}."${table}"`);
  } catch (error) {
    await admin.query('rollback').catch(() => {});
    throw error;
  } finally {
    lite.close();
  }
}

/** The schema's tables but the migrations' record. */
async function schemaTables(admin: pg.Client, schema: string): Promise<string[]> {
  const { rows } = await admin.query<{ table_name: string }>(
    `select table_name from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE'`,
    [schema],
  );
  return rows.map((r) => r.table_name).filter((t) => t !== 'schema_migrations');
}

/**
 * How the PostgreSQL server caches the bench schema, for the report: its shared buffers, huge pages, and the schema's
 * size. The schema is first read (pg_prewarm, shipped with PostgreSQL), as a server's working set is after it has run
 * a while: otherwise the first searches of a run would each pay for reading their pages, and a second run would find
 * the first run's. When the buffers can hold the whole schema, into them; with smaller buffers (PostgreSQL's default
 * is 128 MB), into the operating system's cache, from which pages come and go as the searches ask for them (on the
 * bench's virtual machine, after a restart of PostgreSQL, 2-word searches read from the disk: 45 req/s, p99 1.3 s).
 */
export async function pgCacheState(url: string, log: (m: string) => void): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{
      buffers: string;
      bufferBytes: string;
      huge: string;
      bytes: string;
    }>(
      `select current_setting('shared_buffers') as buffers, current_setting('huge_pages') as huge,
        (select setting::bigint * 8192 from pg_settings where name = 'shared_buffers')::text as "bufferBytes",
        (select coalesce(sum(pg_total_relation_size(c.oid)), 0) from pg_class c
          where c.relnamespace = current_schema()::regnamespace and c.relkind = 'r')::text as bytes`,
    );
    const row = rows[0];
    if (row === undefined) return 'PostgreSQL: settings unknown';
    const gb = (n: number): string => `${(n / 2 ** 30).toFixed(1)} GB`;
    const schemaBytes = Number(row.bytes);
    const held = Number(row.bufferBytes) > schemaBytes * 1.05;
    const warmed = await prewarm(client, log, held ? 'buffer' : 'read');
    return `PostgreSQL shared_buffers ${row.buffers}, huge_pages ${row.huge}; the bench schema ${gb(schemaBytes)}, ${warmed}`;
  } finally {
    await client.end();
  }
}

/**
 * Reads the schema's tables, indexes and their TOAST into the buffers (`buffer`) or only through the operating
 * system's cache (`read`); what it did, for the report.
 */
async function prewarm(
  client: pg.Client,
  log: (m: string) => void,
  mode: 'buffer' | 'read',
): Promise<string> {
  const t0 = performance.now();
  try {
    await client.query('create extension if not exists pg_prewarm schema public');
  } catch (error) {
    // Creating it takes a superuser (or an owner it was granted to): without it, the buffers fill as searches ask.
    return `not read ahead (pg_prewarm: ${error instanceof Error ? error.message : String(error)})`;
  }
  const { rows } = await client.query<{ schema: string }>(`select n.nspname as schema from pg_extension e
    join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_prewarm'`);
  const fn = `${client.escapeIdentifier(rows[0]?.schema ?? 'public')}.pg_prewarm`;
  await client.query(`select sum(${fn}(c.oid, '${mode}')) from pg_class c
    where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'i')`);
  await client.query(`select sum(${fn}(c.reltoastrelid, '${mode}')) from pg_class c
    where c.relnamespace = current_schema()::regnamespace and c.reltoastrelid <> 0`);
  const into = mode === 'buffer' ? 'the buffers' : "the operating system's cache (larger than the buffers)";
  const warmed = `read into ${into} first (pg_prewarm, ${((performance.now() - t0) / 1000).toFixed(0)} s)`;
  log(`  ${warmed}`);
  return warmed;
}
