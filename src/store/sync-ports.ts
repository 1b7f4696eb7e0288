// The sync store's contract: what the gPodder / Nextcloud endpoints keep per listener.
// Implemented in src/store/sql/sync.ts for SQLite and PostgreSQL, checked by test/support/store-contract-sync.ts.
// Times for `since` windows are epoch milliseconds of the server's receive time; other times are ISO strings.
import type { DeviceType, EpisodeAction, SubscriptionChange } from '../domain/sync.ts';

export interface SyncDevice {
  userId: number;
  deviceId: string;
  caption?: string;
  type: DeviceType;
  /** False once the device was taken out of sync with `stop-synchronize`. */
  synchronized: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface SyncSubscription {
  url: string;
  feedId?: number;
}

/** A stored action: the client's strings verbatim plus where and when we received it. */
export interface StoredEpisodeAction extends EpisodeAction {
  id: number;
  receivedAtMs: number;
  /** Our episode, when the action matched one. */
  episodeRef?: number;
}

export interface NewEpisodeAction extends EpisodeAction {
  episodeRef?: number;
}

export interface ActionQuery {
  sinceMs: number;
  untilMs: number;
  limit?: number;
  /** Only actions whose `podcast` is one of these URLs. */
  podcasts?: readonly string[];
  device?: string;
}

export interface AppPassword {
  id: number;
  userId: number;
  label: string;
  createdAt: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

export type SettingsScope = 'account' | 'device' | 'podcast' | 'episode';

export interface SyncRepository {
  /** Creates the device or updates the given fields; absent fields keep their value (type defaults to `other`). */
  upsertDevice(
    userId: number,
    deviceId: string,
    patch: { caption?: string; type?: DeviceType },
    now: Date,
  ): Promise<SyncDevice>;
  getDevice(userId: number, deviceId: string): Promise<SyncDevice | undefined>;
  listDevices(userId: number): Promise<SyncDevice[]>;
  setDeviceSynchronized(userId: number, deviceId: string, synchronized: boolean, now: Date): Promise<void>;

  /**
   * Applies adds and removes to the listener's one list in one transaction and logs each URL whose state really
   * changed, with `receivedAtMs` and the device. Returns the URLs that changed.
   */
  changeSubscriptions(
    userId: number,
    change: { add: readonly string[]; remove: readonly string[] },
    receivedAtMs: number,
    device?: string,
  ): Promise<{ added: string[]; removed: string[] }>;
  /** The current list, oldest subscription first. */
  subscriptions(userId: number): Promise<SyncSubscription[]>;
  /** Log entries received in `sinceMs <= t < untilMs`, in receive order. */
  subscriptionChanges(userId: number, sinceMs: number, untilMs: number): Promise<SubscriptionChange[]>;
  setSubscriptionFeed(userId: number, url: string, feedId: number): Promise<void>;

  /**
   * Appends uploaded actions (one multi-row insert per call). Idempotent: an action already stored for the listener
   * (same device, episode, action, client timestamp and position) is skipped and keeps its first receive time.
   */
  appendActions(userId: number, actions: readonly NewEpisodeAction[], receivedAtMs: number): Promise<void>;
  /**
   * Replaces the one action the web keeps per `webKey` (e.g. one per episode), so that saving progress every few
   * seconds does not flood the log; its receive time moves to `receivedAtMs`.
   */
  putWebAction(userId: number, webKey: string, action: NewEpisodeAction, receivedAtMs: number): Promise<void>;
  /**
   * Client actions on any of these podcast URLs that matched no episode when they arrived (their feed was not
   * fetched yet), for every listener, by id after `afterId`.
   */
  unmatchedActions(
    podcasts: readonly string[],
    afterId: number,
    limit: number,
  ): Promise<(StoredEpisodeAction & { userId: number })[]>;
  /** Records the episode these actions turned out to mean. */
  setActionEpisode(actionIds: readonly number[], episodeRef: number): Promise<void>;
  /** Actions received in the window, in receive order. */
  listActions(userId: number, query: ActionQuery): Promise<StoredEpisodeAction[]>;

  /** A session; `appPasswordId` when it was opened with that app password (revoking it ends the session). */
  createSession(
    userId: number,
    tokenHash: string,
    now: Date,
    expiresAt: Date,
    appPasswordId?: number,
  ): Promise<void>;
  /** The user of an unexpired session. */
  sessionUser(tokenHash: string, now: Date): Promise<number | undefined>;
  deleteSession(tokenHash: string): Promise<void>;

  createAppPassword(userId: number, label: string, secretHash: string, now: Date): Promise<AppPassword>;
  listAppPasswords(userId: number): Promise<AppPassword[]>;
  /**
   * Revokes it and, in the same transaction, ends every session opened with it; false when it is not this
   * listener's or already revoked.
   */
  revokeAppPassword(userId: number, id: number, now: Date): Promise<boolean>;
  /** The listener of an unrevoked app password and its id, recording its use. */
  useAppPassword(secretHash: string, now: Date): Promise<{ userId: number; id: number } | undefined>;

  /**
   * Starts a Login Flow v2 that expires at `expiresAt`, unless `limits.total` unexpired flows exist, or
   * `limits.perAddress` from this address ('busy' / 'address-busy'). Expired flows are deleted first.
   */
  startLoginFlow(
    flow: { pollHash: string; loginHash: string; address: string },
    now: Date,
    expiresAt: Date,
    limits: { total: number; perAddress: number },
  ): Promise<'started' | 'busy' | 'address-busy'>;
  /** Whether the browser link's flow is unexpired and not granted yet. */
  loginFlowPending(loginHash: string, now: Date): Promise<boolean>;
  /** Grants a pending, unexpired flow to the listener; false when there is none. */
  grantLoginFlow(loginHash: string, userId: number, label: string, now: Date): Promise<boolean>;
  /**
   * The client's poll: a granted flow is handed out exactly once (deleted in the same statement) as its listener
   * and label; 'pending' until then; undefined when unknown, expired or already collected.
   */
  collectLoginFlow(
    pollHash: string,
    now: Date,
  ): Promise<{ userId: number; label: string } | 'pending' | undefined>;

  getSettings(userId: number, scope: SettingsScope, scopeKey: string): Promise<Record<string, unknown>>;
  updateSettings(
    userId: number,
    scope: SettingsScope,
    scopeKey: string,
    set: Record<string, unknown>,
    remove: readonly string[],
  ): Promise<Record<string, unknown>>;
}
