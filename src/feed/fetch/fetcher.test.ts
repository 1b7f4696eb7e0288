import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { corpusDir, corpusPath, NO_CORPUS } from '../../../test/support/corpus.ts';
import {
  type FeedServer,
  feedRoute,
  heldRoute,
  htmlRoute,
  type Route,
  redirectRoute,
  slowHeadersRoute,
  startFeedServer,
  statusRoute,
  streamingBodyRoute,
} from '../../../test/support/feed-server.ts';
import { FeedFetchError } from './errors.ts';
import {
  createFetcher,
  earshotUserAgent,
  type Fetcher,
  type FetchResult,
  type FetchStreamResult,
  type StreamedFeed,
} from './fetcher.ts';

const tiny = readFileSync(join(import.meta.dirname, 'testdata', 'tiny-feed.xml'));
const userAgent = earshotUserAgent('9.8.7', 'https://earshot.example/project');

function ok(result: FetchResult): Extract<FetchResult, { kind: 'ok' }> {
  assert.equal(result.kind, 'ok');
  // narrowed by the assertion above
  return result as Extract<FetchResult, { kind: 'ok' }>;
}

function streamed(result: FetchStreamResult): StreamedFeed {
  assert.equal(result.kind, 'ok');
  // narrowed by the assertion above
  return result as StreamedFeed;
}

/**
 * An endless body sent as fast as the client takes it, with what the server has handed to its socket so far and a
 * promise that settles when the client closes the connection.
 */
function endlessBody(status = 200): { route: Route; sent: () => number; closed: Promise<void> } {
  const chunk = Buffer.from(`<item><title>${'x'.repeat(1000)}</title></item>\n`.repeat(64));
  let sent = 0;
  let closed: () => void = () => {};
  const whenClosed = new Promise<void>((resolve) => {
    closed = resolve;
  });
  const route: Route = (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/rss+xml' });
    res.write('<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Endless</title>\n');
    let open = true;
    res.on('close', () => {
      open = false;
      closed();
    });
    const pump = (): void => {
      while (open) {
        sent += chunk.byteLength;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
    };
    pump();
  };
  return { route, sent: () => sent, closed: whenClosed };
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<FeedFetchError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof FeedFetchError, `expected FeedFetchError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected a ${code} error, got a result`);
}

describe('fetchFeed against a loopback server', () => {
  let server: FeedServer;
  let fetcher: Fetcher;
  /** Short timeouts, only for the tests that wait for one. */
  let impatient: Fetcher;
  before(async () => {
    server = await startFeedServer();
    fetcher = createFetcher({ userAgent, allowPrivate: true });
    impatient = createFetcher({ userAgent, allowPrivate: true, timeouts: { headersMs: 500, bodyMs: 800 } });
  });
  after(async () => {
    await fetcher.close();
    await impatient.close();
    await server.close();
  });

  it('returns the decoded body with its validators, hash and the headers it sent', async () => {
    server.route('/plain.xml', feedRoute(tiny, { headers: { 'cache-control': 'public, max-age=600' } }));
    const result = ok(await fetcher.fetchFeed(server.url('/plain.xml')));
    assert.deepEqual(Buffer.from(result.body), tiny);
    assert.equal(result.bodySha256, createHash('sha256').update(tiny).digest('hex'));
    assert.match(result.etag ?? '', /^"[0-9a-f]+"$/);
    assert.ok(result.lastModified);
    assert.equal(result.cacheControlMaxAge, 600);
    assert.equal(result.finalUrl, server.url('/plain.xml'));
    assert.deepEqual(result.hops, []);
    assert.equal(result.permanentUrl, undefined);
    const seen = server.requestsFor('/plain.xml').at(-1);
    assert.equal(seen?.headers['user-agent'], 'Earshot/9.8.7 (+https://earshot.example/project)');
    assert.equal(seen?.headers['accept-encoding'], 'gzip, deflate, br');
    assert.equal(seen?.headers['if-none-match'], undefined);
  });

  it('sends the stored ETag back verbatim and reports 304 as not-modified', async () => {
    server.route('/etag.xml', feedRoute(tiny, { etag: 'W/"weak-1"', lastModified: false }));
    const first = ok(await fetcher.fetchFeed(server.url('/etag.xml')));
    assert.equal(first.etag, 'W/"weak-1"');
    const second = await fetcher.fetchFeed(server.url('/etag.xml'), { etag: first.etag ?? '' });
    assert.equal(second.kind, 'not-modified');
    assert.equal(server.requestsFor('/etag.xml').at(-1)?.headers['if-none-match'], 'W/"weak-1"');
  });

  it('sends Last-Modified back as If-Modified-Since and gets 304', async () => {
    const stamp = 'Tue, 14 Jul 2026 10:00:00 GMT';
    server.route('/lm.xml', feedRoute(tiny, { etag: false, lastModified: stamp }));
    const first = ok(await fetcher.fetchFeed(server.url('/lm.xml')));
    assert.equal(first.lastModified, stamp);
    const second = await fetcher.fetchFeed(server.url('/lm.xml'), { lastModified: stamp });
    assert.equal(second.kind, 'not-modified');
    assert.equal(server.requestsFor('/lm.xml').at(-1)?.headers['if-modified-since'], stamp);
  });

  for (const encoding of ['gzip', 'deflate', 'br', 'double-gzip', 'lying-gzip', 'undeclared-gzip'] as const) {
    it(`decodes a ${encoding} body to the original bytes`, async () => {
      server.route(`/enc-${encoding}.xml`, feedRoute(tiny, { encoding }));
      const result = ok(await fetcher.fetchFeed(server.url(`/enc-${encoding}.xml`)));
      assert.deepEqual(Buffer.from(result.body), tiny);
    });
  }

  it('decodes large bodies as a stream, whatever the encoding', async () => {
    // Incompressible text, so that even compressed it is past the 1 MiB whole-buffer fast path.
    const items = Array.from(
      { length: 1500 },
      (_, i) =>
        `<item><guid>${i}</guid><description>${randomBytes(1000).toString('base64')}</description></item>`,
    );
    const big = Buffer.from(
      `<?xml version="1.0"?><rss version="2.0"><channel>${items.join('\n')}</channel></rss>`,
    );
    for (const encoding of [
      'gzip',
      'deflate',
      'br',
      'double-gzip',
      'lying-gzip',
      'undeclared-gzip',
    ] as const) {
      server.route(`/big-${encoding}.xml`, feedRoute(big, { encoding }));
      const result = await fetcher.fetchFeedStream(server.url(`/big-${encoding}.xml`));
      assert.equal(result.kind, 'ok');
      if (result.kind !== 'ok') return;
      const chunks: Uint8Array[] = [];
      for await (const chunk of result.body) chunks.push(chunk);
      assert.ok(chunks.length > 1, `${encoding}: expected several chunks`);
      assert.ok(Buffer.concat(chunks).equals(big), encoding);
      assert.equal(result.body.sha256, createHash('sha256').update(big).digest('hex'));
    }
  });

  it('follows a chain of permanent redirects, recording each hop, and offers the new URL', async () => {
    server.route('/old.xml', redirectRoute(301, '/older/mid.xml'));
    server.route('/older/mid.xml', redirectRoute(308, '../new.xml'));
    server.route('/new.xml', feedRoute(tiny));
    const result = ok(await fetcher.fetchFeed(server.url('/old.xml')));
    assert.deepEqual(result.hops, [
      { status: 301, url: server.url('/old.xml'), location: server.url('/older/mid.xml') },
      { status: 308, url: server.url('/older/mid.xml'), location: server.url('/new.xml') },
    ]);
    assert.equal(result.finalUrl, server.url('/new.xml'));
    assert.equal(result.permanentUrl, server.url('/new.xml'));
  });

  it('does not offer a new URL when any hop was temporary', async () => {
    server.route('/moved.xml', redirectRoute(301, '/temp.xml'));
    server.route('/temp.xml', redirectRoute(302, '/new.xml'));
    const result = ok(await fetcher.fetchFeed(server.url('/moved.xml')));
    assert.deepEqual(
      result.hops.map((h) => h.status),
      [301, 302],
    );
    assert.equal(result.finalUrl, server.url('/new.xml'));
    assert.equal(result.permanentUrl, undefined);
  });

  it('detects a redirect loop', async () => {
    server.route('/loop-a.xml', redirectRoute(307, '/loop-b.xml'));
    server.route('/loop-b.xml', redirectRoute(302, '/loop-a.xml'));
    await rejectsWith(fetcher.fetchFeed(server.url('/loop-a.xml')), 'redirect-loop');
  });

  it('follows five redirects but refuses a sixth', async () => {
    for (let i = 0; i < 6; i++) server.route(`/hop-${i}.xml`, redirectRoute(302, `/hop-${i + 1}.xml`));
    server.route('/hop-6.xml', feedRoute(tiny));
    server.route('/five-0.xml', redirectRoute(302, '/hop-2.xml'));
    const five = ok(await fetcher.fetchFeed(server.url('/five-0.xml')));
    assert.equal(five.hops.length, 5);
    await rejectsWith(fetcher.fetchFeed(server.url('/hop-0.xml')), 'too-many-redirects');
  });

  it('maps 410 to gone and 404/500 to http-status with the status', async () => {
    server.route('/gone.xml', statusRoute(410));
    server.route('/broken.xml', statusRoute(500));
    await rejectsWith(fetcher.fetchFeed(server.url('/gone.xml')), 'gone');
    const missing = await rejectsWith(fetcher.fetchFeed(server.url('/nothing-here.xml')), 'http-status');
    assert.equal(missing.status, 404);
    const broken = await rejectsWith(fetcher.fetchFeed(server.url('/broken.xml')), 'http-status');
    assert.equal(broken.status, 500);
  });

  it('reads Retry-After on 429 (seconds) and 503 (HTTP date)', async () => {
    const now = new Date('2026-07-14T12:00:00Z');
    const clocked = createFetcher({ userAgent, allowPrivate: true, now: () => now });
    try {
      server.route('/busy.xml', statusRoute(429, { headers: { 'retry-after': '120' } }));
      server.route(
        '/down.xml',
        statusRoute(503, { headers: { 'retry-after': 'Wed, 15 Jul 2026 08:30:00 GMT' } }),
      );
      const busy = await rejectsWith(clocked.fetchFeed(server.url('/busy.xml')), 'http-status');
      assert.equal(busy.status, 429);
      assert.equal(busy.retryAfter?.toISOString(), '2026-07-14T12:02:00.000Z');
      const down = await rejectsWith(clocked.fetchFeed(server.url('/down.xml')), 'http-status');
      assert.equal(down.status, 503);
      assert.equal(down.retryAfter?.toISOString(), '2026-07-15T08:30:00.000Z');
    } finally {
      await clocked.close();
    }
  });

  it('gives up on a server that sends no headers in time', async () => {
    server.route('/slow-headers.xml', slowHeadersRoute(5_000, feedRoute(tiny)));
    const error = await rejectsWith(impatient.fetchFeed(server.url('/slow-headers.xml')), 'timeout');
    assert.equal(error.phase, 'headers');
  });

  it('gives up on a body that drips too slowly', async () => {
    server.route('/drip.xml', streamingBodyRoute({ intervalMs: 100, chunk: Buffer.from('<!-- . -->') }));
    const error = await rejectsWith(impatient.fetchFeed(server.url('/drip.xml')), 'timeout');
    assert.equal(error.phase, 'body');
  });

  it('stops an endless body at the size cap without holding it in memory', async () => {
    const capped = createFetcher({ userAgent, allowPrivate: true, maxBodyBytes: 2 * 1024 * 1024 });
    try {
      server.route('/endless.xml', streamingBodyRoute({ intervalMs: 0 }));
      const before = process.memoryUsage().rss;
      await rejectsWith(capped.fetchFeed(server.url('/endless.xml')), 'too-large');
      const stream = await capped.fetchFeedStream(server.url('/endless.xml'));
      assert.equal(stream.kind, 'ok');
      if (stream.kind !== 'ok') return;
      let read = 0;
      await assert.rejects(
        (async () => {
          for await (const chunk of stream.body) read += chunk.byteLength;
        })(),
        (error: unknown) => error instanceof FeedFetchError && error.code === 'too-large',
      );
      assert.ok(read <= 2 * 1024 * 1024, `read ${read} bytes past the cap`);
      // Generous bound: the endless body must not be accumulated (a leak here would grow without limit).
      assert.ok(process.memoryUsage().rss - before < 200 * 1024 * 1024);
    } finally {
      await capped.close();
    }
  });

  it('applies the cap to the decoded size of a compressed body', async () => {
    const capped = createFetcher({ userAgent, allowPrivate: true, maxBodyBytes: 100_000 });
    try {
      const big = Buffer.from(`<rss>${'<item/>'.repeat(50_000)}</rss>`);
      server.route('/bomb.xml', feedRoute(big, { encoding: 'gzip' }));
      await rejectsWith(capped.fetchFeed(server.url('/bomb.xml')), 'too-large');
    } finally {
      await capped.close();
    }
  });

  it('refuses an HTML page with not-a-feed', async () => {
    server.route('/parked.xml', htmlRoute());
    await rejectsWith(fetcher.fetchFeed(server.url('/parked.xml')), 'not-a-feed');
  });

  it('normalises feed:// and pcast:// URLs to http', async () => {
    server.route('/scheme.xml', feedRoute(tiny));
    const viaFeed = ok(await fetcher.fetchFeed(server.url('/scheme.xml').replace('http:', 'feed:')));
    assert.equal(viaFeed.finalUrl, server.url('/scheme.xml'));
    const viaPcast = ok(await fetcher.fetchFeed(`pcast:${server.url('/scheme.xml')}`));
    assert.equal(viaPcast.finalUrl, server.url('/scheme.xml'));
    // The one feed-URL rule: an empty `?` and a fragment are dropped before the request.
    const bare = ok(await fetcher.fetchFeed(`${server.url('/scheme.xml')}?#top`));
    assert.equal(bare.finalUrl, server.url('/scheme.xml'));
  });

  it('refuses what is not an http(s) feed URL with bad-url, before any request', async () => {
    for (const input of [
      'not a url',
      'ftp://example.org/feed',
      'file:///etc/passwd',
      'javascript:alert(1)',
      '',
    ]) {
      await rejectsWith(fetcher.fetchFeed(input), 'bad-url');
    }
  });

  it('reports a refused connection as connection', async () => {
    const closed = await startFeedServer();
    const url = closed.url('/x.xml');
    await closed.close();
    await rejectsWith(fetcher.fetchFeed(url), 'connection');
  });

  it('reports a failed TLS handshake as tls', async () => {
    // https:// to a plain-HTTP port: the handshake fails without any certificate being needed.
    server.route('/tls.xml', feedRoute(tiny));
    await rejectsWith(fetcher.fetchFeed(server.url('/tls.xml').replace('http://', 'https://')), 'tls');
  });

  it('stops when the caller aborts, with aborted', async () => {
    server.route('/abort.xml', slowHeadersRoute(5_000, feedRoute(tiny)));
    const controller = new AbortController();
    const pending = fetcher.fetchFeed(server.url('/abort.xml'), { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await rejectsWith(pending, 'aborted');
  });

  it('stops a fetch still waiting for a connection as soon as the caller aborts', {
    // Were the abort to wait for the connection to be free, nothing would ever free it: the test times out.
    timeout: 10_000,
  }, async () => {
    const single = createFetcher({ userAgent, allowPrivate: true, connectionsPerOrigin: 1 });
    const held = heldRoute(feedRoute(tiny));
    try {
      server.route('/busy-connection.xml', held.route);
      const occupying = single.fetchFeed(server.url('/busy-connection.xml'));
      await held.arrived;
      // The one connection is busy until held.release(), which comes only after the waiting fetch has settled.
      const controller = new AbortController();
      const waiting = single.fetchFeed(server.url('/busy-connection.xml'), { signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await rejectsWith(waiting, 'aborted');
      held.release();
      ok(await occupying);
    } finally {
      held.release();
      await single.close();
    }
  });

  it('reports an unknown host as dns', async () => {
    const resolving = createFetcher({
      userAgent,
      allowPrivate: true,
      lookup: async () => {
        throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.test'), { code: 'ENOTFOUND' });
      },
    });
    try {
      await rejectsWith(resolving.fetchFeed('http://nowhere.test/feed.xml'), 'dns');
    } finally {
      await resolving.close();
    }
  });

  it('sees a feed that changed between two fetches, and a 304 once it stops changing', {
    skip: corpusDir === undefined ? NO_CORPUS : false,
  }, async () => {
    const dir = 'feeds/critrolesync/critical-role';
    server.route('/cr.xml', feedRoute({ file: corpusPath(`${dir}/feed-2026-07-14.xml`) }));
    const first = ok(await fetcher.fetchFeed(server.url('/cr.xml')));
    server.route('/cr.xml', feedRoute({ file: corpusPath(`${dir}/feed-2026-07-21.xml`) }));
    const second = ok(await fetcher.fetchFeed(server.url('/cr.xml'), { etag: first.etag ?? '' }));
    assert.notEqual(second.bodySha256, first.bodySha256);
    assert.deepEqual(Buffer.from(second.body), readFileSync(corpusPath(`${dir}/feed-2026-07-21.xml`)));
    const third = await fetcher.fetchFeed(server.url('/cr.xml'), { etag: second.etag ?? '' });
    assert.equal(third.kind, 'not-modified');
  });

  it('fetches other documents (chapters, transcripts) with their own Accept, HTML allowed', async () => {
    server.route(
      '/chapters.json',
      feedRoute('{"version":"1.2.0","chapters":[]}', { contentType: 'application/json+chapters' }),
    );
    server.route('/transcript.html', htmlRoute());
    const chapters = ok(
      await fetcher.fetchResource(server.url('/chapters.json'), { accept: 'application/json' }),
    );
    assert.equal(Buffer.from(chapters.body).toString(), '{"version":"1.2.0","chapters":[]}');
    assert.equal(chapters.contentType, 'application/json+chapters');
    assert.equal(server.requestsFor('/chapters.json').at(-1)?.headers.accept, 'application/json');
    const transcript = ok(await fetcher.fetchResource(server.url('/transcript.html')));
    assert.match(Buffer.from(transcript.body).toString(), /<html>/);
    await rejectsWith(fetcher.fetchResource(server.url('/chapters.json'), { maxBytes: 10 }), 'too-large');
  });

  it('sends credentials from the URL as Basic auth, to that origin only', async () => {
    const elsewhere = await startFeedServer();
    try {
      elsewhere.route('/feed.xml', feedRoute(tiny));
      server.route('/private.xml', redirectRoute(302, elsewhere.url('/feed.xml')));
      const withCredentials = server.url('/private.xml').replace('http://', 'http://listener:s%40cret@');
      ok(await fetcher.fetchFeed(withCredentials));
      const expected = `Basic ${Buffer.from('listener:s@cret').toString('base64')}`;
      assert.equal(server.requestsFor('/private.xml').at(-1)?.headers.authorization, expected);
      assert.equal(elsewhere.requestsFor('/feed.xml').at(-1)?.headers.authorization, undefined);
    } finally {
      await elsewhere.close();
    }
  });

  it('streams a body chunk by chunk with its hash at the end', async () => {
    server.route('/stream.xml', feedRoute(tiny, { encoding: 'gzip' }));
    const result = await fetcher.fetchFeedStream(server.url('/stream.xml'));
    assert.equal(result.kind, 'ok');
    if (result.kind !== 'ok') return;
    const chunks: Uint8Array[] = [];
    for await (const chunk of result.body) chunks.push(chunk);
    assert.deepEqual(Buffer.concat(chunks), tiny);
    assert.equal(result.body.sha256, createHash('sha256').update(tiny).digest('hex'));
  });

  it('holds a fast server back while the reader is slow, instead of buffering the body', {
    timeout: 10_000,
  }, async () => {
    const endless = endlessBody();
    server.route('/firehose.xml', endless.route);
    const { body } = streamed(await fetcher.fetchFeedStream(server.url('/firehose.xml')));
    const chunks = body[Symbol.asyncIterator]();
    let read = 0;
    const readSome = async (bytes: number): Promise<void> => {
      for (const target = read + bytes; read < target; ) {
        const next = await chunks.next();
        assert.equal(next.done, false);
        read += next.value?.byteLength ?? 0;
      }
    };
    try {
      await readSome(1);
      await pause(500); // the reader stalls: only socket buffers may fill meanwhile
      const slack = endless.sent() - read;
      assert.ok(slack < 32 * 1024 * 1024, `the server got ${slack} bytes ahead of a stalled reader`);
      await readSome(8 * 1024 * 1024); // reading picks up where it stopped
    } finally {
      await chunks.return(undefined);
    }
    await endless.closed;
  });

  it('stops a body being read when the caller aborts, with aborted, and closes the connection', {
    timeout: 10_000,
  }, async () => {
    const endless = endlessBody();
    server.route('/abort-body.xml', endless.route);
    const controller = new AbortController();
    const { body } = streamed(
      await fetcher.fetchFeedStream(server.url('/abort-body.xml'), { signal: controller.signal }),
    );
    let read = 0;
    await rejectsWith(
      (async () => {
        for await (const chunk of body) {
          read += chunk.byteLength;
          if (read > 2 * 1024 * 1024) controller.abort();
        }
      })(),
      'aborted',
    );
    await endless.closed;
  });

  it('closes the connection of a body given up unread, so the origin stays usable', {
    timeout: 10_000,
  }, async () => {
    const single = createFetcher({ userAgent, allowPrivate: true, connectionsPerOrigin: 1 });
    try {
      const endless = endlessBody();
      server.route('/unread.xml', endless.route);
      server.route('/after-unread.xml', feedRoute(tiny));
      const { body } = streamed(await single.fetchFeedStream(server.url('/unread.xml')));
      await body.cancel();
      await endless.closed;
      ok(await single.fetchFeed(server.url('/after-unread.xml')));
    } finally {
      await single.close();
    }
  });

  it('does not let an endless error page hold the connection', { timeout: 10_000 }, async () => {
    const single = createFetcher({ userAgent, allowPrivate: true, connectionsPerOrigin: 1 });
    try {
      const endless = endlessBody(503);
      server.route('/endless-error.xml', endless.route);
      server.route('/after-error.xml', feedRoute(tiny));
      const error = await rejectsWith(single.fetchFeed(server.url('/endless-error.xml')), 'http-status');
      assert.equal(error.status, 503);
      await endless.closed;
      ok(await single.fetchFeed(server.url('/after-error.xml')));
    } finally {
      await single.close();
    }
  });
});
