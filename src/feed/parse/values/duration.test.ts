import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { corpusDir, corpusPath, NO_CORPUS } from '../../../../test/support/corpus.ts';
import { parseDuration } from './duration.ts';

describe('parseDuration', () => {
  const cases: [string, number | undefined][] = [
    ['3723', 3723],
    ['3723.5', 3723.5],
    ['  3723 \n', 3723],
    ['1:02:03', 3723],
    ['01:02:03', 3723],
    ['62:03', 3723],
    ['75:30', 4530],
    ['02:27', 147],
    ['01:02:03.250', 3723.25],
    ['00:00:00.250', 0.25],
    ['1:02:03,5', 3723.5],
    ['Duration: 01:02:50', 3770],
    ['DURATION 2:40:00', 9600],
    ['45 min', 2700],
    ['1h 2m 3s', 3723],
    ['1 hr, 30 mins', 5400],
    ['90 minutes', 5400],
    ['2 hours and 5 minutes', 7500],
    ['PT1H2M3S', 3723],
    ['PT45M', 2700],
    // unknown, never 0
    ['', undefined],
    ['   ', undefined],
    ['0', undefined],
    ['00:00:00', undefined],
    ['-5', undefined],
    ['xx:xx', undefined],
    ['oo:45:28', undefined],
    ['Two hours', undefined],
    ['unknown', undefined],
    ['{podcast_duration}', undefined],
    ['images/377_main_.jpg', undefined],
    ['1:2:3:4', undefined],
    ['1h 1h', undefined],
    ['5 apples', undefined],
    ['PT', undefined],
  ];
  for (const [raw, expected] of cases) {
    test(`${JSON.stringify(raw)} → ${expected ?? 'undefined'}`, () => {
      assert.equal(parseDuration(raw), expected);
    });
  }
});

describe('parseDuration over every itunes:duration seen in 143k feeds (be-ceau durations.txt)', {
  skip: corpusDir === undefined ? NO_CORPUS : false,
}, () => {
  test('canonical forms give the right seconds, junk is unknown, nothing throws or gives 0', (t) => {
    const file = corpusPath('feeds/be-ceau-podcast-parser/durations.txt');
    if (!existsSync(file)) {
      t.skip(`${file} is absent from the corpus`);
      return;
    }
    const lines = readFileSync(file, 'utf8').split('\n');
    let canonical = 0;
    let positiveCanonical = 0;
    let junk = 0;
    let junkParsed = 0;
    for (const line of lines) {
      const result = parseDuration(line);
      assert.notEqual(result, 0, line);
      if (result !== undefined) assert.ok(Number.isFinite(result) && result > 0, line);
      // Independent rule for the canonical forms: split on ':', weight the fields 1, 60, 3600 from the right.
      const t = line.trim();
      if (/^[0-9]+(\.[0-9]+)?$|^[0-9]+(:[0-9]{1,2}){1,2}(\.[0-9]+)?$/.test(t)) {
        canonical++;
        const fields = t.split(':').reverse();
        let seconds = 0;
        fields.forEach((f, i) => {
          seconds += Number.parseFloat(f) * 60 ** i;
        });
        if (seconds > 0) {
          positiveCanonical++;
          assert.ok(Math.abs((result ?? Number.NaN) - seconds) < 1e-6, `${t}: ${result} ≠ ${seconds}`);
        } else assert.equal(result, undefined, t);
      } else if (!/\d/.test(t)) {
        // No digit at all (empty, `unknown`, `xx:xx`, `Two hours`): there is nothing to measure.
        junk++;
        if (result !== undefined) junkParsed++;
      }
    }
    console.log(
      `durations.txt: ${lines.length} lines, ${canonical} canonical (${positiveCanonical} > 0), ${junk} without digits`,
    );
    assert.ok(canonical > 60_000);
    assert.equal(junkParsed, 0);
  });
});
