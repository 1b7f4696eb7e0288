import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { corpusDir, corpusPath, NO_CORPUS } from '../../../test/support/corpus.ts';
import {
  type FeedServer,
  feedRoute,
  htmlRoute,
  redirectRoute,
  startFeedServer,
  statusRoute,
} from '../../../test/support/feed-server.ts';
import { type Backend, storeBackends } from '../../../test/support/store-backends.ts';
import type { Store } from '../../store/index.ts';
import { createFetcher, type Fetcher } from '../fetch/index.ts';
import { parseFeed } from '../parse/index.ts';
import { type RefreshDeps, refreshFeed } from './refresh.ts';

const backends = await storeBackends();

const testdata = join(import.meta.dirname, 'testdata');
const small = readFileSync(join(testdata, 'small-feed.xml'), 'utf8');
const HOUR = 3_600_000;

for (const backend of backends) refreshSuite(backend);

function refreshSuite(backend: Backend): void {
  describe(`refreshFeed (${backend.name})`, { skip: backend.skip ?? false }, () => {
    let server: FeedServer;
    let drop: () => Promise<void> = async () => {};
    let fetcher: Fetcher;
    let store: Store;
    let dir: string;
    let clock: number;
    let deps: RefreshDeps;
    let n = 0;

    before(async () => {
      server = await startFeedServer();
      fetcher = createFetcher({ userAgent: 'Earshot/test (+https://earshot.invalid)', allowPrivate: true });
      dir = await mkdtemp(join(tmpdir(), 'earshot-refresh-'));
    });
    after(async () => {
      await fetcher.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    });
    beforeEach(async () => {
      ({ store, drop } = await backend.fresh(dir));
      clock = Date.parse('2026-07-15T12:00:00Z');
      deps = { store, fetcher, now: () => new Date(clock), random: () => 0.5 };
    });
    afterEach(async () => {
      await drop();
    });

    /** A fresh path on the server for each test. */
    const path = (name: string) => `/${++n}/${name}`;
    const add = async (p: string) => (await store.feeds.add(server.url(p), new Date(clock))).feed;
    const titles = async (feedId: number) => {
      const show = await store.shows.getByFeed(feedId);
      if (show === undefined) return [];
      const page = await store.episodes.listForShow(show.id, { limit: 500 });
      return page.items.map((e) => e.title ?? '');
    };

    it('stores a new feed: show, episodes, sanitised notes, health and a next check', async () => {
      const p = path('feed.xml');
      server.route(p, feedRoute(small));
      const feed = await add(p);
      const r = await refreshFeed(deps, feed.id);
      assert.equal(r.status, 'updated');
      assert.equal(r.inserted, 3);
      assert.deepEqual(await titles(feed.id), ['Three', 'Two', 'One']);
      const show = await store.shows.getByFeed(feed.id);
      assert.equal(show?.title, 'Small Feed');
      const ep = await store.episodes.findByGuid(show?.id ?? 0, 'ep-3');
      assert.match(
        ep?.contentHtml ?? '',
        /<a href="https:\/\/x\.example" rel="nofollow noopener ugc">a link<\/a>/,
      );
      assert.doesNotMatch(ep?.contentHtml ?? '', /script|onerror/);
      const stored = await store.feeds.get(feed.id);
      assert.equal(stored?.status, 'active');
      assert.ok(stored?.etag !== undefined && stored.bodyHash !== undefined);
      assert.ok(Date.parse(stored?.nextCheckAt ?? '') > clock);
    });

    it('sends the validators back and skips parsing on 304', async () => {
      const p = path('feed.xml');
      server.route(p, feedRoute(small));
      const feed = await add(p);
      await refreshFeed(deps, feed.id);
      clock += HOUR;
      const r = await refreshFeed(deps, feed.id);
      assert.equal(r.status, 'not-modified');
      const second = server.requestsFor(p).at(-1);
      assert.ok(second?.headers['if-none-match'] !== undefined);
      const stored = await store.feeds.get(feed.id);
      assert.equal(stored?.notModifiedCount, 1);
      assert.deepEqual(await titles(feed.id), ['Three', 'Two', 'One']);
    });

    it('schedules from the stored history: latest publication dates newest first, in one read', async () => {
      const p = path('feed.xml');
      server.route(p, feedRoute(small));
      const feed = await add(p);
      assert.equal(await store.feeds.scheduleHistory(feed.id, 12), undefined);
      await refreshFeed(deps, feed.id);
      const history = await store.feeds.scheduleHistory(feed.id, 2);
      assert.deepEqual(
        history?.publishDates.map((d) => d.slice(0, 10)),
        ['2026-07-15', '2026-07-08'],
      );
    });

    it('recognises a 200 with an unchanged body by its hash', async () => {
      const p = path('feed.xml');
      server.route(p, feedRoute(small, { etag: false, lastModified: false }));
      const feed = await add(p);
      await refreshFeed(deps, feed.id);
      clock += HOUR;
      const r = await refreshFeed(deps, feed.id);
      assert.equal(r.status, 'unchanged');
      assert.equal(r.inserted + r.updated, 0);
    });

    it('prepares (sanitises) only new and changed episodes, and stores the prepared notes', async () => {
      const feed = await add(path('prepared.xml'));
      const { show } = await store.shows.upsert(feed.id, { format: 'rss', title: 'P' }, new Date(clock));
      const prepared: string[] = [];
      const prepare = <T extends { guid: string; contentHtml?: string }>(item: T): T => {
        prepared.push(item.guid);
        return { ...item, contentHtml: `clean:${item.contentHtml ?? ''}` };
      };
      const items = (notes: string) => [
        { guid: 'a', guidSource: 'guid' as const, title: 'A', contentHtml: '<p>a</p>' },
        { guid: 'b', guidSource: 'guid' as const, title: 'B', contentHtml: notes },
      ];
      const upsert = (notes: string) => {
        clock += HOUR;
        return store.episodes.upsertForShow(show.id, items(notes), {
          now: new Date(clock),
          complete: true,
          prepare,
        });
      };
      assert.equal((await upsert('<p>b</p>')).inserted, 2);
      assert.deepEqual(prepared.splice(0), ['a', 'b']);
      assert.equal((await upsert('<p>b</p>')).unchanged, 2);
      assert.deepEqual(prepared.splice(0), []);
      assert.equal((await upsert('<p>b2</p>')).updated, 1);
      assert.deepEqual(prepared.splice(0), ['b']);
      assert.equal((await store.episodes.findByGuid(show.id, 'b'))?.contentHtml, 'clean:<p>b2</p>');
      assert.equal((await store.episodes.findByGuid(show.id, 'a'))?.contentHtml, 'clean:<p>a</p>');
    });

    it('moves the stored URL on 301 and keeps the old one as an alias', async () => {
      const from = path('old.xml');
      const to = path('new.xml');
      server.route(from, redirectRoute(301, server.url(to)));
      server.route(to, feedRoute(small));
      const feed = await add(from);
      const r = await refreshFeed(deps, feed.id);
      assert.equal(r.status, 'updated');
      assert.equal(r.url, server.url(to));
      assert.equal((await store.feeds.get(feed.id))?.url, server.url(to));
      assert.equal((await store.feeds.findByUrl(server.url(from)))?.id, feed.id);
      assert.deepEqual(
        (await store.feeds.aliases(feed.id)).map((a) => [a.alias, a.kind]),
        [[server.url(from), 'redirect']],
      );
    });

    it('keeps the stored URL on 302', async () => {
      const from = path('old.xml');
      const to = path('new.xml');
      server.route(from, redirectRoute(302, server.url(to)));
      server.route(to, feedRoute(small));
      const feed = await add(from);
      const r = await refreshFeed(deps, feed.id);
      assert.equal(r.status, 'updated');
      assert.equal((await store.feeds.get(feed.id))?.url, server.url(from));
    });

    it('does not move on a 301 to an HTML page, and keeps the episodes', async () => {
      const from = path('feed.xml');
      server.route(from, feedRoute(small));
      const feed = await add(from);
      await refreshFeed(deps, feed.id);
      const to = path('parked.html');
      server.route(to, htmlRoute());
      server.route(from, redirectRoute(301, server.url(to)));
      clock += HOUR;
      const r = await refreshFeed(deps, feed.id);
      assert.equal(r.status, 'failed');
      assert.equal(r.error?.code, 'not-a-feed');
      assert.equal((await store.feeds.get(feed.id))?.url, server.url(from));
      assert.deepEqual(await titles(feed.id), ['Three', 'Two', 'One']);
    });

    it('marks a feed gone on 410, keeps its episodes and stops polling it', async () => {
      const p = path('feed.xml');
      server.route(p, feedRoute(small));
      const feed = await add(p);
      await refreshFeed(deps, feed.id);
      server.route(p, statusRoute(410));
      clock += HOUR;
      assert.equal((await refreshFeed(deps, feed.id)).status, 'gone');
      const stored = await store.feeds.get(feed.id);
      assert.equal(stored?.status, 'gone');
      assert.equal(stored?.nextCheckAt, undefined);
      assert.deepEqual(await store.feeds.due(new Date(clock + 100 * 24 * HOUR), 10), []);
      const before = server.requestsFor(p).length;
      assert.equal((await refreshFeed(deps, feed.id)).status, 'skipped');
      assert.equal(server.requestsFor(p).length, before);
      assert.deepEqual(await titles(feed.id), ['Three', 'Two', 'One']);
    });

    it('keeps every episode when the feed fails, and backs off', async () => {
      const p = path('feed.xml');
      server.route(p, feedRoute(small));
      const feed = await add(p);
      await refreshFeed(deps, feed.id);
      server.route(p, statusRoute(500));
      const delays: number[] = [];
      for (let i = 0; i < 3; i++) {
        clock += HOUR;
        const r = await refreshFeed(deps, feed.id);
        assert.equal(r.status, 'failed');
        delays.push(Date.parse(r.nextCheckAt ?? '') - clock);
      }
      assert.deepEqual(
        delays.map((d) => d / HOUR),
        [1, 2, 4],
      );
      const stored = await store.feeds.get(feed.id);
      assert.equal(stored?.status, 'failing');
      assert.equal(stored?.errorStreak, 3);
      assert.equal(stored?.httpStatus, 500);
      assert.deepEqual(await titles(feed.id), ['Three', 'Two', 'One']);
    });

    it('obeys Retry-After on 429', async () => {
      const p = path('feed.xml');
      server.route(p, statusRoute(429, { headers: { 'retry-after': '7200' } }));
      const feed = await add(p);
      // The fetcher turns Retry-After into a time with its own clock: give it ours.
      const clocked = createFetcher({
        userAgent: 'Earshot/test',
        allowPrivate: true,
        now: () => new Date(clock),
      });
      const r = await refreshFeed({ ...deps, fetcher: clocked, random: () => 0 }, feed.id);
      await clocked.close();
      assert.equal(r.status, 'failed');
      assert.equal(Date.parse(r.nextCheckAt ?? '') - clock, 2 * HOUR);
      assert.deepEqual(await store.feeds.due(new Date(clock + HOUR), 10), []);
    });

    it('keeps every episode when the feed turns into HTML', async () => {
      const p = path('feed.xml');
      server.route(p, feedRoute(small));
      const feed = await add(p);
      await refreshFeed(deps, feed.id);
      server.route(p, htmlRoute());
      clock += HOUR;
      const r = await refreshFeed(deps, feed.id);
      assert.equal(r.error?.code, 'not-a-feed');
      assert.deepEqual(await titles(feed.id), ['Three', 'Two', 'One']);
    });

    it('keeps every episode when the feed shrinks to no items', async () => {
      const p = path('feed.xml');
      server.route(p, feedRoute(small));
      const feed = await add(p);
      await refreshFeed(deps, feed.id);
      server.route(p, feedRoute(small.replace(/<item>[\s\S]*<\/item>/, '')));
      clock += HOUR;
      const r = await refreshFeed(deps, feed.id);
      assert.equal(r.status, 'updated');
      assert.equal(r.vanished, 0);
      const show = await store.shows.getByFeed(feed.id);
      const page = await store.episodes.listForShow(show?.id ?? 0, { includeVanished: false });
      assert.equal(page.items.length, 3);
    });

    it('marks episodes that left a complete feed vanished, never deletes them', async () => {
      const p = path('feed.xml');
      server.route(p, feedRoute(small));
      const feed = await add(p);
      await refreshFeed(deps, feed.id);
      server.route(p, feedRoute(small.replace(/<item>\s*<title>One[\s\S]*?<\/item>/, '')));
      clock += HOUR;
      const r = await refreshFeed(deps, feed.id);
      assert.equal(r.vanished, 1);
      assert.deepEqual(await titles(feed.id), ['Three', 'Two', 'One']);
    });

    it('upserts what a truncated body holds and vanishes nothing', async () => {
      const p = path('feed.xml');
      server.route(p, feedRoute(small));
      const feed = await add(p);
      await refreshFeed(deps, feed.id);
      const cut = small
        .slice(0, small.indexOf('<title>Two</title>') + 30)
        .replace('<title>Three</title>', '<title>Three (edited)</title>');
      server.route(p, feedRoute(cut));
      clock += HOUR;
      const r = await refreshFeed(deps, feed.id);
      assert.equal(r.status, 'updated');
      assert.equal(r.vanished, 0);
      assert.deepEqual(await titles(feed.id), ['Three (edited)', 'Two', 'One']);
      const show = await store.shows.getByFeed(feed.id);
      assert.equal(
        (await store.episodes.listForShow(show?.id ?? 0, { includeVanished: false })).items.length,
        3,
      );
    });

    it('follows itunes:new-feed-url once the new URL parses, and refuses a loop', async () => {
      const oldP = path('old.xml');
      const newP = path('new.xml');
      const withNew = (target: string) =>
        small.replace(
          '<title>Small Feed</title>',
          `<title>Small Feed</title><itunes:new-feed-url>${target}</itunes:new-feed-url>`,
        );
      server.route(oldP, feedRoute(withNew(server.url(newP))));
      server.route(newP, feedRoute(withNew(server.url(oldP))));
      const feed = await add(oldP);
      const r = await refreshFeed(deps, feed.id);
      assert.equal(r.status, 'updated');
      assert.equal(r.url, server.url(newP));
      assert.equal(r.movedFrom, server.url(oldP));
      assert.match(r.newFeedUrlRefused ?? '', /loop/);
      assert.equal((await store.feeds.get(feed.id))?.url, server.url(newP));
      assert.deepEqual(
        (await store.feeds.aliases(feed.id)).map((a) => a.kind),
        ['new-feed-url'],
      );
      assert.equal(await store.episodes.count(), 3);
    });

    it('keeps the URL when the new-feed-url target is broken', async () => {
      const oldP = path('old.xml');
      const newP = path('missing.xml');
      server.route(
        oldP,
        feedRoute(
          small.replace(
            '<title>Small Feed</title>',
            `<title>Small Feed</title><itunes:new-feed-url>${server.url(newP)}</itunes:new-feed-url>`,
          ),
        ),
      );
      const feed = await add(oldP);
      const r = await refreshFeed(deps, feed.id);
      assert.equal(r.status, 'updated');
      assert.equal((await store.feeds.get(feed.id))?.url, server.url(oldP));
      assert.match(r.newFeedUrlRefused ?? '', /404|http/i);
    });

    it('writes a feed larger than one batch without duplicates', async () => {
      const items = Array.from(
        { length: 23 },
        (_, i) =>
          `<item><title>E${i}</title><guid>g${i}</guid><pubDate>${new Date(Date.UTC(2026, 0, 1 + i)).toUTCString()}</pubDate></item>`,
      );
      const body = (list: string[]) =>
        `<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>${list.join('')}</channel></rss>`;
      const p = path('big.xml');
      server.route(p, feedRoute(body(items)));
      const feed = await add(p);
      const r = await refreshFeed({ ...deps, batchSize: 5, spoolThresholdBytes: 256 }, feed.id);
      assert.equal(r.inserted, 23);
      server.route(p, feedRoute(body(items.slice(0, 20))));
      clock += HOUR;
      const again = await refreshFeed({ ...deps, batchSize: 5, spoolThresholdBytes: 256 }, feed.id);
      assert.equal(again.inserted, 0);
      assert.equal(await store.episodes.count(), 23);
    });

    describe('the critical-role feed between two fetches', {
      skip: corpusDir === undefined ? NO_CORPUS : false,
    }, () => {
      it('adds exactly the new episodes and duplicates nothing', async () => {
        const first = readFileSync(corpusPath('feeds/critrolesync/critical-role/feed-2026-07-14.xml'));
        const second = readFileSync(corpusPath('feeds/critrolesync/critical-role/feed-2026-07-21.xml'));
        const p = path('critical-role.xml');
        server.route(p, feedRoute(first));
        const feed = await add(p);
        const r1 = await refreshFeed(deps, feed.id);
        assert.equal(r1.status, 'updated');
        const show = await store.shows.getByFeed(feed.id);
        const guids = async () => {
          const out: string[] = [];
          let cursor: string | undefined;
          do {
            const page = await store.episodes.listForShow(show?.id ?? 0, {
              limit: 500,
              ...(cursor === undefined ? {} : { cursor }),
            });
            out.push(...page.items.map((e) => e.guid));
            cursor = page.next;
          } while (cursor !== undefined);
          return out;
        };
        const before = await guids();
        const parsedFirst = parseFeed({ body: first, url: server.url(p) }).episodes.map((e) => e.guid);
        assert.equal(before.length, new Set(parsedFirst).size);

        server.route(p, feedRoute(second));
        clock += 7 * 24 * HOUR;
        const r2 = await refreshFeed(deps, feed.id);
        assert.equal(r2.status, 'updated');
        const parsedSecond = parseFeed({ body: second, url: server.url(p) }).episodes.map((e) => e.guid);
        const expectedNew = [...new Set(parsedSecond)].filter((g) => !parsedFirst.includes(g));
        assert.ok(expectedNew.length > 0, 'the later feed has new episodes');
        assert.equal(r2.inserted, expectedNew.length);
        const afterGuids = await guids();
        assert.equal(afterGuids.length, new Set(afterGuids).size, 'no duplicates');
        assert.deepEqual(new Set(afterGuids), new Set([...before, ...expectedNew]));
      });
    });
  });
}
