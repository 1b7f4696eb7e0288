import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findMoment, MOMENT_TEXT_CHARS } from './moment.ts';
import type { Cue } from './types.ts';

const cues: Cue[] = [
  { start: 0, text: 'Welcome back to the show.' },
  { start: 12.4, speaker: 'Holly', text: 'Today we are talking about Alexei Stakhanov,' },
  { start: 17.9, speaker: 'Holly', text: 'the coal miner who became a Soviet hero.' },
  { start: 95, speaker: 'Tracy', text: 'The Stakhanovite movement spread to every industry.' },
  { start: 130, text: 'Coal quotas were raised again and again.' },
];

describe('the moment of a transcript a search hit links to', () => {
  test('the first cue holding every word, at its whole second, with its speaker', () => {
    assert.deepEqual(findMoment(cues, 'coal quotas'), {
      startSeconds: 130,
      text: 'Coal quotas were raised again and again.',
    });
    assert.deepEqual(findMoment(cues, 'Stakhanov'), {
      startSeconds: 12,
      speaker: 'Holly',
      text: 'Today we are talking about Alexei Stakhanov,',
    });
  });

  test('words are matched as the search matches them: case, diacritics, short endings, the last as a prefix', () => {
    assert.equal(findMoment(cues, 'STAKHANOVITE MOVEMENTS')?.startSeconds, 95);
    assert.equal(findMoment(cues, 'sóviet her')?.startSeconds, 17);
    // A whole word does not match a longer unrelated word ("spread" is not "spreadsheets").
    const spread: Cue[] = [
      { start: 5, text: 'spreadsheets everywhere' },
      { start: 9, text: 'it spread everywhere' },
    ];
    assert.equal(findMoment(spread, 'spread everywhere')?.startSeconds, 9);
  });

  test('a phrase said across two cues starts at the first of them', () => {
    const moment = findMoment(cues, 'Stakhanov coal miner');
    assert.equal(moment?.startSeconds, 12);
    assert.equal(
      moment?.text,
      'Today we are talking about Alexei Stakhanov, the coal miner who became a Soviet hero.',
    );
  });

  test('without every word, the cue holding most of them; without any, no moment', () => {
    assert.equal(findMoment(cues, 'soviet miner zeppelin')?.startSeconds, 17);
    assert.equal(findMoment(cues, 'zeppelin'), undefined);
    assert.equal(findMoment(cues, ' ?! '), undefined);
    assert.equal(findMoment([], 'coal'), undefined);
  });

  test('a long cue is cut around the match, at spaces, marked with an ellipsis', () => {
    const filler = 'and then the story went on for quite a while longer '.repeat(12);
    const moment = findMoment(
      [{ start: 3, text: `${filler}until the lighthouse keeper spoke. ${filler}` }],
      'lighthouse',
    );
    assert.ok(moment !== undefined);
    assert.ok(moment.text.length <= MOMENT_TEXT_CHARS + 2, moment.text);
    assert.match(moment.text, /^….*lighthouse keeper.*…$/);
  });
});
