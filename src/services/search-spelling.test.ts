// The spelling correction behind "Showing results for …": words looked up by their first letters in what the search
// finds, the closest title word taken within an edit distance that grows with the word's length.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Show } from '../domain/show.ts';
import type { SearchOptions, SearchResults } from '../store/ports.ts';
import { correctSpelling, editDistance, type Searcher } from './search-spelling.ts';

/** A search over show titles only: a title matches when one of its words starts with the query. */
function titles(list: string[]): Searcher & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async search(query: string, _options: SearchOptions): Promise<SearchResults> {
      asked.push(query);
      const shows = list
        .filter((t) =>
          t
            .toLowerCase()
            .split(/\s+/)
            .some((w) => w.startsWith(query)),
        )
        .map((title, id) => ({ id, title }) as Show); // only the title is read
      return {
        shows,
        episodes: [],
        people: [],
        page: 1,
        hasMore: false,
        episodeTotal: { count: 0, exact: true },
      };
    },
  };
}

describe('correctSpelling', () => {
  it('replaces a misspelt word by the closest title word sharing its first letters', async () => {
    const search = titles(['Stakhanovite Movement', 'Stalin and Steel', 'Critical Role']);
    assert.equal(await correctSpelling(search, 'stakanovite', undefined), 'stakhanovite');
    assert.equal(await correctSpelling(search, 'Critcal role', undefined), 'critical role');
  });

  it('leaves words spelt right, short words and numbers alone, and gives up when nothing is close', async () => {
    const search = titles(['Stakhanovite Movement']);
    assert.equal(await correctSpelling(search, 'movement', undefined), undefined);
    assert.equal(await correctSpelling(search, 'the 1935 ore', undefined), undefined);
    assert.equal(await correctSpelling(search, 'stxyzqwvbn', undefined), undefined);
    assert.deepEqual(
      search.asked.filter((q) => q.length < 3),
      [],
      'never a lookup of fewer than 3 letters',
    );
  });

  it('looks up at most three words', async () => {
    const search = titles([]);
    await correctSpelling(search, 'alpha bravo charlie delta echo', undefined);
    assert.ok(search.asked.every((q) => !q.startsWith('del') && !q.startsWith('ech')));
  });
});

describe('editDistance', () => {
  it('counts insertions, deletions, replacements and swapped neighbours', () => {
    assert.equal(editDistance('stakanovite', 'stakhanovite'), 1);
    assert.equal(editDistance('critcal', 'critical'), 1);
    assert.equal(editDistance('teh', 'the'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('same', 'same'), 0);
  });
});
