// The reference episode ("Stakhanovite Movement", the demo catalogue's reference show): its 20-entry research list
// read into the fields a careful reader reads off each entry (testdata/reference-episode.json, checked by hand).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Citation } from '../domain/citation.ts';
import { sanitizeShowNotes } from '../feed/refresh/sanitize.ts';
import { parseFeed } from '../index.ts';
import { extractCitations } from './extract.ts';

const FIELDS = [
  'authors',
  'title',
  'container',
  'publisher',
  'date',
  'dateText',
  'url',
  'volume',
  'issue',
  'pages',
  'doi',
  'isbn',
] as const;

describe('the reference episode', () => {
  const body = readFileSync(join(import.meta.dirname, '..', 'demo', 'feeds', 'reference-show.xml'));
  const { episodes } = parseFeed({ body, url: 'https://demo.invalid/feed.xml' });
  const episode = episodes.find((e) => e.title === 'Stakhanovite Movement');
  const expected = JSON.parse(
    readFileSync(join(import.meta.dirname, 'testdata', 'reference-episode.json'), 'utf8'),
  ) as Partial<Citation>[];

  it('yields its 20 research entries with authors, titles, containers and dates as written', () => {
    assert.ok(episode?.contentHtml, 'the reference episode and its notes are in the demo feed');
    const citations = extractCitations(sanitizeShowNotes(episode.contentHtml) ?? '');
    assert.equal(expected.length, 20);
    assert.equal(citations.length, 20);
    citations.forEach((citation, i) => {
      const want = expected[i] ?? {};
      for (const field of FIELDS) {
        if (field === 'dateText' && want.dateText === undefined) continue;
        assert.deepEqual(citation[field], want[field], `entry ${i + 1} (${want.title}): ${field}`);
      }
      assert.ok(citation.text.length > 0);
    });
  });

  it('keeps each entry as written, typos and all', () => {
    const citations = extractCitations(sanitizeShowNotes(episode?.contentHtml) ?? '');
    const nyt = citations.find((c) => c.container === 'New York Times');
    assert.match(nyt?.text ?? '', /Augst 31, 1985/);
  });
});
