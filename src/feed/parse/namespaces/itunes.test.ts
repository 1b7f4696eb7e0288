import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseFeed } from '../index.ts';
import { itunesHandler } from './itunes.ts';
import { runHandler } from './testdata/raw-elements.ts';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, 'testdata', name), 'utf8');
const FEED_URL = 'https://show.example/feed.xml';

describe('itunesHandler on RawElements (itunes-tags.xml, bound to an odd prefix and https URI)', () => {
  const run = runHandler(itunesHandler, fixture('itunes-tags.xml'), FEED_URL);
  const [ep1, ep2, ep3, ep4] = run.items;
  const codes = run.problems.map((p) => p.code);

  test('channel tags', () => {
    assert.equal(run.feed.author, 'Jane Host');
    assert.deepEqual(run.feed.owner, { name: 'Jane Owner', email: 'owner@show.example' });
    assert.equal(run.feed.imageUrl, 'https://show.example/art/cover.jpg', 'url= instead of href, resolved');
    assert.equal(run.feed.explicit, false);
    assert.equal(run.feed.type, 'serial');
    assert.equal(run.feed.newFeedUrl, 'http://new.show.example/feed.xml');
    assert.equal(run.feed.block, true);
    assert.equal(run.feed.complete, false, '"maybe" is not Yes');
    assert.deepEqual(run.feed.keywords, ['history', 'war', 'podcast']);
    assert.match(run.feed.summaryHtml ?? '', /only a fallback/);
    assert.equal(run.feed.description, undefined, 'the summary never becomes the description by itself');
  });

  test('nested categories, double-escaped ampersands decoded, repeated top level merged', () => {
    assert.deepEqual(run.feed.categories, [
      { name: 'Kids & Family', subcategories: ['Parenting', 'Education for Kids'] },
      { name: 'Society & Culture', subcategories: ['Documentary'] },
    ]);
  });

  test('item tags', () => {
    assert.equal(ep1?.durationSeconds, 3723);
    assert.equal(ep1?.episode, 1);
    assert.equal(ep1?.season, 2);
    assert.equal(ep1?.episodeType, 'trailer');
    assert.equal(ep1?.explicit, true);
    assert.equal(ep1?.imageUrl, 'https://show.example/1.jpg');
    assert.equal(ep1?.author, 'Guest Author');
    assert.equal(ep1?.block, true);
    assert.equal(ep2?.durationSeconds, 2700, '45 min');
    assert.equal(ep2?.explicit, true);
    assert.equal(ep4?.durationSeconds, 4530, '75:30 (minutes above 59)');
    assert.equal(ep4?.explicit, false);
    assert.equal(ep4?.imageUrl, 'https://show.example/art/4.jpg', 'obsolete itunes:link rel="image"');
  });

  test('bad values are absent and reported', () => {
    assert.equal(ep3?.durationSeconds, undefined);
    assert.equal(ep3?.episode, undefined);
    assert.equal(ep3?.season, undefined);
    assert.equal(ep3?.episodeType, undefined);
    assert.equal(ep3?.explicit, true, '"explicit" spelling');
    assert.ok(codes.includes('bad-duration'));
    assert.equal(codes.filter((c) => c === 'bad-number').length, 2, 'episode 0 and season "two"');
    assert.ok(run.problems.some((p) => p.code === 'invalid-value' && p.message.includes('special')));
    assert.ok(run.problems.some((p) => p.code === 'invalid-value' && p.message.includes('complete')));
  });

  test('itunes:title fills a title nobody else set', () => {
    assert.equal(ep2?.title, 'Only the itunes title');
  });
});

describe('itunes tags through parseFeed', () => {
  const result = parseFeed({ body: new TextEncoder().encode(fixture('itunes-tags.xml')), url: FEED_URL });
  const byGuid = new Map(result.episodes.map((e) => [e.guid, e]));

  test('the listener sees the itunes author and artwork, the RSS description and title', () => {
    assert.equal(result.feed.author, 'Jane Host');
    assert.equal(result.feed.imageUrl, 'https://show.example/art/cover.jpg');
    assert.equal(result.feed.description, 'RSS description wins.');
    assert.equal(result.feed.type, 'serial');
    assert.equal(result.feed.categories?.[0]?.name, 'Kids & Family');
    assert.equal(byGuid.get('ep-1')?.title, 'Chapter 1');
    assert.equal(byGuid.get('ep-2')?.title, 'Only the itunes title');
  });

  test('itunes:summary is the description fallback', () => {
    assert.equal(byGuid.get('ep-2')?.description, 'Notes from the summary');
  });

  test('durations, numbers and types arrive on the episodes; junk does not', () => {
    assert.equal(byGuid.get('ep-1')?.durationSeconds, 3723);
    assert.equal(byGuid.get('ep-1')?.episodeType, 'trailer');
    assert.equal(byGuid.get('ep-3')?.durationSeconds, undefined);
    assert.equal(byGuid.get('ep-3')?.episode, undefined);
    assert.ok(result.problems.some((p) => p.code === 'bad-duration'));
  });
});
