// Markup nested past MAX_MARKUP_DEPTH in a feed: flattened (read as empty, its text kept by the element it sits in),
// reported once as `too-deep`, and the feed's items read as usual.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { MAX_MARKUP_DEPTH } from '../../domain/limits.ts';
import { parseFeed } from './index.ts';

const feed = (channel: string, item = '') =>
  new TextEncoder().encode(
    `<?xml version="1.0"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>Deep</title>${channel}<item><guid>a</guid><title>First</title>${item}</item><item><guid>b</guid><title>Second</title></item></channel></rss>`,
  );

it('flattens elements nested past MAX_MARKUP_DEPTH, reports it once and keeps every item', () => {
  const n = 50_000;
  const r = parseFeed({
    body: feed(
      `<foo>${'<x>'.repeat(n)}${'</y>'.repeat(n)}</foo>${'<itunes:category text="Arts">'.repeat(n)}${'</itunes:category>'.repeat(n)}`,
      `<description>${'<x>'.repeat(n)}text${'</x>'.repeat(n)}</description>`,
    ),
    url: 'https://example.com/feed.xml',
  });
  assert.deepEqual(
    r.episodes.map((e) => [e.guid, e.title]),
    [
      ['a', 'First'],
      ['b', 'Second'],
    ],
  );
  assert.equal(r.feed.title, 'Deep');
  assert.equal(r.problems.filter((p) => p.code === 'too-deep').length, 1);
  assert.match(
    r.problems.find((p) => p.code === 'too-deep')?.message ?? '',
    new RegExp(`${MAX_MARKUP_DEPTH}`),
  );
});

it('reports nothing for feeds within the limit', () => {
  const r = parseFeed({
    body: feed(`<foo>${'<x>'.repeat(MAX_MARKUP_DEPTH - 10)}${'</x>'.repeat(MAX_MARKUP_DEPTH - 10)}</foo>`),
    url: 'https://example.com/feed.xml',
  });
  assert.equal(r.episodes.length, 2);
  assert.equal(
    r.problems.some((p) => p.code === 'too-deep'),
    false,
  );
});
