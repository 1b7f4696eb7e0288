// Subscription changes: validating uploads, and the net diff a device is sent for a `since` window.

import { FeedUrlError, normalizeFeedUrl } from '../domain/feed-url.ts';
import type { SubscriptionChange, SubscriptionChangeKind } from '../domain/sync.ts';
import { SyncError } from './errors.ts';

export interface SubscriptionUpload {
  add: string[];
  remove: string[];
  /** `[original, normalised]` for every URL changed, `[original, ""]` for every URL refused. */
  updateUrls: [string, string][];
}

export interface SubscriptionDiff {
  add: string[];
  remove: string[];
}

/** Most URLs one upload may carry (an OPML of a heavy listener is a few hundred). */
export const MAX_URLS_PER_UPLOAD = 10_000;

function urlList(value: unknown, name: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new SyncError('bad-request', `${name} must be an array of URLs`);
  if (value.length > MAX_URLS_PER_UPLOAD)
    throw new SyncError('bad-request', `${name}: at most ${MAX_URLS_PER_UPLOAD} URLs`);
  return value.map((item: unknown, i) => {
    if (typeof item !== 'string') throw new SyncError('bad-request', `${name}[${i}] must be a string`);
    return item;
  });
}

/** The feed URL by the one rule (src/domain/feed-url.ts), or undefined for what it refuses (reported, not thrown). */
export function feedUrlOrUndefined(url: string): string | undefined {
  try {
    return normalizeFeedUrl(url);
  } catch (error) {
    if (error instanceof FeedUrlError) return undefined;
    throw error;
  }
}

function normaliseAll(urls: readonly string[], updateUrls: [string, string][]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const original of urls) {
    const url = feedUrlOrUndefined(original);
    if (url === undefined) {
      updateUrls.push([original, '']);
      continue;
    }
    if (url !== original) updateUrls.push([original, url]);
    if (!seen.has(url)) {
      seen.add(url);
      out.push(url);
    }
  }
  return out;
}

/** Validates a `{"add":[..],"remove":[..]}` upload. A URL in both lists is a 400, as with mygpo. */
export function parseSubscriptionUpload(body: unknown): SubscriptionUpload {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SyncError('bad-request', 'the body must be a JSON object {"add":[..],"remove":[..]}');
  }
  const record = body as Record<string, unknown>; // checked just above: a non-null, non-array object
  const updateUrls: [string, string][] = [];
  const add = normaliseAll(urlList(record.add, 'add'), updateUrls);
  const remove = normaliseAll(urlList(record.remove, 'remove'), updateUrls);
  const both = add.find((url) => remove.includes(url));
  if (both !== undefined) throw new SyncError('bad-request', `${both} is both in add and remove`);
  return { add, remove, updateUrls };
}

/** Parses a whole-list upload (Simple API PUT, JSON array or text lines): normalised, de-duplicated. */
export function parseSubscriptionList(urls: readonly string[]): {
  urls: string[];
  updateUrls: [string, string][];
} {
  if (urls.length > MAX_URLS_PER_UPLOAD) {
    throw new SyncError(
      'bad-request',
      `at most ${MAX_URLS_PER_UPLOAD} subscriptions per list (got ${urls.length})`,
    );
  }
  const updateUrls: [string, string][] = [];
  return { urls: normaliseAll(urls, updateUrls), updateUrls };
}

/** The changes that turn `current` into `next` (Simple API PUT replaces the whole list). */
export function replaceListDiff(current: ReadonlySet<string>, next: readonly string[]): SubscriptionDiff {
  const wanted = new Set(next);
  return {
    add: next.filter((url, i) => !current.has(url) && next.indexOf(url) === i),
    remove: [...current].filter((url) => !wanted.has(url)),
  };
}

/**
 * The net diff of the log over `sinceMs <= receivedAt < untilMs`: per URL, the last change in the window wins.
 * `changes` must be in receive order.
 */
export function netSubscriptionChanges(
  changes: readonly SubscriptionChange[],
  sinceMs: number,
  untilMs: number,
): SubscriptionDiff {
  const last = new Map<string, SubscriptionChangeKind>();
  for (const change of changes) {
    if (change.receivedAtMs < sinceMs || change.receivedAtMs >= untilMs) continue;
    last.delete(change.url); // keep the map in order of each URL's latest change
    last.set(change.url, change.kind);
  }
  const diff: SubscriptionDiff = { add: [], remove: [] };
  for (const [url, kind] of last) diff[kind].push(url);
  return diff;
}

/**
 * Reads the `since` query parameter (integer Unix seconds). The gPodder API requires it (`required`: a 400 when
 * missing, as mygpo answers); the Nextcloud API defaults to 0.
 */
export function parseSince(value: unknown, required: boolean): number {
  if (value === undefined || value === '') {
    if (required)
      throw new SyncError(
        'bad-request',
        'the since parameter is required (integer Unix seconds; 0 the first time)',
      );
    return 0;
  }
  if (typeof value !== 'string' || !/^\d{1,12}$/.test(value.trim())) {
    throw new SyncError('bad-request', `since must be a non-negative integer (got ${JSON.stringify(value)})`);
  }
  return Number(value.trim());
}
