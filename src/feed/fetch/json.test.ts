import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type FeedServer,
  type Route,
  redirectRoute,
  startFeedServer,
  statusRoute,
} from '../../../test/support/feed-server.ts';
import { FeedFetchError } from './errors.ts';
import { createFetcher, type Fetcher } from './fetcher.ts';
import { fetchJson, JsonBodyError } from './json.ts';

const json =
  (value: unknown): Route =>
  (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  };

describe('fetchJson', () => {
  let server: FeedServer;
  let other: FeedServer;
  let fetcher: Fetcher;
  let guarded: Fetcher;

  before(async () => {
    server = await startFeedServer();
    other = await startFeedServer();
    server.route('/ok', json({ hello: 'world' }));
    server.route('/not-json', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('<html>rate limited</html>');
    });
    server.route('/huge', json({ items: 'x'.repeat(64 * 1024) }));
    server.route('/never', () => {
      // never answers: the deadline must end it
    });
    server.route('/down', statusRoute(503));
    server.route('/elsewhere', redirectRoute(302, other.url('/echo')));
    other.route('/echo', (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.headers));
    });
    fetcher = createFetcher({ userAgent: 'Earshot-test/1.0', allowOrigins: [server.origin, other.origin] });
    guarded = createFetcher({ userAgent: 'Earshot-test/1.0' });
  });
  after(async () => {
    await fetcher.close();
    await guarded.close();
    await server.close();
    await other.close();
  });

  it('parses a JSON answer and sends the given headers', async () => {
    assert.deepEqual(await fetchJson(fetcher, server.url('/ok'), { headers: { 'X-Auth-Key': 'k1' } }), {
      hello: 'world',
    });
    const seen = server.requestsFor('/ok').at(-1);
    assert.equal(seen?.headers['x-auth-key'], 'k1');
    assert.equal(seen?.headers.accept, 'application/json');
  });

  it('does not carry the headers across a redirect to another origin', async () => {
    const echoed = await fetchJson(fetcher, server.url('/elsewhere'), {
      headers: { authorization: 'secret' },
    });
    assert.ok(typeof echoed === 'object' && echoed !== null);
    assert.equal('authorization' in echoed, false);
  });

  it('refuses what is not JSON, what is too large, error statuses and a silent server', async () => {
    await assert.rejects(fetchJson(fetcher, server.url('/not-json')), JsonBodyError);
    await assert.rejects(
      fetchJson(fetcher, server.url('/huge'), { maxBytes: 8 * 1024 }),
      (e) => e instanceof FeedFetchError && e.code === 'too-large',
    );
    await assert.rejects(
      fetchJson(fetcher, server.url('/down')),
      (e) => e instanceof FeedFetchError && e.code === 'http-status' && e.status === 503,
    );
    await assert.rejects(
      fetchJson(fetcher, server.url('/never'), { timeoutMs: 100 }),
      (e) => e instanceof FeedFetchError && e.code === 'timeout',
    );
  });

  it('keeps the SSRF guard: loopback is refused unless allowed', async () => {
    await assert.rejects(
      fetchJson(guarded, server.url('/ok')),
      (e) => e instanceof FeedFetchError && e.code === 'blocked-address',
    );
  });
});
