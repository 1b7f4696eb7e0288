// The media-text service against a loopback HTTP server through the real Fetcher, with a real database:
// SQLite always, PostgreSQL when it answers (a throw-away schema per test).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { corpusDir, NO_CORPUS, sharedDir } from '../../test/support/corpus.ts';
import { type FeedServer, feedRoute, startFeedServer, statusRoute } from '../../test/support/feed-server.ts';
import { postgresSkip } from '../../test/support/postgres.ts';
import { openMigratedDatabase } from '../../test/support/store-contract-sync.ts';
import type { TranscriptLink } from '../domain/episode.ts';
import { createFetcher, type Fetcher } from '../feed/fetch/index.ts';
import { parseFeed } from '../feed/parse/index.ts';
import { createMediaTextRepository } from '../store/sql/media-text.ts';
import { SqlStore } from '../store/sql/store.ts';
import { createMediaTextService, type MediaTextServiceDeps, rankTranscripts } from './media-text.ts';

// Asked before any test is declared: a test declared after a top-level await can run after this file's hooks.
const pgSkip = await postgresSkip();

const testdata = (name: string): Buffer =>
  readFileSync(join(import.meta.dirname, '../media-text/testdata', name));

type Db = Awaited<ReturnType<typeof openMigratedDatabase>>;

/** Stores one episode offering `transcripts`; returns its id. */
async function storeEpisode(db: Db, transcripts: TranscriptLink[]): Promise<number> {
  const store = new SqlStore(db.db, db.dialect, false);
  const now = new Date('2026-11-27T12:00:00Z');
  const { feed } = await store.feeds.add(
    `https://feeds.example.test/${randomBytes(4).toString('hex')}.xml`,
    now,
  );
  const { show } = await store.shows.upsert(feed.id, { format: 'rss', title: 'Harbour & Hills' }, now);
  await store.episodes.upsertForShow(
    show.id,
    [{ guid: 'ep-12', guidSource: 'guid', title: 'Tides', transcripts }],
    {
      now,
      complete: true,
    },
  );
  const page = await store.episodes.listForShow(show.id);
  const id = page.items[0]?.id;
  assert.ok(id !== undefined);
  return id;
}

const pngBytes = new Uint8Array([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52,
]);

function suite(kind: 'sqlite' | 'postgres', skip: string | undefined): void {
  describe(`media-text service on ${kind}`, { skip: skip ?? false }, () => {
    let server: FeedServer;
    let fetcher: Fetcher;
    before(async () => {
      server = await startFeedServer();
      fetcher = createFetcher({ userAgent: 'Earshot-test/0 (+https://earshot.invalid)', allowPrivate: true });
    });
    after(async () => {
      await fetcher.close();
      await server.close();
    });

    async function withService(
      fn: (ctx: {
        db: Db;
        service: ReturnType<typeof createMediaTextService>;
        clock: { now: Date };
        deps: MediaTextServiceDeps;
      }) => Promise<void>,
    ): Promise<void> {
      const db = await openMigratedDatabase(kind);
      try {
        const clock = { now: new Date('2026-11-27T12:00:00Z') };
        const deps: MediaTextServiceDeps = {
          fetcher,
          // The whole Store, as the composition root passes it.
          store: new SqlStore(db.db, db.dialect, false),
          now: () => clock.now,
          ttlMs: 24 * 3600_000,
          errorTtlMs: 10 * 60_000,
        };
        await fn({ db, service: createMediaTextService(deps), clock, deps });
      } finally {
        await db.close();
      }
    }

    const path = (name: string): string => `/${kind}/${randomBytes(4).toString('hex')}/${name}`;

    it('fetches a VTT once, returns its cues, and serves it from the database afterwards (even after a restart)', async () => {
      await withService(async ({ service, deps }) => {
        const p = path('t.vtt');
        server.route(p, feedRoute(testdata('styled.vtt'), { contentType: 'text/vtt' }));
        const episode = { transcripts: [{ url: server.url(p), type: 'text/vtt', language: 'en' }] };
        const first = await service.transcriptFor(episode);
        assert.equal(first.state, 'ok');
        if (first.state !== 'ok') return;
        assert.equal(first.timed, true);
        assert.deepEqual(first.cues[0], {
          start: 5.25,
          end: 9,
          speaker: 'Ana María',
          text: 'Welcome back to Harbour & Hills.',
        });
        assert.equal(first.cues.length, 3);
        assert.deepEqual(await service.transcriptFor(episode), first);
        const restarted = createMediaTextService(deps);
        assert.deepEqual(await restarted.transcriptFor(episode), first);
        assert.equal(server.requestsFor(p).length, 1);
      });
    });

    it('memory in front of the database is bounded: what does not fit is read from the database', async () => {
      await withService(async ({ deps, clock }) => {
        const p = path('memory.vtt');
        server.route(p, feedRoute(testdata('styled.vtt'), { contentType: 'text/vtt' }));
        const episode = { transcripts: [{ url: server.url(p), type: 'text/vtt' }] };
        const roomy = createMediaTextService(deps);
        const tiny = createMediaTextService({ ...deps, memoryBytes: 100 });
        assert.equal((await roomy.transcriptFor(episode)).state, 'ok');
        assert.equal((await tiny.transcriptFor(episode)).state, 'ok');
        assert.equal(server.requestsFor(p).length, 1);
        // Another process found the file expired (the row says so): only the service that did not keep it looks again.
        const row = await deps.store.mediaText.get('transcript', server.url(p));
        assert.ok(row !== undefined);
        await deps.store.mediaText.put({
          ...row,
          expiresAt: new Date(clock.now.getTime() - 1).toISOString(),
        });
        assert.equal((await roomy.transcriptFor(episode)).state, 'ok');
        assert.equal(server.requestsFor(p).length, 1);
        assert.equal((await tiny.transcriptFor(episode)).state, 'ok');
        assert.equal(server.requestsFor(p).length, 2);
      });
    });

    it('concurrent page views of the same transcript share one fetch', async () => {
      await withService(async ({ service }) => {
        const p = path('slow.srt');
        const route = feedRoute(testdata('sloppy.srt'), { contentType: 'application/x-subrip' });
        server.route(p, (req, res) => {
          setTimeout(() => void route(req, res), 100);
        });
        const episode = { transcripts: [{ url: server.url(p), type: 'application/x-subrip' }] };
        const results = await Promise.all(Array.from({ length: 8 }, () => service.transcriptFor(episode)));
        assert.equal(server.requestsFor(p).length, 1);
        for (const r of results) {
          assert.equal(r.state, 'ok');
          if (r.state === 'ok') assert.equal(r.cues[0]?.speaker, 'Dr. Jane Doe');
        }
      });
    });

    it('with waitMs a slow host gives "pending" at once; the fetch goes on and the next view has the cues', async () => {
      await withService(async ({ service }) => {
        const p = path('stuck.vtt');
        const route = feedRoute(testdata('styled.vtt'), { contentType: 'text/vtt' });
        let release: () => void = () => {};
        const released = new Promise<void>((resolve) => {
          release = resolve;
        });
        server.route(p, async (req, res) => {
          await released;
          await route(req, res);
        });
        const episode = { transcripts: [{ url: server.url(p), type: 'text/vtt' }] };
        assert.deepEqual(await service.transcriptFor(episode, { waitMs: 20 }), {
          state: 'pending',
          url: server.url(p),
          type: 'text/vtt',
        });
        const chapterSources = {
          chapters: { url: server.url(p), type: 'application/json' },
          inlineChapters: [{ startSeconds: 0, title: 'Only' }],
        };
        const chapters = await service.chaptersFor(chapterSources, { waitMs: 20 });
        assert.deepEqual(chapters, {
          state: 'ok',
          source: 'podlove',
          chapters: [{ start: 0, title: 'Only' }],
        });
        release();
        const later = await service.transcriptFor(episode);
        assert.equal(later.state, 'ok');
        // Waits for the chapters fetch still going on (on a loaded machine it may not have reached the host yet).
        await service.chaptersFor(chapterSources);
        assert.equal(server.requestsFor(p).length, 2); // one transcript fetch, one chapters fetch
      });
    });

    it('picks a timed transcript in the wanted language and fetches only that one', async () => {
      await withService(async ({ service }) => {
        const txt = path('t.txt');
        const html = path('t.html');
        const de = path('de.vtt');
        const en = path('en.json');
        server.route(en, feedRoute(testdata('words.json'), { contentType: 'application/json' }));
        const episode = {
          transcripts: [
            { url: server.url(txt), type: 'text/plain', language: 'en' },
            { url: server.url(html), type: 'text/html', language: 'en' },
            { url: server.url(de), type: 'text/vtt', language: 'de' },
            { url: server.url(en), type: 'application/json', language: 'en-GB' },
          ],
        };
        const result = await service.transcriptFor(episode, { language: 'en-US' });
        assert.equal(result.state, 'ok');
        if (result.state !== 'ok') return;
        assert.equal(result.url, server.url(en));
        assert.equal(result.cues[0]?.text, 'So tides matter.');
        for (const other of [txt, html, de]) assert.equal(server.requestsFor(other).length, 0);
      });
    });

    it('a failed fetch says unavailable, is remembered briefly, then retried; a later candidate is tried meanwhile', async () => {
      await withService(async ({ service, clock }) => {
        const missing = path('missing.vtt');
        server.route(missing, statusRoute(404));
        const only = { transcripts: [{ url: server.url(missing), type: 'text/vtt' }] };
        const failed = await service.transcriptFor(only);
        assert.deepEqual(failed, {
          state: 'unavailable',
          url: server.url(missing),
          type: 'text/vtt',
          code: 'http-status',
        });
        assert.deepEqual(await service.transcriptFor(only), failed);
        assert.equal(server.requestsFor(missing).length, 1);

        clock.now = new Date(clock.now.getTime() + 11 * 60_000);
        server.route(missing, feedRoute(testdata('styled.vtt'), { contentType: 'text/vtt' }));
        const healed = await service.transcriptFor(only);
        assert.equal(healed.state, 'ok');
        assert.equal(server.requestsFor(missing).length, 2);

        const broken = path('broken.vtt');
        const good = path('good.srt');
        server.route(broken, statusRoute(500));
        server.route(good, feedRoute(testdata('sloppy.srt'), { contentType: 'application/srt' }));
        const fallback = await service.transcriptFor({
          transcripts: [
            { url: server.url(broken), type: 'text/vtt' },
            { url: server.url(good), type: 'application/srt' },
          ],
        });
        assert.equal(fallback.state, 'ok');
        if (fallback.state === 'ok') assert.equal(fallback.url, server.url(good));
      });
    });

    it('garbage is unavailable with the format error code, and nothing throws', async () => {
      await withService(async ({ service }) => {
        const p = path('audio.vtt');
        server.route(p, feedRoute(pngBytes, { contentType: 'text/vtt' }));
        const result = await service.transcriptFor({
          transcripts: [{ url: server.url(p), type: 'text/vtt' }],
        });
        assert.equal(result.state, 'unavailable');
        if (result.state === 'unavailable') assert.equal(result.code, 'binary');
        const odd = await service.transcriptFor({
          transcripts: [{ url: 'ftp://x.test/t.vtt', type: 'text/vtt' }],
        });
        assert.equal(odd.state, 'unavailable');
        if (odd.state === 'unavailable') assert.equal(odd.code, 'unsupported-url');
        assert.deepEqual(await service.transcriptFor({}), { state: 'none' });
      });
    });

    it('after the TTL it revalidates with If-None-Match; a 304 keeps the cues, a failure keeps the old ones', async () => {
      await withService(async ({ service, clock }) => {
        const p = path('reval.vtt');
        server.route(p, feedRoute(testdata('styled.vtt'), { contentType: 'text/vtt', etag: '"v1"' }));
        const episode = { transcripts: [{ url: server.url(p), type: 'text/vtt' }] };
        const first = await service.transcriptFor(episode);
        clock.now = new Date(clock.now.getTime() + 25 * 3600_000);
        assert.deepEqual(await service.transcriptFor(episode), first);
        const requests = server.requestsFor(p);
        assert.equal(requests.length, 2);
        assert.equal(requests[1]?.headers['if-none-match'], '"v1"');

        clock.now = new Date(clock.now.getTime() + 25 * 3600_000);
        server.route(p, statusRoute(503));
        assert.deepEqual(await service.transcriptFor(episode), first);
        assert.equal(server.requestsFor(p).length, 3);
      });
    });

    it('records the transcript text of a stored episode for search', async () => {
      await withService(async ({ service, db }) => {
        const p = path('search.vtt');
        server.route(p, feedRoute(testdata('styled.vtt'), { contentType: 'text/vtt' }));
        const transcripts = [{ url: server.url(p), type: 'text/vtt', language: 'en' }];
        const id = await storeEpisode(db, transcripts);
        assert.equal(await service.transcriptText(id), undefined);
        await service.transcriptFor({ id, transcripts });
        const text = await service.transcriptText(id);
        assert.ok(text?.includes('Welcome back to Harbour & Hills.'));
        assert.ok(text?.includes('A cue with no voice over two lines <verbatim>'));
        // An id the store does not know is ignored, not an error.
        const ghost = await service.transcriptFor({ id: 987654, transcripts });
        assert.equal(ghost.state, 'ok');
      });
    });

    it("finds the moment a search's words are said, from the cache only (memory, then the database)", async () => {
      await withService(async ({ service, deps, db }) => {
        const p = path('moment.vtt');
        server.route(p, feedRoute(testdata('styled.vtt'), { contentType: 'text/vtt' }));
        const transcripts = [{ url: server.url(p), type: 'text/vtt' }];
        const id = await storeEpisode(db, transcripts);
        assert.equal(await service.momentFor(id, 'verbatim'), undefined, 'nothing fetched yet: no moment');
        assert.equal(server.requestsFor(p).length, 0, 'and no fetch for it');
        await service.transcriptFor({ id, transcripts });
        assert.deepEqual(await service.momentFor(id, 'glad here'), {
          startSeconds: 9,
          speaker: 'Ben',
          text: 'Thanks, Ana. Glad to be here.',
        });
        // A new process (an empty memory) reads the moment from the database.
        const fresh = createMediaTextService(deps);
        assert.equal((await fresh.momentFor(id, 'verbatim'))?.startSeconds, 3723);
        assert.equal(await fresh.momentFor(id, 'zeppelin'), undefined);
        assert.equal(server.requestsFor(p).length, 1);
      });
    });

    it("finds a page's moments from the stored text and its cues' marks alone, once fetched", async () => {
      await withService(async ({ service, deps, db }) => {
        const paths = [path('marks-a.vtt'), path('marks-b.vtt'), path('marks.txt')] as const;
        server.route(paths[0], feedRoute(testdata('styled.vtt'), { contentType: 'text/vtt' }));
        server.route(paths[1], feedRoute(testdata('styled.vtt'), { contentType: 'text/vtt' }));
        server.route(paths[2], feedRoute(testdata('plain.txt'), { contentType: 'text/plain' }));
        const offered = paths.map((p) => [
          { url: server.url(p), type: p.endsWith('.txt') ? 'text/plain' : 'text/vtt' },
        ]);
        const ids: number[] = [];
        for (const transcripts of offered) {
          const id = await storeEpisode(db, transcripts);
          await service.transcriptFor({ id, transcripts });
          ids.push(id);
        }
        const [a, b, c] = ids as [number, number, number];
        // The cached files are gone: what is found comes from the episodes' rows.
        for (const url of paths.map((p) => server.url(p)))
          await deps.store.mediaText.put({
            kind: 'transcript',
            url,
            fetchedAt: '2026-11-27T12:00:00.000Z',
            expiresAt: '2026-11-27T12:00:00.000Z',
            errorCode: 'gone',
          });
        const fresh = createMediaTextService(deps);
        const moments = await fresh.momentsFor([a, b, c, 987654], 'verbatim');
        assert.deepEqual([...moments.keys()].sort(), [a, b].sort(), 'an untimed transcript has no moment');
        assert.deepEqual(moments.get(a), {
          startSeconds: 3723,
          text: 'A cue with no voice over two lines <verbatim>',
        });
        assert.deepEqual(await fresh.momentFor(a, 'glad here'), {
          startSeconds: 9,
          speaker: 'Ben',
          text: 'Thanks, Ana. Glad to be here.',
        });
        assert.deepEqual(await fresh.momentsFor([], 'verbatim'), new Map());
      });
    });

    it('finds the moment of a text stored without marks (before migration 0035) from the cached file', async () => {
      await withService(async ({ service, deps, db }) => {
        const p = path('unmarked.vtt');
        server.route(p, feedRoute(testdata('styled.vtt'), { contentType: 'text/vtt' }));
        const transcripts = [{ url: server.url(p), type: 'text/vtt' }];
        const id = await storeEpisode(db, transcripts);
        await service.transcriptFor({ id, transcripts });
        const row = await deps.store.mediaText.getEpisodeText(id);
        assert.ok(row?.cues !== undefined, 'stored with its marks');
        const { cues: _marks, ...unmarked } = row;
        await deps.store.mediaText.putEpisodeText(unmarked);
        const fresh = createMediaTextService(deps);
        assert.deepEqual(await fresh.momentFor(id, 'glad here'), {
          startSeconds: 9,
          speaker: 'Ben',
          text: 'Thanks, Ana. Glad to be here.',
        });
        assert.equal(await fresh.momentFor(id, 'zeppelin'), undefined);
      });
    });

    it('chapters: JSON fetched and cached, Podlove needs no fetch and backs up a broken JSON file', async () => {
      await withService(async ({ service }) => {
        const p = path('chapters.json');
        server.route(p, feedRoute(testdata('chapters.json'), { contentType: 'application/json+chapters' }));
        const json = await service.chaptersFor({
          chapters: { url: server.url(p), type: 'application/json+chapters' },
        });
        assert.equal(json.state, 'ok');
        if (json.state !== 'ok') return;
        assert.equal(json.source, 'json');
        assert.deepEqual(
          json.chapters.map((c) => [c.start, c.title, c.end]),
          [
            [0, 'Intro', 60],
            [120, 'Listener mail', 300],
            [300, 'Tides', 600],
            [420.5, undefined, 600],
            [600, 'Outro', undefined],
          ],
        );
        assert.equal(json.chapters[2]?.image, server.url(`${p.replace(/chapters\.json$/, '')}art/tides.jpg`));
        await service.chaptersFor({ chapters: { url: server.url(p), type: 'application/json+chapters' } });
        assert.equal(server.requestsFor(p).length, 1);

        const before = server.requests.length;
        const inline = [
          { startSeconds: 90, title: 'Second' },
          { startSeconds: 0, title: 'First', href: 'https://example.test/1' },
        ];
        const podlove = await service.chaptersFor({ inlineChapters: inline });
        assert.deepEqual(podlove, {
          state: 'ok',
          source: 'podlove',
          chapters: [
            { start: 0, title: 'First', url: 'https://example.test/1', end: 90 },
            { start: 90, title: 'Second' },
          ],
        });
        assert.equal(server.requests.length, before);

        const gone = path('gone.json');
        server.route(gone, statusRoute(410));
        const backed = await service.chaptersFor({
          chapters: { url: server.url(gone), type: 'application/json' },
          inlineChapters: inline,
        });
        assert.equal(backed.state, 'ok');
        if (backed.state === 'ok') assert.equal(backed.source, 'podlove');
        assert.deepEqual(
          await service.chaptersFor({ chapters: { url: server.url(gone), type: 'application/json' } }),
          {
            state: 'unavailable',
            code: 'gone',
          },
        );
        assert.deepEqual(await service.chaptersFor({}), { state: 'none' });
      });
    });

    it('a database that fails (closed, or missing tables) costs the cache, never the page', async () => {
      const db = await openMigratedDatabase(kind);
      const repo = createMediaTextRepository(db.db, db.dialect);
      await db.close();
      const p = path('nodb.vtt');
      server.route(p, feedRoute(testdata('styled.vtt'), { contentType: 'text/vtt' }));
      const service = createMediaTextService({ fetcher, store: { mediaText: repo }, now: () => new Date() });
      const result = await service.transcriptFor({
        id: 1,
        transcripts: [{ url: server.url(p), type: 'text/vtt' }],
      });
      assert.equal(result.state, 'ok');
      assert.equal(await service.transcriptText(1), undefined);
    });

    it('root-relative demo files are read through readLocal, never fetched', async () => {
      await withService(async ({ deps }) => {
        const service = createMediaTextService({
          ...deps,
          readLocal: async (url) =>
            url === '/demo-assets/t.vtt'
              ? { body: testdata('styled.vtt'), contentType: 'text/vtt' }
              : undefined,
        });
        const ok = await service.transcriptFor({
          transcripts: [{ url: '/demo-assets/t.vtt', type: 'text/vtt' }],
        });
        assert.equal(ok.state, 'ok');
        const missing = await service.transcriptFor({
          transcripts: [{ url: '/demo-assets/nope.vtt', type: 'text/vtt' }],
        });
        assert.equal(missing.state === 'unavailable' && missing.code, 'unsupported-url');
      });
    });

    it('the reference show transcript served over HTTP gives the opening cues', async (t) => {
      const file =
        sharedDir === undefined
          ? undefined
          : join(sharedDir, 'fixtures', 'reference-show', 'unearthed-in-july-2017.vtt');
      if (file === undefined || !existsSync(file)) {
        t.skip('the shared reference show is absent');
        return;
      }
      await withService(async ({ service }) => {
        const p = path('unearthed-in-july-2017.vtt');
        server.route(p, feedRoute({ file }, { contentType: 'text/vtt' }));
        const result = await service.transcriptFor(
          { transcripts: [{ url: server.url(p), type: 'text/vtt', language: 'en' }] },
          { language: 'en' },
        );
        assert.equal(result.state, 'ok');
        if (result.state !== 'ok') return;
        assert.deepEqual(
          result.cues.map((c) => [c.start, c.end]),
          [
            [1, 23],
            [23, 47],
            [47, 68],
          ],
        );
        assert.match(result.cues[0]?.text ?? '', /I'm Tracy V\. Wilson and I'm Holly Frey\./);
      });
    });
  });
}

suite('sqlite', undefined);
suite('postgres', pgSkip);

describe('rankTranscripts', () => {
  it('prefers the language, then timed formats, then feed order', () => {
    const ranked = rankTranscripts(
      [
        { url: 'https://x.test/a.txt', type: 'text/plain' },
        { url: 'https://x.test/b', type: 'text/html' },
        { url: 'https://x.test/c.srt', type: 'application/octet-stream' },
        { url: 'https://x.test/d.vtt', type: 'text/vtt', language: 'fr' },
        { url: 'https://x.test/e', type: 'application/x-unknown', rel: 'captions' },
      ],
      'en',
    );
    assert.deepEqual(
      ranked.map((t) => t.url.slice(-5)),
      ['c.srt', 'est/e', 'est/b', 'a.txt', 'd.vtt'],
    );
  });
});

describe('media-text service on real corpus feeds', {
  skip: corpusDir === undefined ? NO_CORPUS : false,
}, () => {
  const corpus = (relative: string): Buffer => readFileSync(join(corpusDir ?? '', relative));
  const parsed = (relative: string) =>
    parseFeed({ body: corpus(relative), url: 'https://example.com/feed.xml' });

  it('the spec example feed: an English show gets its English text transcript, a Spanish listener the Spanish VTT', async () => {
    const server = await startFeedServer();
    const fetcher = createFetcher({
      userAgent: 'Earshot-test/0 (+https://earshot.invalid)',
      allowPrivate: true,
    });
    const db = await openMigratedDatabase('sqlite');
    try {
      const { feed, episodes } = parsed('feeds/podcast-namespace/example.xml');
      const episode = episodes.find((e) => e.title === 'Episode 3 - The Future');
      assert.ok(episode?.transcripts !== undefined && feed.language !== undefined);
      // The feed's example.com URLs are served by the loopback server, with the corpus' own transcript files.
      const transcripts = episode.transcripts.map((t) => ({
        ...t,
        url: server.url(new URL(t.url).pathname),
      }));
      server.route(
        '/ep3/transcript.txt',
        feedRoute('Sarah: Hello.\n\nGillian: Hi there.', { contentType: 'text/plain' }),
      );
      server.route(
        '/episode1/transcript.vtt',
        feedRoute(corpus('feeds/podcast-namespace/transcripts/example.vtt'), { contentType: 'text/vtt' }),
      );
      const service = createMediaTextService({
        fetcher,
        store: { mediaText: createMediaTextRepository(db.db, db.dialect) },
        now: () => new Date(),
      });
      const english = await service.transcriptFor({ transcripts }, { language: feed.language });
      assert.equal(english.state === 'ok' && english.timed, false);
      assert.deepEqual(english.state === 'ok' ? english.cues.map((c) => c.speaker) : [], [
        'Sarah',
        'Gillian',
      ]);
      const spanish = await service.transcriptFor({ transcripts }, { language: 'es' });
      assert.equal(spanish.state === 'ok' && spanish.cues[5]?.speaker, 'Gillian');
      assert.equal(spanish.state === 'ok' && spanish.cues[5]?.start, 19.08);
    } finally {
      await db.close();
      await fetcher.close();
      await server.close();
    }
  });

  it('Podlove chapters of a real feed (CRE) need no fetch and end where the next begins', async () => {
    const { episodes } = parsed('feeds/feedjira/CRE.xml');
    const episode = episodes.find((e) => e.title === 'CRE207 Planetarien');
    assert.ok(episode !== undefined);
    const fetchResource = async (): Promise<never> => {
      throw new Error('Podlove chapters must not be fetched');
    };
    const db = await openMigratedDatabase('sqlite');
    const service = createMediaTextService({
      fetcher: { fetchResource },
      store: { mediaText: createMediaTextRepository(db.db, db.dialect) },
      now: () => new Date(),
    });
    const result = await service.chaptersFor(episode);
    await db.close();
    assert.equal(result.state, 'ok');
    if (result.state !== 'ok') return;
    assert.equal(result.source, 'podlove');
    assert.deepEqual(result.chapters[0], {
      start: 26.407,
      end: 50,
      title: 'Neil DeGrasse Tyson on Science',
      url: 'https://example.com/',
      image: 'https://pics.example.com/pic.png',
    });
    assert.deepEqual(
      result.chapters.slice(1, 3).map((c) => [c.start, c.title]),
      [
        [50, 'Int NTP example'],
        [59.12, 'Floating NTP example'],
      ],
    );
  });
});
