// Listener repositories over Kysely, for SQLite and PostgreSQL alike. Tables from migration 0002-listeners.
// Every query is scoped by user id; nothing here can reach another user's rows.
import { createHash, randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { userNameSkeleton } from '../../domain/user-name.ts';
import { StoreError } from '../errors.ts';
import type {
  Follow,
  LibraryRepository,
  ListenerStore,
  ListeningSignal,
  Progress,
  QueueEntry,
  Session,
  SessionRepository,
  SettingRepository,
  SignInFailureRepository,
  User,
  UserRepository,
} from '../listener-ports.ts';
import type { SqlDialect } from '../migrations/index.ts';
import { inTransaction } from './connect.ts';
import type { Database } from './schema.ts';

type Db = Kysely<Database>;

/** Runs `fn` in one transaction, or directly when the handle already is one (a tx-scoped store). */
type Tx = <T>(fn: (db: Db) => Promise<T>) => Promise<T>;

function transactor(db: Db, dialect: SqlDialect, inside: boolean): Tx {
  if (inside) return (fn) => fn(db);
  return (fn) => inTransaction(db, dialect, fn);
}

function nameKey(name: string): string {
  return name.normalize('NFC').trim().toLowerCase();
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

interface UserRow {
  id: number;
  name: string;
  is_admin: number;
  created_at: string;
  disabled_at?: string | null;
  last_seen_at?: string | null;
}

const USER_COLUMNS = ['id', 'name', 'is_admin', 'created_at', 'disabled_at', 'last_seen_at'] as const;

function toUser(row: UserRow): User {
  const user: User = { id: row.id, name: row.name, isAdmin: row.is_admin !== 0, createdAt: row.created_at };
  // `!= null`: also absent on a database migrated only part-way.
  if (row.disabled_at != null) user.disabledAt = row.disabled_at;
  if (row.last_seen_at != null) user.lastSeenAt = row.last_seen_at;
  return user;
}

/**
 * A disabled account is signed out: its web and sync sessions end and its epoch moves on, so no process trusts a
 * password it remembers. App passwords are kept (a disabled account cannot use them; enabling it again restores them).
 */
async function signOutDisabled(db: Db, userId: number, now: Date): Promise<void> {
  await db.deleteFrom('user_sessions').where('user_id', '=', userId).execute();
  await db.deleteFrom('sync_sessions').where('user_id', '=', userId).execute();
  await db
    .updateTable('users')
    .set({ auth_epoch: sql<number>`auth_epoch + 1`, updated_at: now.toISOString() })
    .where('id', '=', userId)
    .execute();
}

interface ProgressRow {
  episode_id: number;
  position_seconds: number;
  played: number;
  played_at: string | null;
  updated_at: string;
}

function toProgress(row: ProgressRow): Progress {
  return {
    episodeId: row.episode_id,
    positionSeconds: Number(row.position_seconds),
    played: row.played !== 0,
    updatedAt: row.updated_at,
    ...(row.played_at !== null ? { playedAt: row.played_at } : {}),
  };
}

const PROGRESS_COLUMNS = ['episode_id', 'position_seconds', 'played', 'played_at', 'updated_at'] as const;

/** The advisory-lock class of listeners' change locks (PostgreSQL's two-key form: this, then the user id). */
const LISTENER_LOCK_CLASS = 7_314_005;
/**
 * Connections one store holds at most for change locks at once: the rest of its pool (10) stays free for the work
 * the holders do meanwhile, so holders waiting for each other can never take every connection.
 */
const LOCK_HOLDERS = 3;

class SqlUsers implements UserRepository {
  /** Per listener, the last holder's turn (SQLite), so that holders for one listener run one after another. */
  readonly #turns = new Map<number, Promise<unknown>>();
  /** PostgreSQL: lock holders now, and the ones waiting for a connection slot. */
  #holders = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(
    private readonly db: Db,
    private readonly tx: Tx,
    private readonly dialect: SqlDialect,
  ) {}

  async exclusive<T>(userId: number, fn: () => Promise<T>): Promise<T> {
    if (this.dialect === 'sqlite') {
      const run = (this.#turns.get(userId) ?? Promise.resolve()).catch(() => {}).then(fn);
      this.#turns.set(userId, run);
      try {
        return await run;
      } finally {
        if (this.#turns.get(userId) === run) this.#turns.delete(userId);
      }
    }
    if (this.#holders >= LOCK_HOLDERS) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#holders++;
    try {
      // In a transaction of its own (or, on a transaction-scoped store, in that one), let go at its end.
      return await this.tx(async (trx) => {
        await sql`select pg_advisory_xact_lock(${LISTENER_LOCK_CLASS}, ${userId})`.execute(trx);
        return fn();
      });
    } finally {
      // The slot goes to the next waiter as it is (the count stays), or is given back.
      const next = this.#waiting.shift();
      if (next === undefined) this.#holders--;
      else next();
    }
  }

  async create(input: { name: string; passwordHash: string; isAdmin?: boolean }, now: Date): Promise<User> {
    const name = input.name.normalize('NFC').trim();
    if (!name) throw new StoreError('invalid', 'a user name cannot be empty');
    const at = now.toISOString();
    return this.tx(async (tx) => {
      const taken = await tx
        .selectFrom('users')
        .select('id')
        .where('name_key', '=', nameKey(name))
        .executeTakeFirst();
      if (taken) throw new StoreError('conflict', 'That user name is taken.');
      const skeleton = userNameSkeleton(name);
      const lookalike = await tx
        .selectFrom('users')
        .select('name')
        .where('name_skeleton', '=', skeleton)
        .executeTakeFirst();
      if (lookalike)
        throw new StoreError(
          'conflict',
          `That user name looks too much like "${lookalike.name}", which is taken. Choose another.`,
        );
      const count = await tx
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const isAdmin = Number(count.n) === 0 || input.isAdmin === true;
      const row = await tx
        .insertInto('users')
        .values({
          name,
          name_key: nameKey(name),
          name_skeleton: skeleton,
          password_hash: input.passwordHash,
          is_admin: isAdmin ? 1 : 0,
          created_at: at,
          updated_at: at,
        })
        .returning(['id', 'name', 'is_admin', 'created_at'])
        .executeTakeFirstOrThrow();
      return toUser(row);
    });
  }

  async get(id: number): Promise<User | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select([...USER_COLUMNS])
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toUser(row) : undefined;
  }

  async findByName(name: string): Promise<User | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select([...USER_COLUMNS])
      .where('name_key', '=', nameKey(name))
      .executeTakeFirst();
    return row ? toUser(row) : undefined;
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async credentials(name: string): Promise<(User & { passwordHash: string; authEpoch: number }) | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select([...USER_COLUMNS, 'password_hash', 'auth_epoch'])
      .where('name_key', '=', nameKey(name))
      .executeTakeFirst();
    return row && { ...toUser(row), passwordHash: row.password_hash, authEpoch: Number(row.auth_epoch) };
  }

  async list(): Promise<User[]> {
    const rows = await this.db
      .selectFrom('users')
      .select([...USER_COLUMNS])
      .orderBy('name_key')
      .execute();
    return rows.map(toUser);
  }

  async setDisabled(userId: number, disabled: boolean, now: Date): Promise<User> {
    return this.tx(async (db) => {
      const user = await this.change(db, userId, { disabled_at: disabled ? now.toISOString() : null }, now);
      if (disabled) await signOutDisabled(db, userId, now);
      return user;
    });
  }

  async setAdmin(userId: number, isAdmin: boolean, now: Date): Promise<User> {
    return this.tx((db) => this.change(db, userId, { is_admin: isAdmin ? 1 : 0 }, now));
  }

  /** Applies the change, then refuses it (rolling back) when no enabled admin would be left. */
  private async change(
    db: Db,
    userId: number,
    set: { disabled_at?: string | null; is_admin?: number },
    now: Date,
  ): Promise<User> {
    const before = await db
      .selectFrom('users')
      .select([...USER_COLUMNS])
      .where('id', '=', userId)
      .executeTakeFirst();
    if (before === undefined) throw new StoreError('not-found', `no user ${userId}`);
    // Disabling twice keeps the first time.
    const values = { ...set, updated_at: now.toISOString() };
    if (set.disabled_at !== undefined && set.disabled_at !== null && before.disabled_at !== null)
      values.disabled_at = before.disabled_at;
    const row = await db
      .updateTable('users')
      .set(values)
      .where('id', '=', userId)
      .returning([...USER_COLUMNS])
      .executeTakeFirstOrThrow();
    const admins = await db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('is_admin', '=', 1)
      .where('disabled_at', 'is', null)
      .executeTakeFirstOrThrow();
    if (Number(admins.n) === 0)
      throw new StoreError('conflict', 'that would leave no administrator: make another account admin first');
    return toUser(row);
  }

  async setPasswordHash(
    userId: number,
    passwordHash: string,
    now: Date,
    options: { keepSession?: string } = {},
  ): Promise<void> {
    await this.tx(async (tx) => {
      const result = await tx
        .updateTable('users')
        .set({ password_hash: passwordHash, updated_at: now.toISOString() })
        .where('id', '=', userId)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw new StoreError('not-found', `no user ${userId}`);
      await endSessionsIn(tx, userId, now, options.keepSession);
    });
  }

  async endSessions(userId: number, now: Date, options: { keepSession?: string } = {}): Promise<void> {
    await this.tx((tx) => endSessionsIn(tx, userId, now, options.keepSession));
  }

  async authEpoch(userId: number): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select('auth_epoch')
      .where('id', '=', userId)
      .executeTakeFirst();
    return row === undefined ? undefined : Number(row.auth_epoch);
  }
}

/** Every session of the listener ends (web ones but `keep`), app passwords are revoked, the epoch moves on. */
async function endSessionsIn(db: Db, userId: number, now: Date, keep: string | undefined): Promise<void> {
  let web = db.deleteFrom('user_sessions').where('user_id', '=', userId);
  if (keep) web = web.where('token_hash', '!=', tokenHash(keep));
  await web.execute();
  await db.deleteFrom('sync_sessions').where('user_id', '=', userId).execute();
  await db
    .updateTable('sync_app_passwords')
    .set({ revoked_at: now.toISOString() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
  await db.deleteFrom('sync_login_flows').where('user_id', '=', userId).execute();
  await db
    .updateTable('users')
    .set({ auth_epoch: sql<number>`auth_epoch + 1`, updated_at: now.toISOString() })
    .where('id', '=', userId)
    .execute();
}

class SqlSessions implements SessionRepository {
  constructor(private readonly db: Db) {}

  async create(userId: number, now: Date, ttlSeconds: number): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.db
      .insertInto('user_sessions')
      .values({
        token_hash: tokenHash(token),
        user_id: userId,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + ttlSeconds * 1000).toISOString(),
      })
      .execute();
    await this.db
      .updateTable('users')
      .set({ last_seen_at: now.toISOString() })
      .where('id', '=', userId)
      .execute();
    return token;
  }

  async get(token: string, now: Date): Promise<{ session: Session; user: User } | undefined> {
    if (!token) return undefined;
    const row = await this.db
      .selectFrom('user_sessions')
      .innerJoin('users', 'users.id', 'user_sessions.user_id')
      .select([
        'users.id',
        'users.name',
        'users.is_admin',
        'users.created_at',
        'user_sessions.created_at as session_created',
        'user_sessions.expires_at',
      ])
      .where('user_sessions.token_hash', '=', tokenHash(token))
      .where('user_sessions.expires_at', '>', now.toISOString())
      .where('users.disabled_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      user: toUser(row),
      session: { userId: row.id, createdAt: row.session_created, expiresAt: row.expires_at },
    };
  }

  async delete(token: string): Promise<void> {
    await this.db.deleteFrom('user_sessions').where('token_hash', '=', tokenHash(token)).execute();
  }

  async deleteForUser(userId: number, keep?: string): Promise<void> {
    let q = this.db.deleteFrom('user_sessions').where('user_id', '=', userId);
    if (keep) q = q.where('token_hash', '!=', tokenHash(keep));
    await q.execute();
  }
}

class SqlSignInFailures implements SignInFailureRepository {
  #lastSweepMs = 0;
  constructor(private readonly db: Db) {}

  async counts(keys: readonly string[], now: Date): Promise<Map<string, { count: number; resetAt: Date }>> {
    const out = new Map<string, { count: number; resetAt: Date }>();
    if (keys.length === 0) return out;
    const rows = await this.db
      .selectFrom('sign_in_failures')
      .select(['key', 'count', 'reset_ms'])
      .where('key', 'in', [...keys])
      .where('reset_ms', '>', now.getTime())
      .execute();
    for (const r of rows) out.set(r.key, { count: Number(r.count), resetAt: new Date(Number(r.reset_ms)) });
    return out;
  }

  async fail(keys: readonly { key: string; windowMs: number }[], now: Date): Promise<void> {
    const nowMs = now.getTime();
    for (const { key, windowMs } of keys) {
      const resetMs = nowMs + windowMs;
      // A key whose window ended starts again at 1; otherwise the count goes up within the same window.
      await this.db
        .insertInto('sign_in_failures')
        .values({ key, count: 1, reset_ms: resetMs })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            count: sql<number>`case when sign_in_failures.reset_ms <= ${nowMs} then 1 else sign_in_failures.count + 1 end`,
            reset_ms: sql<number>`case when sign_in_failures.reset_ms <= ${nowMs} then ${resetMs} else sign_in_failures.reset_ms end`,
          }),
        )
        .execute();
    }
    // Ended windows are swept now and then, so the table holds only the current windows' keys.
    if (nowMs - this.#lastSweepMs > 60_000) {
      this.#lastSweepMs = nowMs;
      await this.db.deleteFrom('sign_in_failures').where('reset_ms', '<=', nowMs).execute();
    }
  }

  async clear(key: string): Promise<void> {
    await this.db.deleteFrom('sign_in_failures').where('key', '=', key).execute();
  }
}

class SqlSettings implements SettingRepository {
  constructor(private readonly db: Db) {}

  async get(key: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('app_settings')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirst();
    return row?.value;
  }

  async set(key: string, value: string, now: Date): Promise<void> {
    await this.db
      .insertInto('app_settings')
      .values({ key, value, updated_at: now.toISOString() })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now.toISOString() }))
      .execute();
  }
}

class SqlLibrary implements LibraryRepository {
  constructor(
    private readonly db: Db,
    private readonly tx: Tx,
  ) {}

  async follow(userId: number, feedId: number, at: Date): Promise<void> {
    await this.db
      .insertInto('follows')
      .values({ user_id: userId, feed_id: feedId, followed_at: at.toISOString() })
      .onConflict((oc) => oc.columns(['user_id', 'feed_id']).doNothing())
      .execute();
  }

  async unfollow(userId: number, feedId: number): Promise<void> {
    await this.db.deleteFrom('follows').where('user_id', '=', userId).where('feed_id', '=', feedId).execute();
  }

  async isFollowing(userId: number, feedId: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('follows')
      .select('feed_id')
      .where('user_id', '=', userId)
      .where('feed_id', '=', feedId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async following(userId: number): Promise<Follow[]> {
    const rows = await this.db
      .selectFrom('follows')
      .select(['feed_id', 'followed_at'])
      .where('user_id', '=', userId)
      .orderBy('followed_at', 'desc')
      .orderBy('feed_id', 'desc')
      .execute();
    return rows.map((r) => ({ feedId: r.feed_id, followedAt: r.followed_at }));
  }

  private async row(db: Db, userId: number, episodeId: number): Promise<ProgressRow | undefined> {
    return db
      .selectFrom('progress')
      .select([...PROGRESS_COLUMNS])
      .where('user_id', '=', userId)
      .where('episode_id', '=', episodeId)
      .executeTakeFirst();
  }

  async savePosition(
    userId: number,
    episodeId: number,
    positionSeconds: number,
    at: Date,
    listenedSeconds = 0,
  ): Promise<Progress> {
    if (!Number.isFinite(positionSeconds) || positionSeconds < 0)
      throw new StoreError('invalid', 'a position is a number of seconds ≥ 0');
    const when = at.toISOString();
    return this.tx(async (db) => {
      const existing = await this.row(db, userId, episodeId);
      if (existing && existing.updated_at > when) return toProgress(existing);
      await db
        .insertInto('progress')
        .values({
          user_id: userId,
          episode_id: episodeId,
          position_seconds: positionSeconds,
          played: 0,
          played_at: null,
          updated_at: when,
        })
        .onConflict((oc) =>
          oc
            .columns(['user_id', 'episode_id'])
            .doUpdateSet({ position_seconds: positionSeconds, updated_at: when }),
        )
        .execute();
      const listened = Math.min(Math.max(0, listenedSeconds), 120);
      if (listened > 0) {
        const ep = await db
          .selectFrom('episodes')
          .select('show_id')
          .where('id', '=', episodeId)
          .executeTakeFirst();
        if (ep) {
          await db
            .insertInto('listening_daily')
            .values({ show_id: ep.show_id, day: when.slice(0, 10), seconds: listened })
            .onConflict((oc) =>
              oc
                .columns(['show_id', 'day'])
                .doUpdateSet({ seconds: sql<number>`listening_daily.seconds + excluded.seconds` }),
            )
            .execute();
        }
      }
      const saved = await this.row(db, userId, episodeId);
      if (!saved) throw new StoreError('not-found', `no episode ${episodeId}`);
      return toProgress(saved);
    });
  }

  async setPlayed(userId: number, episodeId: number, played: boolean, at: Date): Promise<Progress> {
    const when = at.toISOString();
    return this.tx(async (db) => {
      const existing = await this.row(db, userId, episodeId);
      if (existing && existing.updated_at > when) return toProgress(existing);
      const values = played
        ? { played: 1, played_at: when, updated_at: when }
        : { played: 0, played_at: null, position_seconds: 0, updated_at: when };
      await db
        .insertInto('progress')
        .values({
          user_id: userId,
          episode_id: episodeId,
          position_seconds: existing?.position_seconds ?? 0,
          ...values,
        })
        .onConflict((oc) => oc.columns(['user_id', 'episode_id']).doUpdateSet(values))
        .execute();
      const saved = await this.row(db, userId, episodeId);
      if (!saved) throw new StoreError('not-found', `no episode ${episodeId}`);
      return toProgress(saved);
    });
  }

  async progress(userId: number, episodeId: number): Promise<Progress | undefined> {
    const row = await this.row(this.db, userId, episodeId);
    return row ? toProgress(row) : undefined;
  }

  async progressFor(userId: number, episodeIds: readonly number[]): Promise<Map<number, Progress>> {
    const out = new Map<number, Progress>();
    if (episodeIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('progress')
      .select([...PROGRESS_COLUMNS])
      .where('user_id', '=', userId)
      .where('episode_id', 'in', [...episodeIds])
      .execute();
    for (const r of rows) out.set(r.episode_id, toProgress(r));
    return out;
  }

  async inProgress(userId: number, limit: number): Promise<Progress[]> {
    const rows = await this.db
      .selectFrom('progress')
      .select([...PROGRESS_COLUMNS])
      .where('user_id', '=', userId)
      .where('played', '=', 0)
      .where('position_seconds', '>', 0)
      .orderBy('updated_at', 'desc')
      .orderBy('episode_id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toProgress);
  }

  async played(userId: number, limit: number): Promise<Progress[]> {
    const rows = await this.db
      .selectFrom('progress')
      .select([...PROGRESS_COLUMNS])
      .where('user_id', '=', userId)
      .where('played', '=', 1)
      .orderBy('played_at', 'desc')
      .orderBy('episode_id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toProgress);
  }

  async history(userId: number, limit: number): Promise<Progress[]> {
    const rows = await this.db
      .selectFrom('progress')
      .select([...PROGRESS_COLUMNS])
      .where('user_id', '=', userId)
      .orderBy('updated_at', 'desc')
      .orderBy('episode_id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toProgress);
  }

  async queue(userId: number): Promise<QueueEntry[]> {
    const rows = await this.db
      .selectFrom('queue_entries')
      .select(['episode_id', 'position', 'added_at'])
      .where('user_id', '=', userId)
      .orderBy('position')
      .execute();
    return rows.map((r, i) => ({ episodeId: r.episode_id, position: i, addedAt: r.added_at }));
  }

  private async rewrite(
    db: Db,
    userId: number,
    order: { episodeId: number; addedAt: string }[],
  ): Promise<void> {
    await db.deleteFrom('queue_entries').where('user_id', '=', userId).execute();
    if (order.length === 0) return;
    await db
      .insertInto('queue_entries')
      .values(
        order.map((e, i) => ({ user_id: userId, episode_id: e.episodeId, position: i, added_at: e.addedAt })),
      )
      .execute();
  }

  async enqueue(
    userId: number,
    episodeId: number,
    now: Date,
    options: { next?: boolean } = {},
  ): Promise<void> {
    await this.tx(async (db) => {
      const ep = await db.selectFrom('episodes').select('id').where('id', '=', episodeId).executeTakeFirst();
      if (!ep) throw new StoreError('not-found', `no episode ${episodeId}`);
      const current = (
        await db
          .selectFrom('queue_entries')
          .select(['episode_id', 'added_at'])
          .where('user_id', '=', userId)
          .orderBy('position')
          .execute()
      ).map((r) => ({ episodeId: r.episode_id, addedAt: r.added_at }));
      const existing = current.find((e) => e.episodeId === episodeId);
      if (existing && !options.next) return;
      const rest = current.filter((e) => e.episodeId !== episodeId);
      const entry = { episodeId, addedAt: existing?.addedAt ?? now.toISOString() };
      await this.rewrite(db, userId, options.next ? [entry, ...rest] : [...rest, entry]);
    });
  }

  async dequeue(userId: number, episodeId: number): Promise<void> {
    await this.db
      .deleteFrom('queue_entries')
      .where('user_id', '=', userId)
      .where('episode_id', '=', episodeId)
      .execute();
  }

  async moveInQueue(userId: number, episodeId: number, to: number): Promise<void> {
    await this.tx(async (db) => {
      const current = (
        await db
          .selectFrom('queue_entries')
          .select(['episode_id', 'added_at'])
          .where('user_id', '=', userId)
          .orderBy('position')
          .execute()
      ).map((r) => ({ episodeId: r.episode_id, addedAt: r.added_at }));
      const from = current.findIndex((e) => e.episodeId === episodeId);
      const [moved] = from >= 0 ? current.splice(from, 1) : [];
      if (!moved) throw new StoreError('not-found', `episode ${episodeId} is not in the queue`);
      current.splice(Math.max(0, Math.min(to, current.length)), 0, moved);
      await this.rewrite(db, userId, current);
    });
  }

  async signals(since: Date): Promise<ListeningSignal[]> {
    const sinceIso = since.toISOString();
    const out: ListeningSignal[] = [];
    const listens = await this.db
      .selectFrom('listening_daily')
      .select(['show_id', 'day', 'seconds'])
      .where('day', '>=', sinceIso.slice(0, 10))
      .execute();
    for (const r of listens)
      out.push({
        showId: r.show_id,
        kind: 'listen',
        amount: Number(r.seconds),
        at: `${r.day}T12:00:00.000Z`,
      });
    const completions = await this.db
      .selectFrom('progress')
      .innerJoin('episodes', 'episodes.id', 'progress.episode_id')
      .select(['episodes.show_id', 'progress.played_at'])
      .where('progress.played', '=', 1)
      .where('progress.played_at', '>=', sinceIso)
      .execute();
    for (const r of completions)
      if (r.played_at) out.push({ showId: r.show_id, kind: 'complete', amount: 1, at: r.played_at });
    const follows = await this.db
      .selectFrom('follows')
      .innerJoin('shows', 'shows.feed_id', 'follows.feed_id')
      .select(['shows.id as show_id', 'follows.followed_at'])
      .where('follows.followed_at', '>=', sinceIso)
      .execute();
    for (const r of follows) out.push({ showId: r.show_id, kind: 'follow', amount: 1, at: r.followed_at });
    return out;
  }
}

/**
 * The listener repositories over a database handle, or over one transaction of it (`inside`: multi-statement
 * writes then run in that transaction instead of opening their own).
 */
export function createListenerRepositories(db: Db, dialect: SqlDialect, inside = false): ListenerStore {
  const tx = transactor(db, dialect, inside);
  return {
    users: new SqlUsers(db, tx, dialect),
    sessions: new SqlSessions(db),
    settings: new SqlSettings(db),
    library: new SqlLibrary(db, tx),
    signInFailures: new SqlSignInFailures(db),
  };
}
