// The sync repository over Kysely, for SQLite and PostgreSQL alike. Tables from migration 0003-sync.
import type { Kysely, Selectable } from 'kysely';
import type { DeviceType, SubscriptionChange } from '../../domain/sync.ts';
import type { SqlDialect } from '../migrations/index.ts';
import type {
  ActionQuery,
  AppPassword,
  NewEpisodeAction,
  SettingsScope,
  StoredEpisodeAction,
  SyncDevice,
  SyncRepository,
  SyncSubscription,
} from '../sync-ports.ts';
import { inTransaction } from './connect.ts';
import { compact } from './rows.ts';
import type { Database, SyncAppPasswordsTable, SyncDevicesTable, SyncEpisodeActionsTable } from './schema.ts';

type Db = Kysely<Database>;
type DeviceRow = Selectable<SyncDevicesTable>;
type ActionRow = Selectable<SyncEpisodeActionsTable>;
type AppPasswordRow = Selectable<SyncAppPasswordsTable>;

/** Rows per multi-row insert: well under SQLite's bound-parameter limit. */
const INSERT_CHUNK = 500;

function toDevice(row: DeviceRow): SyncDevice {
  return compact<SyncDevice>({
    userId: row.user_id,
    deviceId: row.device_id,
    caption: row.caption,
    type: row.type,
    synchronized: row.synchronized !== 0,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

function toAction(row: ActionRow): StoredEpisodeAction {
  return compact<StoredEpisodeAction>({
    id: row.id,
    podcast: row.podcast,
    episode: row.episode,
    guid: row.guid,
    action: row.action,
    timestampMs: Number(row.timestamp_ms),
    receivedAtMs: Number(row.received_ms),
    device: row.device_id,
    started: row.started,
    position: row.position,
    total: row.total,
    episodeRef: row.episode_ref,
  });
}

function toAppPassword(row: AppPasswordRow): AppPassword {
  return compact<AppPassword>({
    id: row.id,
    userId: row.user_id,
    label: row.label,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  });
}

function actionValues(userId: number, a: NewEpisodeAction, receivedAtMs: number, webKey: string | null) {
  return {
    user_id: userId,
    podcast: a.podcast,
    episode: a.episode,
    guid: a.guid ?? null,
    action: a.action,
    timestamp_ms: a.timestampMs,
    received_ms: receivedAtMs,
    device_id: a.device ?? null,
    started: a.started ?? null,
    position: a.position ?? null,
    total: a.total ?? null,
    episode_ref: a.episodeRef ?? null,
    web_key: webKey,
  };
}

class SqlSyncRepository implements SyncRepository {
  readonly #db: Db;
  readonly #dialect: SqlDialect;

  constructor(db: Db, dialect: SqlDialect) {
    this.#db = db;
    this.#dialect = dialect;
  }

  async upsertDevice(
    userId: number,
    deviceId: string,
    patch: { caption?: string; type?: DeviceType },
    now: Date,
  ): Promise<SyncDevice> {
    const at = now.toISOString();
    const update: { updated_at: string; caption?: string; type?: DeviceType } = { updated_at: at };
    if (patch.caption !== undefined) update.caption = patch.caption;
    if (patch.type !== undefined) update.type = patch.type;
    const row = await this.#db
      .insertInto('sync_devices')
      .values({
        user_id: userId,
        device_id: deviceId,
        caption: patch.caption ?? null,
        type: patch.type ?? 'other',
        created_at: at,
        updated_at: at,
      })
      .onConflict((oc) => oc.columns(['user_id', 'device_id']).doUpdateSet(update))
      .returningAll()
      .executeTakeFirstOrThrow();
    return toDevice(row);
  }

  async getDevice(userId: number, deviceId: string): Promise<SyncDevice | undefined> {
    const row = await this.#db
      .selectFrom('sync_devices')
      .selectAll()
      .where('user_id', '=', userId)
      .where('device_id', '=', deviceId)
      .executeTakeFirst();
    return row && toDevice(row);
  }

  async listDevices(userId: number): Promise<SyncDevice[]> {
    const rows = await this.#db
      .selectFrom('sync_devices')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .orderBy('device_id')
      .execute();
    return rows.map(toDevice);
  }

  async setDeviceSynchronized(
    userId: number,
    deviceId: string,
    synchronized: boolean,
    now: Date,
  ): Promise<void> {
    await this.#db
      .updateTable('sync_devices')
      .set({ synchronized: synchronized ? 1 : 0, updated_at: now.toISOString() })
      .where('user_id', '=', userId)
      .where('device_id', '=', deviceId)
      .execute();
  }

  async changeSubscriptions(
    userId: number,
    change: { add: readonly string[]; remove: readonly string[] },
    receivedAtMs: number,
    device?: string,
  ): Promise<{ added: string[]; removed: string[] }> {
    const urls = [...change.add, ...change.remove];
    if (urls.length === 0) return { added: [], removed: [] };
    return inTransaction(this.#db, this.#dialect, async (trx) => {
      const current = new Map<string, boolean>();
      for (let i = 0; i < urls.length; i += INSERT_CHUNK) {
        const rows = await trx
          .selectFrom('sync_subscriptions')
          .select(['url', 'subscribed'])
          .where('user_id', '=', userId)
          .where('url', 'in', urls.slice(i, i + INSERT_CHUNK))
          .execute();
        for (const row of rows) current.set(row.url, row.subscribed !== 0);
      }
      const added = [...new Set(change.add)].filter((url) => current.get(url) !== true);
      const removed = [...new Set(change.remove)].filter((url) => current.get(url) === true);
      const touched = [
        ...added.map((url) => ({ url, kind: 'add' as const })),
        ...removed.map((url) => ({ url, kind: 'remove' as const })),
      ];
      for (let i = 0; i < touched.length; i += INSERT_CHUNK) {
        const chunk = touched.slice(i, i + INSERT_CHUNK);
        await trx
          .insertInto('sync_subscriptions')
          .values(
            chunk.map((t) => ({
              user_id: userId,
              url: t.url,
              subscribed: t.kind === 'add' ? 1 : 0,
              feed_id: null,
              updated_ms: receivedAtMs,
            })),
          )
          .onConflict((oc) =>
            oc.columns(['user_id', 'url']).doUpdateSet((eb) => ({
              subscribed: eb.ref('excluded.subscribed'),
              updated_ms: eb.ref('excluded.updated_ms'),
            })),
          )
          .execute();
        await trx
          .insertInto('sync_subscription_changes')
          .values(
            chunk.map((t) => ({
              user_id: userId,
              url: t.url,
              kind: t.kind,
              received_ms: receivedAtMs,
              device_id: device ?? null,
            })),
          )
          .execute();
      }
      return { added, removed };
    });
  }

  async subscriptions(userId: number): Promise<SyncSubscription[]> {
    const rows = await this.#db
      .selectFrom('sync_subscriptions')
      .select(['url', 'feed_id'])
      .where('user_id', '=', userId)
      .where('subscribed', '=', 1)
      .orderBy('updated_ms')
      .orderBy('url')
      .execute();
    return rows.map((r) => compact<SyncSubscription>({ url: r.url, feedId: r.feed_id }));
  }

  async subscriptionChanges(userId: number, sinceMs: number, untilMs: number): Promise<SubscriptionChange[]> {
    const rows = await this.#db
      .selectFrom('sync_subscription_changes')
      .selectAll()
      .where('user_id', '=', userId)
      .where('received_ms', '>=', sinceMs)
      .where('received_ms', '<', untilMs)
      .orderBy('received_ms')
      .orderBy('id')
      .execute();
    return rows.map((r) =>
      compact<SubscriptionChange>({
        url: r.url,
        kind: r.kind,
        receivedAtMs: Number(r.received_ms),
        device: r.device_id,
      }),
    );
  }

  async setSubscriptionFeed(userId: number, url: string, feedId: number): Promise<void> {
    await this.#db
      .updateTable('sync_subscriptions')
      .set({ feed_id: feedId })
      .where('user_id', '=', userId)
      .where('url', '=', url)
      .execute();
  }

  async appendActions(
    userId: number,
    actions: readonly NewEpisodeAction[],
    receivedAtMs: number,
  ): Promise<void> {
    for (let i = 0; i < actions.length; i += INSERT_CHUNK) {
      await this.#db
        .insertInto('sync_episode_actions')
        .values(actions.slice(i, i + INSERT_CHUNK).map((a) => actionValues(userId, a, receivedAtMs, null)))
        // An action already stored (a retried upload) is skipped: the unique index of 0012-idempotent-actions.
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  }

  async putWebAction(
    userId: number,
    webKey: string,
    action: NewEpisodeAction,
    receivedAtMs: number,
  ): Promise<void> {
    const values = actionValues(userId, action, receivedAtMs, webKey);
    const { user_id: _u, web_key: _k, ...update } = values;
    await this.#db
      .insertInto('sync_episode_actions')
      .values(values)
      .onConflict((oc) => oc.columns(['user_id', 'web_key']).doUpdateSet(update))
      .execute();
  }

  async unmatchedActions(
    podcasts: readonly string[],
    afterId: number,
    limit: number,
  ): Promise<(StoredEpisodeAction & { userId: number })[]> {
    if (podcasts.length === 0) return [];
    const rows = await this.#db
      .selectFrom('sync_episode_actions')
      .selectAll()
      .where('podcast', 'in', [...podcasts])
      .where('episode_ref', 'is', null)
      .where('web_key', 'is', null)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ ...toAction(row), userId: row.user_id }));
  }

  async setActionEpisode(actionIds: readonly number[], episodeRef: number): Promise<void> {
    for (let i = 0; i < actionIds.length; i += INSERT_CHUNK) {
      await this.#db
        .updateTable('sync_episode_actions')
        .set({ episode_ref: episodeRef })
        .where('id', 'in', actionIds.slice(i, i + INSERT_CHUNK))
        .execute();
    }
  }

  async listActions(userId: number, query: ActionQuery): Promise<StoredEpisodeAction[]> {
    let q = this.#db
      .selectFrom('sync_episode_actions')
      .selectAll()
      .where('user_id', '=', userId)
      .where('received_ms', '>=', query.sinceMs)
      .where('received_ms', '<', query.untilMs);
    if (query.podcasts !== undefined)
      q = q.where('podcast', 'in', query.podcasts.length > 0 ? [...query.podcasts] : ['']);
    if (query.device !== undefined) q = q.where('device_id', '=', query.device);
    q = q.orderBy('received_ms').orderBy('id');
    if (query.limit !== undefined) q = q.limit(query.limit);
    return (await q.execute()).map(toAction);
  }

  async createSession(
    userId: number,
    tokenHash: string,
    now: Date,
    expiresAt: Date,
    appPasswordId?: number,
  ): Promise<void> {
    await this.#db
      .insertInto('sync_sessions')
      .values({
        token_hash: tokenHash,
        user_id: userId,
        created_at: now.toISOString(),
        expires_at: expiresAt.toISOString(),
        app_password_id: appPasswordId ?? null,
      })
      .execute();
  }

  async sessionUser(tokenHash: string, now: Date): Promise<number | undefined> {
    const row = await this.#db
      .selectFrom('sync_sessions')
      .select('user_id')
      .where('token_hash', '=', tokenHash)
      .where('expires_at', '>', now.toISOString())
      .executeTakeFirst();
    return row?.user_id;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.#db.deleteFrom('sync_sessions').where('token_hash', '=', tokenHash).execute();
  }

  async createAppPassword(
    userId: number,
    label: string,
    secretHash: string,
    now: Date,
  ): Promise<AppPassword> {
    const row = await this.#db
      .insertInto('sync_app_passwords')
      .values({ user_id: userId, label, secret_hash: secretHash, created_at: now.toISOString() })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toAppPassword(row);
  }

  async listAppPasswords(userId: number): Promise<AppPassword[]> {
    const rows = await this.#db
      .selectFrom('sync_app_passwords')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('id')
      .execute();
    return rows.map(toAppPassword);
  }

  async revokeAppPassword(userId: number, id: number, now: Date): Promise<boolean> {
    return inTransaction(this.#db, this.#dialect, async (trx) => {
      const result = await trx
        .updateTable('sync_app_passwords')
        .set({ revoked_at: now.toISOString() })
        .where('user_id', '=', userId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return false;
      await trx.deleteFrom('sync_sessions').where('app_password_id', '=', id).execute();
      return true;
    });
  }

  async useAppPassword(secretHash: string, now: Date): Promise<{ userId: number; id: number } | undefined> {
    const row = await this.#db
      .updateTable('sync_app_passwords')
      .set({ last_used_at: now.toISOString() })
      .where('secret_hash', '=', secretHash)
      .where('revoked_at', 'is', null)
      .returning(['user_id', 'id'])
      .executeTakeFirst();
    return row === undefined ? undefined : { userId: row.user_id, id: row.id };
  }

  async startLoginFlow(
    flow: { pollHash: string; loginHash: string; address: string },
    now: Date,
    expiresAt: Date,
    limits: { total: number; perAddress: number },
  ): Promise<'started' | 'busy' | 'address-busy'> {
    return inTransaction(this.#db, this.#dialect, async (trx) => {
      const nowMs = now.getTime();
      await trx.deleteFrom('sync_login_flows').where('expires_ms', '<=', nowMs).execute();
      const count = (q: typeof trx) =>
        q.selectFrom('sync_login_flows').select((eb) => eb.fn.countAll<number>().as('n'));
      const total = await count(trx).executeTakeFirstOrThrow();
      if (Number(total.n) >= limits.total) return 'busy';
      const mine = await count(trx).where('address', '=', flow.address).executeTakeFirstOrThrow();
      if (Number(mine.n) >= limits.perAddress) return 'address-busy';
      await trx
        .insertInto('sync_login_flows')
        .values({
          poll_hash: flow.pollHash,
          login_hash: flow.loginHash,
          address: flow.address,
          expires_ms: expiresAt.getTime(),
          user_id: null,
          label: null,
        })
        .execute();
      return 'started';
    });
  }

  async loginFlowPending(loginHash: string, now: Date): Promise<boolean> {
    const row = await this.#db
      .selectFrom('sync_login_flows')
      .select('poll_hash')
      .where('login_hash', '=', loginHash)
      .where('expires_ms', '>', now.getTime())
      .where('user_id', 'is', null)
      .executeTakeFirst();
    return row !== undefined;
  }

  async grantLoginFlow(loginHash: string, userId: number, label: string, now: Date): Promise<boolean> {
    const result = await this.#db
      .updateTable('sync_login_flows')
      .set({ user_id: userId, label })
      .where('login_hash', '=', loginHash)
      .where('expires_ms', '>', now.getTime())
      .where('user_id', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async collectLoginFlow(
    pollHash: string,
    now: Date,
  ): Promise<{ userId: number; label: string } | 'pending' | undefined> {
    const nowMs = now.getTime();
    const granted = await this.#db
      .deleteFrom('sync_login_flows')
      .where('poll_hash', '=', pollHash)
      .where('expires_ms', '>', nowMs)
      .where('user_id', 'is not', null)
      .returning(['user_id', 'label'])
      .executeTakeFirst();
    if (granted?.user_id != null) return { userId: granted.user_id, label: granted.label ?? 'app' };
    const pending = await this.#db
      .selectFrom('sync_login_flows')
      .select('poll_hash')
      .where('poll_hash', '=', pollHash)
      .where('expires_ms', '>', nowMs)
      .executeTakeFirst();
    return pending === undefined ? undefined : 'pending';
  }

  async getSettings(
    userId: number,
    scope: SettingsScope,
    scopeKey: string,
  ): Promise<Record<string, unknown>> {
    const row = await this.#db
      .selectFrom('sync_settings')
      .select('values_json')
      .where('user_id', '=', userId)
      .where('scope', '=', scope)
      .where('scope_key', '=', scopeKey)
      .executeTakeFirst();
    // The column only ever holds an object this repository wrote.
    return row === undefined ? {} : (JSON.parse(row.values_json) as Record<string, unknown>);
  }

  async updateSettings(
    userId: number,
    scope: SettingsScope,
    scopeKey: string,
    set: Record<string, unknown>,
    remove: readonly string[],
  ): Promise<Record<string, unknown>> {
    return inTransaction(this.#db, this.#dialect, async (trx) => {
      const repo = new SqlSyncRepository(trx, this.#dialect);
      const values = { ...(await repo.getSettings(userId, scope, scopeKey)), ...set };
      for (const key of remove) delete values[key];
      const json = JSON.stringify(values);
      await trx
        .insertInto('sync_settings')
        .values({ user_id: userId, scope, scope_key: scopeKey, values_json: json })
        .onConflict((oc) => oc.columns(['user_id', 'scope', 'scope_key']).doUpdateSet({ values_json: json }))
        .execute();
      return values;
    });
  }
}

/** The sync repository over the store's database handle (or one of its transactions). */
export function createSyncRepository(db: Db, dialect: SqlDialect): SyncRepository {
  return new SqlSyncRepository(db, dialect);
}
