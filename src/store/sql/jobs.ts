import { type ExpressionBuilder, type Kysely, type Selectable, sql } from 'kysely';
import type { Job } from '../../domain/job.ts';
import type { SqlDialect } from '../migrations/index.ts';
import type { ClaimRequest, EnqueueRequest, JobRepository } from '../ports.ts';
import { chunks, compact, fromJson, iso } from './rows.ts';
import type { Database, JobsTable } from './schema.ts';

const ENQUEUE_CHUNK = 500;

function toJob(row: Selectable<JobsTable>): Job {
  return compact<Job>({
    id: row.id,
    kind: row.kind,
    key: row.key,
    payload: fromJson<unknown>(row.payload_json),
    runAt: row.run_at,
    attempts: row.attempts,
    lockedBy: row.locked_by,
    lockedUntil: row.locked_until,
    lastError: row.last_error,
    failedAt: row.failed_at,
    revision: row.revision,
    // `?? null`: a database migrated only part-way (a test of an older migration) has no such column yet.
    lane: row.lane ?? null,
  });
}

/** Claimed jobs in fair-share order: each lane's oldest first, then each lane's second, … (see JobRepository.claim). */
function fairOrder(jobs: Job[]): Job[] {
  const byAge = (a: Job, b: Job) => (a.runAt < b.runAt ? -1 : a.runAt > b.runAt ? 1 : a.id - b.id);
  const turns = new Map<string | undefined, number>();
  const turnOf = new Map<number, number>();
  for (const job of [...jobs].sort(byAge)) {
    const turn = (turns.get(job.lane) ?? 0) + 1;
    turns.set(job.lane, turn);
    turnOf.set(job.id, turn);
  }
  return jobs.sort((a, b) => (turnOf.get(a.id) ?? 0) - (turnOf.get(b.id) ?? 0) || byAge(a, b));
}

export class SqlJobRepository implements JobRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
  ) {}

  async enqueue(request: EnqueueRequest, now: Date): Promise<{ job: Job; created: boolean }> {
    const runAt = iso(request.runAt);
    const payload = request.payload === undefined ? null : JSON.stringify(request.payload);
    const inserted = await this.db
      .insertInto('jobs')
      .values({
        kind: request.kind,
        key: request.key,
        payload_json: payload,
        run_at: runAt,
        created_at: iso(now),
        lane: request.lane ?? null,
      })
      .onConflict((oc) => oc.columns(['kind', 'key']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted !== undefined) return { job: toJob(inserted), created: true };
    const updated = await this.db
      .updateTable('jobs')
      .set((eb) => ({
        payload_json: payload,
        run_at: eb
          .case()
          .when('run_at', '>', runAt)
          .then(runAt)
          .when('failed_at', 'is not', null)
          .then(runAt)
          .else(eb.ref('run_at'))
          .end(),
        failed_at: null,
        revision: eb('revision', '+', 1),
      }))
      .where('kind', '=', request.kind)
      .where('key', '=', request.key)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { job: toJob(updated), created: false };
  }

  async enqueueMany(requests: readonly EnqueueRequest[], now: Date): Promise<void> {
    const byKey = new Map<string, EnqueueRequest>();
    for (const r of requests) byKey.set(`${r.kind}\u0000${r.key}`, r);
    for (const batch of chunks([...byKey.values()], ENQUEUE_CHUNK)) {
      await this.db
        .insertInto('jobs')
        .values(
          batch.map((r) => ({
            kind: r.kind,
            key: r.key,
            payload_json: r.payload === undefined ? null : JSON.stringify(r.payload),
            run_at: iso(r.runAt),
            created_at: iso(now),
            lane: r.lane ?? null,
          })),
        )
        // The same update as `enqueue` makes to an existing job: run-at only earlier (or revived), revision bumped.
        .onConflict((oc) =>
          oc.columns(['kind', 'key']).doUpdateSet((eb) => ({
            payload_json: eb.ref('excluded.payload_json'),
            run_at: eb
              .case()
              .when('jobs.run_at', '>', eb.ref('excluded.run_at'))
              .then(eb.ref('excluded.run_at'))
              .when('jobs.failed_at', 'is not', null)
              .then(eb.ref('excluded.run_at'))
              .else(eb.ref('jobs.run_at'))
              .end(),
            failed_at: null,
            revision: eb('jobs.revision', '+', 1),
          })),
        )
        .execute();
    }
  }

  async claim(request: ClaimRequest): Promise<Job[]> {
    const now = iso(request.now);
    const until = iso(new Date(request.now.getTime() + request.lockMs));
    const claimable = (eb: ExpressionBuilder<Database, 'jobs'>) =>
      eb.and([
        eb('kind', '=', request.kind),
        eb('run_at', '<=', now),
        eb('failed_at', 'is', null),
        eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]),
      ]);
    // Fair share: number each lane's due jobs by age, then take turn 1 of every lane, then turn 2, …
    const ranked = this.db
      .selectFrom('jobs')
      .select([
        'id',
        'run_at',
        sql<number>`row_number() over (partition by lane order by run_at, id)`.as('turn'),
      ])
      .where(claimable);
    const picked = this.db
      .selectFrom(ranked.as('ranked'))
      .select('ranked.id')
      .orderBy('ranked.turn')
      .orderBy('ranked.run_at')
      .orderBy('ranked.id')
      .limit(request.limit);
    const rows = await this.db
      .updateTable('jobs')
      .set((eb) => ({ locked_by: request.workerId, locked_until: until, attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', (eb) =>
        // SQLite runs one UPDATE at a time (the statement is atomic). PostgreSQL needs the row locks, which cannot
        // be taken where the window function is: the picked rows are locked one level up, where the claimable
        // test is repeated so that a row another claimer took meanwhile is re-checked and left out.
        this.dialect === 'postgres'
          ? eb
              .selectFrom('jobs')
              .select('id')
              .where('id', 'in', picked)
              .where(claimable)
              .forUpdate()
              .skipLocked()
          : picked,
      )
      .returningAll()
      .execute();
    return fairOrder(rows.map(toJob));
  }

  complete(job: Job): Promise<void> {
    return this.completeMany([job]);
  }

  async completeMany(jobs: readonly Job[]): Promise<void> {
    for (const batch of chunks(jobs, 200)) {
      const deleted = await this.db
        .deleteFrom('jobs')
        .where((eb) =>
          eb.or(batch.map((job) => eb.and([eb('id', '=', job.id), eb('revision', '=', job.revision)]))),
        )
        .returning('id')
        .execute();
      const gone = new Set(deleted.map((row) => row.id));
      // Enqueued again while running: run those once more at their (possibly earlier) run-at.
      const again = batch.filter((job) => !gone.has(job.id)).map((job) => job.id);
      if (again.length > 0) {
        await this.db
          .updateTable('jobs')
          .set({ locked_by: null, locked_until: null })
          .where('id', 'in', again)
          .execute();
      }
    }
  }

  async fail(job: Job, error: string, retryAt: Date | undefined, now: Date): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({
        locked_by: null,
        locked_until: null,
        last_error: error,
        ...(retryAt === undefined ? { failed_at: iso(now) } : { run_at: iso(retryAt) }),
      })
      .where('id', '=', job.id)
      .execute();
  }

  async get(kind: string, key: string): Promise<Job | undefined> {
    const row = await this.db
      .selectFrom('jobs')
      .selectAll()
      .where('kind', '=', kind)
      .where('key', '=', key)
      .executeTakeFirst();
    return row && toJob(row);
  }

  async count(kind?: string): Promise<number> {
    let query = this.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('failed_at', 'is', null);
    if (kind !== undefined) query = query.where('kind', '=', kind);
    const row = await query.executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
