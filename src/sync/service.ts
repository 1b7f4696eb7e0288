// The sync use cases behind the gPodder API v2 and the Nextcloud gpoddersync endpoints. Transport-free: handlers in
// src/http/gpodder/ authenticate, call one method, and present the result.
import { createHash, randomBytes } from 'node:crypto';
import { isAtEnd } from '../domain/listening.ts';
import type { DeviceType, EpisodeAction } from '../domain/sync.ts';
import { EVENT_LOOP_TURNS } from '../markup/next-turn.ts';
import { writeOpml } from '../opml/export.ts';
import { type OpmlImport, parseOpmlInTurns } from '../opml/import.ts';
import { QuotaError } from '../services/listener-quota.ts';
import { SignInGuard, SignInThrottled, SYNC_SIGN_IN } from '../services/sign-in-guard.ts';
import type { SignInFailureRepository } from '../store/listener-ports.ts';
import type { AppPassword, StoredEpisodeAction, SyncDevice, SyncRepository } from '../store/sync-ports.ts';
import type { BasicCredentials } from './basic-auth.ts';
import { emittedDeviceType, isDeviceType } from './device.ts';
import {
  aggregateLatest,
  type EpisodeActionJson,
  normaliseEpisodeActionBatch,
  type RejectedAction,
  toEpisodeActionJson,
} from './episode-action.ts';
import { SyncError } from './errors.ts';
import { LOGIN_FLOW_LIMITS, LOGIN_FLOW_TTL_MS, type PollAnswer } from './login-flow.ts';
import { matchEpisode } from './match.ts';
import { readActionPage } from './paging.ts';
import type {
  AuthenticatedUser,
  FeedRef,
  SyncAccounts,
  SyncAppPasswords,
  SyncCatalogue,
  SyncLibrary,
  SyncQuota,
  SyncUser,
} from './ports.ts';
import {
  feedUrlOrUndefined,
  netSubscriptionChanges,
  parseSubscriptionList,
  parseSubscriptionUpload,
  replaceListDiff,
} from './subscriptions.ts';
import { toUnixSeconds } from './timestamp.ts';

/** At most this many outlines in one OPML import. */
export const MAX_OPML_ENTRIES = 2_000;

/** One outline of an imported OPML file, and what became of it (importOpmlEntries). */
export interface OpmlEntryResult {
  title: string;
  url: string;
  result: 'added' | 'queued' | 'already-followed' | 'not-a-url' | 'over-limit';
}

export interface SyncServiceDeps {
  repo: SyncRepository;
  accounts: SyncAccounts;
  /** Failed sign-ins, counted in the database so that every process sees them (src/services/sign-in-guard.ts). */
  signInFailures: SignInFailureRepository;
  /** How the sign-in guard waits when a name is under attack (tests record instead). */
  wait?: (ms: number) => Promise<void>;
  /** The longest that wait lasts (EARSHOT_SIGN_IN_MAX_DELAY_MS). */
  signInMaxDelayMs?: number;
  catalogue: SyncCatalogue;
  library?: SyncLibrary;
  /** Per-listener limits on follows and new feeds (issue 12); without it, none. */
  quota?: SyncQuota;
  now?: () => Date;
  /**
   * Runs `fn` with the repository and library bound to one database transaction (the store's); without it each
   * call commits on its own.
   */
  transaction?: <T>(fn: (scope: { repo: SyncRepository; library?: SyncLibrary }) => Promise<T>) => Promise<T>;
  /**
   * Runs `fn` holding the listener's change lock shared by every process on the database (the store's
   * `users.exclusive`); without it a listener's changes are serialised in this process only.
   */
  exclusive?: <T>(userId: number, fn: () => Promise<T>) => Promise<T>;
  /** Errors that must not fail a request (a feed the crawler refused) are reported here. */
  warn?: (message: string) => void;
  /**
   * Told what phones changed, for the metrics: `count` episode actions of a kind (`play`, `download` …, `rejected`),
   * or subscriptions `subscribe`d / `unsubscribe`d.
   */
  observe?: (kind: string, count: number) => void;
}

export interface DeviceJson {
  id: string;
  caption: string;
  type: Exclude<DeviceType, 'tablet'>;
  subscriptions: number;
}

export const SESSION_TTL_MS = 365 * 24 * 3600_000;
/**
 * How long a verified account password is remembered. Each use checks the account's auth epoch in the database
 * first (one indexed read instead of a 16 MiB scrypt), so a changed password or a sign-out-everywhere ends the memory
 * in every process at once.
 */
const AUTH_CACHE_MS = 5 * 60_000;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export class SyncService implements SyncAppPasswords {
  readonly #repo: SyncRepository;
  readonly #accounts: SyncAccounts;
  readonly #catalogue: SyncCatalogue;
  readonly #library: SyncLibrary | undefined;
  readonly #quota: SyncQuota | undefined;
  readonly #now: () => Date;
  readonly #warn: (message: string) => void;
  readonly #observe: (kind: string, count: number) => void;
  readonly #transaction: NonNullable<SyncServiceDeps['transaction']>;
  /** Recently verified account passwords: password hashing is slow by design and Basic comes on every call. */
  readonly #authCache = new Map<string, { user: SyncUser; epoch: number; until: number }>();
  readonly #knownDevices = new Set<string>();
  readonly #guard: SignInGuard;
  /** Each listener's subscription changes run one at a time here, so that two uploads cannot both pass the quota. */
  readonly #changing = new Map<number, Promise<unknown>>();
  /** The same across processes: the listener's change lock in the database (SyncServiceDeps.exclusive). */
  readonly #exclusive: SyncServiceDeps['exclusive'];

  constructor(deps: SyncServiceDeps) {
    this.#repo = deps.repo;
    this.#accounts = deps.accounts;
    this.#guard = new SignInGuard(deps.signInFailures, 'basic', SYNC_SIGN_IN, {
      now: () => this.#now(),
      ...(deps.wait === undefined ? {} : { wait: deps.wait }),
      ...(deps.signInMaxDelayMs === undefined ? {} : { maxDelayMs: deps.signInMaxDelayMs }),
    });
    this.#catalogue = deps.catalogue;
    this.#library = deps.library;
    this.#quota = deps.quota;
    this.#now = deps.now ?? (() => new Date());
    this.#warn = deps.warn ?? (() => {});
    this.#observe = deps.observe ?? (() => {});
    this.#exclusive = deps.exclusive;
    this.#transaction =
      deps.transaction ??
      ((fn) => fn({ repo: deps.repo, ...(deps.library === undefined ? {} : { library: deps.library }) }));
  }

  now(): Date {
    return this.#now();
  }

  // ── authentication ────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Basic credentials: an app password of the named listener, else the account password. App passwords and
   * remembered passwords cost no hashing and pass at once; a password check runs under the sign-in guard (throws
   * SyncError 'too-many-attempts' when this address failed too often for this name).
   */
  async authenticate(
    credentials: BasicCredentials,
    address = 'unknown',
  ): Promise<AuthenticatedUser | undefined> {
    const app = await this.#repo.useAppPassword(sha256(credentials.password), this.#now());
    if (app !== undefined) {
      const owner = await this.#accounts.byId(app.userId);
      if (owner !== undefined && owner.name.toLowerCase() === credentials.username.toLowerCase())
        return { ...owner, appPasswordId: app.id };
    }
    return this.authenticateAccountPassword(credentials, address);
  }

  /** The account password only (never an app password): what may mint app passwords (Login Flow v2). */
  async authenticateAccountPassword(
    credentials: BasicCredentials,
    address = 'unknown',
  ): Promise<SyncUser | undefined> {
    const key = sha256(`${credentials.username}\u0000${credentials.password}`);
    const cached = this.#authCache.get(key);
    if (cached !== undefined) {
      if (
        cached.until > this.#now().getTime() &&
        (await this.#accounts.authEpoch(cached.user.id)) === cached.epoch
      )
        return cached.user;
      this.#authCache.delete(key);
    }
    const verified = await this.#throttled(address, credentials.username, () =>
      this.#accounts.verifyPassword(credentials.username, credentials.password),
    );
    if (verified === undefined) return undefined;
    const user: SyncUser = { id: verified.id, name: verified.name };
    if (this.#authCache.size > 1000) this.#authCache.clear();
    this.#authCache.set(key, {
      user,
      epoch: verified.authEpoch,
      until: this.#now().getTime() + AUTH_CACHE_MS,
    });
    return user;
  }

  async #throttled<T>(
    address: string,
    name: string,
    check: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    try {
      return await this.#guard.attempt(address, name, check);
    } catch (error) {
      if (error instanceof SignInThrottled)
        throw new SyncError(
          'too-many-attempts',
          `too many failed sign-ins; try again in ${error.retryAfterSeconds} s`,
          {
            retryAfterSeconds: error.retryAfterSeconds,
          },
        );
      throw error;
    }
  }

  /** A gPodder session; opened with an app password, it ends when that app password is revoked. */
  async startSession(userId: number, appPasswordId?: number): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = this.#now();
    await this.#repo.createSession(
      userId,
      sha256(token),
      now,
      new Date(now.getTime() + SESSION_TTL_MS),
      appPasswordId,
    );
    return token;
  }

  /**
   * The listener of a session cookie. Read from the database on every request (two indexed reads), never from a
   * process's memory: a session ended by a password change or a revocation must stop working in every process.
   */
  async sessionUser(token: string): Promise<SyncUser | undefined> {
    const userId = await this.#repo.sessionUser(sha256(token), this.#now());
    return userId === undefined ? undefined : this.#accounts.byId(userId);
  }

  /**
   * Forgets the passwords this process remembers for a listener (after an admin disabled the account or reset its
   * password). Other processes need no call: they compare the account's `authEpoch`, which both changes move on.
   */
  forgetUser(userId: number): void {
    for (const [key, entry] of this.#authCache) if (entry.user.id === userId) this.#authCache.delete(key);
  }

  async endSession(token: string): Promise<void> {
    await this.#repo.deleteSession(sha256(token));
  }

  // ── Login Flow v2 (src/sync/login-flow.ts) ───────────────────────────────────────────────────────────────────

  /** Starts a flow for a client at `address`; the tokens go to the client (poll) and into the browser link (login). */
  async startLoginFlow(address: string): Promise<{ pollToken: string; loginToken: string }> {
    const pollToken = randomBytes(32).toString('base64url');
    const loginToken = randomBytes(32).toString('base64url');
    const now = this.#now();
    const started = await this.#repo.startLoginFlow(
      { pollHash: sha256(pollToken), loginHash: sha256(loginToken), address },
      now,
      new Date(now.getTime() + LOGIN_FLOW_TTL_MS),
      LOGIN_FLOW_LIMITS,
    );
    if (started === 'address-busy')
      throw new SyncError(
        'too-many-attempts',
        'too many sign-ins in progress from this address; finish or wait for one',
        {
          retryAfterSeconds: 60,
        },
      );
    if (started === 'busy')
      throw new SyncError(
        'busy',
        'too many sign-ins are in progress on this server; try again in a few minutes',
        {
          retryAfterSeconds: 60,
        },
      );
    return { pollToken, loginToken };
  }

  /** Whether the browser link still leads to a flow the listener can grant. */
  loginFlowPending(loginToken: string): Promise<boolean> {
    return this.#repo.loginFlowPending(sha256(loginToken), this.#now());
  }

  /**
   * The listener signs in on the browser link with the ACCOUNT password (an app password cannot mint another).
   * Answers the listener, or undefined for wrong credentials; SyncError 'not-found' when the link expired.
   */
  async grantLoginFlow(
    loginToken: string,
    credentials: BasicCredentials,
    address: string,
    label: string,
  ): Promise<SyncUser | undefined> {
    const user = await this.authenticateAccountPassword(credentials, address);
    if (user === undefined) return undefined;
    if (!(await this.#repo.grantLoginFlow(sha256(loginToken), user.id, label.slice(0, 200), this.#now())))
      throw new SyncError(
        'not-found',
        'this sign-in link has expired or was already used; start again in the app',
      );
    return user;
  }

  /** The client's poll: pending until granted, then a new app password, exactly once. */
  async pollLoginFlow(pollToken: string): Promise<PollAnswer> {
    const collected = await this.#repo.collectLoginFlow(sha256(pollToken), this.#now());
    if (collected === undefined) throw new SyncError('not-found', 'unknown or expired login flow');
    if (collected === 'pending') return { status: 'pending' };
    const owner = await this.#accounts.byId(collected.userId);
    if (owner === undefined) throw new SyncError('not-found', 'unknown or expired login flow');
    const { secret } = await this.createAppPassword(owner.id, collected.label);
    return { status: 'granted', loginName: owner.name, appPassword: secret };
  }

  /** A new app password (shown once); only its hash is stored. */
  async createAppPassword(
    userId: number,
    label: string,
  ): Promise<{ appPassword: AppPassword; secret: string }> {
    const raw = randomBytes(20).toString('base64url').replace(/[-_]/g, 'x').slice(0, 25);
    const secret = raw.match(/.{1,5}/g)?.join('-') ?? raw;
    const appPassword = await this.#repo.createAppPassword(
      userId,
      label.slice(0, 200) || 'app',
      sha256(secret),
      this.#now(),
    );
    return { appPassword, secret };
  }

  listAppPasswords(userId: number): Promise<AppPassword[]> {
    return this.#repo.listAppPasswords(userId);
  }

  revokeAppPassword(userId: number, id: number): Promise<boolean> {
    return this.#repo.revokeAppPassword(userId, id, this.#now());
  }

  // ── devices ───────────────────────────────────────────────────────────────────────────────────────────────────

  async listDevices(userId: number): Promise<DeviceJson[]> {
    const [devices, subscriptions] = await Promise.all([
      this.#repo.listDevices(userId),
      this.#repo.subscriptions(userId),
    ]);
    return devices.map((d) => ({
      id: d.deviceId,
      caption: d.caption ?? d.deviceId,
      type: emittedDeviceType(d.type),
      subscriptions: d.synchronized ? subscriptions.length : 0,
    }));
  }

  /** POST /api/2/devices/{u}/{dev}.json: `{}`, an empty body, or `{"caption","type"}`. */
  async updateDevice(userId: number, deviceId: string, body: unknown): Promise<SyncDevice> {
    const patch: { caption?: string; type?: DeviceType } = {};
    if (body !== undefined && body !== null) {
      if (typeof body !== 'object' || Array.isArray(body))
        throw new SyncError('bad-request', 'the body must be a JSON object');
      const { caption, type } = body as { caption?: unknown; type?: unknown }; // checked: a non-array object
      if (caption !== undefined && caption !== null) {
        if (typeof caption !== 'string') throw new SyncError('bad-request', 'caption must be a string');
        patch.caption = caption.slice(0, 200);
      }
      if (type !== undefined && type !== null) {
        if (typeof type !== 'string' || !isDeviceType(type.toLowerCase())) {
          throw new SyncError(
            'bad-request',
            'type must be one of desktop, laptop, mobile, server, tablet, other',
          );
        }
        patch.type = type.toLowerCase() as DeviceType; // checked by isDeviceType just above
      }
    }
    return this.#repo.upsertDevice(userId, deviceId, patch, this.#now());
  }

  /** Unknown devices are created on first use (mygpo answers 404; clients then fail to pair). */
  async #ensureDevice(userId: number, deviceId: string | undefined): Promise<void> {
    if (deviceId === undefined) return;
    const key = `${userId}/${deviceId}`;
    if (this.#knownDevices.has(key)) return; // devices are never deleted, so a positive answer stays true
    if ((await this.#repo.getDevice(userId, deviceId)) === undefined) {
      await this.#repo.upsertDevice(userId, deviceId, {}, this.#now());
    }
    if (this.#knownDevices.size > 10_000) this.#knownDevices.clear();
    this.#knownDevices.add(key);
  }

  async syncDevices(userId: number): Promise<{ synchronized: string[][]; 'not-synchronized': string[] }> {
    const devices = await this.#repo.listDevices(userId);
    const synced = devices.filter((d) => d.synchronized).map((d) => d.deviceId);
    return {
      synchronized: synced.length > 1 ? [synced] : [],
      'not-synchronized': devices.filter((d) => !d.synchronized || synced.length <= 1).map((d) => d.deviceId),
    };
  }

  async updateSyncDevices(userId: number, body: unknown) {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new SyncError('bad-request', 'the body must be {"synchronize":[[a,b]],"stop-synchronize":[c]}');
    }
    const { synchronize, 'stop-synchronize': stop } = body as Record<string, unknown>; // checked: a non-array object
    const groups = synchronize === undefined ? [] : synchronize;
    const stops = stop === undefined ? [] : stop;
    if (
      !Array.isArray(groups) ||
      !groups.every((g) => Array.isArray(g) && g.every((d) => typeof d === 'string'))
    ) {
      throw new SyncError('bad-request', 'synchronize must be a list of lists of device ids');
    }
    if (!Array.isArray(stops) || !stops.every((d) => typeof d === 'string')) {
      throw new SyncError('bad-request', 'stop-synchronize must be a list of device ids');
    }
    for (const id of groups.flat() as string[]) {
      await this.#ensureDevice(userId, id);
      await this.#repo.setDeviceSynchronized(userId, id, true, this.#now());
    }
    for (const id of stops as string[])
      await this.#repo.setDeviceSynchronized(userId, id, false, this.#now());
    return this.syncDevices(userId);
  }

  // ── subscriptions ─────────────────────────────────────────────────────────────────────────────────────────────

  /** The net changes received in `since <= t < now` (one list per listener, whichever device made them). */
  async pullSubscriptions(userId: number, deviceId: string | undefined, since: number) {
    await this.#ensureDevice(userId, deviceId);
    const nowMs = this.#now().getTime();
    const changes = await this.#repo.subscriptionChanges(userId, since * 1000, nowMs);
    const diff = netSubscriptionChanges(changes, since * 1000, nowMs);
    return { add: diff.add, remove: diff.remove, timestamp: toUnixSeconds(nowMs) };
  }

  async uploadSubscriptions(userId: number, deviceId: string | undefined, body: unknown) {
    const upload = parseSubscriptionUpload(body);
    await this.#ensureDevice(userId, deviceId);
    const nowMs = this.#now().getTime();
    await this.#oneAtATime(userId, () =>
      this.#applySubscriptionChanges(userId, upload.add, upload.remove, nowMs, deviceId),
    );
    return { timestamp: toUnixSeconds(nowMs), update_urls: upload.updateUrls };
  }

  /** Simple API PUT: the whole list replaced. */
  async replaceSubscriptions(userId: number, deviceId: string, urls: readonly string[]): Promise<void> {
    const { urls: wanted } = parseSubscriptionList(urls);
    await this.#ensureDevice(userId, deviceId);
    await this.#oneAtATime(userId, async () => {
      const current = new Set((await this.#repo.subscriptions(userId)).map((s) => s.url));
      const diff = replaceListDiff(current, wanted);
      await this.#applySubscriptionChanges(userId, diff.add, diff.remove, this.#now().getTime(), deviceId);
    });
  }

  /** OPML export of the listener's one list (the web, `earshot export-opml --user`, `/subscriptions/{u}.opml`). */
  async exportOpml(userId: number, title = 'Earshot subscriptions'): Promise<string> {
    return writeOpml(await this.currentSubscriptions(userId), { title, dateCreated: this.#now() });
  }

  /**
   * OPML import (AntennaPod, gPodder, Overcast, Pocket Casts shapes): adds every feed to the listener's list —
   * following it and adding it to the catalogue — and logs the change so phones pick it up. Never removes.
   */
  async importOpml(
    userId: number,
    xml: string | Uint8Array,
  ): Promise<{ added: number; existing: number; problems: string[] }> {
    let parsed: OpmlImport;
    try {
      parsed = await parseOpmlInTurns(xml, EVENT_LOOP_TURNS);
    } catch (error) {
      throw new SyncError(
        'bad-request',
        `not an OPML file: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const { added, existing } = await this.followUrls(
      userId,
      parsed.entries.map((e) => e.url),
    );
    return { added, existing, problems: parsed.problems.map((p) => p.message) };
  }

  /**
   * Adds feeds by URL to the listener's list from the web (an OPML import, a podcast directory's result): following
   * each and adding it to the catalogue, under the quota, logged so phones pick it up. Never removes.
   */
  async followUrls(
    userId: number,
    feedUrls: readonly string[],
  ): Promise<{ added: number; existing: number }> {
    const { urls } = parseSubscriptionList(feedUrls);
    const existing = await this.#oneAtATime(userId, async () => {
      const before = new Set((await this.#repo.subscriptions(userId)).map((s) => s.url));
      await this.#applySubscriptionChanges(userId, urls, [], this.#now().getTime(), undefined);
      return urls.filter((u) => before.has(u)).length;
    });
    return { added: urls.length - existing, existing };
  }

  /**
   * importOpml with an answer per entry, for the web's import: each outline's feed is followed (`added`, or `queued`
   * when it is new here: the crawler fetches it in the listener's lane, so a file of 200 feeds never holds the
   * request), `already-followed`, `not-a-url`, or `over-limit` (the entries past what the listener's quota allows,
   * in file order; the others are still imported). A file that is not OPML is one SyncError with one message.
   */
  async importOpmlEntries(userId: number, xml: string | Uint8Array): Promise<OpmlEntryResult[]> {
    let parsed: OpmlImport;
    try {
      parsed = await parseOpmlInTurns(xml, EVENT_LOOP_TURNS);
    } catch (error) {
      throw new SyncError('bad-request', error instanceof Error ? error.message : 'not an OPML file');
    }
    if (parsed.entries.length + parsed.problems.length > MAX_OPML_ENTRIES)
      throw new SyncError(
        'bad-request',
        `This file lists more than ${MAX_OPML_ENTRIES} podcasts; import at most ${MAX_OPML_ENTRIES} at a time.`,
      );
    const results: OpmlEntryResult[] = parsed.problems.flatMap((p): OpmlEntryResult[] =>
      p.code === 'bad-url' ? [{ title: p.message, url: p.url ?? '', result: 'not-a-url' }] : [],
    );
    await this.#oneAtATime(userId, async () => {
      const subscribed = await this.#repo.subscriptions(userId);
      const urls = new Set(subscribed.map((s) => s.url));
      const feeds = new Set(subscribed.flatMap((s) => (s.feedId === undefined ? [] : [s.feedId])));
      const wanted: { url: string; title: string; known: boolean }[] = [];
      for (const entry of parsed.entries) {
        const feed = await this.#catalogue.feedByUrl(entry.url);
        if (urls.has(entry.url) || (feed !== undefined && feeds.has(feed.feedId)))
          results.push({ title: entry.title, url: entry.url, result: 'already-followed' });
        else wanted.push({ url: entry.url, title: entry.title, known: feed !== undefined });
      }
      // The longest head of the list the quota allows (it refuses a change whole): a binary search of its checks.
      const fits = async (n: number): Promise<boolean> => {
        try {
          await this.#quota?.check(userId, { addUrls: wanted.slice(0, n).map((w) => w.url) });
          return true;
        } catch (error) {
          if (error instanceof QuotaError) return false;
          throw error;
        }
      };
      let allowed = wanted.length;
      if (!(await fits(allowed))) {
        let low = 0;
        let high = allowed - 1;
        while (low < high) {
          const mid = Math.ceil((low + high) / 2);
          if (await fits(mid)) low = mid;
          else high = mid - 1;
        }
        allowed = low;
      }
      const taken = wanted.slice(0, allowed);
      if (taken.length > 0)
        await this.#applySubscriptionChanges(
          userId,
          taken.map((w) => w.url),
          [],
          this.#now().getTime(),
          undefined,
        );
      for (const w of taken)
        results.push({ title: w.title, url: w.url, result: w.known ? 'added' : 'queued' });
      for (const w of wanted.slice(allowed))
        results.push({ title: w.title, url: w.url, result: 'over-limit' });
    });
    return results;
  }

  async currentSubscriptions(userId: number) {
    const subs = await this.#repo.subscriptions(userId);
    return Promise.all(
      subs.map(async (s) => {
        const info = s.feedId === undefined ? undefined : await this.#catalogue.feedInfo(s.feedId);
        return {
          url: s.url,
          ...(info?.title === undefined ? {} : { title: info.title }),
          ...(info?.website === undefined ? {} : { htmlUrl: info.website }),
        };
      }),
    );
  }

  /**
   * Runs one subscription use case of a listener, one at a time per listener (in every process sharing the database):
   * the quota's count and the change it allows must not interleave with another upload of the same listener.
   */
  #oneAtATime<T>(userId: number, fn: () => Promise<T>): Promise<T> {
    // Here first (no connection held while waiting), then the listener's lock in the database: other processes.
    const locked = (): Promise<T> => (this.#exclusive === undefined ? fn() : this.#exclusive(userId, fn));
    const run = (this.#changing.get(userId) ?? Promise.resolve()).catch(() => {}).then(locked);
    this.#changing.set(userId, run);
    return run.finally(() => {
      if (this.#changing.get(userId) === run) this.#changing.delete(userId);
    });
  }

  /**
   * Applies a listener's subscription change. The quota is asked first: a change over a limit throws QuotaError with
   * nothing applied (see src/services/listener-quota.ts for why refused whole).
   */
  async #applySubscriptionChanges(
    userId: number,
    add: readonly string[],
    remove: readonly string[],
    nowMs: number,
    deviceId: string | undefined,
  ): Promise<void> {
    await this.#quota?.check(userId, { addUrls: add, removeUrls: remove });
    if (remove.length > 0) remove = await this.#withSameFeed(userId, remove);
    const { added, removed } = await this.#repo.changeSubscriptions(userId, { add, remove }, nowMs, deviceId);
    if (added.length > 0) this.#observe('subscribe', added.length);
    if (removed.length > 0) this.#observe('unsubscribe', removed.length);
    const at = new Date(nowMs);
    for (const url of added) {
      const feedId = await this.#feedFor(url, userId);
      if (feedId === undefined) continue;
      await this.#repo.setSubscriptionFeed(userId, url, feedId);
      await this.#library?.follow(userId, feedId, at);
    }
    for (const url of removed) {
      const feed = await this.#catalogue.feedByUrl(url);
      if (feed !== undefined) await this.#library?.unfollow(userId, feed.feedId, at);
    }
  }

  /**
   * A removed URL also removes the list's other URLs of the same feed: a client that followed a redirect
   * unsubscribes with the new URL while the list may still hold the old one.
   */
  async #withSameFeed(userId: number, remove: readonly string[]): Promise<string[]> {
    const list = await this.#repo.subscriptions(userId);
    const out = new Set(remove);
    for (const url of remove) {
      const feed = await this.#catalogue.feedByUrl(url);
      if (feed === undefined) continue;
      for (const s of list) if (s.feedId === feed.feedId) out.add(s.url);
    }
    return [...out];
  }

  /**
   * The feed behind a URL a listener named, adding it to the catalogue through the crawler when it is new (the feed
   * then remembers the listener, for the daily new-feed quota and the crawler's fair share).
   */
  async #feedFor(url: string, userId: number): Promise<number | undefined> {
    const known = await this.#catalogue.feedByUrl(url);
    if (known !== undefined) return known.feedId;
    try {
      return (await this.#catalogue.addFeed(url, { addedByUserId: userId })).feedId;
    } catch (error) {
      this.#warn(
        `sync: could not add feed ${url}: ${error instanceof Error ? error.message : String(error)}`,
      );
      return undefined;
    }
  }

  // ── episode actions ───────────────────────────────────────────────────────────────────────────────────────────

  /** Stores the good actions, applies plays to progress and played state, reports the bad ones (README.md). */
  async uploadActions(
    userId: number,
    body: unknown,
  ): Promise<{ timestamp: number; update_urls: [string, string][]; rejected?: RejectedAction[] }> {
    const nowMs = this.#now().getTime();
    const { accepted, rejected } = normaliseEpisodeActionBatch(body, nowMs);
    const feeds = new Map<string, Promise<FeedRef | undefined>>();
    const catalogue = {
      ...this.#catalogue,
      feedByUrl: (url: string) => {
        let hit = feeds.get(url);
        if (hit === undefined) {
          hit = this.#catalogue.feedByUrl(url);
          feeds.set(url, hit);
        }
        return hit;
      },
    };
    const devices = new Set(accepted.flatMap((a) => (a.device === undefined ? [] : [a.device])));
    for (const device of devices) await this.#ensureDevice(userId, device);
    const stored: (EpisodeAction & { episodeRef?: number })[] = [];
    const unknownFeeds = new Set<string>();
    // A batch often repeats an episode (AntennaPod sends every play of it): match each (podcast, episode, guid) once.
    const matches = new Map<string, ReturnType<typeof matchEpisode<FeedRef, number>>>();
    const keyOf = (a: EpisodeAction) => `${a.podcast}\u0000${a.episode}\u0000${a.guid ?? ''}`;
    // Distinct keys are looked up concurrently (PostgreSQL answers them on several connections).
    for (const action of accepted) {
      const key = keyOf(action);
      if (!matches.has(key)) matches.set(key, matchEpisode(catalogue, action));
    }
    await Promise.all(matches.values()); // every lookup settled (a failure rejects once, none goes unhandled)
    for (const action of accepted) {
      const match = await matches.get(keyOf(action));
      if (match?.kind === 'matched') {
        stored.push({ ...action, episodeRef: match.episode });
      } else {
        stored.push(action);
        if (match?.kind === 'unknown-feed') unknownFeeds.add(action.podcast);
      }
    }
    // One transaction per request: the log and the listener's progress change together, with one commit.
    await this.#transaction(async (scope) => {
      await scope.repo.appendActions(userId, stored, nowMs);
      await this.#applyToLibrary(userId, stored, scope.library);
    });
    const kinds = new Map<string, number>();
    for (const action of stored) kinds.set(action.action, (kinds.get(action.action) ?? 0) + 1);
    if (rejected.length > 0) kinds.set('rejected', rejected.length);
    for (const [kind, count] of kinds) this.#observe(kind, count);
    // Actions for feeds we do not know yet are kept verbatim; the feeds are added so the shows appear — as many as
    // the listener's daily new-feed quota allows. The actions are stored either way (never a failed sync for this).
    let allowance = unknownFeeds.size === 0 ? 0 : ((await this.#quota?.newFeedAllowance(userId)) ?? Infinity);
    for (const url of unknownFeeds) {
      const normalised = feedUrlOrUndefined(url);
      if (normalised === undefined || (await this.#catalogue.feedByUrl(normalised)) !== undefined) continue;
      if (allowance <= 0) {
        this.#warn(`sync: a feed was not added for user ${userId}: the daily new-feed quota is used up`);
        continue;
      }
      allowance--;
      await this.#feedFor(normalised, userId);
    }
    return { timestamp: toUnixSeconds(nowMs), update_urls: [], ...(rejected.length > 0 ? { rejected } : {}) };
  }

  /**
   * After a feed's episodes arrive (the crawler's first fetch of a feed phones subscribed to), matches the actions
   * that were kept unmatched and applies their plays to each listener's progress. Returns how many matched.
   */
  async rematchFeed(feedId: number): Promise<number> {
    const urls = await this.#catalogue.feedUrls(feedId);
    let matched = 0;
    let lastId = 0;
    for (;;) {
      const rows = await this.#repo.unmatchedActions(urls, lastId, 2000);
      if (rows.length === 0) return matched;
      lastId = rows.at(-1)?.id ?? lastId;
      const byKey = new Map<string, typeof rows>();
      for (const row of rows) {
        const key = `${row.podcast}\u0000${row.episode}\u0000${row.guid ?? ''}`;
        byKey.set(key, [...(byKey.get(key) ?? []), row]);
      }
      const applied = new Map<number, (EpisodeAction & { episodeRef?: number })[]>();
      for (const group of byKey.values()) {
        const first = group[0];
        if (first === undefined) continue;
        const match = await matchEpisode(this.#catalogue, first);
        if (match.kind !== 'matched') continue;
        await this.#repo.setActionEpisode(
          group.map((r) => r.id),
          match.episode,
        );
        matched += group.length;
        for (const row of group) {
          applied.set(row.userId, [
            ...(applied.get(row.userId) ?? []),
            { ...row, episodeRef: match.episode },
          ]);
        }
      }
      for (const [userId, actions] of applied) await this.#applyToLibrary(userId, actions);
      if (rows.length < 2000) return matched;
    }
  }

  async #applyToLibrary(
    userId: number,
    actions: readonly (EpisodeAction & { episodeRef?: number })[],
    library = this.#library,
  ): Promise<void> {
    if (library === undefined) return;
    // Only the newest play per episode matters: progress keeps the latest by client time anyway.
    const latest = new Map<number, EpisodeAction & { episodeRef: number; position: number }>();
    for (const a of actions) {
      if (a.episodeRef === undefined || a.action !== 'play' || a.position === undefined) continue;
      const seen = latest.get(a.episodeRef);
      if (seen === undefined || a.timestampMs >= seen.timestampMs)
        latest.set(a.episodeRef, { ...a, episodeRef: a.episodeRef, position: a.position });
    }
    // Different episodes are independent: apply them concurrently (each keeps the newest state by client time).
    await Promise.all(
      [...latest.values()].map(async (a) => {
        const at = new Date(a.timestampMs);
        await library.saveProgress(userId, a.episodeRef, a.position, at);
        // A play into the end window marks it played (AntennaPod's "smart mark as played"; src/domain/listening.ts).
        if (a.total !== undefined && isAtEnd(a.position, a.total)) {
          await library.setPlayed(userId, a.episodeRef, true, at);
        }
      }),
    );
  }

  async downloadActions(
    userId: number,
    query: { since: number; podcast?: string; device?: string; aggregated?: boolean },
  ): Promise<{ actions: EpisodeActionJson[]; timestamp: number }> {
    const nowMs = this.#now().getTime();
    let podcasts: string[] | undefined;
    if (query.podcast !== undefined) {
      const set = new Set([query.podcast]);
      const normalised = feedUrlOrUndefined(query.podcast);
      if (normalised !== undefined) set.add(normalised);
      const feed = await this.#catalogue.feedByUrl(normalised ?? query.podcast);
      if (feed !== undefined) for (const url of await this.#catalogue.feedUrls(feed.feedId)) set.add(url);
      podcasts = [...set];
    }
    const page = await readActionPage<StoredEpisodeAction>(
      (window) =>
        this.#repo.listActions(userId, {
          ...window,
          ...(podcasts === undefined ? {} : { podcasts }),
          ...(query.device === undefined ? {} : { device: query.device }),
        }),
      query.since,
      nowMs,
    );
    const rows = query.aggregated === true ? aggregateLatest(page.rows) : page.rows;
    return { actions: rows.map(toEpisodeActionJson), timestamp: page.timestamp };
  }

  // ── what the web app reports (W calls these after changing its own state) ────────────────────────────────────

  /** The web player saved a position: phones download one coalesced `play` per episode. */
  async webProgress(userId: number, episodeId: number, positionSeconds: number, at: Date): Promise<void> {
    const info = await this.#catalogue.episodeInfo(episodeId);
    if (info === undefined) return;
    const position = Math.max(0, Math.round(positionSeconds));
    const total = info.durationSeconds === undefined ? undefined : Math.round(info.durationSeconds);
    await this.#repo.putWebAction(
      userId,
      `episode:${episodeId}`,
      {
        podcast: info.feedUrl,
        episode: info.enclosureUrl ?? info.guid,
        guid: info.guid,
        action: 'play',
        timestampMs: at.getTime(),
        device: 'earshot-web',
        position,
        started: 0,
        ...(total !== undefined && total > 0 ? { total } : {}),
        episodeRef: episodeId,
      },
      this.#now().getTime(),
    );
  }

  /**
   * Marked played on the web: `play` with started = position = total = duration (what AntennaPod uploads for a
   * finished episode). Marked unplayed: `new` (gPodder honours it; there is no portable "unplayed").
   */
  async webPlayed(userId: number, episodeId: number, played: boolean, at: Date): Promise<void> {
    const info = await this.#catalogue.episodeInfo(episodeId);
    if (info === undefined) return;
    const duration = info.durationSeconds === undefined ? undefined : Math.round(info.durationSeconds);
    const base = {
      podcast: info.feedUrl,
      episode: info.enclosureUrl ?? info.guid,
      guid: info.guid,
      timestampMs: at.getTime(),
      device: 'earshot-web',
      episodeRef: episodeId,
    };
    const action: EpisodeAction & { episodeRef: number } = played
      ? duration !== undefined && duration > 0
        ? { ...base, action: 'play', started: duration, position: duration, total: duration }
        : { ...base, action: 'play' }
      : { ...base, action: 'new' };
    await this.#repo.putWebAction(userId, `episode:${episodeId}`, action, this.#now().getTime());
  }

  /** Followed or unfollowed on the web: logged like a device's change, so phones pick it up. */
  async webFollow(userId: number, feedId: number, following: boolean): Promise<void> {
    const info = await this.#catalogue.feedInfo(feedId);
    if (info === undefined) return;
    const nowMs = this.#now().getTime();
    const change = following ? { add: [info.url], remove: [] } : { add: [], remove: [info.url] };
    const { added } = await this.#repo.changeSubscriptions(userId, change, nowMs);
    for (const url of added) await this.#repo.setSubscriptionFeed(userId, url, feedId);
  }

  // ── settings ──────────────────────────────────────────────────────────────────────────────────────────────────

  getSettings(userId: number, scope: 'account' | 'device' | 'podcast' | 'episode', key: string) {
    return this.#repo.getSettings(userId, scope, key);
  }

  updateSettings(
    userId: number,
    scope: 'account' | 'device' | 'podcast' | 'episode',
    key: string,
    body: unknown,
  ) {
    if (body === undefined || body === null) return this.#repo.getSettings(userId, scope, key);
    if (typeof body !== 'object' || Array.isArray(body))
      throw new SyncError('bad-request', 'the body must be {"set":{..},"remove":[..]}');
    const { set, remove } = body as { set?: unknown; remove?: unknown }; // checked: a non-array object
    if (set !== undefined && (typeof set !== 'object' || set === null || Array.isArray(set))) {
      throw new SyncError('bad-request', 'set must be an object');
    }
    if (remove !== undefined && (!Array.isArray(remove) || !remove.every((k) => typeof k === 'string'))) {
      throw new SyncError('bad-request', 'remove must be a list of keys');
    }
    return this.#repo.updateSettings(
      userId,
      scope,
      key,
      (set ?? {}) as Record<string, unknown>, // checked above: a non-null, non-array object
      (remove ?? []) as string[], // checked above: strings only
    );
  }

  // ── directory ─────────────────────────────────────────────────────────────────────────────────────────────────

  toplist(limit: number) {
    return this.#catalogue.toplist(Math.min(Math.max(limit, 1), 100));
  }

  search(query: string, limit = 50) {
    return this.#catalogue.search(query, limit);
  }

  async suggestions(userId: number, limit: number) {
    const subscribed = new Set((await this.#repo.subscriptions(userId)).map((s) => s.url));
    const top = await this.#catalogue.toplist(Math.min(Math.max(limit, 1), 100) + subscribed.size);
    return top.filter((p) => !subscribed.has(p.url)).slice(0, limit);
  }
}
