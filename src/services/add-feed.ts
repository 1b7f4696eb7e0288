// Adding a feed by hand (the admin's web form): the URL is fetched first, through the one outbound door, and the
// answer says what it is — added (with its show), already here (by URL, podcast:guid or the feed's own self link), or
// refused with what came back ("not a feed: an HTML page", "404 Not Found", a blocked address). The feed is fetched
// once: the refresh that stores it reads the same response again from memory.
import { STATUS_CODES } from 'node:http';
import { FeedFetchError, type Fetcher, type StreamedFeed } from '../feed/fetch/index.ts';
import { NotAFeedError, parseFeed } from '../feed/parse/index.ts';
import type { RefreshReport } from '../feed/refresh/refresh.ts';
import type { Store } from '../store/ports.ts';

export type DuplicateBy = 'url' | 'podcast-guid' | 'self-link';

export type AddFeedAnswer =
  | { kind: 'added'; feedId: number; showId?: number; title?: string }
  | { kind: 'duplicate'; by: DuplicateBy; feedId: number; showId?: number; title?: string }
  | { kind: 'refused'; code: string; message: string };

export interface AddFeedDeps {
  store: Store;
  fetcher: Fetcher;
  /** The one feed-URL normaliser (throws a typed error with a `code` for what cannot be a feed URL). */
  normalize: (url: string) => string;
  /** Stores the (normalised) URL as a feed. */
  add: (url: string) => Promise<{ feedId: number }>;
  /**
   * Refreshes the new feed at once, so that its show exists when the answer links to it, through `fetcher`: the
   * one the check used, answering the check's own fetch of the feed's URL from memory instead of the network.
   */
  refresh: (feedId: number, fetcher: Fetcher) => Promise<RefreshReport>;
}

/** Fetches `url`, and adds it only when it is a feed that is not here yet. Never throws for what the URL gives. */
export async function checkAndAddFeed(deps: AddFeedDeps, url: string): Promise<AddFeedAnswer> {
  let normalized: string;
  try {
    normalized = deps.normalize(url);
  } catch (error) {
    return refusal(error);
  }
  const sameUrl =
    (await deps.store.feeds.findByUrl(normalized)) ?? (await deps.store.feeds.findByUrl(url.trim()));
  if (sameUrl !== undefined) return duplicate(deps.store, 'url', sameUrl.id);

  let fetched: StreamedFeed;
  let raw: Uint8Array[];
  let body: Uint8Array;
  try {
    const answer = await deps.fetcher.fetchFeedStream(normalized);
    // No validators were sent, so a 304 cannot come back; answer plainly if a server sends one anyway.
    if (answer.kind !== 'ok')
      return { kind: 'refused', code: 'http-status', message: `${answer.status} Not Modified` };
    fetched = answer;
    // The bytes as they came (the fetcher's size cap applies), kept for the refresh; decoded here for the check.
    raw = await collect(fetched.body.raw());
    body = Buffer.concat(await collect(fetched.body.over(raw)));
  } catch (error) {
    return refusal(error);
  }
  const { finalUrl, contentType } = fetched;
  let podcastGuid: string | undefined;
  let selfUrl: string | undefined;
  try {
    const { feed } = parseFeed({
      body,
      url: finalUrl,
      ...(contentType === undefined ? {} : { contentType }),
    });
    podcastGuid = feed.podcastGuid;
    selfUrl = feed.selfUrl;
  } catch (error) {
    return refusal(error);
  }

  // The same show under another address: the redirect's target, its podcast:guid, or the URL it says is its own.
  const byFinal = finalUrl === normalized ? undefined : await findNormalized(deps, finalUrl);
  if (byFinal !== undefined) return duplicate(deps.store, 'url', byFinal);
  if (podcastGuid !== undefined) {
    const byGuid = await deps.store.feeds.findByUrl(podcastGuid);
    if (byGuid !== undefined) return duplicate(deps.store, 'podcast-guid', byGuid.id);
  }
  if (selfUrl !== undefined) {
    const bySelf = await findNormalized(deps, selfUrl);
    if (bySelf !== undefined) return duplicate(deps.store, 'self-link', bySelf);
  }

  const { feedId } = await deps.add(normalized);
  await deps.refresh(feedId, replaying(deps.fetcher, normalized, fetched, raw));
  const show = await deps.store.shows.getByFeed(feedId);
  return {
    kind: 'added',
    feedId,
    ...(show === undefined ? {} : { showId: show.id }),
    ...(show?.title === undefined ? {} : { title: show.title }),
  };
}

/** `fetcher`, except that its first feed fetch of `url` is answered with `fetched` again, from `raw`. */
function replaying(fetcher: Fetcher, url: string, fetched: StreamedFeed, raw: Uint8Array[]): Fetcher {
  let replayed = false;
  return {
    ...fetcher,
    async fetchFeedStream(target, options) {
      if (replayed || target !== url) return fetcher.fetchFeedStream(target, options);
      replayed = true;
      return { ...fetched, body: fetched.body.over(raw) };
    },
  };
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

async function findNormalized(deps: AddFeedDeps, url: string): Promise<number | undefined> {
  let normalized: string;
  try {
    normalized = deps.normalize(url);
  } catch {
    return undefined;
  }
  return (await deps.store.feeds.findByUrl(normalized))?.id;
}

async function duplicate(store: Store, by: DuplicateBy, feedId: number): Promise<AddFeedAnswer> {
  const show = await store.shows.getByFeed(feedId);
  return {
    kind: 'duplicate',
    by,
    feedId,
    ...(show === undefined ? {} : { showId: show.id }),
    ...(show?.title === undefined ? {} : { title: show.title }),
  };
}

/** What the operator reads when the URL is not added. Other failures (the database) are thrown on. */
function refusal(error: unknown): AddFeedAnswer {
  if (error instanceof FeedFetchError) {
    if ((error.code === 'http-status' || error.code === 'gone') && error.status !== undefined)
      return {
        kind: 'refused',
        code: error.code,
        message: `${error.status} ${STATUS_CODES[error.status] ?? 'HTTP error'}`,
      };
    if (error.code === 'not-a-feed')
      return { kind: 'refused', code: 'not-a-feed', message: 'not a feed: an HTML page' };
    return { kind: 'refused', code: error.code, message: error.message };
  }
  if (error instanceof NotAFeedError) {
    const message = error.code === 'html' ? 'not a feed: an HTML page' : `not a feed: ${error.message}`;
    return { kind: 'refused', code: 'not-a-feed', message };
  }
  // The normaliser's typed errors (FeedUrlError: 'bad-url', 'unsupported-scheme').
  if (error instanceof Error && 'code' in error && typeof error.code === 'string')
    return { kind: 'refused', code: error.code, message: error.message };
  throw error;
}
