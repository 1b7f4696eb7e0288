import assert from 'node:assert/strict';
import { it } from 'node:test';
import { FeedFetchError } from './errors.ts';
import { normaliseFeedUrl } from './url.ts';

it('maps podcast-app schemes to http(s)', () => {
  const cases: [string, string][] = [
    ['feed://example.org/rss', 'http://example.org/rss'],
    ['feed:https://example.org/rss', 'https://example.org/rss'],
    ['feed://https://example.org/rss', 'https://example.org/rss'],
    ['itpc://example.org/podcast.xml', 'http://example.org/podcast.xml'],
    ['pcast://example.org/p.xml', 'http://example.org/p.xml'],
    ['PODCAST://Example.org/p.xml', 'http://example.org/p.xml'],
    ['  https://example.org/feed#top ', 'https://example.org/feed'],
  ];
  for (const [input, expected] of cases) assert.equal(normaliseFeedUrl(input).href, expected, input);
});

it('refuses what is not an http(s) URL with bad-url', () => {
  for (const input of [
    'not a url',
    'ftp://example.org/feed',
    'file:///etc/passwd',
    'javascript:alert(1)',
    '',
  ]) {
    assert.throws(
      () => normaliseFeedUrl(input),
      (error: unknown) => error instanceof FeedFetchError && error.code === 'bad-url',
      input,
    );
  }
});
