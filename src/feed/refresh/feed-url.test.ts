import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FeedUrlError, normalizeFeedUrl } from './feed-url.ts';

describe('normalizeFeedUrl', () => {
  it('gives one spelling for the ways people write the same feed', () => {
    const same = [
      'https://Example.COM/feed.xml',
      '  https://example.com/feed.xml\n',
      'https://example.com:443/feed.xml',
      'https://example.com/feed.xml#latest',
      'feed:https://example.com/feed.xml',
    ];
    assert.deepEqual(new Set(same.map(normalizeFeedUrl)), new Set(['https://example.com/feed.xml']));
  });
  it('maps podcast-app schemes to http', () => {
    assert.equal(normalizeFeedUrl('itpc://example.com/rss'), 'http://example.com/rss');
    assert.equal(normalizeFeedUrl('feed://example.com/rss'), 'http://example.com/rss');
    assert.equal(normalizeFeedUrl('pcast://example.com/rss'), 'http://example.com/rss');
  });
  it('assumes http for a bare host and path', () => {
    assert.equal(normalizeFeedUrl('example.com/podcast.rss'), 'http://example.com/podcast.rss');
  });
  it('keeps the query string', () => {
    assert.equal(
      normalizeFeedUrl('https://example.com/rss?id=5&format=mp3'),
      'https://example.com/rss?id=5&format=mp3',
    );
  });
  it('refuses what cannot be fetched', () => {
    for (const bad of ['', 'ftp://example.com/x', 'javascript:alert(1)', 'http://', 'mailto:a@b.c']) {
      assert.throws(() => normalizeFeedUrl(bad), FeedUrlError, bad);
    }
  });
});
