import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countedTurns } from '../../test/support/turns.ts';
import { parseTranscript, parseTranscriptInTurns, TranscriptFormatError } from './index.ts';

const deep = (n: number) =>
  `<html><body>${'<span>'.repeat(n)}<p><cite>Ann:</cite> <time>0:05</time> hello from the bottom</p><p><cite>Bob</cite> <time>0:09</time> and back</p>${'</span>'.repeat(n)}</body></html>`;

describe('HTML transcripts nested deep', () => {
  it('reads the cues under 100,000 nested wrappers', () => {
    const t = parseTranscript(deep(100_000), { type: 'text/html' });
    assert.deepEqual(t.cues, [
      { start: 5, speaker: 'Ann', text: 'hello from the bottom' },
      { start: 9, speaker: 'Bob', text: 'and back' },
    ]);
    assert.equal(t.timed, true);
  });

  it('reads in turns to the same result, pausing as it goes', async () => {
    const { turns, pauses } = countedTurns(5);
    const html = deep(20_000);
    assert.deepEqual(
      await parseTranscriptInTurns(html, { type: 'text/html' }, turns),
      parseTranscript(html, { type: 'text/html' }),
    );
    assert.ok(pauses() > 5, `${pauses()}`);
  });

  it('gives up as too-complex once reading has taken more than its time budget', async () => {
    const slow = countedTurns(1_000).turns;
    await assert.rejects(
      parseTranscriptInTurns(deep(20_000), { type: 'text/html' }, slow),
      (error) => error instanceof TranscriptFormatError && error.code === 'too-complex',
    );
  });
});
