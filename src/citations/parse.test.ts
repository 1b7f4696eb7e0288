import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_CITATION_CHARS, MAX_CITATIONS_PER_EPISODE } from '../domain/limits.ts';
import { findDate } from './dates.ts';
import { extractCitations, findCitationEntries } from './extract.ts';
import { parseCitation } from './parse.ts';

describe('parseCitation', () => {
  it('reads an APA entry with a DOI', () => {
    const c = parseCitation(
      'Smith, J., & Lee, K. (2019). Sleep and memory. Journal of Sleep Research, 28(3), 112-130. https://doi.org/10.1111/jsr.12345',
    );
    assert.deepEqual(c?.authors, ['J. Smith', 'K. Lee']);
    assert.equal(c?.date, '2019');
    assert.equal(c?.doi, '10.1111/jsr.12345');
    assert.equal(c?.volume, '28');
    assert.equal(c?.issue, '3');
    assert.equal(c?.pages, '112-130');
  });

  it('reads a Chicago journal entry and a book with its ISBN', () => {
    const article = parseCitation(
      'Davies, R. W. "Stakhanovism and the Soviet Economy." Europe-Asia Studies 54, no. 6 (2002): 867–903.',
    );
    assert.equal(article?.container, 'Europe-Asia Studies');
    assert.equal(article?.volume, '54');
    assert.equal(article?.issue, '6');
    assert.equal(article?.pages, '867–903');
    assert.equal(article?.date, '2002');
    const book = parseCitation(
      'Kotkin, Stephen. Stalin: Paradoxes of Power. New York: Penguin, 2014. ISBN 978-1-59420-379-4',
    );
    assert.deepEqual(book?.authors, ['Stephen Kotkin']);
    assert.equal(book?.title, 'Stalin: Paradoxes of Power');
    assert.equal(book?.container, 'Penguin');
    assert.equal(book?.isbn, '978-1-59420-379-4');
  });

  it('reads a title and its link, and a site named first', () => {
    assert.deepEqual(parseCitation('Hololens: https://www.microsoft.com/hololens.'), {
      text: 'Hololens: https://www.microsoft.com/hololens.',
      title: 'Hololens',
      url: 'https://www.microsoft.com/hololens',
    });
    const wp = parseCitation('WP: NOTAM', 'https://de.wikipedia.org/wiki/NOTAM');
    assert.equal(wp?.container, 'Wikipedia');
    assert.equal(wp?.title, 'NOTAM');
    assert.equal(wp?.url, 'https://de.wikipedia.org/wiki/NOTAM');
  });

  it('never invents a field the entry does not give', () => {
    assert.deepEqual(parseCitation('“Heroes of Labor.”'), {
      text: '“Heroes of Labor.”',
      title: 'Heroes of Labor',
    });
  });

  it('reads hostile entries at the size limit (lines of quotes, dashes, brackets, initials) without failing', () => {
    const n = MAX_CITATION_CHARS;
    for (const unit of ['“', '- ', '((', 'A, ', 'U.S. ', 'Jan 1 ', 'Aa Bb - ', '10.1234/', 'by A B '])
      assert.equal(parseCitation(unit.repeat(n).slice(0, n))?.text, unit.repeat(n).slice(0, n).trim());
  });

  it('refuses empty and over-long entries', () => {
    assert.equal(parseCitation('   '), undefined);
    assert.equal(parseCitation('a'.repeat(MAX_CITATION_CHARS + 1)), undefined);
  });
});

describe('findDate', () => {
  it('reads misspelt and abbreviated months, and leaves non-months alone', () => {
    assert.equal(findDate('New York Times. Augst 31, 1985.')?.iso, '1985-08-31');
    assert.equal(findDate('2 Jan. 2024')?.iso, '2024-01-02');
    assert.equal(findDate('Sept. 2001')?.iso, '2001-09');
    assert.equal(findDate('Janet 5, 1999')?.iso, '1999');
  });
});

describe('findCitationEntries', () => {
  it('takes the list under a sources heading, and lines after one', () => {
    const html =
      '<p>An episode.</p><p><strong>Sources:</strong></p><ul><li>A. “One.” Site. 2001.</li><li>B. “Two.” Site. 2002.</li></ul><ul><li>not a source</li><li>nor this</li></ul>' +
      '<p>Further reading</p><p>Knight, Amy. “Beria.” Princeton. 1995.</p><p>See omnystudio.com/listener for privacy information.</p>';
    assert.deepEqual(
      findCitationEntries(html).map((e) => e.text),
      ['A. “One.” Site. 2001.', 'B. “Two.” Site. 2002.', 'Knight, Amy. “Beria.” Princeton. 1995.'],
    );
  });

  it('takes a list of links under no heading, with each link', () => {
    const html =
      '<ul><li><a href="https://a.example/">Alpha</a></li><li><a href="https://b.example/">Beta</a></li></ul>';
    assert.deepEqual(
      extractCitations(html).map((c) => [c.title, c.url]),
      [
        ['Alpha', 'https://a.example/'],
        ['Beta', 'https://b.example/'],
      ],
    );
  });

  it('stops at the limit of entries per episode', () => {
    const html = `<p>Sources:</p><ul>${'<li>“A title.” A site. 2001.</li>'.repeat(MAX_CITATIONS_PER_EPISODE + 50)}</ul>`;
    assert.equal(findCitationEntries(html).length, MAX_CITATIONS_PER_EPISODE);
  });
});
