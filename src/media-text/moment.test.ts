import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { prng } from '../../test/support/random.ts';
import {
  cueMarks,
  decodeCueMarks,
  encodeCueMarks,
  findMoment,
  findMomentInText,
  holdsEveryWord,
  MOMENT_TEXT_CHARS,
  momentWords,
  type TranscriptMoment,
} from './moment.ts';
import { transcriptPlainText } from './transcript.ts';
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

/** The moment as a search finds it: from the stored text and its stored marks, not the cues. */
function momentFromText(of: readonly Cue[], query: string): TranscriptMoment | undefined {
  const text = transcriptPlainText(of);
  const marks = decodeCueMarks(encodeCueMarks(cueMarks({ timed: true, cues: [...of] })), text.length);
  assert.ok(marks?.timed, 'timed marks read back');
  return findMomentInText(text, marks, query);
}

describe("the moment from a transcript's stored text and its cues' marks", () => {
  test("a word said in the third cue gives the third cue's time, speaker and line", () => {
    assert.deepEqual(momentFromText(cues, 'miner'), {
      startSeconds: 17,
      speaker: 'Holly',
      text: 'the coal miner who became a Soviet hero.',
    });
    assert.deepEqual(momentFromText(cues, 'industry'), {
      startSeconds: 95,
      speaker: 'Tracy',
      text: 'The Stakhanovite movement spread to every industry.',
    });
  });

  test('the same moments as from the parsed cues', () => {
    for (const query of [
      'coal quotas',
      'Stakhanov',
      'STAKHANOVITE MOVEMENTS',
      'sóviet her',
      'Stakhanov coal miner',
      'soviet miner zeppelin',
      'zeppelin',
      ' ?! ',
      'again',
      'welcome',
      'w',
    ]) {
      assert.deepEqual(momentFromText(cues, query), findMoment(cues, query), query);
    }
  });

  test('the same moments as from the parsed cues, for random transcripts and queries', () => {
    const random = prng(35);
    const vocabulary = [
      'coal',
      'Coal',
      'coals',
      'coalition',
      'miner',
      'miners,',
      'Sóviet',
      'soviet',
      'ŞEHİR',
      'Straße',
      'ΟΔΟΣ',
      'οδός',
      'café',
      'cafe',
      'e\u0301',
      'ﬁre',
      'fire',
      '42',
      '“quoted”',
      '—',
      'hero.',
      'it’s',
      '🐳',
      'whale',
      'x',
    ];
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    for (let round = 0; round < 400; round++) {
      const transcript: Cue[] = Array.from({ length: 1 + Math.floor(random() * 12) }, (_, i) => ({
        start: i * 4.5,
        ...(random() < 0.5 ? { speaker: pick(['Ana', 'Ben']) } : {}),
        text: Array.from({ length: Math.floor(random() * 7) }, () => pick(vocabulary)).join(
          pick([' ', '  ', '\n']),
        ),
      }));
      const words = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(vocabulary));
      const query = random() < 0.3 ? `${words.join(' ')}`.slice(0, -1) : words.join(' ');
      assert.deepEqual(
        momentFromText(transcript, query),
        findMoment(transcript, query),
        `${JSON.stringify(transcript)} ${query}`,
      );
    }
  });

  test('an untimed transcript has no moments; damaged marks read as none', () => {
    assert.deepEqual(
      decodeCueMarks(encodeCueMarks(cueMarks({ timed: false, cues: [{ start: 0, text: 'hi' }] })), 2),
      { timed: false },
    );
    const stored = encodeCueMarks(
      cueMarks({
        timed: true,
        cues: [
          { start: 1, text: 'one' },
          { start: 2, text: 'two' },
        ],
      }),
    );
    assert.ok(decodeCueMarks(stored, 7)?.timed);
    assert.equal(decodeCueMarks(stored, 3), undefined, 'a cue past the end of the text');
    assert.equal(
      decodeCueMarks('{"v":1,"speakers":[],"cues":[4,1,-1,0,2,-1]}', 7),
      undefined,
      'out of order',
    );
    assert.equal(decodeCueMarks('{"v":2,"speakers":[],"cues":[0,1,-1]}', 7), undefined, 'another version');
    assert.equal(decodeCueMarks('not json', 7), undefined);
  });
});

test('a text holds every word of a query as its words split by momentWords do, for random texts and queries', () => {
  const random = prng(36);
  const vocabulary = [
    'coal',
    'Coals',
    'coalition',
    'miner,',
    'min',
    'Sóviet',
    'ŞEHİR',
    'şehir',
    'Straße',
    'ΟΔΟΣ',
    'οδός',
    'café',
    'cafe',
    'e\u0301',
    'ﬁre',
    '42',
    '4',
    '“quoted”',
    'it’s',
    '🐳',
    '𝒜bc',
    'abc',
    'a-b',
    'x',
  ];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  // The rule, plainly: every query word (the last as a prefix) starts a word of the text, at most 3 letters shorter.
  const oracle = (text: string, query: string): boolean => {
    const words = [...new Set(momentWords(query))].slice(0, 8);
    const tokens = momentWords(text);
    return (
      words.length > 0 &&
      words.every((w, i) =>
        tokens.some((t) => t.startsWith(w) && (i === words.length - 1 || t.length - w.length <= 3)),
      )
    );
  };
  let held = 0;
  for (let round = 0; round < 3000; round++) {
    const text = Array.from({ length: Math.floor(random() * 10) }, () => pick(vocabulary)).join(
      pick([' ', '', '\n']),
    );
    const words = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(vocabulary));
    const query = random() < 0.3 ? words.join(' ').slice(0, -1) : words.join(' ');
    const holds = holdsEveryWord(text, query);
    if (holds) held++;
    assert.equal(holds, oracle(text, query), JSON.stringify({ text, query }));
  }
  assert.ok(held > 100, 'some texts hold the words');
});
