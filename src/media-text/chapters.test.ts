import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ChaptersFormatError, chaptersFromPodlove, parseJsonChapters } from './index.ts';

const testdata = (name: string): string => readFileSync(join(import.meta.dirname, 'testdata', name), 'utf8');

describe('JSON chapters', () => {
  const parsed = parseJsonChapters(testdata('chapters.json'), {
    baseUrl: 'https://feeds.example.test/show/ep12/chapters.json',
  });

  it('sorts by start, drops chapters without a usable startTime, trims titles', () => {
    assert.equal(parsed.title, 'Harbour & Hills 12');
    assert.deepEqual(
      parsed.chapters.map((c) => [c.start, c.title]),
      [
        [0, 'Intro'],
        [120, 'Listener mail'],
        [300, 'Tides'],
        [420.5, undefined],
        [600, 'Outro'],
      ],
    );
  });

  it('an endTime in the file wins; otherwise a chapter ends where the next listed one starts', () => {
    assert.deepEqual(
      parsed.chapters.map((c) => c.end),
      [60, 300, 600, 600, undefined],
    );
  });

  it('toc:false is kept as a hidden chapter with its artwork and location', () => {
    assert.deepEqual(parsed.chapters[3], {
      start: 420.5,
      end: 600,
      image: 'https://cdn.example.test/boat.png',
      hidden: true,
      location: { name: 'Old Harbour', geo: 'geo:50.1,-5.0' },
    });
    assert.equal(parsed.chapters.filter((c) => c.hidden).length, 1);
  });

  it('relative images resolve against the file URL; javascript: links are dropped', () => {
    assert.equal(parsed.chapters[2]?.image, 'https://feeds.example.test/show/ep12/art/tides.jpg');
    assert.equal(parsed.chapters[2]?.url, undefined);
    assert.equal(parsed.chapters[1]?.url, 'https://example.test/mail');
  });

  it('garbage gets a typed error with a code; an empty list is not an error', () => {
    const code = (c: string) => (e: unknown) => e instanceof ChaptersFormatError && e.code === c;
    assert.throws(() => parseJsonChapters(''), code('empty'));
    assert.throws(() => parseJsonChapters('<html>gone</html>'), code('bad-json'));
    assert.throws(() => parseJsonChapters('{"version":"1.2.0"}'), code('bad-structure'));
    assert.throws(() => parseJsonChapters('\u0000\u0001\u0002binary'), code('binary'));
    assert.deepEqual(parseJsonChapters('{"version":"1.2.0","chapters":[]}').chapters, []);
  });
});

describe('Podlove chapters', () => {
  it('are sorted, get ends from the next chapter and keep only http(s) links', () => {
    const chapters = chaptersFromPodlove([
      {
        startSeconds: 95.5,
        title: 'Second',
        href: 'https://example.test/2',
        image: 'data:image/png;base64,xx',
      },
      { startSeconds: 0, title: 'First' },
      { startSeconds: 200, title: 'Third', href: 'javascript:void(0)' },
    ]);
    assert.deepEqual(chapters, [
      { start: 0, title: 'First', end: 95.5 },
      { start: 95.5, title: 'Second', url: 'https://example.test/2', end: 200 },
      { start: 200, title: 'Third' },
    ]);
  });
});
