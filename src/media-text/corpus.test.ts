// The real transcript and chapter files of the shared corpus (MANIFEST kinds srt/vtt/json marked transcript or
// chapters) and the reference show's transcript, read in place. Skips when the corpus is absent.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { corpusDir, NO_CORPUS, sharedDir } from '../../test/support/corpus.ts';
import { parseJsonChapters, parseTranscriptBytes, TranscriptFormatError } from './index.ts';

const skip = corpusDir === undefined ? NO_CORPUS : undefined;
const read = (relative: string): Uint8Array => readFileSync(join(corpusDir ?? '', relative));

interface Row {
  path: string;
  kind: string;
  notes: string;
}

function manifestRows(): Row[] {
  if (corpusDir === undefined) return [];
  return readFileSync(join(corpusDir, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'))
    .map((f) => ({ path: f[0] ?? '', kind: f[6] ?? '', notes: f[9] ?? '' }))
    .filter((r) => r.path !== '');
}

describe('corpus transcripts and chapters', { skip }, () => {
  const rows = manifestRows();
  const transcripts = rows.filter(
    (r) =>
      (r.kind === 'vtt' || r.kind === 'srt' || r.kind === 'json') &&
      /(?:^|;\s*)(?:json-)?transcript\s*(?:;|$)/.test(r.notes),
  );
  const chapters = rows.filter((r) => r.kind === 'json' && /json-chapters/.test(r.notes));

  it('every transcript file in the manifest parses to cues with text and ordered starts', () => {
    assert.ok(transcripts.length >= 10, `only ${transcripts.length} transcript files found`);
    for (const row of transcripts) {
      const parsed = parseTranscriptBytes(read(row.path), { url: row.path });
      assert.ok(parsed.cues.length > 0, row.path);
      assert.equal(parsed.format, row.kind, row.path);
      for (const [i, cue] of parsed.cues.entries()) {
        assert.ok(cue.text.length > 0 && !/[<>]/.test(cue.text), `${row.path} cue ${i}: ${cue.text}`);
        if (i > 0)
          assert.ok(cue.start >= (parsed.cues[i - 1]?.start ?? 0), `${row.path} cue ${i} out of order`);
        if (cue.end !== undefined)
          assert.ok(cue.end > cue.start, `${row.path} cue ${i} ends before it starts`);
      }
    }
  });

  it('the spec example VTT: CRLF, <v> speakers, &amp; decoded', () => {
    const { cues } = parseTranscriptBytes(read('feeds/podcast-namespace/transcripts/example.vtt'), {
      type: 'text/vtt',
    });
    assert.equal(cues.length, 7);
    assert.deepEqual(cues[0], {
      start: 0,
      end: 2.76,
      speaker: 'Sarah',
      text: "In today's episode, you'll learn whether or not you",
    });
    assert.match(cues[2]?.text ?? '', /Welcome to Podcasting Q&A, where/);
    assert.deepEqual(
      cues.slice(5).map((c) => [c.start, c.speaker]),
      [
        [19.08, 'Gillian'],
        [21.45, 'Gillian'],
      ],
    );
  });

  it('the spec example SRT: 222 cues, Travis named by prefix, the last cue at 12:32.671', () => {
    const { cues } = parseTranscriptBytes(read('feeds/podcast-namespace/transcripts/example.srt'), {
      type: 'application/x-subrip',
    });
    assert.equal(cues.length, 222);
    assert.deepEqual(cues[0], {
      start: 0.179,
      end: 2.399,
      speaker: 'Travis',
      text: "When you first get started in podcasting, it's",
    });
    assert.deepEqual(cues.at(-1), {
      start: 752.671,
      end: 754.769,
      speaker: 'Travis',
      text: 'best thing to do is to batch your episodes.',
    });
  });

  it('the spec example JSON: four words of Darth Vader become one cue, Luke answers', () => {
    const { cues } = parseTranscriptBytes(read('feeds/podcast-namespace/transcripts/example.json'), {
      type: 'application/json',
    });
    assert.deepEqual(cues, [
      { start: 0.5, end: 2.5, speaker: 'Darth Vader', text: 'I am your father.' },
      { start: 2.75, end: 3, speaker: 'Luke', text: 'Nooooo' },
    ]);
  });

  it('the spec example HTML: cite/time/p siblings give speakers and starts', () => {
    const parsed = parseTranscriptBytes(read('feeds/podcast-namespace/transcripts/example.html'), {
      type: 'text/html',
    });
    assert.equal(parsed.timed, true);
    assert.deepEqual(
      parsed.cues.slice(0, 3).map((c) => [c.start, c.speaker]),
      [
        [0, 'Travis'],
        [53, 'Sarah'],
        [102, 'Travis'],
      ],
    );
    assert.match(parsed.cues[1]?.text ?? '', /^Creating good audio is really key/);
    assert.match(parsed.cues[0]?.text ?? '', /it's almost guaranteed/);
  });

  it('dart fixtures: VTT NOTE skipped, <v.loud> and <c> handled, mm:ss and h:mm:ss times', () => {
    const { cues } = parseTranscriptBytes(read('feeds/podcast-search-dart/test_transcript.vtt'), {
      type: 'text/vtt',
    });
    assert.deepEqual(
      cues.map((c) => [c.start, c.speaker, c.text]),
      [
        [0, undefined, 'Text line 1'],
        [2, 'Speaker1', 'Text line 2'],
        [3, 'Speaker2', 'Text line 3'],
        [65, 'Speaker3', 'Text line 4'],
        [67, undefined, 'Text line 5'],
        [3729.001, undefined, 'Multi Line 1 Multi Line 2'],
      ],
    );
    const noEnd = parseTranscriptBytes(read('feeds/podcast-search-dart/test_transcript_speaker_no_end.json'));
    assert.deepEqual(
      noEnd.cues.map((c) => [c.start, c.end, c.speaker]),
      [
        [0, undefined, 'Speaker 1'],
        [5.5, undefined, 'Speaker 2'],
        [10, undefined, 'Speaker 1'],
      ],
    );
  });

  it('Pocket Casts sample: one-digit hours, a whitespace-only cue dropped', () => {
    const { cues } = parseTranscriptBytes(read('feeds/pocketcasts-ios/Transcripts/sample.vtt'), {
      type: 'text/vtt',
    });
    assert.equal(cues.length, 13);
    assert.deepEqual(cues[0], {
      start: 15.41,
      end: 25.85,
      speaker: 'Speaker 1',
      text: 'But I must explain to you how all this mistaken idea',
    });
    assert.equal(cues.at(-1)?.start, 71.89);
  });

  it('podfetch: a "->" arrow is read leniently; empty.json is a typed error', () => {
    const broken = parseTranscriptBytes(read('feeds/podfetch/broken.vtt'), { type: 'text/vtt' });
    assert.deepEqual(broken.cues, [{ start: 0.5, end: 4.2, text: 'Hello world' }]);
    assert.throws(
      () => parseTranscriptBytes(read('feeds/podfetch/empty.json'), { type: 'application/json' }),
      (e: unknown) => e instanceof TranscriptFormatError && e.code === 'bad-structure',
    );
    const html = parseTranscriptBytes(read('feeds/podfetch/sample.html'), { type: 'text/html' });
    assert.deepEqual(html.cues[1], { start: 4, speaker: 'Bob', text: 'Nice to meet you & you too' });
  });

  it('every chapters file parses, sorted, with ends filled and the hidden Eiffel Tower chapter kept', () => {
    assert.ok(chapters.length >= 2);
    for (const row of chapters) {
      const parsed = parseJsonChapters(Buffer.from(read(row.path)).toString('utf8'));
      assert.ok(parsed.chapters.length > 0, row.path);
    }
    const complex = parseJsonChapters(
      Buffer.from(read('feeds/podcast-namespace/chapters/exampleComplex.json')).toString('utf8'),
    );
    assert.equal(complex.chapters.length, 11);
    assert.equal(complex.podcastName, "John's Awesome Podcast");
    const hidden = complex.chapters.filter((c) => c.hidden);
    assert.deepEqual(hidden, [
      {
        start: 4826,
        end: 5510,
        image: 'https://example.com/images/parisfrance.jpg',
        hidden: true,
        location: { name: 'Eiffel Tower, Paris', geo: 'geo:42.3417649,-70.9661596' },
      },
    ]);
    const donations = complex.chapters.find((c) => c.title === 'Donations');
    assert.deepEqual([donations?.start, donations?.end], [4600, 5510]);
    assert.equal(complex.chapters.at(-1)?.title, 'Outro');
    assert.equal(complex.chapters.at(-1)?.end, undefined);
  });
});

describe('reference show transcript', { skip: sharedDir === undefined ? NO_CORPUS : undefined }, () => {
  it('the Stakhanovite episode VTT: three cues by Speaker 1 from 0:01 to 1:08', (t) => {
    const file = join(sharedDir ?? '', 'fixtures', 'reference-show', 'unearthed-in-july-2017.vtt');
    if (!existsSync(file)) {
      t.skip(`${file} is absent from the shared fixtures`);
      return;
    }
    const parsed = parseTranscriptBytes(readFileSync(file), { type: 'text/vtt' });
    assert.deepEqual(
      parsed.cues.map((c) => [c.start, c.end, c.speaker]),
      [
        [1, 23, 'Speaker 1'],
        [23, 47, 'Speaker 1'],
        [47, 68, 'Speaker 1'],
      ],
    );
    assert.match(parsed.cues[0]?.text ?? '', /^Welcome to Stuff You Missed in History Class/);
    assert.match(parsed.cues[0]?.text ?? '', /I'm Tracy V\. Wilson and I'm Holly Frey\.$/);
  });
});
