import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { corpusDir, corpusPath, NO_CORPUS } from '../../../../test/support/corpus.ts';
import { parseDate } from './date.ts';

describe('parseDate', () => {
  const cases: [string, string | undefined][] = [
    // RFC 822 / 2822
    ['Mon, 22 Jan 2024 08:00:00 GMT', '2024-01-22T08:00:00.000Z'],
    ['Mon, 22 Jan 2024 08:00:00 +0000', '2024-01-22T08:00:00.000Z'],
    ['22 Jan 2024 08:00:00 +0100', '2024-01-22T07:00:00.000Z'],
    ['Mon, 22 Jan 24 08:00:00 GMT', '2024-01-22T08:00:00.000Z'],
    ['Thu, 21 Jan 99 21:40:00 GMT', '1999-01-21T21:40:00.000Z'],
    ['Mon, 22 Jan 2024 08:00 UT', '2024-01-22T08:00:00.000Z'],
    ['Mon, 22 Jan 2024 08:00:00 EST', '2024-01-22T13:00:00.000Z'],
    ['Mon, 22 Jul 2024 08:00:00 EDT', '2024-07-22T12:00:00.000Z'],
    ['Mon, 22 Jan 2024 08:00:00 PST', '2024-01-22T16:00:00.000Z'],
    ['Mon, 22 Jan 2024 08:00:00 CET', '2024-01-22T07:00:00.000Z'],
    ['Mon, 03 Nov 2014 11:57:49 AEDT', '2014-11-03T00:57:49.000Z'],
    ['Mon, 22 Jan 2024 08:00:00 Z', '2024-01-22T08:00:00.000Z'],
    ['Mon, 22 Jan 2024 08:00:00 A', '2024-01-22T07:00:00.000Z'],
    ['Mon, 22 Jan 2024 08:00:00 N', '2024-01-22T09:00:00.000Z'],
    ['Mon, 22 Jan 2024 08:00:00 GMT+2', '2024-01-22T06:00:00.000Z'],
    ['Mon, 22 Jan 2024 08:00:00 GMT-05:00', '2024-01-22T13:00:00.000Z'],
    ['Mon, 22 Jan 2024 08:00:00 +05:30', '2024-01-22T02:30:00.000Z'],
    ['Wed 05 May 2010 22:00PDT', '2010-05-06T05:00:00.000Z'],
    // wrong weekday, missing seconds, missing time, no zone
    ['Fri, 22 Jan 2024 08:00:00 GMT', '2024-01-22T08:00:00.000Z'],
    ['Fly, 7 Oct 2011 09:40:00 +0900', '2011-10-07T00:40:00.000Z'],
    ['Mon, 22 Jan 2024 08:00 GMT', '2024-01-22T08:00:00.000Z'],
    ['Sun, 18 Aug 2013', '2013-08-18T00:00:00.000Z'],
    ['Fri, 22 Abr 2016 09:42:00', '2016-04-22T09:42:00.000Z'],
    ['Fri, 14 Aug 2010 9:4:38 +0900', '2010-08-14T00:04:38.000Z'],
    // full month names, Sept, ordinals, US order, dots, junk
    ['Wed, 20 October 2011 00:00:00 EDT', '2011-10-20T04:00:00.000Z'],
    ['Tue, 13 Sept 2011 10:40:27 PST', '2011-09-13T18:40:27.000Z'],
    ['Sun, January 31st, 2016 10:30:00 +0900', '2016-01-31T01:30:00.000Z'],
    ['Friday, February 12, 2016 00:28:33 EST', '2016-02-12T05:28:33.000Z'],
    ['May, 12 2016 09:16:04 -0600', '2016-05-12T15:16:04.000Z'],
    ['Mon, July 8, 2013  -0500', '2013-07-08T05:00:00.000Z'],
    ['Aug. 24, 2010, 3:40 p.m.', '2010-08-24T15:40:00.000Z'],
    ['3/5/2014 12:00:00 AM', '2014-03-05T00:00:00.000Z'],
    ['1/22/2024', '2024-01-22T00:00:00.000Z'],
    ['22/1/2024', '2024-01-22T00:00:00.000Z'],
    ['22.01.2024 08:00', '2024-01-22T08:00:00.000Z'],
    ['Fri, 22. Feb 2013 08:00:00 GMT', '2013-02-22T08:00:00.000Z'],
    ['Sat, 17-Jul-2010 13:27:57 GMT', '2010-07-17T13:27:57.000Z'],
    ['  "Mon, 03 Apr 2017 14:06:00 CDT" ', '2017-04-03T19:06:00.000Z'],
    ['Wed,3 Apr 2013 0:01:00 GMT', '2013-04-03T00:01:00.000Z'],
    ['Sun, 13 Dec 2009 24:30:00 GMT', '2009-12-14T00:30:00.000Z'],
    ['Sat, 23 Apr 2016 10:60:00 PST', '2016-04-23T19:00:00.000Z'],
    // localised
    ['Montag, 22. Januar 2024 08:00:00 +0100', '2024-01-22T07:00:00.000Z'],
    ['Do, 1 Mai 2014 23:40:27 +0200', '2014-05-01T21:40:27.000Z'],
    ['Mi, 03 Mär 2010 20:03:00 +0100', '2010-03-03T19:03:00.000Z'],
    ['Thu, 9 mars 2010 20:03:00 +1000', '2010-03-09T10:03:00.000Z'],
    ['Thu, 18 août 2011 20:01:00 +1000', '2011-08-18T10:01:00.000Z'],
    ['vie, 14 abr 2017 10:32:00 GMT', '2017-04-14T10:32:00.000Z'],
    ['mar, 14 abr 2017 10:32:00 GMT', '2017-04-14T10:32:00.000Z'],
    ['Sábado 22 de septiembre de 2007 11:30:00 -0300', '2007-09-22T14:30:00.000Z'],
    ['Wed, 25 maio 2016 19:00 GMT', '2016-05-25T19:00:00.000Z'],
    ['03 marzo 2006', '2006-03-03T00:00:00.000Z'],
    ['Fri, 16 Gen 2013 11:30:00 +0100', '2013-01-16T10:30:00.000Z'],
    ['Mon, 29 Okt 2007 11:00:00 +0100', '2007-10-29T10:00:00.000Z'],
    ['za, 6 mei 2023 10:00:00 +0200', '2023-05-06T08:00:00.000Z'],
    ['fredag, mars 11, 2016 - 08:57', '2016-03-11T08:57:00.000Z'],
    ['sön, 20 jul 2014 10:00:00 GMT', '2014-07-20T10:00:00.000Z'],
    ['Cum, 17 Haz 2011 23:30:07 +0300', '2011-06-17T20:30:07.000Z'],
    ['Fri, 9 Januaary 2009 19:00:00 GMT', '2009-01-09T19:00:00.000Z'],
    // ISO 8601 / W3C-DTF
    ['2024-01-22T08:00:00Z', '2024-01-22T08:00:00.000Z'],
    ['2024-01-22T08:00:00.250+01:00', '2024-01-22T07:00:00.250Z'],
    ['2024-01-22T08:00:00.123456-0500', '2024-01-22T13:00:00.123Z'],
    ['2024-01-22T08:00', '2024-01-22T08:00:00.000Z'],
    ['2024-01-22 08:00:00', '2024-01-22T08:00:00.000Z'],
    ['2024-01-22', '2024-01-22T00:00:00.000Z'],
    ['2024-01', '2024-01-01T00:00:00.000Z'],
    ['20161007T14:51:44+0000', '2016-10-07T14:51:44.000Z'],
    ['1159704938', '2006-10-01T12:15:38.000Z'],
    [
      '<span class="date-display-single" content="2017-04-02T00:00:00-04:00">Sunday, April 2, 2017</span>',
      '2017-04-02T04:00:00.000Z',
    ],
    // not dates
    ['', undefined],
    ['   ', undefined],
    ['GMT', undefined],
    ['0000-00-00', undefined],
    ['Fri, 10 2014 20:00:00 EST', undefined],
    ['july 2014 12:00:00 GMT', undefined],
    ['2024-02-30', undefined],
    ['yesterday', undefined],
    ['Episode 12', undefined],
  ];
  for (const [raw, expected] of cases) {
    test(`${JSON.stringify(raw)} → ${expected ?? 'undefined'}`, () => {
      assert.equal(parseDate(raw), expected);
    });
  }
  test('the common RFC 822 form, read without a regex, and its near misses agree with the JavaScript engine', () => {
    for (const raw of [
      'Tue, 19 May 2015 00:00:00 -0000',
      'Tue, 9 May 2015 23:59:59 +1400',
      'Thu, 28 Jan 2016 10:06:52 PST',
      'Mon, 01 Jan 2024 08:00:00 +0530',
      'Sat, 31 Dec 2039 12:00:00 UT',
      'Sat, 31 Dec 2039 12:00:00 UTC',
      'Sat, 31 Dec 2039 12:00:00 Z',
      // Near misses the fast path leaves to the general rules.
      'Tue, 19 May 2015 0:00:00 GMT',
      'Tue, 19 May 2015 00:00 GMT',
      'Tue, 19 May 2015 00:00:00 gmt',
      'Tue,19 May 2015 00:00:00 GMT',
      'Tue, 19 May 2015  00:00:00 GMT',
    ]) {
      assert.equal(parseDate(raw), new Date(raw).toISOString(), raw);
    }
    assert.equal(parseDate('Wed, 29 Feb 2023 08:00:00 GMT'), undefined); // no such day
  });
});

const BE_CEAU = 'feeds/be-ceau-podcast-parser';
const MONTH_EN = /\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b/i;
const STRICT_RFC822 =
  /^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} (?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)? (?:GMT|UT|UTC|EST|EDT|CST|CDT|MST|MDT|PST|PDT|[+-]\d{4})$/;

function readLines(relative: string): string[] {
  return readFileSync(corpusPath(relative), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

function report(label: string, failures: string[]): void {
  const counts = new Map<string, number>();
  for (const f of failures) counts.set(f, (counts.get(f) ?? 0) + 1);
  const top = [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .map(([line, n]) => `  ${n}× ${JSON.stringify(line.slice(0, 80))}`);
  console.log(
    `${label}: ${failures.length} unparsed (${counts.size} distinct); most frequent:\n${top.join('\n')}`,
  );
}

describe('parseDate over the 143k-feed problem-date lists (be-ceau podcast-parser)', {
  skip: corpusDir === undefined ? NO_CORPUS : false,
}, () => {
  const files = ['problemdates.txt', 'realproblemdates.txt'].filter(
    (f) => corpusDir !== undefined && existsSync(corpusPath(`${BE_CEAU}/${f}`)),
  );

  test('strict RFC 822 lines agree with the JavaScript engine (an independent oracle for the canonical form)', () => {
    let checked = 0;
    for (const file of files) {
      for (const line of readLines(`${BE_CEAU}/${file}`)) {
        if (!STRICT_RFC822.test(line)) continue;
        checked++;
        // The engine says NaN for impossible days (`0 Dec 2011`, `80 Aug 2011`): so must we (undefined).
        const t = Date.parse(line);
        assert.equal(parseDate(line), Number.isNaN(t) ? undefined : new Date(t).toISOString(), line);
      }
    }
    assert.ok(checked >= 40, `only ${checked} canonical lines found`);
  });

  test('lines that name a day, a month and a year parse (≥ 97 %); the rest are reported', () => {
    // A line "has an expected value" when it holds a month word, a 1–2 digit day and a 4-digit year, or a
    // numeric d/m/y date; lines like `EST` or `+0900` carry no date and must not invent one.
    let expected = 0;
    const failures: string[] = [];
    let inventedFromNothing = 0;
    for (const file of files) {
      for (const line of readLines(`${BE_CEAU}/${file}`)) {
        const text = line.replace(/<[^>]*>/g, ' ');
        const hasDate =
          (MONTH_EN.test(text) && /\b(19|20)\d\d\b/.test(text) && /(^|\D)\d{1,2}(\D|$)/.test(text)) ||
          /\b\d{1,2}[./-]\d{1,2}[./-](19|20)\d\d\b/.test(text);
        const result = parseDate(line);
        if (hasDate) {
          expected++;
          if (result === undefined) failures.push(line);
        }
        // Without a 4-digit year, a `d/m/yy` date or a `Sept 11` two-digit year there is no year to find.
        const yearLike = /\d{4}|\d[/.-]\d{2}\b|\p{L}\.?,? \d{2}\b/u.test(line);
        if (!yearLike && result !== undefined) inventedFromNothing++;
        if (result !== undefined) assert.match(result, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      }
    }
    report('be-ceau dates with an expected value', failures);
    const rate = (expected - failures.length) / expected;
    console.log(`be-ceau: ${expected - failures.length}/${expected} parsed (${(rate * 100).toFixed(2)} %)`);
    assert.ok(expected > 2500, `only ${expected} dated lines`);
    assert.ok(rate >= 0.97, `success rate ${rate}`);
    assert.equal(inventedFromNothing, 0, 'a date was invented from a line without a year');
  });

  test('the localised and misspelled lines keep their calendar day', () => {
    // Spot checks read from the list itself.
    const expectations: [string, string][] = [
      ['Tue, 14 Dic 2010 14:00:00 GMT', '2010-12-14'],
      ['Dom, 28 Abr 2013 20:45:00 GMT', '2013-04-28'],
      ['Thu, 24 July 2006 07:38:00 EST', '2006-07-24'],
      ['Tues, 03 February 2009 14:17:54 EST', '2009-02-03'],
      ['Tuesday, November 1st, 2011', '2011-11-01'],
      ['Thus, 2 Sep 2010 01:15:00 CDT', '2010-09-02'],
      ['06/30/2013', '2013-06-30'],
    ];
    const all = new Set(files.flatMap((f) => readLines(`${BE_CEAU}/${f}`)));
    for (const [line, day] of expectations) {
      assert.ok(all.has(line), `the list no longer contains ${line}`);
      assert.equal(parseDate(line)?.slice(0, 10), day, line);
    }
  });
});

describe('parseDate against feedparser date expectations', {
  skip: corpusDir === undefined ? NO_CORPUS : false,
}, () => {
  test('every *_parsed date row parses to the tuple feedparser expects', () => {
    const rows = readFileSync(corpusPath('feeds/feedparser/EXPECTATIONS.tsv'), 'utf8').split('\n');
    let checked = 0;
    for (const row of rows) {
      const [path = '', , expr = ''] = row.split('\t');
      const wanted = [...expr.matchAll(/\['(\w+)_parsed'\] == \((\d+), (\d+), (\d+), (\d+), (\d+), (\d+),/g)];
      if (wanted.length === 0 || !path.endsWith('.xml')) continue;
      const file = corpusPath(path);
      if (!existsSync(file)) continue;
      const xml = readFileSync(file, 'utf8').replace(/<!--[\s\S]*?-->/g, '');
      // The last dated element wins in feedparser ("ensure overwrite"); dcterms:valid holds start=…;end=….
      const texts = [...xml.matchAll(/<([\w:]+)[^>]*>([^<]{4,80})<\/\1>/g)].map((m) => (m[2] ?? '').trim());
      for (const w of wanted) {
        const [, key = '', y, mo, d, h, mi, s] = w;
        const iso = `${y}-${mo?.padStart(2, '0')}-${d?.padStart(2, '0')}T${h?.padStart(2, '0')}:${mi?.padStart(2, '0')}:${s?.padStart(2, '0')}.000Z`;
        let raw: string | undefined;
        if (key.startsWith('validity_')) {
          const valid = texts.find((t) => t.includes('start=') || t.includes('end='));
          const part = key === 'validity_start' ? 'start' : 'end';
          raw = valid
            ?.split(';')
            .find((p) => p.trim().startsWith(`${part}=`))
            ?.split('=')[1];
        } else {
          raw = texts.filter((t) => /\d{4}/.test(t)).at(-1);
        }
        if (raw === undefined) continue;
        checked++;
        assert.equal(parseDate(raw), iso, `${path}: ${raw}`);
      }
    }
    console.log(`feedparser: ${checked} parsed-date expectations checked`);
    assert.ok(checked >= 20, `only ${checked} feedparser date rows checked`);
  });
});

test('a value longer than any date is not read as one (a date hidden in 300 characters of junk is not a date)', () => {
  assert.equal(parseDate(`Mon, 01 Jan 2024 00:00:00 GMT ${'x'.repeat(300)}`), undefined);
  assert.equal(parseDate(`${'<a '.repeat(100_000)}2024-01-01`), undefined);
  assert.equal(parseDate('Mon, 01 Jan 2024 00:00:00 GMT'), '2024-01-01T00:00:00.000Z');
});
