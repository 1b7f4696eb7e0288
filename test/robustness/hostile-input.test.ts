// Hostile input (issue 12, findings 1 and 4): markup nested 100,000 deep on every path that parses markup (show notes
// at ingest, an HTML transcript on an episode page's first view, an OPML upload from a sync app) and a gzip body that
// decodes to a 50-million-character description. Each is processed in linear time with nesting flattened past
// MAX_MARKUP_DEPTH and texts cut to their limits, reported as feed problems; the server keeps answering /healthz
// meanwhile, and no page renders an unbounded string.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { MAX_DESCRIPTION_CHARS } from '../../src/domain/limits.ts';
import { type FeedServer, feedRoute, startFeedServer } from '../support/feed-server.ts';
import { addListener, type Booted, basic, bootRealServer } from './server.ts';

/**
 * The slowest /healthz answer allowed while hostile input is processed. The issue asks for 100 ms, and on a quiet
 * 2-core machine the slowest answers here are 5–42 ms. This file runs alone (the test runner's ALONE list), but a
 * machine shared with other work takes the process off the CPU for 100–200 ms at a time whatever it does; 250 ms
 * leaves room for that and still fails clearly on the code before the fix, which held the event loop for 4–14 s on
 * each of these inputs.
 */
const HEALTHZ_MS = 250;
const DEPTH = 100_000;

let booted: Booted;
let feeds: FeedServer;

before(async () => {
  // The feeds live on a loopback server: private addresses allowed, as for a home network.
  booted = await bootRealServer({ env: { EARSHOT_ALLOW_PRIVATE_FEEDS: '1' } });
  feeds = await startFeedServer();
});
after(async () => {
  await feeds?.close();
  await booted?.close();
});

/** Pause between two /healthz probes. */
const PROBE_EVERY_MS = 10;

/**
 * Runs `work` while asking /healthz every PROBE_EVERY_MS; returns what `work` returned and the longest wait for an
 * answer. A probe cannot even be sent while the event loop is held, so a wait is counted from when the probe was due
 * (the previous answer plus the pause), not from when it went out; a pause that ends late counts as such a wait.
 */
async function whileProbing<T>(
  work: () => Promise<T>,
): Promise<{ result: T; slowest: number; probes: number }> {
  let done = false;
  let slowest = 0;
  let probes = 0;
  const probing = (async () => {
    let due = performance.now();
    while (!done) {
      const res = await booted.server.inject({ method: 'GET', url: '/healthz' });
      assert.equal(res.statusCode, 200);
      const answered = performance.now();
      slowest = Math.max(slowest, answered - due);
      probes++;
      due = answered + PROBE_EVERY_MS;
      await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
      // A held event loop delays this timer as it would a request (also the last one, once `work` is done).
      slowest = Math.max(slowest, performance.now() - due);
    }
  })();
  let result: T;
  try {
    result = await work();
  } finally {
    done = true;
    await probing;
  }
  return { result, slowest, probes };
}

function rss(title: string, items: string, channelExtra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:podcast="https://podcastindex.org/namespace/1.0">
<channel><title>${title}</title><link>https://example.com/</link>${channelExtra}${items}</channel></rss>`;
}

/** Serves `body` at `path` of the loopback feed server (the test's own work: done before any probing). */
function serve(path: string, body: string | Uint8Array, encoding?: 'gzip'): void {
  feeds.route(
    path,
    feedRoute(body, { contentType: 'application/rss+xml', ...(encoding ? { encoding } : {}) }),
  );
}

/** Adds the feed served at `path` and refreshes it now, as the crawler would. */
async function refresh(path: string) {
  const { feedId } = await booted.app.addFeed(feeds.url(path));
  const report = await booted.app.refresh(feedId, { force: true });
  assert.equal(report.status, 'updated', JSON.stringify(report.error));
  const listing = (await booted.app.store.feeds.list()).find((l) => l.feed.id === feedId);
  assert.ok(listing?.showId !== undefined);
  return { feedId, showId: listing.showId, problems: listing.problems };
}

async function ingest(path: string, body: string | Uint8Array, encoding?: 'gzip') {
  serve(path, body, encoding);
  return refresh(path);
}

describe('hostile input: deep nesting', () => {
  test('show notes with 100,000 nested <b> (700 KB) are ingested flattened and reported while /healthz answers', async (t) => {
    const notes = `${'<b>'.repeat(DEPTH)}deepest words${'</b>'.repeat(DEPTH)}`;
    const feed = rss(
      'Deep notes',
      `<item><guid>deep-1</guid><title>Deep</title><enclosure url="https://example.com/a.mp3" type="audio/mpeg" length="1"/>
<content:encoded><![CDATA[${notes}]]></content:encoded></item>`,
    );
    serve('/deep-notes.xml', feed);
    const { result, slowest, probes } = await whileProbing(() => refresh('/deep-notes.xml'));
    assert.ok(probes > 0);
    t.diagnostic(`slowest /healthz: ${slowest.toFixed(0)} ms of ${probes} probes`);
    assert.ok(slowest < HEALTHZ_MS, `/healthz took ${slowest.toFixed(0)} ms during the ingest`);
    assert.ok(
      result.problems.some((p) => p.code === 'too-deep' && p.episode === 'deep-1'),
      JSON.stringify(result.problems),
    );
    const {
      items: [episode],
    } = await booted.app.store.episodes.listForShow(result.showId, { limit: 1 });
    assert.ok(episode?.contentHtml !== undefined);
    assert.ok(episode.contentHtml.length <= MAX_DESCRIPTION_CHARS + 256 * 8, `${episode.contentHtml.length}`);
    const page = await booted.server.inject({ method: 'GET', url: `/episodes/${episode.id}` });
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.length < 2 * MAX_DESCRIPTION_CHARS, `episode page of ${page.body.length} characters`);
  });

  test('an HTML transcript nesting 100,000 <span> is read once, off the request, and the page answers', async (t) => {
    const transcript = `<html><body>${'<span>'.repeat(DEPTH)}<p><cite>Ann:</cite> <time>0:05</time> hello from the bottom</p>${'</span>'.repeat(DEPTH)}</body></html>`;
    feeds.route('/deep-transcript.html', feedRoute(transcript, { contentType: 'text/html' }));
    const feed = rss(
      'Deep transcript',
      `<item><guid>tr-1</guid><title>Transcribed</title><enclosure url="https://example.com/b.mp3" type="audio/mpeg" length="1"/>
<podcast:transcript url="${feeds.url('/deep-transcript.html')}" type="text/html"/></item>`,
    );
    const { showId } = await ingest('/deep-transcript.xml', feed);
    const {
      items: [episode],
    } = await booted.app.store.episodes.listForShow(showId, { limit: 1 });
    assert.ok(episode !== undefined);
    // The page's first view starts the fetch; the transcript's own panel is asked for until it is read (the page may
    // answer before). /healthz is probed the whole time.
    const { result, slowest } = await whileProbing(async () => {
      const page = await booted.server.inject({ method: 'GET', url: `/episodes/${episode.id}` });
      let panel = '';
      for (let i = 0; i < 200 && !panel.includes('hello from the bottom'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        panel = (await booted.server.inject({ method: 'GET', url: `/episodes/${episode.id}/transcript` }))
          .body;
      }
      return { page, panel };
    });
    assert.equal(result.page.statusCode, 200);
    t.diagnostic(`slowest /healthz: ${slowest.toFixed(0)} ms`);
    assert.ok(slowest < HEALTHZ_MS, `/healthz took ${slowest.toFixed(0)} ms while the transcript was read`);
    assert.match(result.panel, /Ann/);
    assert.match(result.panel, /hello from the bottom/);
    assert.equal(feeds.requestsFor('/deep-transcript.html').length, 1);
  });

  test('PUT /subscriptions/USER/DEV.opml with outlines nested 100,000 deep is read while /healthz answers', async (t) => {
    const user = await addListener(booted, 'nester', 'nester password, long enough');
    const opml = `<?xml version="1.0"?><opml version="2.0"><head><title>deep</title></head><body>${'<outline text="folder">'.repeat(DEPTH)}<outline type="rss" text="Inner" xmlUrl="https://inner.example.com/feed.xml"/>${'</outline>'.repeat(DEPTH)}<outline type="rss" text="Outer" xmlUrl="https://outer.example.com/feed.xml"/></body></opml>`;
    const { result: put, slowest } = await whileProbing(() =>
      booted.server.inject({
        method: 'PUT',
        url: '/subscriptions/nester/phone.opml',
        headers: { authorization: basic(user.name, user.password), 'content-type': 'text/x-opml' },
        payload: opml,
      }),
    );
    assert.equal(put.statusCode, 200, put.body);
    t.diagnostic(`slowest /healthz: ${slowest.toFixed(0)} ms`);
    assert.ok(slowest < HEALTHZ_MS, `/healthz took ${slowest.toFixed(0)} ms during the upload`);
    const list = await booted.server.inject({
      method: 'GET',
      url: '/subscriptions/nester/phone.json',
      headers: { authorization: basic(user.name, user.password) },
    });
    const urls: unknown = JSON.parse(list.body);
    assert.ok(Array.isArray(urls));
    assert.ok(urls.includes('https://inner.example.com/feed.xml'), list.body);
    assert.ok(urls.includes('https://outer.example.com/feed.xml'), list.body);
  });
});

describe('hostile input: markup the feed parser reads as text', () => {
  test('a description of 100,000 comments that never end is ingested while /healthz answers', async (t) => {
    const feed = rss(
      'Comments',
      `<item><guid>cm-1</guid><title>Comments</title><enclosure url="https://example.com/e.mp3" type="audio/mpeg" length="1"/>
<description><![CDATA[<p>before</p>${'<!--'.repeat(100_000)}]]></description></item>`,
    );
    serve('/comments.xml', feed);
    const { result, slowest } = await whileProbing(() => refresh('/comments.xml'));
    t.diagnostic(`slowest /healthz: ${slowest.toFixed(0)} ms`);
    assert.ok(slowest < HEALTHZ_MS, `/healthz took ${slowest.toFixed(0)} ms during the ingest`);
    const {
      items: [episode],
    } = await booted.app.store.episodes.listForShow(result.showId, { limit: 1 });
    assert.match(episode?.description ?? '', /^before/);
  });
});

describe('hostile input: values the feed parser reads', () => {
  test('a pubDate of 50,000 `<a ` is ingested, undated, while /healthz answers', async (t) => {
    const feed = rss(
      'Dates',
      `<item><guid>dt-1</guid><title>Dated</title><enclosure url="https://example.com/f.mp3" type="audio/mpeg" length="1"/>
<pubDate>${'&lt;a '.repeat(50_000)}</pubDate></item>`,
    );
    serve('/dates.xml', feed);
    const { result, slowest } = await whileProbing(() => refresh('/dates.xml'));
    t.diagnostic(`slowest /healthz: ${slowest.toFixed(0)} ms`);
    assert.ok(slowest < HEALTHZ_MS, `/healthz took ${slowest.toFixed(0)} ms during the ingest`);
    assert.ok(result.problems.some((p) => p.code === 'bad-date' && p.episode === 'dt-1'));
  });
});

describe('hostile input: show notes the episode page scans', () => {
  test('a URL ending in 30,000 closing brackets renders linked while /healthz answers', async (t) => {
    const url = `https://example.com/a${')'.repeat(30_000)}`;
    const feed = rss(
      'Brackets',
      `<item><guid>br-1</guid><title>Brackets</title><enclosure url="https://example.com/d.mp3" type="audio/mpeg" length="1"/>
<content:encoded><![CDATA[<p>see ${url}</p>]]></content:encoded></item>`,
    );
    const { showId } = await ingest('/brackets.xml', feed);
    const {
      items: [episode],
    } = await booted.app.store.episodes.listForShow(showId, { limit: 1 });
    assert.ok(episode !== undefined);
    const { result: page, slowest } = await whileProbing(() =>
      booted.server.inject({ method: 'GET', url: `/episodes/${episode.id}` }),
    );
    t.diagnostic(`slowest /healthz: ${slowest.toFixed(0)} ms`);
    assert.equal(page.statusCode, 200);
    assert.ok(slowest < HEALTHZ_MS, `/healthz took ${slowest.toFixed(0)} ms while the page was rendered`);
    assert.match(page.body, /<a href="https:\/\/example\.com\/a" rel="nofollow noopener ugc"/);
  });
});

describe('hostile input: giant fields', () => {
  test('a 49 KB gzip feed decoding to a 50,331,648-character description stores and renders a capped one', async () => {
    const description = 'a'.repeat(50_331_648);
    const feed = rss(
      'Bomb',
      `<item><guid>bomb-1</guid><title>${'t'.repeat(5_000)}</title><enclosure url="https://example.com/c.mp3" type="audio/mpeg" length="1"/></item>`,
      `<description>${description}</description>`,
    );
    const gz = gzipSync(feed, { level: 9 });
    assert.ok(gz.byteLength < 100_000, `${gz.byteLength} bytes of gzip`);
    const { showId, problems } = await ingest('/bomb.xml', gz, 'gzip');
    const show = await booted.app.store.shows.get(showId);
    assert.equal(show?.description?.length, MAX_DESCRIPTION_CHARS);
    assert.ok(
      problems.some((p) => p.code === 'too-long' && /description/.test(p.message)),
      JSON.stringify(problems),
    );
    assert.ok(
      problems.some((p) => p.code === 'too-long' && p.episode === 'bomb-1' && /title/.test(p.message)),
    );
    // Twenty visitors at once: each show page stays small (the bug served 50 MB to each).
    const pages = await Promise.all(
      Array.from({ length: 20 }, () => booted.server.inject({ method: 'GET', url: `/shows/${showId}` })),
    );
    for (const page of pages) {
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.length < 2 * MAX_DESCRIPTION_CHARS, `show page of ${page.body.length} characters`);
    }
  });
});
