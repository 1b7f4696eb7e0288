import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Citation } from '../domain/citation.ts';
import { toBibtex, toCslJson } from './export.ts';

const ARTICLE: Citation = {
  text: 'Davies, R. W., and Oleg Khlevnyuk. “Stakhanovism and the Soviet Economy.” Europe-Asia Studies, vol. 54, no. 6, 2002, pp. 867–903. JSTOR',
  authors: ['R. W. Davies', 'Oleg Khlevnyuk'],
  title: 'Stakhanovism and the Soviet Economy',
  container: 'Europe-Asia Studies',
  date: '2002',
  volume: '54',
  issue: '6',
  pages: '867–903',
};
const PAGE: Citation = {
  text: 'x',
  title: 'R&D at 100% {speed',
  container: 'Encyclopedia Britannica',
  date: '2008-06-10',
  url: 'https://www.britannica.com/place/Stakhanov',
};

describe('citation export', () => {
  it('writes CSL-JSON items with only the fields given', () => {
    const [article, page] = toCslJson([ARTICLE, PAGE], 'ep7');
    assert.deepEqual(article, {
      id: 'ep7-1',
      type: 'article-journal',
      note: ARTICLE.text,
      title: 'Stakhanovism and the Soviet Economy',
      author: [{ literal: 'R. W. Davies' }, { literal: 'Oleg Khlevnyuk' }],
      'container-title': 'Europe-Asia Studies',
      issued: { 'date-parts': [[2002]] },
      volume: '54',
      issue: '6',
      page: '867–903',
    });
    assert.equal(page?.type, 'webpage');
    assert.deepEqual(page?.issued, { 'date-parts': [[2008, 6, 10]] });
    assert.equal(page?.author, undefined);
  });

  it('writes BibTeX entries whose braces balance and whose special characters are escaped', () => {
    const bib = toBibtex([ARTICLE, PAGE], 'ep7');
    assert.match(bib, /^@article\{ep7-1,/);
    assert.match(bib, /author = \{\{R\. W\. Davies\} and \{Oleg Khlevnyuk\}\}/);
    assert.match(bib, /journal = \{Europe-Asia Studies\}/);
    assert.match(bib, /pages = \{867--903\}/);
    assert.match(bib, /@online\{ep7-2,/);
    assert.match(bib, /title = \{R\\&D at 100\\% \{speed\}\}/);
    const opened = bib.split('{').length;
    assert.equal(opened, bib.split('}').length);
  });
});
