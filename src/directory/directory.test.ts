// Both directories against a loopback server replaying their recorded answer shapes (no network).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  type DirectoryServer,
  startDirectoryServer,
  TEST_PI_KEY,
  TEST_PI_SECRET,
} from '../../test/support/directory-server.ts';
import { createFetcher, type Fetcher } from '../feed/fetch/index.ts';
import { appleSearchProvider } from './apple.ts';
import { createDirectory, type Directory } from './directory.ts';
import { podcastIndexHeaders, podcastIndexProvider } from './podcast-index.ts';

describe('podcast directories', () => {
  let stub: DirectoryServer;
  let fetcher: Fetcher;
  let directory: Directory;
  const at = new Date('2024-01-25T12:00:00Z');

  before(async () => {
    stub = await startDirectoryServer();
    fetcher = createFetcher({
      userAgent: 'Earshot/1.2.3 (+https://earshot.example)',
      allowOrigins: [stub.server.origin],
    });
  });
  /**
   * Both directories, each given `timeoutMs` to answer. Only the test of a directory that never answers waits for
   * the timeout, so the others get a long one: a loaded machine reading the huge answer took longer than 1.5 s, and
   * it was then reported as a timeout rather than as too large.
   */
  const directoryWith = (timeoutMs: number): Directory =>
    createDirectory([
      podcastIndexProvider({
        fetcher,
        key: TEST_PI_KEY,
        secret: TEST_PI_SECRET,
        baseUrl: stub.podcastIndexUrl,
        now: () => at,
        timeoutMs,
      }),
      appleSearchProvider({ fetcher, baseUrl: stub.appleUrl, timeoutMs }),
    ]);
  beforeEach(() => {
    stub.setMode('podcast-index', 'ok');
    stub.setMode('apple', 'ok');
    directory = directoryWith(30_000);
  });
  const requestsTo = (path: string) => stub.server.requests.filter((r) => r.path.startsWith(`${path}?`));
  after(async () => {
    await fetcher.close();
    await stub.close();
  });

  it('signs Podcast Index requests with the key, the date, SHA-1(key + secret + date) and a User-Agent', async () => {
    const headers = podcastIndexHeaders('key', 'secret', new Date(1_700_000_000_123));
    assert.equal(headers['X-Auth-Date'], '1700000000');
    // sha1("keysecret1700000000")
    assert.equal(headers.Authorization, 'abaf71c02050c31e4d4e6b08c1625173af0445ba');
    await directory.search('history');
    const seen = requestsTo('/pi/api/1.0/search/byterm').at(-1);
    assert.ok(seen !== undefined);
    assert.match(seen.path, /\?q=history&max=\d+$/);
    assert.equal(seen.headers['x-auth-key'], TEST_PI_KEY);
    assert.equal(seen.headers['x-auth-date'], String(at.getTime() / 1000));
    assert.match(String(seen.headers['user-agent']), /^Earshot\/1\.2\.3/);
  });

  it('asks Apple for podcasts only', async () => {
    await directory.search('history of rome');
    const seen = requestsTo('/apple/search').at(-1);
    const query = new URL(seen?.path ?? '', 'http://x').searchParams;
    assert.equal(query.get('media'), 'podcast');
    assert.equal(query.get('entity'), 'podcast');
    assert.equal(query.get('term'), 'history of rome');
  });

  it('maps both answers to one list, one result per feed by the feed-URL rule, with every source named', async () => {
    const { results, problems, asked } = await directory.search('history');
    assert.deepEqual(problems, []);
    assert.deepEqual(asked, ['podcast-index', 'apple']);
    const titles = results.map((r) => r.title);
    // In turns: the Index's first, Apple's first, the Index's second …; duplicates once; unfollowable ones left out.
    assert.deepEqual(titles, [
      'Stuff You Missed in History Class',
      'The Rest Is History',
      'Podcasting 2.0',
      "Dan Carlin's Hardcore History",
    ]);
    const symhc = results[0];
    assert.deepEqual(symhc?.sources, ['podcast-index', 'apple']);
    assert.equal(symhc?.feedUrl, 'https://feeds.megaphone.fm/stuffyoumissedinhistoryclass');
    assert.equal(symhc?.author, 'iHeartPodcasts');
    assert.equal(symhc?.episodeCount, 2417);
    assert.deepEqual(symhc?.categories, ['News', 'History', 'Society', 'Culture']);
    assert.equal(
      symhc?.description,
      'Join Holly and Tracy as they bring you the greatest and strangest & most compelling stories from history.',
    );
    // Apple's spelling (upper-case host, a fragment) is the same feed as the Index's.
    const rest = results[1];
    assert.equal(rest?.feedUrl, 'https://feeds.megaphone.fm/GLT4787413333');
    assert.deepEqual(rest?.sources, ['apple', 'podcast-index']);
    assert.equal(rest?.episodeCount, 430);
    assert.deepEqual(rest?.categories, ['History']);
    assert.equal(rest?.artworkUrl, 'https://is1-ssl.mzstatic.com/image/thumb/Podcasts/600x600bb.jpg');
    assert.equal(rest?.description, 'Tom Holland and Dominic Sandbrook guide you through the past.');
    const carlin = results[3];
    assert.equal(carlin?.feedUrl, 'https://feeds.feedburner.com/dancarlin/history?format=xml');
    assert.deepEqual(carlin?.sources, ['apple']);
  });

  for (const [mode, code, words] of [
    ['silent', 'timeout', /did not answer in time/],
    ['error', 'unavailable', /HTTP 500/],
    ['not-json', 'bad-answer', /not JSON/],
    ['huge', 'bad-answer', /too large/],
    ['wrong-shape', 'bad-answer', /not a list/],
  ] as const) {
    it(`shows the other directory's results when one is ${mode}`, async () => {
      stub.setMode('apple', mode);
      if (mode === 'silent') directory = directoryWith(1500);
      const { results, problems } = await directory.search('history');
      assert.deepEqual(
        problems.map((p) => [p.source, p.code]),
        [['apple', code]],
      );
      assert.match(problems[0]?.message ?? '', words);
      assert.deepEqual(
        results.map((r) => r.sources),
        [['podcast-index'], ['podcast-index'], ['podcast-index']],
      );
    });
  }

  it('remembers a search every directory answered, not one that failed', async () => {
    const asked = () => requestsTo('/apple/search').length;
    const before = asked();
    await directory.search('remember me');
    await directory.search('Remember me ');
    assert.equal(asked(), before + 1);
    stub.setMode('podcast-index', 'error');
    await directory.search('not remembered');
    await directory.search('not remembered');
    assert.equal(asked(), before + 3);
  });

  it('reports a wrong key as refused, and both directories failing as no results', async () => {
    const wrong = createDirectory([
      podcastIndexProvider({
        fetcher,
        key: TEST_PI_KEY,
        secret: 'not the secret',
        baseUrl: stub.podcastIndexUrl,
      }),
    ]);
    const refused = await wrong.search('history');
    assert.deepEqual(
      refused.problems.map((p) => p.code),
      ['refused'],
    );
    stub.setMode('podcast-index', 'error');
    stub.setMode('apple', 'not-json');
    const none = await directory.search('history');
    assert.equal(none.results.length, 0);
    assert.equal(none.problems.length, 2);
  });

  it('bounds what a directory may make us keep: counts and text sizes', async () => {
    const many = {
      resultCount: 200,
      results: Array.from({ length: 200 }, (_, i) => ({
        collectionName: `${'Long title '.repeat(40)}${i}`,
        artistName: 'a'.repeat(500),
        feedUrl: `https://feeds.example/${i}.xml`,
        artworkUrl600: 'data:image/png;base64,AAAA',
        genres: Array.from({ length: 20 }, (_, g) => `Genre ${g}`),
        trackCount: -4,
      })),
    };
    stub.setAnswer('apple', JSON.stringify(many));
    stub.setMode('podcast-index', 'error');
    const { results } = await directory.search('long', { limit: 500 });
    stub.setAnswer('apple', JSON.stringify({ resultCount: 0, results: [] }));
    assert.equal(results.length, 50);
    const first = results[0];
    assert.ok(first !== undefined);
    assert.ok(first.title.length <= 300);
    assert.ok((first.author ?? '').length <= 200);
    assert.equal(first.artworkUrl, undefined);
    assert.equal(first.episodeCount, undefined);
    assert.equal(first.categories.length, 8);
  });
});
