// Reference lines of real feeds (../shared/corpus), labelled by hand: testdata/corpus-labels.jsonl holds, for each
// line, its corpus file, episode and entry index (as `findCitationEntries` numbers an episode's entries) and the
// fields a careful reader reads off it. The corpus text itself is read from the corpus at test time. The test prints
// the field accuracy (fields right / fields that either the label or the parser gives) and requires 90%.
// Run: node scripts/run-tests.mjs src/citations/corpus
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { corpusDir, NO_CORPUS } from '../../test/support/corpus.ts';
import type { Citation } from '../domain/citation.ts';
import { sanitizeShowNotes } from '../feed/refresh/sanitize.ts';
import { parseFeed } from '../index.ts';
import { type CitationEntry, findCitationEntries } from './extract.ts';
import { parseCitation } from './parse.ts';

type Label = { file: string; episode: number; entry: number } & Partial<Omit<Citation, 'text'>>;

const FIELDS = [
  'authors',
  'title',
  'container',
  'publisher',
  'date',
  'volume',
  'issue',
  'pages',
  'url',
  'doi',
  'isbn',
] as const;

const labels: Label[] = readFileSync(join(import.meta.dirname, 'testdata', 'corpus-labels.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Label);

describe('labelled reference lines from the real-feed corpus', {
  skip: corpusDir === undefined ? NO_CORPUS : false,
}, () => {
  it('are at least 300, and parsed with at least 90% field accuracy', () => {
    assert.ok(labels.length >= 300, `${labels.length} labelled lines`);
    const entries = new Map<string, CitationEntry[][]>();
    const entriesOf = (file: string): CitationEntry[][] => {
      let found = entries.get(file);
      if (found === undefined) {
        const body = readFileSync(join(corpusDir ?? '', 'feeds', file));
        const { episodes } = parseFeed({ body, url: 'https://corpus.invalid/feed' });
        found = episodes.map((e) => findCitationEntries(sanitizeShowNotes(e.contentHtml) ?? ''));
        entries.set(file, found);
      }
      return found;
    };
    let right = 0;
    let counted = 0;
    const perField = new Map<string, { right: number; counted: number }>();
    const misses: string[] = [];
    for (const label of labels) {
      const entry = entriesOf(label.file)[label.episode]?.[label.entry];
      assert.ok(entry, `${label.file} episode ${label.episode} entry ${label.entry} is in the corpus`);
      const parsed = parseCitation(entry.text, entry.link);
      for (const field of FIELDS) {
        const want = label[field];
        const got = parsed?.[field];
        if (want === undefined && got === undefined) continue;
        const ok = JSON.stringify(want) === JSON.stringify(got);
        const tally = perField.get(field) ?? { right: 0, counted: 0 };
        tally.counted++;
        counted++;
        if (ok) {
          tally.right++;
          right++;
        } else misses.push(`${field}: want ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
        perField.set(field, tally);
      }
    }
    const accuracy = right / counted;
    console.log(
      `citation field accuracy on ${labels.length} labelled corpus lines: ${(accuracy * 100).toFixed(1)}% (${right}/${counted} fields)`,
    );
    for (const [field, t] of perField) console.log(`  ${field}: ${t.right}/${t.counted}`);
    if (process.env.EARSHOT_SHOW_MISSES !== undefined)
      for (const miss of misses) console.log(`  miss ${miss}`);
    assert.ok(accuracy >= 0.9, `field accuracy ${(accuracy * 100).toFixed(1)}% is below 90%`);
  });
});
