// A listener follows a podcast by its feed URL from the web, under the rules for feeds listeners bring in: the URL is
// read by the one feed-URL rule, a feed already here (by that URL, the redirect's target, its podcast:guid or its
// self link) is followed as it is; a new one is counted against the listener's quota first, then fetched through
// the one outbound door (add-feed.ts: what is not a feed is refused with what came back) and added private to its
// followers (src/http/visibility.ts) unless the operator made listeners' feeds public.
import type { Store } from '../store/ports.ts';
import type { AddFeedAnswer } from './add-feed.ts';
import type { QuotaChange } from './listener-quota.ts';

export type FollowUrlAnswer =
  /** `added`: the feed is new to this server (fetched now, private to its followers). */
  | { kind: 'followed'; added: boolean; feedId: number; showId?: number; title?: string }
  | { kind: 'already-followed'; feedId: number; showId?: number; title?: string }
  | { kind: 'refused'; code: string; message: string };

export interface FollowByUrlDeps {
  store: Store;
  /** The one feed-URL rule (throws a typed error with a `code` for what cannot be a feed URL). */
  normalize: (url: string) => string;
  /** Throws QuotaError when the change would take the listener over a limit. */
  quota?: { check(userId: number, change: QuotaChange): Promise<void> };
  /** add-feed.ts's check-and-add, the feed stored as a listener's (remembering them, with their visibility). */
  checkAndAdd: (url: string, userId: number) => Promise<AddFeedAnswer>;
  /** The web's follow (the library write and the sync bridge). */
  follow: (userId: number, feedId: number) => Promise<void>;
  isFollowing: (userId: number, feedId: number) => Promise<boolean>;
}

/** Follows the feed at `url` for the listener, adding it when it is a feed new here. Throws QuotaError. */
export async function followByUrl(
  deps: FollowByUrlDeps,
  userId: number,
  url: string,
): Promise<FollowUrlAnswer> {
  let normalized: string;
  try {
    normalized = deps.normalize(url);
  } catch (error) {
    const message = error instanceof Error ? error.message : 'unreadable URL';
    return { kind: 'refused', code: 'bad-url', message: `not a feed URL: ${message}` };
  }
  const known = await deps.store.feeds.findByUrl(normalized);
  // New here: counted against the daily new-feed allowance (and the follow limit) before anything is fetched.
  if (known === undefined) await deps.quota?.check(userId, { addUrls: [normalized] });
  const answer: AddFeedAnswer =
    known === undefined
      ? await deps.checkAndAdd(normalized, userId)
      : { kind: 'duplicate', by: 'url', feedId: known.id };
  if (answer.kind === 'refused') return answer;
  const show = await deps.store.shows.getByFeed(answer.feedId);
  const about = {
    feedId: answer.feedId,
    ...(show === undefined ? {} : { showId: show.id }),
    ...(show?.title === undefined ? {} : { title: show.title }),
  };
  if (await deps.isFollowing(userId, answer.feedId)) return { kind: 'already-followed', ...about };
  if (answer.kind === 'duplicate') await deps.quota?.check(userId, { followFeedIds: [answer.feedId] });
  await deps.follow(userId, answer.feedId);
  return { kind: 'followed', added: answer.kind === 'added', ...about };
}
