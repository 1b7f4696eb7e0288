// What the sync service needs from the rest of Earshot. Implemented by adapters over the accounts and library,
// the store and the crawler (src/services/sync-service.ts); tests may plug in their own.
import type { AppPassword } from '../store/sync-ports.ts';
import type { EpisodeCatalogue } from './match.ts';

export interface SyncUser {
  id: number;
  name: string;
}

/** A listener as a credential proved them; `appPasswordId` when it was that app password. */
export interface AuthenticatedUser extends SyncUser {
  appPasswordId?: number;
}

export interface SyncAccounts {
  /**
   * The listener whose account password this is, with the account's `authEpoch` read with the password hash
   * (`verifyPassword` in src/services/passwords.ts, the one check of web sign-in, Basic auth and the Login Flow).
   */
  verifyPassword(name: string, password: string): Promise<(SyncUser & { authEpoch: number }) | undefined>;
  /** Moves on whenever the listener's password changes or they are signed out everywhere. */
  authEpoch(id: number): Promise<number | undefined>;
  byName(name: string): Promise<SyncUser | undefined>;
  byId(id: number): Promise<SyncUser | undefined>;
}

/** The listener's own state in Earshot (the library): what sync actions change and what the web shows. */
export interface SyncLibrary {
  follow(userId: number, feedId: number, at: Date): Promise<void>;
  unfollow(userId: number, feedId: number, at: Date): Promise<void>;
  /** Saves a resume position unless a newer one (by `at`) is stored. */
  saveProgress(userId: number, episodeId: number, positionSeconds: number, at: Date): Promise<void>;
  setPlayed(userId: number, episodeId: number, played: boolean, at: Date): Promise<void>;
}

export interface EpisodeInfo {
  episodeId: number;
  feedId: number;
  feedUrl: string;
  guid: string;
  enclosureUrl?: string;
  durationSeconds?: number;
}

/** A show as the directory endpoints list it (mygpo's podcast object is built from it). */
export interface DirectoryPodcast {
  url: string;
  title?: string;
  author?: string;
  description?: string;
  website?: string;
  logoUrl?: string;
  subscribers: number;
}

export interface FeedRef {
  feedId: number;
  showId?: number;
}

export interface SyncCatalogue extends EpisodeCatalogue<FeedRef, number> {
  /**
   * Adds a feed a listener subscribed to (the crawler: normalised, SSRF-guarded, queued for a fetch, in the
   * listener's fair-share lane; the feed remembers `addedByUserId`, which the daily new-feed quota counts).
   * Throws for URLs the crawler refuses; the subscription is kept anyway.
   */
  addFeed(url: string, options?: { addedByUserId?: number }): Promise<{ feedId: number }>;
  episodeInfo(episodeId: number): Promise<EpisodeInfo | undefined>;
  feedInfo(
    feedId: number,
  ): Promise<{ url: string; title?: string; website?: string; description?: string } | undefined>;
  /** URLs (current and aliases) under which clients may know this feed. */
  feedUrls(feedId: number): Promise<string[]>;
  toplist(limit: number): Promise<DirectoryPodcast[]>;
  search(query: string, limit: number): Promise<DirectoryPodcast[]>;
}

/**
 * Per-listener limits (src/services/listener-quota.ts): asked before a listener's change, which it refuses whole
 * by throwing QuotaError.
 */
export interface SyncQuota {
  check(
    userId: number,
    change: { addUrls?: readonly string[]; removeUrls?: readonly string[] },
  ): Promise<void>;
  /** How many more feeds the listener may bring into the catalogue now. */
  newFeedAllowance(userId: number): Promise<number>;
}

/** App passwords per device, for the account page (create shows the secret once; revoke takes effect at once). */
export interface SyncAppPasswords {
  createAppPassword(userId: number, label: string): Promise<{ appPassword: AppPassword; secret: string }>;
  listAppPasswords(userId: number): Promise<AppPassword[]>;
  revokeAppPassword(userId: number, id: number): Promise<boolean>;
}
