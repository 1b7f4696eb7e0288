// What a listener does from the pages and the API, in one place: the library write, then the sync bridge (so phones
// see web changes). Shows are followed through their feed (follows are kept per feed; see listener-ports.ts).
import type { Show } from '../domain/show.ts';
import { StoreError } from '../store/errors.ts';
import type { LibraryRepository, Progress } from '../store/listener-ports.ts';
import type { Store } from '../store/ports.ts';
import type { OpmlEntryResult } from '../sync/service.ts';

/** Web → phone sync; optional. */
export interface SyncBridge {
  webFollow(userId: number, feedId: number, following: boolean, at: Date): Promise<void>;
  webProgress(userId: number, episodeId: number, positionSeconds: number, at: Date): Promise<void>;
  webPlayed(userId: number, episodeId: number, played: boolean, at: Date): Promise<void>;
}

export interface AppPasswordInfo {
  id: number;
  label: string;
  createdAt: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

/** What the account page offers when the sync service is there (app passwords and OPML). */
export interface AccountSync {
  createAppPassword(userId: number, label: string): Promise<{ appPassword: AppPasswordInfo; secret: string }>;
  listAppPasswords(userId: number): Promise<AppPasswordInfo[]>;
  revokeAppPassword(userId: number, id: number): Promise<boolean>;
  importOpml(userId: number, xml: string): Promise<{ added: number; existing: number; problems: string[] }>;
  /** The import with an answer per outline (the web's import page). */
  importOpmlEntries?(userId: number, xml: string | Uint8Array): Promise<OpmlEntryResult[]>;
  /** Follows feeds by URL the way an OPML import does (quota, private until published): a directory's result. */
  followUrls(userId: number, urls: readonly string[]): Promise<{ added: number; existing: number }>;
  exportOpml(userId: number): Promise<string>;
  /** Drops cached credentials and sessions of the user (an admin disabled the account or reset its password). */
  forgetUser(userId: number): void;
}

/** The per-listener follow limit (src/services/listener-quota.ts): throws QuotaError when a follow would pass it. */
export interface FollowQuota {
  check(userId: number, change: { followFeedIds: readonly number[] }): Promise<void>;
}

export class ListenerActions {
  constructor(
    readonly store: Store,
    readonly library: LibraryRepository,
    readonly sync?: SyncBridge,
    readonly quota?: FollowQuota,
  ) {}

  async follow(userId: number, showId: number, following: boolean, at: Date): Promise<void> {
    const show = await this.store.shows.get(showId);
    if (!show) throw new StoreError('not-found', 'No such show.');
    const { quota } = this;
    if (!following) await this.library.unfollow(userId, show.feedId);
    else if (quota === undefined) await this.library.follow(userId, show.feedId, at);
    // The count and the follow it allows take turns with the listener's other changes, in every process.
    else
      await this.store.listeners.users.exclusive(userId, async () => {
        await quota.check(userId, { followFeedIds: [show.feedId] });
        await this.library.follow(userId, show.feedId, at);
      });
    await this.sync?.webFollow(userId, show.feedId, following, at);
  }

  isFollowing(userId: number, show: Pick<Show, 'feedId'>): Promise<boolean> {
    return this.library.isFollowing(userId, show.feedId);
  }

  /** Followed shows, newest follow first (feeds not fetched yet have no show and are left out). */
  async followedShows(userId: number, limit = 500): Promise<Show[]> {
    const shows: Show[] = [];
    for (const f of (await this.library.following(userId)).slice(0, limit)) {
      const show = await this.store.shows.getByFeed(f.feedId);
      if (show) shows.push(show);
    }
    return shows;
  }

  async savePosition(
    userId: number,
    episodeId: number,
    positionSeconds: number,
    at: Date,
    listened = 0,
  ): Promise<Progress> {
    const p = await this.library.savePosition(userId, episodeId, positionSeconds, at, listened);
    await this.sync?.webProgress(userId, episodeId, p.positionSeconds, at);
    return p;
  }

  async setPlayed(userId: number, episodeId: number, played: boolean, at: Date): Promise<Progress> {
    const p = await this.library.setPlayed(userId, episodeId, played, at);
    await this.sync?.webPlayed(userId, episodeId, played, at);
    return p;
  }
}
