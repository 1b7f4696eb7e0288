// Sloppy and hostile input: whatever the bytes, the parsers answer with cues or a typed error — never anything else,
// and never cues with markup or out of order. Seeded, so a failure reproduces.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChaptersFormatError, parseJsonChapters, parseTranscript, TranscriptFormatError } from './index.ts';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  'WEBVTT',
  'WEBVTT - x',
  'NOTE',
  'STYLE',
  '',
  '\r',
  '1',
  '00:00:01.000 --> 00:00:02.000',
  '00:01,5 --> 00:02,7',
  '99:99:99.999 --> 00:00:00.000',
  '00:00:05.000 -> 00:00:04.000 align:left',
  '<v Ana>Hello',
  '<v>',
  '<c.x>',
  '</v>',
  'Ben: Hi there',
  '&amp;&lt;&#x41;&bogus;',
  '<p><cite>Ana:</cite><time>0:05</time>Text</p>',
  '<cite>',
  '<time>99:99</time>',
  '{"segments":[',
  '{"startTime":1,"body":"a"}',
  ']}',
  '\uFEFF',
  '\u0000',
  'plain words here',
  '[00:01:02] Ana: hi',
];

describe('robustness', () => {
  it('5,000 random transcripts: cues or a TranscriptFormatError, cues clean and ordered', () => {
    const random = prng(20261127);
    const types = [
      'text/vtt',
      'application/x-subrip',
      'application/json',
      'text/html',
      'text/plain',
      undefined,
    ];
    for (let n = 0; n < 5000; n++) {
      const lines: string[] = [];
      const count = 1 + Math.floor(random() * 12);
      for (let i = 0; i < count; i++) lines.push(PIECES[Math.floor(random() * PIECES.length)] ?? '');
      const input = lines.join(random() < 0.5 ? '\n' : '\r\n');
      const type = types[Math.floor(random() * types.length)];
      try {
        const parsed = parseTranscript(input, type === undefined ? {} : { type });
        assert.ok(parsed.cues.length > 0);
        for (const [i, cue] of parsed.cues.entries()) {
          assert.ok(cue.text.trim() === cue.text && cue.text !== '', JSON.stringify({ input, cue }));
          assert.ok(Number.isFinite(cue.start) && cue.start >= 0, JSON.stringify({ input, cue }));
          if (cue.end !== undefined) assert.ok(cue.end > cue.start, JSON.stringify({ input, cue }));
          if (parsed.format !== 'html' && parsed.format !== 'text') {
            assert.ok(!/<\/?(?:v|c|b|i)\b/.test(cue.text), JSON.stringify({ input, cue }));
          }
          if (parsed.timed && i > 0) assert.ok(cue.start >= (parsed.cues[i - 1]?.start ?? 0));
        }
      } catch (error) {
        assert.ok(
          error instanceof TranscriptFormatError,
          `${String(error)} for ${JSON.stringify({ input, type })}`,
        );
      }
    }
  });

  it('random chapter documents: chapters or a ChaptersFormatError; only http(s) links survive', () => {
    const random = prng(7);
    const values: unknown[] = [
      0,
      -1,
      5.5,
      '12',
      '00:01:00',
      'x',
      null,
      true,
      {},
      [],
      'javascript:alert(1)',
      'https://a.test/x',
    ];
    const pick = (): unknown => values[Math.floor(random() * values.length)];
    for (let n = 0; n < 2000; n++) {
      const chapters = Array.from({ length: Math.floor(random() * 6) }, () => ({
        startTime: pick(),
        endTime: pick(),
        title: pick(),
        img: pick(),
        url: pick(),
        toc: pick(),
      }));
      const doc =
        random() < 0.1
          ? '{"chapters": ['
          : JSON.stringify(random() < 0.1 ? { chapters: pick() } : { chapters });
      try {
        const parsed = parseJsonChapters(doc);
        for (const [i, c] of parsed.chapters.entries()) {
          assert.ok(c.start >= 0 && (c.end === undefined || c.end > c.start));
          for (const link of [c.url, c.image]) if (link !== undefined) assert.match(link, /^https?:\/\//);
          if (i > 0) assert.ok(c.start >= (parsed.chapters[i - 1]?.start ?? 0));
        }
      } catch (error) {
        assert.ok(error instanceof ChaptersFormatError, `${String(error)} for ${doc}`);
      }
    }
  });
});
