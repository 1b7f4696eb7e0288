// Upgrading a database that holds one feed under several spellings (built at the state before 0015, with the
// repositories of that schema): one feed is left, and nothing a listener had is lost. SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { postgresSkip } from '../../../test/support/postgres.ts';
import { openMigratedDatabase } from '../../../test/support/store-contract-sync.ts';
import { createAccount } from '../../services/passwords.ts';
import { SqlStore } from '../sql/store.ts';

// Asked before any test is declared: a test declared after a top-level await can run after this file's hooks.
const pgSkip = await postgresSkip();

const T0 = new Date('2026-01-01T00:00:00.000Z');
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);
const episodes = (guids: string[]) =>
  guids.map((guid) => ({
    guid,
    guidSource: 'guid' as const,
    title: `Episode ${guid}`,
    enclosure: { url: `https://cdn.example/${guid}.mp3` },
  }));

interface Seeded {
  alice: number;
  bob: number;
  oldest: number;
  oldestEpisodes: Map<string, number>;
  duplicateEpisodes: Map<string, number>;
}

for (const kind of ['sqlite', 'postgres'] as const) {
  const skip = kind === 'postgres' ? pgSkip : undefined;
  test(`${kind}: 0015 merges feeds that are one under the feed-URL rule, keeping everything listeners had`, {
    skip: skip ?? false,
  }, async () => {
    let seeded: Seeded | undefined;
    const opened = await openMigratedDatabase(kind, {
      migration: '0015-merge-duplicate-feeds',
      async fill(db, dialect) {
        const store = new SqlStore(db, dialect, false);
        const { library, users } = store.listeners;
        const alice = (await createAccount(users, { name: 'alice', password: 'alice password' }, T0)).id;
        const bob = (await createAccount(users, { name: 'bob', password: 'bob password' }, T0)).id;
        // The oldest spelling (with an empty `?`) has a show of g1, g2; the web added `…/feed` later (g1–g3);
        // a phone's `HTTPS://…:443/feed#x` was never fetched. Another feed stays as it is.
        const oldest = (await store.feeds.add('https://shows.example/feed?', at(0))).feed.id;
        const duplicate = (await store.feeds.add('https://shows.example/feed', at(1))).feed.id;
        const unfetched = (await store.feeds.add('HTTPS://Shows.Example:443/feed#x', at(2))).feed.id;
        const other = (await store.feeds.add('https://other.example/feed', at(3))).feed.id;
        await store.feeds.add('http://Lone.Example/x?', at(4));
        await store.feeds.addAlias(duplicate, 'https://old-host.example/feed', 'redirect', at(5));
        const showOf = async (feedId: number, guids: string[]) => {
          const { show } = await store.shows.upsert(feedId, { format: 'rss', title: 'Shows' }, at(6));
          await store.episodes.upsertForShow(show.id, episodes(guids), { now: at(6), complete: true });
          const page = await store.episodes.listForShow(show.id, { order: 'oldest' });
          return new Map(page.items.map((e) => [e.guid, e.id]));
        };
        const oldestEpisodes = await showOf(oldest, ['g1', 'g2']);
        const duplicateEpisodes = await showOf(duplicate, ['g1', 'g2', 'g3']);
        await showOf(other, ['o1']);
        const ep = (map: Map<string, number>, guid: string) => map.get(guid) ?? assert.fail(guid);

        await library.follow(alice, duplicate, at(10));
        await library.follow(bob, oldest, at(10));
        await library.follow(bob, unfetched, at(11));
        // alice listened to g1 on both copies (the duplicate's is newer); bob to g2 and g3 on the duplicate only.
        await library.savePosition(alice, ep(oldestEpisodes, 'g1'), 50, at(20), 30);
        await library.savePosition(alice, ep(duplicateEpisodes, 'g1'), 100, at(21), 60);
        await library.savePosition(bob, ep(duplicateEpisodes, 'g2'), 70, at(22));
        await library.setPlayed(bob, ep(duplicateEpisodes, 'g3'), true, at(23));
        await library.enqueue(alice, ep(duplicateEpisodes, 'g2'), at(24));
        await library.enqueue(alice, ep(oldestEpisodes, 'g1'), at(25));
        await store.sync.changeSubscriptions(
          alice,
          { add: ['https://shows.example/feed'], remove: [] },
          1_000,
        );
        await store.sync.setSubscriptionFeed(alice, 'https://shows.example/feed', duplicate);
        await store.sync.appendActions(
          alice,
          [
            {
              podcast: 'https://shows.example/feed',
              episode: 'https://cdn.example/g1.mp3',
              action: 'play',
              timestampMs: 5_000,
              position: 100,
              episodeRef: ep(duplicateEpisodes, 'g1'),
            },
          ],
          2_000,
        );
        await store.jobs.enqueue({ kind: 'refresh-feed', key: String(duplicate), runAt: at(30) }, at(30));
        seeded = { alice, bob, oldest, oldestEpisodes, duplicateEpisodes };
      },
    });
    try {
      assert.ok(seeded);
      const { alice, bob, oldest, oldestEpisodes, duplicateEpisodes } = seeded;
      const ep = (guid: string) => oldestEpisodes.get(guid) ?? assert.fail(guid);
      const store = new SqlStore(opened.db, opened.dialect, false);
      const { library } = store.listeners;

      // One feed, the oldest, under the rule's spelling; every old spelling still finds it.
      assert.deepEqual((await store.feeds.list()).map((l) => l.feed.url).sort(), [
        'http://lone.example/x',
        'https://other.example/feed',
        'https://shows.example/feed',
      ]);
      for (const url of [
        'https://shows.example/feed',
        'https://shows.example/feed?',
        'HTTPS://Shows.Example:443/feed#x',
        'https://old-host.example/feed',
      ]) {
        assert.equal((await store.feeds.findByUrl(url))?.id, oldest, url);
      }
      assert.equal((await store.feeds.findByUrl('http://Lone.Example/x?'))?.url, 'http://lone.example/x');

      // The show has the episodes of both copies, g1 and g2 once.
      const show = (await store.shows.getByFeed(oldest)) ?? assert.fail('no show');
      const page = await store.episodes.listForShow(show.id, { order: 'oldest' });
      assert.deepEqual(page.items.map((e) => e.guid).sort(), ['g1', 'g2', 'g3']);
      assert.equal((await store.shows.get(show.id))?.episodeCount, 3);
      const g3 = duplicateEpisodes.get('g3') ?? assert.fail('g3');
      assert.ok(
        page.items.some((e) => e.id === g3),
        'an episode only the duplicate had moves over',
      );

      // Follows, progress (the newer position), played state, queue, sync list and actions all point at it.
      assert.deepEqual(
        (await library.following(alice)).map((f) => f.feedId),
        [oldest],
      );
      assert.deepEqual(
        (await library.following(bob)).map((f) => f.feedId),
        [oldest],
      );
      assert.equal((await library.progress(alice, ep('g1')))?.positionSeconds, 100);
      assert.equal((await library.progress(bob, ep('g2')))?.positionSeconds, 70);
      assert.equal((await library.progress(bob, g3))?.played, true);
      assert.deepEqual(
        (await library.queue(alice)).map((q) => q.episodeId),
        [ep('g2'), ep('g1')],
      );
      assert.deepEqual(await store.sync.subscriptions(alice), [
        { url: 'https://shows.example/feed', feedId: oldest },
      ]);
      const [action] = await store.sync.listActions(alice, { sinceMs: 0, untilMs: 10_000 });
      assert.equal(action?.episodeRef, ep('g1'));
      const listened = (await library.signals(T0))
        .filter((s) => s.kind === 'listen' && s.showId === show.id)
        .reduce((sum, s) => sum + s.amount, 0);
      assert.equal(listened, 90, "both copies' listening counts for the show");
      const jobs = await sql<{ n: number }>`select count(*) as n from jobs`.execute(opened.db);
      assert.equal(Number(jobs.rows[0]?.n), 0, 'no refresh job left for a deleted feed');
    } finally {
      await opened.close();
    }
  });
}
