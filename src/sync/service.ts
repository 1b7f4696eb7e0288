// The sync use cases behind the gPodder API v2 and the Nextcloud gpoddersync endpoints. Transport-free: handlers in
// src/http/gpodder/ authenticate, call one method, and present the result.
import { createHash, randomBytes } from 'node:crypto';
import { writeOpml } from '../opml/export.ts';
import { parseOpml } from '../opml/import.ts';
import type { AppPassword, StoredEpisodeAction, SyncDevice, SyncRepository } from '../store/sync-ports.ts';
import type { BasicCredentials } from './basic-auth.ts';
import { type DeviceType, emittedDeviceType, isDeviceType } from './device.ts';
import {
  aggregateLatest,
  type EpisodeAction,
  type EpisodeActionJson,
  normaliseEpisodeActionBatch,
  type RejectedAction,
  toEpisodeActionJson,
} from './episode-action.ts';
import { SyncError } from './errors.ts';
import { normaliseFeedUrl } from './feed-url.ts';
import { matchEpisode } from './match.ts';
import { readActionPage } from './paging.ts';
import type {
  FeedRef,
  SyncAccounts,
  SyncAppPasswords,
  SyncCatalogue,
  SyncLibrary,
  SyncQuota,
  SyncUser,
} from './ports.ts';
import {
  netSubscriptionChanges,
  parseSubscriptionList,
  parseSubscriptionUpload,
  replaceListDiff,
} from './subscriptions.ts';
import { toUnixSeconds } from './timestamp.ts';

export interface SyncServiceDeps {
  repo: SyncRepository;
  accounts: SyncAccounts;
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
  /** Errors that must not fail a request (a feed the crawler refused) are reported here. */
  warn?: (message: string) => void;
}

export interface DeviceJson {
  id: string;
  caption: string;
  type: Exclude<DeviceType, 'tablet'>;
  subscriptions: number;
}

export const SESSION_TTL_MS = 365 * 24 * 3600_000;
const AUTH_CACHE_MS = 5 * 60_000;
const SESSION_CACHE_MS = 30_000;
/** A play this close to the end marks the episode played (AntennaPod's "smart mark as played" default). */
const PLAYED_WITHIN_SECONDS = 30;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export class SyncService implements SyncAppPasswords {
  readonly #repo: SyncRepository;
  readonly #accounts: SyncAccounts;
  readonly #catalogue: SyncCatalogue;
  readonly #library: SyncLibrary | undefined;
  readonly #quota: SyncQuota | undefined;
  readonly #now: () => Date;
  readonly #warn: (message: string) => void;
  readonly #transaction: NonNullable<SyncServiceDeps['transaction']>;
  /** Recently verified account passwords: password hashing is slow by design and Basic comes on every call. */
  readonly #authCache = new Map<string, { user: SyncUser; until: number }>();
  readonly #knownDevices = new Set<string>();
  /** Each listener's subscription changes run one at a time here, so that two uploads cannot both pass the quota. */
  readonly #changing = new Map<number, Promise<unknown>>();
  /** Session lookups, for 30 s: every cookie request would otherwise cost two queries. Logout clears its entry. */
  readonly #sessionCache = new Map<string, { user: SyncUser; until: number }>();

  constructor(deps: SyncServiceDeps) {
    this.#repo = deps.repo;
    this.#accounts = deps.accounts;
    this.#catalogue = deps.catalogue;
    this.#library = deps.library;
    this.#quota = deps.quota;
    this.#now = deps.now ?? (() => new Date());
    this.#warn = deps.warn ?? (() => {});
    this.#transaction =
      deps.transaction ??
      ((fn) => fn({ repo: deps.repo, ...(deps.library === undefined ? {} : { library: deps.library }) }));
  }

  now(): Date {
    return this.#now();
  }

  // ── authentication ────────────────────────────────────────────────────────────────────────────────────────────

  /** Basic credentials: an app password of the named listener, else the account password. */
  async authenticate(credentials: BasicCredentials): Promise<SyncUser | undefined> {
    const nowMs = this.#now().getTime();
    const key = sha256(`${credentials.username}\u0000${credentials.password}`);
    const cached = this.#authCache.get(key);
    if (cached !== undefined && cached.until > nowMs) return cached.user;
    let user: SyncUser | undefined;
    const appUserId = await this.#repo.useAppPassword(sha256(credentials.password), this.#now());
    if (appUserId !== undefined) {
      const owner = await this.#accounts.byId(appUserId);
      if (owner !== undefined && owner.name.toLowerCase() === credentials.username.toLowerCase())
        user = owner;
    }
    user ??= await this.#accounts.verifyPassword(credentials.username, credentials.password);
    if (user === undefined) return undefined;
    if (this.#authCache.size > 1000) this.#authCache.clear();
    // App passwords are not cached, so that a revoked one stops working at once.
    if (appUserId === undefined) this.#authCache.set(key, { user, until: nowMs + AUTH_CACHE_MS });
    return user;
  }

  async startSession(userId: number): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = this.#now();
    await this.#repo.createSession(userId, sha256(token), now, new Date(now.getTime() + SESSION_TTL_MS));
    return token;
  }

  async sessionUser(token: string): Promise<SyncUser | undefined> {
    const hash = sha256(token);
    const nowMs = this.#now().getTime();
    const cached = this.#sessionCache.get(hash);
    if (cached !== undefined && cached.until > nowMs) return cached.user;
    const userId = await this.#repo.sessionUser(hash, this.#now());
    const user = userId === undefined ? undefined : await this.#accounts.byId(userId);
    if (user !== undefined) {
      if (this.#sessionCache.size > 10_000) this.#sessionCache.clear();
      this.#sessionCache.set(hash, { user, until: nowMs + SESSION_CACHE_MS });
    }
    return user;
  }

  async endSession(token: string): Promise<void> {
    const hash = sha256(token);
    this.#sessionCache.delete(hash);
    await this.#repo.deleteSession(hash);
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
    let parsed: ReturnType<typeof parseOpml>;
    try {
      parsed = parseOpml(xml);
    } catch (error) {
      throw new SyncError(
        'bad-request',
        `not an OPML file: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const { urls } = parseSubscriptionList(parsed.entries.map((e) => e.url));
    const existing = await this.#oneAtATime(userId, async () => {
      const before = new Set((await this.#repo.subscriptions(userId)).map((s) => s.url));
      await this.#applySubscriptionChanges(userId, urls, [], this.#now().getTime(), undefined);
      return urls.filter((u) => before.has(u)).length;
    });
    return { added: urls.length - existing, existing, problems: parsed.problems.map((p) => p.message) };
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
   * Runs one subscription use case of a listener, one at a time per listener (in this process): the quota's count and
   * the change it allows must not interleave with another upload of the same listener.
   */
  #oneAtATime<T>(userId: number, fn: () => Promise<T>): Promise<T> {
    const run = (this.#changing.get(userId) ?? Promise.resolve()).catch(() => {}).then(fn);
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
    // Actions for feeds we do not know yet are kept verbatim; the feeds are added so the shows appear — as many as
    // the listener's daily new-feed quota allows. The actions are stored either way (never a failed sync for this).
    let allowance = unknownFeeds.size === 0 ? 0 : ((await this.#quota?.newFeedAllowance(userId)) ?? Infinity);
    for (const url of unknownFeeds) {
      const normalised = normaliseFeedUrl(url);
      if (normalised === undefined || (await this.#catalogue.feedByUrl(normalised)) !== undefined) continue;
      if (allowance <= 0) {
        this.#warn(
          `sync: feed ${normalised} not added for user ${userId}: the daily new-feed quota is used up`,
        );
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
        if (
          a.total !== undefined &&
          a.total > 0 &&
          a.position >= a.total - Math.min(PLAYED_WITHIN_SECONDS, a.total * 0.1)
        ) {
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
      const normalised = normaliseFeedUrl(query.podcast);
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
