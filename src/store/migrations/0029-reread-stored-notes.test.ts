// Upgrading a database whose episodes were stored before sources (0026) and show-note credits (0027) existed: after
// 0029 the feed's next refresh fetches it unconditionally and re-derives both, where a refresh before it kept the
// episodes as they were (a 304, or the same body skipped). SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { type FeedServer, feedRoute, startFeedServer } from '../../../test/support/feed-server.ts';
import { postgresSkip } from '../../../test/support/postgres.ts';
import { openMigratedDatabase } from '../../../test/support/store-contract-sync.ts';
import { createFetcher, type Fetcher } from '../../feed/fetch/index.ts';
import { refreshFeed } from '../../feed/refresh/refresh.ts';
import { SqlStore } from '../sql/store.ts';

// Asked before any test is declared: a test declared after a top-level await can run after this file's hooks.
const pgSkip = await postgresSkip();

const T0 = new Date('2026-01-01T00:00:00.000Z');
const FEED = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Old Harbour</title><description>Tales.</description>
<item><title>The Lamp</title><guid>lamp-1</guid><pubDate>Mon, 05 Feb 2024 08:00:00 GMT</pubDate>
<enclosure url="https://cdn.example/lamp.mp3" type="audio/mpeg" length="1"/>
<description><![CDATA[<p>With special guest Jane Marlowe, the night the lamp went out.</p>
<p>Sources:</p><ul><li>Knight, Amy. “Beria: Stalin’s First Lieutenant.” Princeton University Press. 1995.</li>
<li>Britannica. "Stakhanov". Encyclopedia Britannica, https://www.britannica.com/place/Stakhanov</li></ul>]]></description>
</item></channel></rss>`;

let server: FeedServer;
let fetcher: Fetcher;
before(async () => {
  server = await startFeedServer();
  server.route('/old-harbour.xml', feedRoute(FEED, { etag: '"v1"' }));
  fetcher = createFetcher({ userAgent: 'Earshot-test/1.0', allowOrigins: [server.origin] });
});
after(async () => {
  await fetcher.close();
  await server.close();
});

/** What the episode has: its sources' titles and the people credited in it. */
async function derived(store: SqlStore, feedId: number): Promise<{ sources: string[]; people: string[] }> {
  const show = await store.shows.getByFeed(feedId);
  const [episode] = (await store.episodes.listForShow(show?.id ?? 0, {})).items;
  const id = episode?.id ?? assert.fail('the episode');
  return {
    sources: (await store.sources.forEpisode(id)).map((c) => c.citation.title ?? c.citation.text),
    people: (await store.people.forEpisode(id)).map((c) => `${c.person.name}:${c.role}`),
  };
}

for (const kind of ['sqlite', 'postgres'] as const) {
  const skip = kind === 'postgres' ? pgSkip : undefined;
  test(`${kind}: 0029 has every feed's next refresh re-derive the sources and credits of stored episodes`, {
    skip: skip ?? false,
  }, async () => {
    let feedId = 0;
    const opened = await openMigratedDatabase(kind, {
      migration: '0029-reread-stored-notes',
      async fill(db, dialect) {
        const store = new SqlStore(db, dialect, false);
        feedId = (await store.feeds.add(server.url('/old-harbour.xml'), T0)).feed.id;
        // Today's code writes each citation's show (migration 0034), a column this older schema lacks: lent for
        // the first refresh, and taken away again with the citations.
        await sql`alter table episode_citations add column show_id integer`.execute(db);
        await refreshFeed({ store, fetcher }, feedId);
        // As a database from before 0026/0027 holds the episode: no sources, no credits from its notes.
        await sql`delete from episode_citations`.execute(db);
        await sql`alter table episode_citations drop column show_id`.execute(db);
        await sql`delete from episode_persons`.execute(db);
        assert.deepEqual(await derived(store, feedId), { sources: [], people: [] });
        // A refresh now changes nothing: the server answers 304 to the stored validator.
        await refreshFeed({ store, fetcher }, feedId);
        assert.deepEqual(await derived(store, feedId), { sources: [], people: [] });
      },
    });
    try {
      const store = new SqlStore(opened.db, opened.dialect, false);
      const before = server.requestsFor('/old-harbour.xml').length;
      await refreshFeed({ store, fetcher }, feedId);
      const sent = server.requestsFor('/old-harbour.xml').slice(before);
      assert.equal(sent.length, 1);
      assert.equal(
        sent[0]?.headers['if-none-match'],
        undefined,
        'unconditional: the whole body is read again',
      );
      assert.deepEqual(await derived(store, feedId), {
        sources: ['Beria: Stalin’s First Lieutenant', 'Stakhanov'],
        people: ['Jane Marlowe:guest'],
      });
    } finally {
      await opened.close();
    }
  });
}
