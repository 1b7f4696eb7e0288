import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import {
  creditsFromAuthor,
  creditsInNotes,
  MAX_NOTE_CREDITS,
  notesText,
  withExtraCredits,
} from './note-credits.ts';

/** "name:role" for each credit found, in order. */
const found = (text: string): string[] => creditsInNotes(text).map((p) => `${p.name}:${p.role}`);

describe('creditsInNotes: real phrasing', () => {
  const cases: [string, string[]][] = [
    ['With special guest Jane Ortega!', ['Jane Ortega:guest']],
    ['with special guests Will Dorsey and Mary Ellen Park', ['Will Dorsey:guest', 'Mary Ellen Park:guest']],
    [
      '(with guests Ana Birch and Sumi Montag!) Watch the stream live',
      ['Ana Birch:guest', 'Sumi Montag:guest'],
    ],
    ['With guest star Nora Stevens, the crew returns.', ['Nora Stevens:guest']],
    ['With special guest player Kit Bass!', ['Kit Bass:guest']],
    ['with special guest Dr Ray Christie on the mic', ['Ray Christie:guest']],
    ['Featuring special guest Sam Richter!', ['Sam Richter:guest']],
    ['My guest today is historian Jane Doe. She wrote a book.', ['Jane Doe:guest']],
    ["Today's guest is Dr. Amal Haddad, a physician.", ['Amal Haddad:guest']],
    ['Our guests this week are Lee Park & Toni Ruiz.', ['Lee Park:guest', 'Toni Ruiz:guest']],
    ['Hosted by Charlie Chaplin-Reyes', ['Charlie Chaplin-Reyes:host']],
    ['Hosted by Tracy V. Wilson and Holly Frey.', ['Tracy V. Wilson:host', 'Holly Frey:host']],
    ['An interview with Werner Vogt, the CTO of a shop', ['Werner Vogt:guest']],
    [
      'Interview With Stuart Bell And Matt Byrd, Independent Contractors',
      ['Stuart Bell:guest', 'Matt Byrd:guest'],
    ],
    ['Featuring Darin De Paul as the mayor', ['Darin De Paul:guest']],
    ['an interview with Ludwig van Beeth about music', ['Ludwig van Beeth:guest']],
    [
      'Featuring Laura Bale, Tal Jaffe, Ash Jonsson and Sam Riegl.',
      ['Laura Bale:guest', 'Tal Jaffe:guest', 'Ash Jonsson:guest', 'Sam Riegl:guest'],
    ],
    [
      'Guests: Heidi Closet, Isa Rivera and Jo Kim\nHost: Max Power',
      ['Heidi Closet:guest', 'Isa Rivera:guest', 'Jo Kim:guest', 'Max Power:host'],
    ],
    ['with guest Ana Birch!) and later with guest Ana Birch again', ['Ana Birch:guest']],
  ];
  for (const [text, expected] of cases) {
    it(`finds ${expected.join(', ')} in "${text.slice(0, 50)}"`, () => {
      assert.deepEqual(found(text), expected);
    });
  }
});

describe('creditsInNotes: precision (no person from an ambiguous phrase)', () => {
  const none = [
    'with guest appearances from our listeners',
    'Hosted by Libsyn',
    'Hosted by Simplecast, an AdsWizz company. See pcm.adswizz.com for information',
    'Hosted on Acast. See acast.com/privacy for more information.',
    'Hosted by Acast',
    'hosted by the league employees',
    'hosted by egghead',
    'Featuring Music from the Winter Crest soundtrack',
    'featuring the founding cast of the show',
    'interview with the writers and producers of the series to find out more',
    'An interview with Guy L',
    'Featuring (in order of appearance): many voices',
    'with special guest Tracy, who returns',
    'hosted by iHeartPodcasts',
    'Hosted by Jane Doe Productions',
    'hosted by Gimlet Media',
    'with guests from NPR News',
    'We talk with guest stars about their work',
    'my guest today is the author of a new book',
  ];
  for (const text of none) {
    it(`finds nobody in "${text.slice(0, 60)}"`, () => {
      assert.deepEqual(found(text), []);
    });
  }

  it('keeps only the first name of a comma list that does not end with "and"', () => {
    assert.deepEqual(found('Interview with Wes Freeman, Information Analysis'), ['Wes Freeman:guest']);
  });
});

describe('creditsInNotes: bounds', () => {
  it('reads only the start of very long notes and returns at most MAX_NOTE_CREDITS people', () => {
    const many = Array.from({ length: 40 }, (_, i) => `with guest Person${letters(i)} Surname${letters(i)}.`);
    assert.equal(creditsInNotes(many.join(' ')).length, MAX_NOTE_CREDITS);
    const late = `${'word '.repeat(10_000)} with special guest Jane Ortega`;
    assert.deepEqual(creditsInNotes(late), []);
  });
});

describe('notesText', () => {
  it('drops tags, puts blocks on lines and reads common entities', () => {
    const text = notesText('<p>My guest today is <b>Jane&nbsp;O&#8217;Neil</b>.</p><p>Hosts: Ana Birch</p>');
    assert.deepEqual(found(text), ['Jane O’Neil:guest', 'Ana Birch:host']);
  });

  it('ends the text at a "<" that never closes (hostile markup is read once)', () => {
    const text = notesText(`<p>With special guest Ana Birch!</p>${'<!--'.repeat(10_000)} with guest Jo Kim`);
    assert.deepEqual(found(text), ['Ana Birch:guest']);
  });
});

describe('creditsFromAuthor', () => {
  it('takes personal names from an author byline and the owner, never a network', () => {
    assert.deepEqual(
      creditsFromAuthor('Tracy V. Wilson and Holly Frey', 'iHeartPodcasts').map((p) => `${p.name}:${p.role}`),
      ['Tracy V. Wilson:author', 'Holly Frey:author'],
    );
    assert.deepEqual(
      creditsFromAuthor('john@example.com (John Doe)', 'John Doe').map((p) => `${p.name}:${p.role}`),
      ['John Doe:author'],
    );
    assert.deepEqual(creditsFromAuthor('iHeartPodcasts', 'iHeartRadio'), []);
    assert.deepEqual(creditsFromAuthor('NPR', 'National Public Radio'), []);
    assert.deepEqual(creditsFromAuthor('The Daily Show Team', undefined), []);
  });
});

describe('withExtraCredits', () => {
  it("keeps the feed's credits first and adds only people the feed does not credit", () => {
    const feed = [{ name: 'Jane Doe', role: 'host', group: 'cast' }];
    const merged = withExtraCredits(feed, [
      { name: 'jane  doe', role: 'guest', group: 'cast' },
      { name: 'Ana Birch', role: 'guest', group: 'cast' },
    ]);
    assert.deepEqual(
      merged?.map((p) => `${p.name}:${p.role}`),
      ['Jane Doe:host', 'Ana Birch:guest'],
    );
    assert.equal(withExtraCredits(undefined, []), undefined);
  });
});

describe('creditsInNotes on the real corpus', () => {
  const corpus = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'corpus', 'feeds');
  const skip = existsSync(corpus) ? undefined : `the corpus (${corpus}) is absent; skipping`;
  it('never credits a hosting platform, and finds some guests', { skip }, () => {
    let credits = 0;
    for (const file of files(corpus, 400)) {
      const body = readFileSync(file, 'utf8');
      for (const m of body.matchAll(/<description>([\s\S]{0,40000}?)<\/description>/gu)) {
        for (const person of creditsInNotes(notesText(m[1] ?? ''))) {
          credits++;
          assert.doesNotMatch(person.name, /simplecast|libsyn|acast|adswizz|podcast/iu, file);
        }
      }
    }
    assert.ok(credits > 0, 'the corpus credits at least one guest in words');
  });
});

function letters(n: number): string {
  return String.fromCharCode(97 + (n % 26)) + String.fromCharCode(97 + Math.floor(n / 26));
}

function files(dir: string, max: number): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (out.length >= max) return;
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(xml|rss)$/iu.test(name)) out.push(path);
    }
  };
  walk(dir);
  return out;
}
