import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FeedUrlError, normalizeFeedUrl, parseFeedUrl } from './feed-url.ts';

describe('the one feed-URL rule', () => {
  it('gives one spelling to the inputs the three old normalisers disagreed on', () => {
    const table: [string, string][] = [
      // Scheme and host case, default port, empty `?`: one kept `…/feed?`, another gave `…/feed`.
      ['HTTP://Example.COM:80/feed?', 'http://example.com/feed'],
      ['https://Example.COM:443/feed', 'https://example.com/feed'],
      ['https://example.com/feed?', 'https://example.com/feed'],
      ['https://example.com/feed?#', 'https://example.com/feed'],
      ['https://example.com/feed#latest', 'https://example.com/feed'],
      // Credentials: kept (premium feeds need them), the host still lowercased.
      ['https://User:Tok%40en@Premium.Example/feed', 'https://User:Tok%40en@premium.example/feed'],
      // No scheme: accepted as http (refused by one, thrown by another before).
      ['example.com/feed', 'http://example.com/feed'],
      ['//example.com/feed', 'http://example.com/feed'],
      ['example.com:8080/feed', 'http://example.com:8080/feed'],
      // Podcast-app schemes, each known to only one of them before.
      ['rss://example.com/feed', 'http://example.com/feed'],
      ['itms://example.com/feed', 'http://example.com/feed'],
      ['itms-podcasts://podcasts.example/feed', 'https://podcasts.example/feed'],
      ['podcast://example.com/feed', 'http://example.com/feed'],
      ['PODCAST://Example.org/p.xml', 'http://example.org/p.xml'],
      ['feed:https://example.com/feed', 'https://example.com/feed'],
      // The query is kept byte for byte: tokens live there.
      ['https://example.com/rss?id=5&format=mp3', 'https://example.com/rss?id=5&format=mp3'],
      ['https://example.com/rss?token=a%2Fb&x', 'https://example.com/rss?token=a%2Fb&x'],
      // IDN hosts become punycode; a copy-pasted line break disappears; spaces in the path are encoded.
      ['https://Bücher.example/feed', 'https://xn--bcher-kva.example/feed'],
      ['  https://example.com/fe\ned.xml \n', 'https://example.com/feed.xml'],
      ['https://example.com/a b.xml', 'https://example.com/a%20b.xml'],
    ];
    for (const [input, expected] of table) assert.equal(normalizeFeedUrl(input), expected, input);
  });

  it("gives AntennaPod's and gPodder's URLs the spelling the clients give them", () => {
    const table: [string, string][] = [
      // AntennaPod (URLChecker.prepareUrl and its tests).
      ['feed://example.com', 'http://example.com/'],
      ['feed://https://example.com', 'https://example.com/'],
      ['pcast://example.com', 'http://example.com/'],
      ['pcast:example.com/feed', 'http://example.com/feed'],
      ['pcast://https://example.com', 'https://example.com/'],
      ['itpc://example.com', 'http://example.com/'],
      ['antennapod-subscribe://example.com/feed', 'http://example.com/feed'],
      ['example.com', 'http://example.com/'],
      // gPodder (util.normalize_feed_url's doctests; its sync test's itpc URL).
      ['itpc://example.org/podcast.rss', 'http://example.org/podcast.rss'],
      ['curry.com', 'http://curry.com/'],
      ['http://Example.COM/', 'http://example.com/'],
      ['http://example.org/test?', 'http://example.org/test'],
      ['http://UserName:PassWord@Example.com/', 'http://UserName:PassWord@example.com/'],
      ['itpc://desktop.example/feed', 'http://desktop.example/feed'],
    ];
    for (const [input, expected] of table) assert.equal(normalizeFeedUrl(input), expected, input);
  });

  it('is idempotent: a normalised URL normalises to itself', () => {
    for (const input of ['HTTP://Example.COM:80/feed?', 'feed://https://a.example/x?y=1#z', 'b.example']) {
      const once = normalizeFeedUrl(input);
      assert.equal(normalizeFeedUrl(once), once);
    }
  });

  it('refuses what is not an http(s) feed with a typed error and a message that does not repeat the URL', () => {
    const table: [string, FeedUrlError['code']][] = [
      ['', 'bad-url'],
      ['   ', 'bad-url'],
      ['http://', 'bad-url'],
      ['not a url', 'bad-url'],
      [`https://example.com/${'x'.repeat(5000)}`, 'bad-url'],
      ['ftp://user:secret@example.com/feed', 'unsupported-scheme'],
      ['file:///etc/passwd', 'unsupported-scheme'],
      ['javascript:alert(1)', 'unsupported-scheme'],
      ['mailto:a@b.c', 'unsupported-scheme'],
    ];
    for (const [input, code] of table) {
      assert.throws(
        () => parseFeedUrl(input),
        (error: unknown) =>
          error instanceof FeedUrlError &&
          error.code === code &&
          !error.message.includes('secret') &&
          error.message.length > 10,
        input,
      );
    }
    assert.throws(() => parseFeedUrl('ftp://example.com/feed'), /Only http:\/\/ and https:\/\/.*not ftp:/);
  });
});
