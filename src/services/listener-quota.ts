// Per-listener quotas (issue 12): how many distinct feeds a listener may follow, and how many feeds new to the
// catalogue a listener may bring in over any 24 hours. Every path where a listener adds feeds asks `check` before it
// changes anything, so a change over a limit is refused whole: a sync client that retries finds the same answer and
// nothing half-applied. Administrators are exempt: they add feeds without limit from the admin page and the CLI
// anyway, so a cap on their phone would protect nothing.
import type { Store } from '../store/ports.ts';

/** The limits, from configuration (EARSHOT_MAX_FOLLOWS, EARSHOT_MAX_NEW_FEEDS_PER_DAY). */
export interface QuotaLimits {
  maxFollows: number;
  maxNewFeedsPerDay: number;
}

/** What the quota reads (src/main.ts builds it from the store: `listenerQuotaPorts`). */
export interface QuotaPorts {
  /** Administrators are exempt. */
  isExempt(userId: number): Promise<boolean>;
  /** The feeds the listener follows (web follows, and phone subscriptions that resolved to a feed). */
  followedFeedIds(userId: number): Promise<readonly number[]>;
  /** The listener's phone subscriptions, with the feed each resolved to (none yet: the URL alone). */
  subscriptions(userId: number): Promise<readonly { url: string; feedId?: number }[]>;
  /** The catalogue's feed for a URL (its URL or an alias), if any. */
  feedIdOf(url: string): Promise<number | undefined>;
  /** When each feed the listener brought into the catalogue at or after `since` was added, oldest first. */
  addedSince(userId: number, since: Date): Promise<readonly string[]>;
}

/** A change a listener asks for: subscription URLs added and removed, feeds followed on the web. */
export interface QuotaChange {
  addUrls?: readonly string[];
  removeUrls?: readonly string[];
  followFeedIds?: readonly number[];
}

export const DAY_MS = 24 * 3600_000;

/**
 * A change refused for a limit. `forbidden` (403): waiting does not help (too many follows, or more new feeds at once
 * than a whole day allows). `rate-limited` (429): the day's new feeds are used up; `retryAfterSeconds` says when
 * enough of them will have left the 24-hour window.
 */
export class QuotaError extends Error {
  override readonly name = 'QuotaError';
  constructor(
    readonly code: 'forbidden' | 'rate-limited',
    message: string,
    readonly setting: 'EARSHOT_MAX_FOLLOWS' | 'EARSHOT_MAX_NEW_FEEDS_PER_DAY',
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

const count = (n: number): string => n.toLocaleString('en-US');
const feeds = (n: number): string => `${count(n)} feed${n === 1 ? '' : 's'}`;

function waitText(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.ceil(seconds / 60);
  return minutes < 120 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export class ListenerQuota {
  constructor(
    private readonly ports: QuotaPorts,
    readonly limits: QuotaLimits,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Throws QuotaError when the change would take the listener over a limit (checked before anything changes). */
  async check(userId: number, change: QuotaChange): Promise<void> {
    const addUrls = change.addUrls ?? [];
    const followFeedIds = change.followFeedIds ?? [];
    if (addUrls.length === 0 && followFeedIds.length === 0) return; // removals only ever lower the counts
    if (await this.ports.isExempt(userId)) return;
    const [followed, subscriptions] = await Promise.all([
      this.ports.followedFeedIds(userId),
      this.ports.subscriptions(userId),
    ]);
    // One key per distinct feed; a subscription not resolved to a feed yet counts by its URL.
    const following = new Set(followed.map((id) => `feed:${id}`));
    const byUrl = new Map(subscriptions.map((s) => [s.url, s]));
    for (const s of subscriptions)
      following.add(s.feedId === undefined ? `url:${s.url}` : `feed:${s.feedId}`);
    const keyOf = async (url: string): Promise<string> => {
      const feedId = byUrl.get(url)?.feedId ?? (await this.ports.feedIdOf(url));
      return feedId === undefined ? `url:${url}` : `feed:${feedId}`;
    };

    const { maxFollows, maxNewFeedsPerDay } = this.limits;
    const after = new Set(following);
    for (const url of change.removeUrls ?? []) after.delete(await keyOf(url));
    // Adding only grows the set: stop at the first key past the limit (an upload of 10,000 URLs costs 2,000 lookups).
    const tooMany = () => after.size > maxFollows && after.size > following.size;
    const brandNew = new Set<string>();
    for (const id of followFeedIds) after.add(`feed:${id}`);
    for (const url of addUrls) {
      if (tooMany()) break;
      const key = await keyOf(url);
      if (key.startsWith('url:') && !following.has(key)) brandNew.add(key);
      after.add(key);
    }
    if (tooMany()) {
      throw new QuotaError(
        'forbidden',
        `This account follows ${feeds(following.size)}; this change would take it past ${count(maxFollows)}, the ` +
          'most an account may follow (EARSHOT_MAX_FOLLOWS). Nothing was changed: unsubscribe from some feeds first.',
        'EARSHOT_MAX_FOLLOWS',
      );
    }
    if (brandNew.size > 0) await this.#checkNewFeeds(userId, brandNew.size, maxNewFeedsPerDay);
  }

  /** How many more feeds the listener may bring into the catalogue now (Infinity for administrators). */
  async newFeedAllowance(userId: number): Promise<number> {
    if (await this.ports.isExempt(userId)) return Number.POSITIVE_INFINITY;
    const used = await this.ports.addedSince(userId, new Date(this.now().getTime() - DAY_MS));
    return Math.max(0, this.limits.maxNewFeedsPerDay - used.length);
  }

  async #checkNewFeeds(userId: number, wanted: number, max: number): Promise<void> {
    if (wanted > max) {
      throw new QuotaError(
        'forbidden',
        `This change would bring ${feeds(wanted)} new to this server at once; an account may bring in at most ` +
          `${feeds(max)} a day (EARSHOT_MAX_NEW_FEEDS_PER_DAY). Nothing was changed: add them in smaller batches.`,
        'EARSHOT_MAX_NEW_FEEDS_PER_DAY',
      );
    }
    const nowMs = this.now().getTime();
    const used = await this.ports.addedSince(userId, new Date(nowMs - DAY_MS));
    const over = used.length + wanted - max;
    if (over <= 0) return;
    // The batch fits once `over` of the day's feeds have left the window: the over-th oldest leaves last.
    const leaves = Date.parse(used[over - 1] ?? new Date(nowMs).toISOString()) + DAY_MS;
    const retryAfterSeconds = Math.max(1, Math.ceil((leaves - nowMs) / 1000));
    throw new QuotaError(
      'rate-limited',
      `This account brought ${feeds(used.length)} new to this server in the last 24 hours and this change ` +
        `would bring ${count(wanted)} more; an account may bring in at most ${feeds(max)} a day ` +
        `(EARSHOT_MAX_NEW_FEEDS_PER_DAY). Nothing was changed: try again in ${waitText(retryAfterSeconds)}.`,
      'EARSHOT_MAX_NEW_FEEDS_PER_DAY',
      retryAfterSeconds,
    );
  }
}

/** The quota's reads, from the store (accounts, follows, phone subscriptions, the catalogue). */
export function quotaPortsFrom(store: Store): QuotaPorts {
  return {
    isExempt: async (userId) => (await store.listeners.users.get(userId))?.isAdmin === true,
    followedFeedIds: async (userId) => (await store.listeners.library.following(userId)).map((f) => f.feedId),
    subscriptions: (userId) => store.sync.subscriptions(userId),
    feedIdOf: async (url) => (await store.feeds.findByUrl(url))?.id,
    addedSince: (userId, since) => store.feeds.addedSince(userId, since),
  };
}
