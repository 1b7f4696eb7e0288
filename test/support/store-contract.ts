// The one contract every Store implementation must honour, registered as node:test tests.
// src/store/sqlite.test.ts and src/store/postgres.test.ts run it against a fresh database per test.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EpisodeContent } from '../../src/domain/episode.ts';
import type { FeedProblem } from '../../src/domain/feed-problem.ts';
import type { ShowContent } from '../../src/domain/show.ts';
import { createAccount } from '../../src/services/passwords.ts';
import { type Store, StoreError } from '../../src/store/index.ts';

/** A fresh, empty database; `open` may be called several times for concurrent clients of the same data. */
export interface TestDatabase {
  open(): Promise<Store>;
  drop(): Promise<void>;
}

export interface StoreHarness {
  /** Set when the implementation cannot run here: every test is reported as skipped with this reason. */
  skip?: string;
  fresh(): Promise<TestDatabase>;
}

const T0 = new Date('2026-01-01T00:00:00.000Z');
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);

function episode(guid: string, extra: Partial<EpisodeContent> = {}): EpisodeContent {
  return {
    guid,
    guidSource: 'guid',
    title: `Episode ${guid}`,
    enclosure: { url: `https://cdn.example/${guid}.mp3` },
    ...extra,
  };
}

const richShow: ShowContent = {
  format: 'rss',
  title: 'Stuff You Missed in History Class',
  link: 'https://show.example/',
  description: 'History, told.',
  language: 'en',
  author: 'iHeartPodcasts',
  owner: { name: 'Owner', email: 'owner@show.example' },
  copyright: '© 2024',
  imageUrl: 'https://show.example/art.jpg',
  explicit: false,
  type: 'episodic',
  categories: [{ name: 'History' }, { name: 'Society & Culture', subcategories: ['Documentary'] }],
  keywords: ['history'],
  podcastGuid: '917393e3-1b1e-5cef-ace4-edaa54e1f810',
  locked: { locked: true, owner: 'owner@show.example' },
  complete: false,
  medium: 'podcast',
  persons: [
    { name: 'Tracy V. Wilson', role: 'host', group: 'cast', img: 'https://show.example/tracy.jpg' },
    { name: 'Holly Frey', role: 'host', group: 'cast' },
  ],
  funding: [{ url: 'https://show.example/support', label: 'Support us' }],
  socialInteract: [{ protocol: 'activitypub', uri: 'https://social.example/@show', priority: 1 }],
  location: { name: 'Atlanta', geo: 'geo:33.7,-84.4' },
  license: { name: 'cc-by-4.0' },
  updateFrequency: { text: 'Twice weekly', rrule: 'FREQ=WEEKLY;BYDAY=MO,WE' },
  value: {
    type: 'lightning',
    method: 'keysend',
    recipients: [{ type: 'node', address: '02abc', split: 100 }],
  },
  trailers: [{ title: 'Trailer', url: 'https://cdn.example/trailer.mp3' }],
  ttlMinutes: 60,
};

const richEpisode: EpisodeContent = {
  guid: 'stakhanov',
  guidSource: 'guid',
  title: 'Alexei Stakhanov',
  link: 'https://show.example/stakhanov',
  description: 'A coal miner.',
  contentHtml: '<p>Sources: <a href="https://a.example" rel="nofollow noopener ugc">a</a></p>',
  publishedAt: '2024-01-22T08:00:00.000Z',
  durationSeconds: 2040.5,
  enclosure: {
    url: 'https://cdn.example/stakhanov.mp3?source=feed',
    type: 'audio/mpeg',
    length: 3_000_000_000,
  },
  imageUrl: 'https://show.example/ep.jpg',
  explicit: true,
  season: 3,
  seasonName: 'Three',
  episode: 12,
  episodeType: 'full',
  keywords: ['ussr'],
  transcripts: [{ url: 'https://show.example/t.vtt', type: 'text/vtt', language: 'en' }],
  chapters: { url: 'https://show.example/c.json', type: 'application/json+chapters' },
  inlineChapters: [{ startSeconds: 0, title: 'Intro' }],
  persons: [{ name: 'Holly Frey', role: 'host', group: 'cast', href: 'https://holly.example' }],
  soundbites: [{ startTime: 754, duration: 30, title: 'The record' }],
  funding: [{ url: 'https://show.example/support' }],
  alternateEnclosures: [
    { type: 'audio/opus', sources: [{ uri: 'https://cdn.example/stakhanov.opus' }], default: false },
  ],
  value: {
    type: 'lightning',
    method: 'keysend',
    recipients: [{ type: 'node', address: '02abc', split: 100, fee: false }],
  },
  contentLinks: [{ href: 'https://a.example', text: 'a' }],
};

/** Strips the store's own fields, leaving what was written. */
function content<T extends object>(stored: T, own: readonly string[]): Partial<T> {
  return Object.fromEntries(Object.entries(stored).filter(([key]) => !own.includes(key))) as Partial<T>;
}
const EPISODE_OWN = ['id', 'showId', 'firstSeenAt', 'lastSeenAt', 'vanishedAt', 'sortKey'];
const SHOW_OWN = ['id', 'feedId', 'episodeCount', 'latestEpisodeAt', 'createdAt', 'updatedAt', 'isPublic'];

export function storeContract(name: string, harness: StoreHarness): void {
  const options = harness.skip === undefined ? {} : { skip: harness.skip };

  /** A test on a fresh database with one open store (and the database, to open more). */
  const it = (title: string, fn: (store: Store, db: TestDatabase) => Promise<void>) =>
    test(title, options, async () => {
      const db = await harness.fresh();
      const store = await db.open();
      try {
        await fn(store, db);
      } finally {
        await store.close();
        await db.drop();
      }
    });

  /** Stores `text` as the transcript of the show's episode `guid` (fetched from `url`). */
  async function transcribe(
    store: Store,
    showId: number,
    guid: string,
    url: string,
    text: string,
  ): Promise<void> {
    const found = await store.episodes.findByGuid(showId, guid);
    assert.ok(found, `episode ${guid}`);
    await store.mediaText.putEpisodeText({ episodeId: found.id, url, text, updatedAt: T0.toISOString() });
  }

  async function showOf(store: Store, url = 'https://feeds.example/show.xml'): Promise<number> {
    const { feed } = await store.feeds.add(url, T0);
    const { show } = await store.shows.upsert(feed.id, { format: 'rss', title: url }, T0);
    return show.id;
  }

  async function allIds(
    store: Store,
    showId: number,
    order: 'newest' | 'oldest',
    limit: number,
  ): Promise<number[]> {
    const ids: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.episodes.listForShow(showId, {
        order,
        limit,
        ...(cursor === undefined ? {} : { cursor }),
      });
      assert.ok(page.items.length <= limit);
      ids.push(...page.items.map((e) => e.id));
      cursor = page.next;
    } while (cursor !== undefined);
    return ids;
  }

  describe(`store contract: ${name}`, () => {
    describe('opening', () => {
      it('reopening the same database migrates nothing twice and keeps the data', async (store, db) => {
        await store.feeds.add('https://feeds.example/a.xml', T0);
        const again = await db.open();
        try {
          assert.equal(
            (await again.feeds.findByUrl('https://feeds.example/a.xml'))?.url,
            'https://feeds.example/a.xml',
          );
          assert.equal(await again.feeds.count(), 1);
        } finally {
          await again.close();
        }
      });
    });

    describe('feeds', () => {
      it('adding a URL twice gives the same feed, due at once', async (store) => {
        const first = await store.feeds.add('https://feeds.example/a.xml', T0);
        const second = await store.feeds.add('https://feeds.example/a.xml', at(5));
        assert.equal(first.created, true);
        assert.equal(second.created, false);
        assert.equal(second.feed.id, first.feed.id);
        assert.equal(first.feed.status, 'active');
        assert.equal(first.feed.createdAt, T0.toISOString());
        assert.deepEqual(
          (await store.feeds.due(T0, 10)).map((f) => f.id),
          [first.feed.id],
        );
      });

      it('finds a feed by any alias, and adding an alias URL gives that feed', async (store) => {
        const { feed } = await store.feeds.add('https://feeds.example/new.xml', T0);
        assert.equal(await store.feeds.addAlias(feed.id, 'http://old.example/rss', 'redirect', T0), true);
        assert.equal(
          await store.feeds.addAlias(feed.id, 'http://old.example/rss', 'redirect', T0),
          true,
          'idempotent',
        );
        assert.equal(
          await store.feeds.addAlias(feed.id, feed.url, 'other', T0),
          false,
          'its own URL is no alias',
        );
        assert.equal(await store.feeds.addAlias(feed.id, 'podcast-guid-1', 'podcast-guid', T0), true);
        assert.equal((await store.feeds.findByUrl('http://old.example/rss'))?.id, feed.id);
        assert.equal((await store.feeds.findByUrl('podcast-guid-1'))?.id, feed.id);
        assert.equal(await store.feeds.findByUrl('http://unknown.example/rss'), undefined);
        const again = await store.feeds.add('http://old.example/rss', T0);
        assert.deepEqual([again.created, again.feed.id], [false, feed.id]);
        assert.equal(await store.feeds.count(), 1);
        const other = await store.feeds.add('https://feeds.example/other.xml', T0);
        assert.equal(
          await store.feeds.addAlias(other.feed.id, 'http://old.example/rss', 'redirect', T0),
          false,
        );
        assert.equal((await store.feeds.findByUrl('http://old.example/rss'))?.id, feed.id);
      });

      it('moving a feed keeps the old URL as an alias and refuses another feed’s URL', async (store) => {
        const { feed } = await store.feeds.add('http://old.example/rss', T0);
        const moved = await store.feeds.moveUrl(feed.id, 'https://new.example/rss', 'redirect', at(1));
        assert.equal(moved.url, 'https://new.example/rss');
        assert.equal((await store.feeds.get(feed.id))?.url, 'https://new.example/rss');
        assert.equal((await store.feeds.findByUrl('http://old.example/rss'))?.id, feed.id);
        assert.deepEqual(
          (await store.feeds.aliases(feed.id)).map((a) => [a.alias, a.kind]),
          [['http://old.example/rss', 'redirect']],
        );
        // Moving back: the alias becomes the URL again, the other URL an alias.
        await store.feeds.moveUrl(feed.id, 'http://old.example/rss', 'new-feed-url', at(2));
        assert.deepEqual(
          (await store.feeds.aliases(feed.id)).map((a) => a.alias),
          ['https://new.example/rss'],
        );
        const other = await store.feeds.add('https://other.example/rss', T0);
        await assert.rejects(
          store.feeds.moveUrl(other.feed.id, 'https://new.example/rss', 'redirect', at(3)),
          (e: unknown) => e instanceof StoreError && e.code === 'conflict',
        );
        await assert.rejects(
          store.feeds.moveUrl(9999, 'https://x.example/rss', 'redirect', at(3)),
          (e: unknown) => e instanceof StoreError && e.code === 'not-found',
        );
      });

      it('records fetches as health: successes, 304s, error streaks, Retry-After, gone', async (store) => {
        const { feed } = await store.feeds.add('https://feeds.example/a.xml', T0);
        let f = await store.feeds.recordFetch(feed.id, {
          kind: 'ok',
          at: at(1),
          httpStatus: 200,
          etag: 'W/"abc"',
          lastModified: 'Wed, 21 Oct 2015 07:28:00 GMT',
          bodyHash: 'h1',
          problems: [{ code: 'bad-date', message: 'unreadable date', episode: 'g1' }],
          nextCheckAt: at(61),
        });
        assert.deepEqual(
          [
            f.status,
            f.etag,
            f.lastModified,
            f.bodyHash,
            f.lastSuccessAt,
            f.nextCheckAt,
            f.fetchCount,
            f.errorStreak,
          ],
          [
            'active',
            'W/"abc"',
            'Wed, 21 Oct 2015 07:28:00 GMT',
            'h1',
            at(1).toISOString(),
            at(61).toISOString(),
            1,
            0,
          ],
        );
        // Problems are health, read with the listing.
        const problemsOf = async (id: number) =>
          (await store.feeds.list()).find((l) => l.feed.id === id)?.problems;
        assert.deepEqual(await problemsOf(feed.id), [
          { code: 'bad-date', message: 'unreadable date', episode: 'g1' },
        ]);
        f = await store.feeds.recordFetch(feed.id, {
          kind: 'not-modified',
          at: at(61),
          httpStatus: 304,
          nextCheckAt: at(121),
        });
        assert.deepEqual([f.fetchCount, f.notModifiedCount, f.etag, f.httpStatus], [2, 1, 'W/"abc"', 304]);
        assert.equal(
          (await problemsOf(feed.id))?.length,
          1,
          'a 304 keeps the problems of the body it stands for',
        );
        for (const minute of [121, 181]) {
          f = await store.feeds.recordFetch(feed.id, {
            kind: 'error',
            at: at(minute),
            code: 'http-status',
            message: 'HTTP 503',
            httpStatus: 503,
            nextCheckAt: at(minute + 60),
            retryAfterUntil: at(minute + 30),
          });
        }
        assert.deepEqual(
          [f.status, f.errorStreak, f.lastErrorCode, f.lastErrorMessage, f.lastSuccessAt, f.retryAfterUntil],
          ['failing', 2, 'http-status', 'HTTP 503', at(61).toISOString(), at(211).toISOString()],
        );
        assert.deepEqual(await store.feeds.due(at(200), 10), [], 'not before its next check');
        f = await store.feeds.recordFetch(feed.id, {
          kind: 'ok',
          at: at(300),
          problems: [],
          nextCheckAt: at(360),
        });
        assert.deepEqual(
          [f.status, f.errorStreak, await problemsOf(feed.id), f.retryAfterUntil],
          ['active', 0, [], undefined],
        );
        f = await store.feeds.markGone(feed.id, at(400), 410);
        assert.deepEqual([f.status, f.nextCheckAt, f.httpStatus], ['gone', undefined, 410]);
        assert.deepEqual(await store.feeds.due(at(100_000), 10), [], 'a gone feed is never due');
        f = await store.feeds.recordFetch(feed.id, { kind: 'ok', at: at(500), nextCheckAt: at(560) });
        assert.equal(f.status, 'gone', 'gone stays gone');
      });

      it('lists feeds due, most overdue first, honouring Retry-After and the limit', async (store) => {
        const ids: number[] = [];
        for (const n of [1, 2, 3, 4])
          ids.push((await store.feeds.add(`https://feeds.example/${n}.xml`, T0)).feed.id);
        const [a, b, c, d] = ids as [number, number, number, number];
        await store.feeds.recordFetch(a, { kind: 'ok', at: T0, nextCheckAt: at(30) });
        await store.feeds.recordFetch(b, { kind: 'ok', at: T0, nextCheckAt: at(10) });
        await store.feeds.recordFetch(c, {
          kind: 'error',
          at: T0,
          code: 'http-status',
          message: '429',
          nextCheckAt: at(5),
          retryAfterUntil: at(50),
        });
        await store.feeds.recordFetch(d, { kind: 'ok', at: T0, nextCheckAt: at(90) });
        assert.deepEqual(
          (await store.feeds.due(at(40), 10)).map((f) => f.id),
          [b, a],
        );
        assert.deepEqual(
          (await store.feeds.due(at(60), 10)).map((f) => f.id),
          [c, b, a],
        );
        assert.deepEqual(
          (await store.feeds.due(at(60), 1)).map((f) => f.id),
          [c],
        );
        await store.feeds.setNextCheck(d, at(0));
        assert.deepEqual(
          (await store.feeds.due(at(1), 10)).map((f) => f.id),
          [d],
        );
      });

      it('leases the most overdue due feeds in batches, never the same feed twice while leased', async (store) => {
        const ids: number[] = [];
        for (const n of [1, 2, 3, 4, 5])
          ids.push((await store.feeds.add(`https://feeds.example/lease-${n}.xml`, T0)).feed.id);
        const [a, b, c, d, e] = ids as [number, number, number, number, number];
        for (const [id, minutes] of [
          [a, 30],
          [b, 10],
          [c, 20],
          [d, 90],
        ] as const)
          await store.feeds.recordFetch(id, { kind: 'ok', at: T0, nextCheckAt: at(minutes) });
        await store.feeds.markGone(e, T0, 410);
        const lease = at(40 + 15);
        const first = await store.feeds.leaseDue(at(40), 2, lease);
        assert.deepEqual(first.map((f) => f.id).sort(), [b, c].sort(), 'the two most overdue');
        const stored = await store.feeds.getMany([b, c]);
        assert.ok(
          stored.every((f) => f.nextCheckAt === lease.toISOString()),
          'their next check is the lease',
        );
        for (const leased of first) {
          const full = stored.find((f) => f.id === leased.id);
          assert.deepEqual(
            [leased.url, leased.status, leased.errorStreak, leased.lastSuccessAt, leased.lastFetchAt],
            [full?.url, full?.status, full?.errorStreak, full?.lastSuccessAt, full?.lastFetchAt],
            'a leased feed carries what its refresh reads',
          );
        }
        const second = await store.feeds.leaseDue(at(40), 10, lease);
        assert.deepEqual(
          second.map((f) => f.id),
          [a],
          'leased feeds are not due; gone and future ones never were',
        );
        assert.deepEqual(await store.feeds.leaseDue(at(40), 10, lease), []);
        assert.deepEqual(
          (await store.feeds.leaseDue(at(56), 10, at(70))).map((f) => f.id).sort(),
          [a, b, c].sort(),
          'a lease that ran out (the crawler died) makes the feed due again',
        );
      });

      it('renews only leases still held: not a refreshed feed, not one another crawler leased', async (store) => {
        const ids: number[] = [];
        for (const n of [1, 2, 3])
          ids.push((await store.feeds.add(`https://feeds.example/renew-${n}.xml`, T0)).feed.id);
        const [held, refreshed, lost] = ids as [number, number, number];
        const lease = at(15);
        assert.equal((await store.feeds.leaseDue(T0, 10, lease)).length, 3);
        // One finished (its schedule replaced the lease); one ran out and another crawler leased it anew.
        await store.feeds.recordFetch(refreshed, { kind: 'ok', at: at(5), nextCheckAt: at(65) });
        await store.feeds.setNextCheck(lost, at(40));
        const renewed = await store.feeds.renewLease(ids, lease, at(30));
        assert.deepEqual(renewed, [held]);
        const after = new Map((await store.feeds.getMany(ids)).map((f) => [f.id, f.nextCheckAt]));
        assert.deepEqual(
          [after.get(held), after.get(refreshed), after.get(lost)],
          [at(30).toISOString(), at(65).toISOString(), at(40).toISOString()],
        );
      });

      it('records many fetches at once exactly as one by one, and keeps the schedule inputs', async (store) => {
        const one = (await store.feeds.add('https://feeds.example/one.xml', T0)).feed.id;
        const many = (await store.feeds.add('https://feeds.example/many.xml', T0)).feed.id;
        const failing = (await store.feeds.add('https://feeds.example/failing.xml', T0)).feed.id;
        const schedule = { ttlMinutes: 60, publishDates: ['2025-12-31T00:00:00.000Z'] };
        const problems: FeedProblem[] = [{ code: 'bad-date', message: 'unreadable date' }];
        const ok = { kind: 'ok', at: T0, etag: '"v1"', nextCheckAt: at(60), schedule, problems } as const;
        const notModified = {
          kind: 'not-modified',
          at: at(60),
          httpStatus: 304,
          nextCheckAt: at(120),
        } as const;
        const error = {
          kind: 'error',
          at: at(120),
          code: 'http-status',
          message: 'HTTP 500',
          httpStatus: 500,
          nextCheckAt: at(180),
        } as const;
        for (const outcome of [ok, notModified]) await store.feeds.recordFetch(one, outcome);
        await store.feeds.recordFetches([
          { feedId: many, outcome: ok },
          { feedId: failing, outcome: ok },
        ]);
        await store.feeds.recordFetches([
          { feedId: many, outcome: notModified },
          { feedId: failing, outcome: error },
          { feedId: 987_654, outcome: error },
        ]);
        const [a, b] = await store.feeds
          .getMany([one, many, 987_654])
          .then((feeds) => [one, many].map((id) => feeds.find((f) => f.id === id)));
        const { id: _a, url: _au, ...fromOne } = a ?? assert.fail('feed one');
        const { id: _b, url: _bu, ...fromMany } = b ?? assert.fail('feed many');
        assert.deepEqual(fromMany, fromOne);
        assert.equal(fromMany.etag, '"v1"', 'a 304 keeps the validators it did not replace');
        assert.equal(fromMany.notModifiedCount, 1);
        assert.deepEqual(fromMany.schedule, schedule);
        const f = await store.feeds.get(failing);
        assert.equal(f?.status, 'failing');
        assert.equal(f?.errorStreak, 1);
        assert.equal(f?.lastErrorMessage, 'HTTP 500');
        assert.deepEqual(f?.schedule, schedule, 'a failure keeps the schedule inputs');
        const listed = new Map((await store.feeds.list()).map((l) => [l.feed.id, l.problems]));
        assert.deepEqual(
          [listed.get(one), listed.get(many), listed.get(failing)],
          [problems, problems, problems],
          'problems written one by one and in a batch alike, kept by a 304 and a failure',
        );
        // The same feed twice in one batch (a job and a lease finishing together): both fetches count, in order.
        await store.feeds.recordFetches([
          { feedId: many, outcome: { ...notModified, at: at(130), nextCheckAt: at(190) } },
          { feedId: many, outcome: { ...notModified, at: at(131), nextCheckAt: at(191) } },
        ]);
        const twice = await store.feeds.get(many);
        assert.deepEqual(
          [twice?.fetchCount, twice?.notModifiedCount, twice?.nextCheckAt],
          [(b?.fetchCount ?? 0) + 2, (b?.notModifiedCount ?? 0) + 2, at(191).toISOString()],
        );
      });

      it('lists feeds with their show and episode count', async (store) => {
        const showId = await showOf(store, 'https://feeds.example/b.xml');
        await store.feeds.add('https://feeds.example/a.xml', T0);
        await store.episodes.upsertForShow(showId, [episode('1'), episode('2')], { now: T0, complete: true });
        const list = await store.feeds.list();
        assert.deepEqual(
          list.map((l) => [l.feed.url, l.showTitle, l.episodeCount]),
          [
            ['https://feeds.example/a.xml', undefined, 0],
            ['https://feeds.example/b.xml', 'https://feeds.example/b.xml', 2],
          ],
        );
        assert.equal((await store.feeds.list({ limit: 1, offset: 1 }))[0]?.showId, showId);
      });
    });

    describe('shows', () => {
      it('stores everything the channel said and reads it back unchanged', async (store) => {
        const { feed } = await store.feeds.add('https://feeds.example/a.xml', T0);
        const first = await store.shows.upsert(feed.id, richShow, T0);
        assert.equal(first.changed, true);
        assert.deepEqual(content(first.show, SHOW_OWN), richShow);
        const read = await store.shows.get(first.show.id);
        assert.ok(read);
        assert.deepEqual(content(read, SHOW_OWN), richShow);
        assert.deepEqual(await store.shows.getByFeed(feed.id), read);
        const same = await store.shows.upsert(feed.id, richShow, at(1));
        assert.deepEqual(
          [same.changed, same.show.id, same.show.updatedAt],
          [false, first.show.id, T0.toISOString()],
        );
        const { title: _title, persons: _persons, ...lessContent } = richShow;
        const changed = await store.shows.upsert(feed.id, { ...lessContent, title: 'Renamed' }, at(2));
        assert.equal(changed.changed, true);
        assert.equal(changed.show.title, 'Renamed');
        assert.equal(changed.show.persons, undefined, 'a field the feed dropped is absent, not stale');
        assert.deepEqual(await store.people.forShow(first.show.id), []);
      });

      it('lists shows by latest episode and by title with a total', async (store) => {
        const quiet = await showOf(store, 'https://feeds.example/c.xml');
        const older = await showOf(store, 'https://feeds.example/a.xml');
        const newer = await showOf(store, 'https://feeds.example/b.xml');
        await store.episodes.upsertForShow(older, [episode('o', { publishedAt: '2023-01-01T00:00:00Z' })], {
          now: T0,
          complete: true,
        });
        await store.episodes.upsertForShow(newer, [episode('n', { publishedAt: '2024-01-01T00:00:00Z' })], {
          now: T0,
          complete: true,
        });
        assert.deepEqual(
          (await store.shows.listRecentlyUpdated(10)).map((s) => s.id),
          [newer, older, quiet],
        );
        assert.deepEqual(
          (await store.shows.listRecentlyUpdated(2)).map((s) => s.id),
          [newer, older],
        );
        const newest = await store.shows.get(newer);
        assert.deepEqual([newest?.episodeCount, newest?.latestEpisodeAt], [1, '2024-01-01T00:00:00.000Z']);
        const page = await store.shows.list({ limit: 2, offset: 1 });
        assert.equal(page.total, 3);
        assert.deepEqual(
          page.items.map((s) => s.title),
          ['https://feeds.example/b.xml', 'https://feeds.example/c.xml'],
        );
      });
    });

    describe('episodes', () => {
      it('stores everything the item said and reads it back unchanged', async (store) => {
        const showId = await showOf(store);
        assert.deepEqual(
          await store.episodes.upsertForShow(showId, [richEpisode], { now: T0, complete: true }),
          {
            inserted: 1,
            updated: 0,
            unchanged: 0,
            vanished: 0,
          },
        );
        const [stored] = (await store.episodes.listForShow(showId)).items;
        assert.ok(stored);
        assert.deepEqual(content(stored, EPISODE_OWN), richEpisode);
        assert.deepEqual(await store.episodes.get(stored.id), stored);
        const [listed] = (await store.episodes.listForShow(showId, { withContent: false })).items;
        const { contentHtml: _notes, ...withoutNotes } = stored;
        assert.deepEqual(listed, withoutNotes, 'a list page gets everything but the show notes');
        assert.deepEqual(
          [stored.showId, stored.firstSeenAt, stored.lastSeenAt, stored.vanishedAt, stored.sortKey],
          [showId, T0.toISOString(), T0.toISOString(), undefined, '2024-01-22T08:00:00.000Z'],
        );
        assert.equal((await store.episodes.findByGuid(showId, 'stakhanov'))?.id, stored.id);
        assert.deepEqual(
          (await store.episodes.findByEnclosureUrl('https://cdn.example/stakhanov.mp3?source=feed')).map(
            (e) => e.id,
          ),
          [stored.id],
        );
        assert.deepEqual(
          (
            await store.episodes.findByEnclosureUrl('https://cdn.example/stakhanov.mp3?source=app', showId)
          ).map((e) => e.id),
          [stored.id],
          'falls back to the URL without query',
        );
        assert.deepEqual(await store.episodes.findByEnclosureUrl('https://cdn.example/other.mp3'), []);
        const again = await store.episodes.upsertForShow(showId, [richEpisode], {
          now: at(5),
          complete: true,
        });
        assert.deepEqual(again, { inserted: 0, updated: 0, unchanged: 1, vanished: 0 });
        assert.equal((await store.episodes.get(stored.id))?.lastSeenAt, at(5).toISOString());
      });

      it('a changed enclosure URL under the same guid updates the same episode', async (store) => {
        const showId = await showOf(store);
        await store.episodes.upsertForShow(showId, [episode('g1')], { now: T0, complete: true });
        const before = await store.episodes.findByGuid(showId, 'g1');
        const moved = episode('g1', {
          enclosure: { url: 'https://other-cdn.example/file.m4a', type: 'audio/mp4' },
        });
        const result = await store.episodes.upsertForShow(showId, [moved], { now: at(1), complete: true });
        assert.deepEqual(result, { inserted: 0, updated: 1, unchanged: 0, vanished: 0 });
        assert.equal(await store.episodes.count(showId), 1);
        const after = await store.episodes.get(before?.id ?? -1);
        assert.equal(after?.enclosure?.url, 'https://other-cdn.example/file.m4a');
        assert.equal(after?.firstSeenAt, T0.toISOString());
      });

      it('a feed that changes its guids on every fetch does not duplicate its catalogue', async (store) => {
        const showId = await showOf(store);
        const fetch = (n: number) =>
          ['a', 'b', 'c'].map((name) =>
            episode(`${name}-${n}`, {
              title: name,
              enclosure: { url: `https://cdn.example/${name}.mp3?session=${n}` },
            }),
          );
        await store.episodes.upsertForShow(showId, fetch(1), { now: T0, complete: true });
        const ids = await allIds(store, showId, 'oldest', 10);
        for (const n of [2, 3]) {
          const result = await store.episodes.upsertForShow(showId, fetch(n), { now: at(n), complete: true });
          assert.deepEqual([result.inserted, result.vanished], [0, 0]);
        }
        assert.equal(await store.episodes.count(showId), 3);
        assert.deepEqual(await allIds(store, showId, 'oldest', 10), ids);
        assert.equal((await store.episodes.findByGuid(showId, 'b-3'))?.title, 'b');
      });

      it('items sharing a guid are told apart by enclosure, and stay apart', async (store) => {
        const showId = await showOf(store);
        const items = [
          episode('dup', { title: 'Part 1', enclosure: { url: 'https://cdn.example/p1.mp3' } }),
          episode('dup', { title: 'Part 2', enclosure: { url: 'https://cdn.example/p2.mp3' } }),
          episode('dup', { title: 'Part 2', enclosure: { url: 'https://cdn.example/p2.mp3' } }),
        ];
        assert.equal(
          (await store.episodes.upsertForShow(showId, items, { now: T0, complete: true })).inserted,
          2,
        );
        const reordered = [items[1], items[0]].filter((i) => i !== undefined);
        const again = await store.episodes.upsertForShow(showId, reordered, { now: at(1), complete: true });
        assert.deepEqual(again, { inserted: 0, updated: 0, unchanged: 2, vanished: 0 });
        const titles = (await store.episodes.listForShow(showId)).items
          .map((e) => [e.title, e.enclosure?.url])
          .sort();
        assert.deepEqual(titles, [
          ['Part 1', 'https://cdn.example/p1.mp3'],
          ['Part 2', 'https://cdn.example/p2.mp3'],
        ]);
      });

      it('episodes whose enclosures differ only in the query string are not merged', async (store) => {
        const showId = await showOf(store);
        const items = ['1', '2'].map((id) =>
          episode(`g${id}`, { enclosure: { url: `https://host.example/download.php?id=${id}` } }),
        );
        await store.episodes.upsertForShow(showId, items, { now: T0, complete: true });
        const next = episode('g3', { enclosure: { url: 'https://host.example/download.php?id=3' } });
        const result = await store.episodes.upsertForShow(showId, [next, ...items], {
          now: at(1),
          complete: true,
        });
        assert.deepEqual([result.inserted, result.unchanged], [1, 2]);
        assert.equal(await store.episodes.count(showId), 3);
      });

      it('marks episodes that left the feed vanished, keeps them, and restores them when they return', async (store) => {
        const showId = await showOf(store);
        const [a, b, c] = [episode('a'), episode('b'), episode('c')];
        await store.episodes.upsertForShow(showId, [a, b, c], { now: T0, complete: true });
        const partial = await store.episodes.upsertForShow(showId, [a], { now: at(1), complete: false });
        assert.equal(partial.vanished, 0, 'an incomplete fetch vanishes nothing');
        const empty = await store.episodes.upsertForShow(showId, [], { now: at(2), complete: true });
        assert.equal(empty.vanished, 0, 'a feed that shrank to nothing vanishes nothing');
        const shrunk = await store.episodes.upsertForShow(showId, [a, c], { now: at(3), complete: true });
        assert.deepEqual(shrunk, { inserted: 0, updated: 0, unchanged: 2, vanished: 1 });
        const gone = await store.episodes.findByGuid(showId, 'b');
        assert.equal(gone?.vanishedAt, at(3).toISOString());
        assert.equal(await store.episodes.count(showId), 3, 'nothing is deleted');
        assert.equal((await store.shows.get(showId))?.episodeCount, 3);
        const visible = await store.episodes.listForShow(showId, { includeVanished: false });
        assert.deepEqual(visible.items.map((e) => e.guid).sort(), ['a', 'c']);
        assert.equal((await store.episodes.listForShow(showId)).items.length, 3);
        const again = await store.episodes.upsertForShow(showId, [a, c], { now: at(4), complete: true });
        assert.equal(again.vanished, 0, 'already vanished is not counted twice');
        const back = await store.episodes.upsertForShow(showId, [a, b, c], { now: at(5), complete: true });
        assert.deepEqual(back, { inserted: 0, updated: 1, unchanged: 2, vanished: 0 });
        const restored = await store.episodes.get(gone?.id ?? -1);
        assert.deepEqual([restored?.vanishedAt, restored?.lastSeenAt], [undefined, at(5).toISOString()]);
      });

      it('a huge feed written in batches of one refresh matches each episode once, then vanishes the rest', async (store) => {
        const showId = await showOf(store);
        const old = episode('old');
        const first = [
          episode('a'),
          episode('dup', { enclosure: { url: 'https://cdn.example/d1.mp3' } }),
          old,
        ];
        await store.episodes.upsertForShow(showId, first, { now: T0, complete: true });
        const now = at(10);
        const result = await store.transaction(async (tx) => {
          const one = await tx.episodes.upsertForShow(showId, [episode('a'), first[1] ?? old], {
            now,
            complete: false,
          });
          // The second copy of a shared guid comes in the next batch: it must not take over the first one's row.
          const dup2 = episode('dup', { enclosure: { url: 'https://cdn.example/d2.mp3' } });
          const two = await tx.episodes.upsertForShow(showId, [dup2, episode('b')], { now, complete: false });
          const vanished = await tx.episodes.markVanished(showId, now, now);
          return { one, two, vanished };
        });
        assert.deepEqual(result.one, { inserted: 0, updated: 0, unchanged: 2, vanished: 0 });
        assert.deepEqual(result.two, { inserted: 2, updated: 0, unchanged: 0, vanished: 0 });
        assert.equal(result.vanished, 1);
        assert.equal((await store.episodes.findByGuid(showId, 'old'))?.vanishedAt, now.toISOString());
        const urls = (await store.episodes.listForShow(showId)).items
          .filter((e) => e.guid === 'dup')
          .map((e) => e.enclosure?.url);
        assert.deepEqual(urls.sort(), ['https://cdn.example/d1.mp3', 'https://cdn.example/d2.mp3']);
        assert.equal(
          await store.episodes.markVanished(showId, now, at(11)),
          0,
          'already vanished is not counted twice',
        );
      });

      it('pages through a show newest first and oldest first, ties on the date broken the same way', async (store) => {
        const showId = await showOf(store);
        const dates = [
          '2024-03-01T10:00:00Z',
          '2024-01-01T10:00:00Z',
          '2024-03-01T10:00:00Z',
          undefined,
          '2024-02-01T10:00:00+01:00',
        ];
        const items = [...dates, '2024-03-01T10:00:00.000Z', '2023-12-31T23:59:59Z'].map((publishedAt, i) =>
          episode(`e${i}`, publishedAt === undefined ? {} : { publishedAt }),
        );
        await store.episodes.upsertForShow(showId, items, { now: T0, complete: true });
        const stored = await Promise.all(items.map((item) => store.episodes.findByGuid(showId, item.guid)));
        // Expected: by date (undated ones at the time first seen), ties by insertion order.
        const expected = stored
          .map((e, i) => ({ id: e?.id ?? -1, time: Date.parse(items[i]?.publishedAt ?? T0.toISOString()) }))
          .sort((x, y) => x.time - y.time || x.id - y.id)
          .map((e) => e.id);
        for (const limit of [1, 2, 3, 7, 50]) {
          assert.deepEqual(
            await allIds(store, showId, 'oldest', limit),
            expected,
            `oldest first, pages of ${limit}`,
          );
          assert.deepEqual(
            await allIds(store, showId, 'newest', limit),
            [...expected].reverse(),
            `newest first, pages of ${limit}`,
          );
        }
        for (const limit of [Number.NaN, -5, 0, 2.5]) {
          const page = await store.episodes.listForShow(showId, { limit });
          assert.ok(
            page.items.length >= 1 && page.items.length <= 20,
            `a nonsense limit (${limit}) still gives a page`,
          );
        }
        const last = await store.episodes.listForShow(showId, { limit: 7 });
        assert.equal(last.next, undefined, 'no next page after the last');
        await assert.rejects(
          store.episodes.listForShow(showId, { cursor: 'not a cursor' }),
          (e: unknown) => e instanceof StoreError && e.code === 'invalid',
        );
        // The show page's narrower listing: the same pages and cursors, each item what a row shows of the episode.
        for (const order of ['newest', 'oldest'] as const) {
          let cursor: string | undefined;
          do {
            const options = { order, limit: 3, ...(cursor === undefined ? {} : { cursor }) };
            const full = await store.episodes.listForShow(showId, options);
            const narrow = await store.episodes.listItemsForShow(showId, options);
            assert.deepEqual(
              narrow.items,
              full.items.map((e) => {
                const { id, showId: show, title, publishedAt, durationSeconds, season, episodeType } = e;
                return Object.fromEntries(
                  Object.entries({
                    id,
                    showId: show,
                    sortKey: e.sortKey,
                    title,
                    publishedAt,
                    durationSeconds,
                    season,
                    episode: e.episode,
                    episodeType,
                    imageUrl: e.imageUrl,
                    enclosure: e.enclosure,
                  }).filter(([, v]) => v !== undefined),
                );
              }),
            );
            assert.equal(narrow.next, full.next);
            cursor = full.next;
          } while (cursor !== undefined);
        }
      });

      it('ingests a 2,500-item feed in one call and serves its first page', async (store) => {
        const showId = await showOf(store);
        const items = Array.from({ length: 2500 }, (_, i) =>
          episode(`big-${i}`, { publishedAt: new Date(Date.UTC(2000, 0, 1) + i * 86_400_000).toISOString() }),
        );
        const result = await store.episodes.upsertForShow(showId, items, { now: T0, complete: true });
        assert.equal(result.inserted, 2500);
        const first = await store.episodes.listForShow(showId, { limit: 20 });
        assert.deepEqual(
          first.items.map((e) => e.guid),
          items
            .slice(-20)
            .reverse()
            .map((e) => e.guid),
        );
        const serial = await store.episodes.listForShow(showId, { order: 'oldest', limit: 3 });
        assert.deepEqual(
          serial.items.map((e) => e.guid),
          ['big-0', 'big-1', 'big-2'],
        );
        assert.equal(await store.episodes.count(showId), 2500);
        assert.equal((await store.shows.get(showId))?.episodeCount, 2500);
        const again = await store.episodes.upsertForShow(showId, items, { now: at(1), complete: true });
        assert.equal(again.unchanged, 2500);
      });
    });

    describe('people', () => {
      it('credits people on shows and episodes, one person across shows', async (store) => {
        const { feed } = await store.feeds.add('https://feeds.example/a.xml', T0);
        const { show } = await store.shows.upsert(feed.id, richShow, T0);
        const otherShow = await showOf(store, 'https://feeds.example/b.xml');
        await store.episodes.upsertForShow(show.id, [richEpisode], { now: T0, complete: true });
        await store.episodes.upsertForShow(
          otherShow,
          [episode('guest', { persons: [{ name: ' holly  FREY ', role: 'guest', group: 'cast' }] })],
          { now: T0, complete: true },
        );
        const hosts = await store.people.forShow(show.id);
        assert.deepEqual(
          hosts.map((c) => [c.person.name, c.role, c.group, c.person.img]),
          [
            ['Tracy V. Wilson', 'host', 'cast', 'https://show.example/tracy.jpg'],
            ['Holly Frey', 'host', 'cast', undefined],
          ],
        );
        const holly = await store.people.findByName('HOLLY FREY');
        assert.ok(holly);
        assert.equal(holly.href, 'https://holly.example', 'the latest link a feed gave');
        const ep = await store.episodes.findByGuid(show.id, 'stakhanov');
        assert.deepEqual(
          (await store.people.forEpisode(ep?.id ?? -1)).map((c) => c.person.id),
          [holly.id],
        );
        const credits = await store.people.credits(holly.id);
        assert.deepEqual(
          credits.shows.map((s) => [s.showId, s.role]),
          [[show.id, 'host']],
        );
        assert.deepEqual(credits.episodes.map((e) => e.role).sort(), ['guest', 'host']);
        assert.equal(await store.people.get(999_999), undefined);
      });
    });

    describe('search', () => {
      it('tidying the search indexes keeps every match, and comes to an end', async (store) => {
        const show = await showOf(store, 'https://feeds.example/tidy.xml');
        // One write each: every crawl's writes add segments to the indexes (SQLite), which tidying folds together.
        for (let i = 0; i < 24; i++)
          await store.episodes.upsertForShow(
            show,
            [episode(`t${i}`, { title: `Harbour lamp ${i}`, description: 'The keeper' })],
            { now: T0, complete: false },
          );
        const found = async (): Promise<string[]> =>
          (await store.search.search('harbour lamp', { limit: 50 })).episodes
            .map((r) => r.episode.guid)
            .sort();
        const before = await found();
        assert.equal(before.length, 24);
        let steps = 0;
        let more = true;
        while (more && steps < 500) {
          more = await store.maintenance.tidySearchIndexes(8);
          steps++;
        }
        assert.equal(more, false, 'the indexes end up tidy');
        if (store.dialect === 'sqlite') assert.ok(steps > 1, 'separate writes left segments to fold');
        else assert.equal(steps, 1, 'PostgreSQL has nothing to fold');
        assert.deepEqual(await found(), before);
        assert.deepEqual(
          (await store.search.search('keeper', { limit: 50 })).episodes.length,
          24,
          'descriptions are still found',
        );
      });

      it('finds shows, episodes and people by word prefixes, title matches first', async (store) => {
        const { feed } = await store.feeds.add('https://feeds.example/a.xml', T0);
        const { show } = await store.shows.upsert(feed.id, richShow, T0);
        const other = await showOf(store, 'https://feeds.example/b.xml');
        await store.episodes.upsertForShow(show.id, [richEpisode], { now: T0, complete: true });
        await store.episodes.upsertForShow(
          other,
          [
            episode('m1', { title: 'Miners of the Donbas', description: 'Stakhanov and his record shift' }),
            episode('m2', { title: 'Gardening', description: 'Nothing about mining' }),
          ],
          { now: T0, complete: true },
        );
        const found = await store.search.search('STAKH', { limit: 10 });
        assert.deepEqual(
          found.episodes.map((r) => [r.episode.title, r.show.id]),
          [
            ['Alexei Stakhanov', show.id],
            ['Miners of the Donbas', other],
          ],
          'the title match ranks first, each episode with its show',
        );
        assert.deepEqual(
          (await store.search.search('stakhanov record', { limit: 10 })).episodes.map((r) => r.episode.guid),
          ['m1'],
        );
        assert.deepEqual(
          (await store.search.search('missed hist', { limit: 10 })).shows.map((s) => s.id),
          [show.id],
        );
        assert.deepEqual(
          (await store.search.search('iheart', { limit: 10 })).shows.map((s) => s.id),
          [show.id],
          'by author',
        );
        assert.deepEqual(
          (await store.search.search('holl', { limit: 10 })).people.map((p) => p.name),
          ['Holly Frey'],
        );
        assert.deepEqual(
          (await store.search.search('wilson tracy', { limit: 10 })).people.map((p) => p.name),
          ['Tracy V. Wilson'],
        );
        const none = await store.search.search('zzzunknown', { limit: 10 });
        assert.deepEqual([none.shows, none.episodes, none.people], [[], [], []]);
        assert.equal((await store.search.search('sta', { limit: 1 })).episodes.length, 1, 'at most limit');
      });

      it('the word being typed finds words first written after others it begins: titles, notes, shows, transcripts, people, sources', async (store) => {
        // Each "quill…" word arrives after another already stored; a search for "…ink quill" (the last word typed) must
        // find every text holding a word it begins, whenever that word was written.
        const { feed } = await store.feeds.add('https://feeds.example/quill.xml', T0);
        const first = await store.shows.upsert(feed.id, { ...richShow, title: 'Ink and quills' }, T0);
        const showId = first.show.id;
        const episodes = (list: EpisodeContent[], now: Date) =>
          store.episodes.upsertForShow(showId, list, { now, complete: false });
        await episodes([episode('old', { title: 'Ink quillwork' })], T0);
        const ids = async (q: string) =>
          (await store.search.search(q, { limit: 20 })).episodes.map((r) => r.episode.guid).sort();
        assert.deepEqual(await ids('ink quill'), ['old']);
        // A new title, a renamed one, a description.
        await episodes([episode('new', { title: 'Ink quillpen' })], at(1));
        await episodes([episode('renamed', { title: 'Ink blotter' })], at(1));
        await episodes([episode('renamed', { title: 'Ink quillback' })], at(2));
        await episodes([episode('described', { title: 'Ink', description: 'A quillmaker at work.' })], at(2));
        assert.deepEqual(await ids('ink quill'), ['described', 'new', 'old', 'renamed']);
        // A transcript.
        await episodes([episode('spoken', { title: 'Ink talk' })], at(3));
        await transcribe(
          store,
          showId,
          'spoken',
          'https://show.example/quill.vtt',
          'Today the quillsmith sharpens a feather.',
        );
        assert.deepEqual(await ids('today quill'), ['spoken']);
        // A show's description, and a person's name.
        const other = await store.feeds.add('https://feeds.example/quill-2.xml', T0);
        const second = await store.shows.upsert(
          other.feed.id,
          {
            format: 'rss',
            title: 'Scriptorium',
            description: 'Ink, parchment and quillcraft.',
            persons: [{ name: 'Ink Quillington', role: 'host', group: 'cast' }],
          },
          at(3),
        );
        assert.deepEqual(
          (await store.search.search('ink quill', { limit: 10 })).shows
            .map((s) => s.id)
            .sort((a, b) => a - b),
          [showId, second.show.id],
        );
        assert.deepEqual(
          (await store.search.search('ink quill', { limit: 10 })).people.map((p) => p.name),
          ['Ink Quillington'],
        );
        // A cited work.
        await store.sources.replaceForEpisodes(
          showId,
          [
            {
              guid: 'old',
              citations: [{ text: 'Penman, Ada. "Ink and the quillfeather." Scribe Press, 1901.' }],
            },
          ],
          at(4),
        );
        assert.deepEqual(
          (await store.sources.search('ink quill', { limit: 5 })).map((s) => s.source.citation.text),
          ['Penman, Ada. "Ink and the quillfeather." Scribe Press, 1901.'],
        );
        // A typed word no stored word begins finds nothing; one beginning more words than a search lists is still
        // found wherever it stands.
        assert.deepEqual(await ids('ink quilz'), []);
        const many = Array.from({ length: 250 }, (_, i) => `quill${i.toString(36)}x`).join(' ');
        await episodes([episode('many', { title: 'Ink', description: many })], at(5));
        assert.deepEqual(await ids('ink quill'), ['described', 'many', 'new', 'old', 'renamed']);
      });

      it('finds an episode by words spoken in its transcript, after title and description matches', async (store) => {
        const showId = await showOf(store);
        await store.episodes.upsertForShow(
          showId,
          [episode('spoken'), episode('titled', { title: 'Quota busters' }), episode('plain')],
          { now: T0, complete: true },
        );
        await transcribe(
          store,
          showId,
          'spoken',
          'https://show.example/t.vtt',
          'He cut 102 tonnes of coal in one shift, fourteen times his quota.',
        );
        const found = await store.search.search('tonnes', { limit: 5 });
        assert.deepEqual(
          found.episodes.map((r) => r.episode.guid),
          ['spoken'],
        );
        assert.deepEqual(
          (await store.search.search('quota', { limit: 5 })).episodes.map((r) => r.episode.guid),
          ['titled', 'spoken'],
        );
        assert.deepEqual(
          (await store.search.search('quota', { limit: 1 })).episodes.map((r) => r.episode.guid),
          ['titled'],
        );
      });

      it("keeps a transcript's cue marks with its text, reads a page's texts at once, re-indexes new text", async (store) => {
        const showId = await showOf(store);
        await store.episodes.upsertForShow(showId, [episode('marked'), episode('old'), episode('none')], {
          now: T0,
          complete: true,
        });
        const id = async (guid: string) =>
          (await store.episodes.findByGuid(showId, guid))?.id ?? assert.fail(guid);
        const [marked, old, none] = [await id('marked'), await id('old'), await id('none')];
        const url = 'https://show.example/t.vtt';
        const cues = '{"v":1,"speakers":["Ana"],"cues":[0,0,0,13,61,-1]}';
        await store.mediaText.putEpisodeText({
          episodeId: marked,
          url,
          text: 'Tonnes of it. Then the foghorn.',
          cues,
          updatedAt: T0.toISOString(),
        });
        // A row as written before migration 0035: no marks.
        await store.mediaText.putEpisodeText({
          episodeId: old,
          url,
          text: 'The foghorn again.',
          updatedAt: T0.toISOString(),
        });
        const texts = await store.mediaText.getEpisodeTexts([none, marked, old, 987654]);
        assert.deepEqual(
          texts.map((t) => [t.episodeId, t.text, t.cues] as const).sort((a, b) => a[0] - b[0]),
          [
            [marked, 'Tonnes of it. Then the foghorn.', cues],
            [old, 'The foghorn again.', undefined],
          ].sort((a, b) => (a[0] as number) - (b[0] as number)),
        );
        assert.equal((await store.mediaText.getEpisodeText(marked))?.cues, cues);
        assert.deepEqual(await store.mediaText.getEpisodeTexts([]), []);
        const guids = async (q: string) =>
          (await store.search.search(q, { limit: 5 })).episodes.map((r) => r.episode.guid).sort();
        assert.deepEqual(await guids('foghorn'), ['marked', 'old']);
        // New text replaces the old in the search and drops marks it is written without.
        await store.mediaText.putEpisodeText({
          episodeId: marked,
          url,
          text: 'A lighthouse keeper.',
          updatedAt: T0.toISOString(),
        });
        assert.equal((await store.mediaText.getEpisodeText(marked))?.cues, undefined);
        assert.deepEqual(await guids('foghorn'), ['old']);
        assert.deepEqual(await guids('lighthouse'), ['marked']);
        // Marks written with the same text leave the search as it was.
        await store.mediaText.putEpisodeText({
          episodeId: marked,
          url,
          text: 'A lighthouse keeper.',
          cues: '{"v":1,"speakers":[],"cues":[0,5,-1]}',
          updatedAt: T0.toISOString(),
        });
        assert.deepEqual(await guids('lighthouse'), ['marked']);
      });

      it('treats query syntax as plain words and follows renames', async (store) => {
        const showId = await showOf(store);
        await store.episodes.upsertForShow(
          showId,
          [episode('a', { title: 'Alpha "quoted" NEAR(x) title' })],
          { now: T0, complete: true },
        );
        for (const query of [
          '"',
          '*',
          'alpha AND',
          'NEAR(',
          '-alpha',
          "'; drop table episodes; --",
          '(((',
          'title:alpha',
        ]) {
          await store.search.search(query, { limit: 5 });
        }
        assert.equal((await store.search.search('"alpha" near', { limit: 5 })).episodes.length, 1);
        assert.deepEqual(await store.search.search('  ..  ', { limit: 5 }), {
          shows: [],
          episodes: [],
          people: [],
          page: 1,
          hasMore: false,
          episodeTotal: { count: 0, exact: true },
        });
        await store.episodes.upsertForShow(showId, [episode('a', { title: 'Omega' })], {
          now: at(1),
          complete: true,
        });
        assert.equal(
          (await store.search.search('alpha', { limit: 5 })).episodes.length,
          0,
          'the old title is gone',
        );
        assert.equal((await store.search.search('omeg', { limit: 5 })).episodes[0]?.episode.guid, 'a');
        assert.equal(await store.episodes.count(), 1);
      });

      it('finds a show by the words it has now: a new description, author or title, never the old ones', async (store) => {
        const { feed } = await store.feeds.add('https://feeds.example/words.xml', T0);
        const { show } = await store.shows.upsert(
          feed.id,
          {
            ...richShow,
            title: 'Harbour Lights',
            author: 'Quayside Media',
            description: 'Tales of lamplighters.',
          },
          T0,
        );
        const shows = async (q: string): Promise<number[]> =>
          (await store.search.search(q, { limit: 10 })).shows.map((s) => s.id);
        assert.deepEqual(await shows('harbour'), [show.id], 'by title');
        assert.deepEqual(await shows('quayside'), [show.id], 'by author');
        assert.deepEqual(await shows('lamplighters'), [show.id], 'by description');
        assert.deepEqual(await shows('harbour lamplight'), [show.id], 'title and a description prefix');
        await store.shows.upsert(
          feed.id,
          {
            ...richShow,
            title: 'Harbour Lights',
            author: 'Tidewater Audio',
            description: 'Stories of ferrymen.',
          },
          at(1),
        );
        assert.deepEqual(await shows('ferrymen'), [show.id], 'the new description');
        assert.deepEqual(await shows('tidewater'), [show.id], 'the new author');
        assert.deepEqual(await shows('lamplighters'), [], 'the old description is gone');
        assert.deepEqual(await shows('quayside'), [], 'the old author is gone');
        await store.shows.upsert(
          feed.id,
          { ...richShow, title: 'Lantern Days', author: 'Tidewater Audio' },
          at(2),
        );
        assert.deepEqual(await shows('lantern'), [show.id], 'the new title');
        assert.deepEqual(await shows('harbour'), [], 'the old title is gone');
        await store.feeds.remove(feed.id);
        assert.deepEqual(await shows('lantern'), [], 'a removed feed takes its show out of search');
      });
    });

    describe('visibility (private feeds)', () => {
      /** A show with one episode and one credited person, from a feed added with `visibility`. */
      async function showWith(
        store: Store,
        url: string,
        title: string,
        visibility: 'public' | 'private',
      ): Promise<{ feedId: number; showId: number }> {
        const { feed } = await store.feeds.add(url, T0, { visibility });
        const { show } = await store.shows.upsert(
          feed.id,
          { format: 'rss', title, persons: [{ name: `${title} Host`, role: 'host', group: 'cast' }] },
          T0,
        );
        await store.episodes.upsertForShow(
          show.id,
          [episode(`${title}-1`, { title: `${title} episode`, publishedAt: '2025-06-01T00:00:00Z' })],
          { now: T0, complete: true },
        );
        return { feedId: feed.id, showId: show.id };
      }

      it('the sitemap listing: public shows and episodes only, keyset-paged in id ranges', async (store) => {
        const a = await showWith(store, 'https://feeds.example/sa.xml', 'Sa', 'public');
        const p = await showWith(store, 'https://feeds.example/p/sp.xml?auth=t0k', 'Sp', 'private');
        const b = await showWith(store, 'https://feeds.example/sb.xml', 'Sb', 'public');
        const shows = await store.shows.listPublic({ afterId: 0, throughId: 1e9, limit: 10 });
        assert.deepEqual(
          shows.map((s) => s.id),
          [a.showId, b.showId],
        );
        assert.ok(shows.every((s) => typeof s.lastModified === 'string'));
        assert.equal(await store.shows.maxPublicId(), b.showId);
        assert.deepEqual(
          (await store.shows.listPublic({ afterId: a.showId, throughId: 1e9, limit: 10 })).map((s) => s.id),
          [b.showId],
        );
        assert.deepEqual(
          await store.shows
            .listPublic({ afterId: 0, throughId: a.showId, limit: 10 })
            .then((r) => r.map((s) => s.id)),
          [a.showId],
        );
        const eps = await store.episodes.listPublic({ afterId: 0, throughId: 1e9, limit: 10 });
        const privateEp = (await store.episodes.listForShow(p.showId)).items[0];
        assert.equal(eps.length, 2);
        assert.ok(!eps.some((e) => e.id === privateEp?.id));
        assert.equal(eps[0]?.lastModified, '2025-06-01T00:00:00Z');
        assert.equal((await store.episodes.listPublic({ afterId: 0, throughId: 1e9, limit: 1 })).length, 1);
        assert.equal(await store.episodes.maxPublicId(), eps[1]?.id);
        await store.feeds.setVisibility(b.feedId, 'private');
        assert.equal(await store.shows.maxPublicId(), a.showId);
        assert.equal((await store.episodes.listPublic({ afterId: 0, throughId: 1e9, limit: 10 })).length, 1);
      });

      it('a feed is public unless added as private; adding it again keeps it; setVisibility moves its show too', async (store) => {
        const open = await store.feeds.add('https://feeds.example/open.xml', T0);
        const closed = await store.feeds.add('https://feeds.example/p/abc.xml?auth=t0k', T0, {
          visibility: 'private',
        });
        assert.deepEqual([open.feed.isPublic, closed.feed.isPublic], [true, false]);
        const again = await store.feeds.add('https://feeds.example/p/abc.xml?auth=t0k', T0);
        assert.deepEqual(
          [again.created, again.feed.isPublic],
          [false, false],
          'an admin adding it changes nothing',
        );
        const listenerAgain = await store.feeds.add('https://feeds.example/open.xml', T0, {
          visibility: 'private',
        });
        assert.equal(listenerAgain.feed.isPublic, true, 'a listener adding a public feed leaves it public');
        const { show } = await store.shows.upsert(closed.feed.id, { format: 'rss', title: 'Closed' }, T0);
        assert.equal(show.isPublic, false, 'the show starts with its feed’s visibility');
        assert.equal((await store.feeds.setVisibility(closed.feed.id, 'public')).isPublic, true);
        assert.equal((await store.shows.get(show.id))?.isPublic, true);
        assert.equal((await store.feeds.get(closed.feed.id))?.isPublic, true);
        await store.feeds.setVisibility(closed.feed.id, 'private');
        assert.equal((await store.shows.getByFeed(closed.feed.id))?.isPublic, false);
        await assert.rejects(store.feeds.setVisibility(999_999, 'public'), (e: unknown) => {
          return e instanceof StoreError && e.code === 'not-found';
        });
      });

      it('every visibility change and removal advances the visibility generation other processes poll', async (store) => {
        const start = await store.feeds.visibilityGeneration();
        const { feed } = await store.feeds.add('https://feeds.example/gen.xml', T0);
        assert.equal(await store.feeds.visibilityGeneration(), start, 'adding a feed takes nothing away');
        await store.feeds.setVisibility(feed.id, 'private');
        assert.equal(await store.feeds.visibilityGeneration(), start + 1);
        await store.feeds.remove(feed.id);
        assert.equal(await store.feeds.visibilityGeneration(), start + 2);
        await assert.rejects(store.feeds.setVisibility(feed.id, 'public'));
        assert.equal(
          await store.feeds.visibilityGeneration(),
          start + 2,
          'a refused change advances nothing',
        );
      });

      it('lists, search and credits show a private show only to admins and its followers (web or phone)', async (store) => {
        const pub = await showWith(store, 'https://feeds.example/pub.xml', 'Openvale', 'public');
        const priv = await showWith(store, 'https://feeds.example/p/x.xml?auth=t0k', 'Hushvale', 'private');
        const users = store.listeners.users;
        await createAccount(users, { name: 'root', password: 'root password' }, T0); // the first account: the admin
        const follower = await createAccount(users, { name: 'webfan', password: 'webfan password' }, T0);
        const phone = await createAccount(users, { name: 'phonefan', password: 'phonefan password' }, T0);
        const other = await createAccount(users, { name: 'other', password: 'other password' }, T0);
        await store.listeners.library.follow(follower.id, priv.feedId, T0);
        const url = 'https://feeds.example/p/x.xml?auth=t0k';
        await store.sync.changeSubscriptions(phone.id, { add: [url], remove: [] }, T0.getTime());
        await store.sync.setSubscriptionFeed(phone.id, url, priv.feedId);
        const audiences = {
          anonymous: {},
          other: { userId: other.id },
          follower: { userId: follower.id },
          phone: { userId: phone.id },
          admin: { userId: 999, isAdmin: true },
        };
        const sees = { anonymous: false, other: false, follower: true, phone: true, admin: true };
        const host = await store.people.findByName('Hushvale Host');
        assert.ok(host);
        for (const [who, audience] of Object.entries(audiences)) {
          const expected = sees[who as keyof typeof sees]; // the keys of `audiences` are the keys of `sees`
          const withPrivate = expected ? [pub.showId, priv.showId].sort() : [pub.showId];
          assert.deepEqual(
            (await store.shows.listRecentlyUpdated(10, audience)).map((s) => s.id).sort(),
            withPrivate,
            `${who}: recently updated`,
          );
          const page = await store.shows.list({ limit: 10, audience });
          assert.deepEqual(
            [page.items.map((s) => s.id).sort(), page.total],
            [withPrivate, withPrivate.length],
            who,
          );
          const found = await store.search.search('hushvale', { limit: 10, audience });
          assert.deepEqual(
            found.shows.map((s) => s.id),
            expected ? [priv.showId] : [],
            `${who}: search shows`,
          );
          assert.equal(found.episodes.length, expected ? 1 : 0, `${who}: search episodes`);
          assert.equal(found.people.length, expected ? 1 : 0, `${who}: search people`);
          const credits = await store.people.credits(host.id, { audience });
          assert.equal(credits.shows.length + credits.episodes.length, expected ? 1 : 0, `${who}: credits`);
          assert.equal(await store.feeds.isVisible(priv.feedId, audience), expected, `${who}: isVisible`);
          assert.equal(await store.feeds.isVisible(pub.feedId, audience), true, `${who}: the public feed`);
        }
        // Without an audience (the crawler, the CLI): everything.
        assert.equal((await store.shows.listRecentlyUpdated(10)).length, 2);
        assert.equal((await store.search.search('hushvale', { limit: 10 })).shows.length, 1);
        // A phone that unsubscribes loses the show.
        await store.sync.changeSubscriptions(phone.id, { add: [], remove: [url] }, T0.getTime() + 1);
        assert.equal(await store.feeds.isVisible(priv.feedId, audiences.phone), false);
        assert.equal(await store.feeds.isVisible(999_999, audiences.admin), false, 'an unknown feed');
      });

      it('hidden episodes never take a place in a search limit', async (store) => {
        const pub = await showWith(store, 'https://feeds.example/pub.xml', 'Openvale', 'public');
        const priv = await showWith(store, 'https://feeds.example/priv.xml', 'Hushvale', 'private');
        // The private show's matching episodes are the newest: the index returns them first.
        await store.episodes.upsertForShow(
          pub.showId,
          [1, 2, 3].map((n) => episode(`pub-${n}`, { title: `Lantern tale ${n}` })),
          { now: T0, complete: false },
        );
        await store.episodes.upsertForShow(
          priv.showId,
          [1, 2, 3, 4, 5].map((n) => episode(`priv-${n}`, { title: `Lantern secret ${n}` })),
          { now: T0, complete: false },
        );
        const found = await store.search.search('lantern', { limit: 3, audience: {} });
        assert.deepEqual(found.episodes.map((r) => r.episode.guid).sort(), ['pub-1', 'pub-2', 'pub-3']);
        const all = await store.search.search('lantern', { limit: 3 });
        assert.ok(
          all.episodes.every((r) => r.show.id === priv.showId),
          'without an audience the newest come first',
        );
      });
    });

    describe('jobs', () => {
      it('enqueueing the same (kind, key) keeps one job, moved earlier, never later', async (store) => {
        const first = await store.jobs.enqueue(
          { kind: 'refresh', key: 'feed:1', payload: { feedId: 1 }, runAt: at(60) },
          T0,
        );
        const earlier = await store.jobs.enqueue(
          { kind: 'refresh', key: 'feed:1', payload: { feedId: 1, force: true }, runAt: at(5) },
          T0,
        );
        const later = await store.jobs.enqueue({ kind: 'refresh', key: 'feed:1', runAt: at(90) }, T0);
        await store.jobs.enqueue({ kind: 'transcript', key: 'feed:1', runAt: at(0) }, T0);
        assert.deepEqual([first.created, earlier.created, later.created], [true, false, false]);
        assert.equal(earlier.job.id, first.job.id);
        assert.deepEqual(earlier.job.payload, { feedId: 1, force: true });
        assert.equal(later.job.runAt, at(5).toISOString());
        assert.equal(await store.jobs.count('refresh'), 1);
        assert.equal(await store.jobs.count(), 2);
      });

      it('claims only due jobs, locks them, and completes or retries them', async (store) => {
        await store.jobs.enqueue({ kind: 'refresh', key: 'a', payload: 'A', runAt: at(0) }, T0);
        await store.jobs.enqueue({ kind: 'refresh', key: 'b', runAt: at(10) }, T0);
        await store.jobs.enqueue({ kind: 'other', key: 'c', runAt: at(0) }, T0);
        const claim = (minute: number, limit = 10) =>
          store.jobs.claim({ kind: 'refresh', workerId: 'w1', now: at(minute), limit, lockMs: 5 * 60_000 });
        const [job] = await claim(1);
        assert.deepEqual([job?.key, job?.payload, job?.attempts, job?.lockedBy], ['a', 'A', 1, 'w1']);
        assert.deepEqual(await claim(2), [], 'a locked job is not claimed again');
        assert.deepEqual(
          (await claim(7)).map((j) => [j.key, j.attempts]),
          [['a', 2]],
          'an expired lock frees the job',
        );
        assert.ok(job);
        await store.jobs.fail(job, 'HTTP 500', at(30), at(7));
        const [b] = await claim(11);
        assert.equal(b?.key, 'b');
        assert.ok(b);
        await store.jobs.fail(b, 'not a feed', undefined, at(11));
        assert.equal((await store.jobs.get('refresh', 'a'))?.lastError, 'HTTP 500');
        assert.deepEqual(await claim(29), [], 'not before its retry time');
        const [retried] = await claim(31);
        assert.equal(retried?.key, 'a');
        assert.ok(retried);
        await store.jobs.complete(retried);
        assert.equal(await store.jobs.get('refresh', 'a'), undefined);
        assert.deepEqual(await claim(10_000), [], 'a job failed for good is never claimed');
        assert.equal(await store.jobs.count('refresh'), 0);
        assert.equal((await store.jobs.get('refresh', 'b'))?.failedAt, at(11).toISOString());
        const revived = await store.jobs.enqueue({ kind: 'refresh', key: 'b', runAt: at(200) }, at(150));
        assert.equal(revived.job.failedAt, undefined, 'enqueueing again revives it');
        assert.deepEqual(
          (await claim(200)).map((j) => j.key),
          ['b'],
        );
      });

      it('completes many jobs at once; one enqueued again meanwhile runs once more', async (store) => {
        for (const key of ['a', 'b', 'c'])
          await store.jobs.enqueue({ kind: 'k', key, payload: {}, runAt: T0 }, T0);
        const jobs = await store.jobs.claim({
          kind: 'k',
          workerId: 'w',
          now: at(1),
          limit: 10,
          lockMs: 60_000,
        });
        assert.equal(jobs.length, 3);
        await store.jobs.enqueue({ kind: 'k', key: 'b', payload: { again: true }, runAt: at(1) }, at(1));
        await store.jobs.completeMany(jobs);
        assert.equal(await store.jobs.count('k'), 1);
        const again = await store.jobs.claim({
          kind: 'k',
          workerId: 'w',
          now: at(2),
          limit: 10,
          lockMs: 60_000,
        });
        assert.deepEqual(
          again.map((j) => [j.key, j.payload]),
          [['b', { again: true }]],
        );
      });

      it('a job enqueued again while running runs once more after completing', async (store) => {
        await store.jobs.enqueue({ kind: 'refresh', key: 'a', runAt: at(0) }, T0);
        const [running] = await store.jobs.claim({
          kind: 'refresh',
          workerId: 'w',
          now: at(1),
          limit: 1,
          lockMs: 60_000,
        });
        assert.ok(running);
        await store.jobs.enqueue({ kind: 'refresh', key: 'a', runAt: at(1) }, at(1));
        await store.jobs.complete(running);
        const again = await store.jobs.claim({
          kind: 'refresh',
          workerId: 'w',
          now: at(2),
          limit: 1,
          lockMs: 60_000,
        });
        assert.deepEqual(
          again.map((j) => j.key),
          ['a'],
        );
        assert.ok(again[0]);
        await store.jobs.complete(again[0]);
        assert.equal(await store.jobs.count(), 0);
      });

      it('two claimers never get the same job', async (store, db) => {
        const other = await db.open();
        try {
          const total = 60;
          for (let i = 0; i < total; i++)
            await store.jobs.enqueue({ kind: 'refresh', key: `k${i}`, runAt: at(0) }, T0);
          const drain = async (s: Store, worker: string): Promise<string[]> => {
            const keys: string[] = [];
            for (;;) {
              const jobs = await s.jobs.claim({
                kind: 'refresh',
                workerId: worker,
                now: at(1),
                limit: 4,
                lockMs: 3_600_000,
              });
              if (jobs.length === 0) return keys;
              keys.push(...jobs.map((j) => j.key));
            }
          };
          const results = await Promise.all([
            drain(store, 'w1'),
            drain(other, 'w2'),
            drain(store, 'w3'),
            drain(other, 'w4'),
          ]);
          const all = results.flat();
          assert.equal(new Set(all).size, all.length, 'no job claimed twice');
          assert.equal(all.length, total, 'every job claimed');
        } finally {
          await other.close();
        }
      });
    });

    describe('transactions', () => {
      it('a failing transaction leaves nothing half-written', async (store) => {
        const failure = new Error('crawler crashed');
        await assert.rejects(
          store.transaction(async (tx) => {
            const { feed } = await tx.feeds.add('https://feeds.example/a.xml', T0);
            const { show } = await tx.shows.upsert(feed.id, richShow, T0);
            await tx.episodes.upsertForShow(show.id, [richEpisode, episode('x')], {
              now: T0,
              complete: true,
            });
            await tx.feeds.recordFetch(feed.id, { kind: 'ok', at: T0, nextCheckAt: at(60) });
            await tx.jobs.enqueue({ kind: 'refresh', key: 'a', runAt: T0 }, T0);
            assert.equal(await tx.episodes.count(), 2, 'visible inside the transaction');
            throw failure;
          }),
          (e: unknown) => e === failure,
        );
        assert.equal(await store.feeds.count(), 0);
        assert.equal(await store.episodes.count(), 0);
        assert.equal(await store.people.findByName('Holly Frey'), undefined);
        assert.equal(await store.jobs.count(), 0);
      });

      it('a failing refresh of an existing show keeps what was stored', async (store) => {
        const showId = await showOf(store);
        await store.episodes.upsertForShow(showId, [episode('a'), episode('b')], { now: T0, complete: true });
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.episodes.upsertForShow(showId, [episode('c')], { now: at(1), complete: true });
            throw new Error('disk full');
          }),
        );
        const page = await store.episodes.listForShow(showId);
        assert.deepEqual(page.items.map((e) => [e.guid, e.vanishedAt]).sort(), [
          ['a', undefined],
          ['b', undefined],
        ]);
      });

      it('closing lets a transaction in flight finish, then refuses new work', async (store, db) => {
        const closing = await db.open();
        let signal = (): void => {};
        const started = new Promise<void>((resolve) => {
          signal = resolve;
        });
        const work = closing.transaction(async (tx) => {
          await tx.feeds.add('https://feeds.example/a.xml', T0);
          signal();
          await new Promise((resolve) => setTimeout(resolve, 50));
          await tx.feeds.add('https://feeds.example/b.xml', T0);
        });
        await started;
        await closing.close();
        await work;
        assert.equal(await store.feeds.count(), 2, 'both writes committed');
        await assert.rejects(
          closing.transaction(async () => {}),
          (e: unknown) => e instanceof StoreError && e.code === 'unavailable',
        );
      });

      it('a transaction commits everything together and nests', async (store) => {
        const value = await store.transaction(async (tx) => {
          const { feed } = await tx.feeds.add('https://feeds.example/a.xml', T0);
          return tx.transaction(async (inner) => {
            await inner.shows.upsert(feed.id, richShow, T0);
            return feed.id;
          });
        });
        assert.equal((await store.shows.getByFeed(value))?.title, richShow.title);
      });
    });
  });
}
