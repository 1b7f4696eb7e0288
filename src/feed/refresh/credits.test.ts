import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EpisodeContent } from '../../domain/episode.ts';
import { withBylineCredits, withNoteCredits } from './credits.ts';

const episode = (extra: Partial<EpisodeContent>): EpisodeContent => ({
  guid: 'g',
  guidSource: 'guid',
  ...extra,
});

describe('credits added at ingest', () => {
  it("adds the guests an episode's notes name after the feed's own credits, which win", () => {
    const ep = withNoteCredits(
      episode({
        contentHtml: '<p>With special guests Cy Ng and <b>Ann Lee</b>!</p>',
        persons: [{ name: 'Ann Lee', role: 'host', group: 'cast' }],
      }),
    );
    assert.deepEqual(
      ep.persons?.map((p) => `${p.name}:${p.role}`),
      ['Ann Lee:host', 'Cy Ng:guest'],
    );
  });

  it('leaves an episode whose notes credit nobody as it was', () => {
    const plain = episode({ description: 'Hosted by Libsyn. With guest appearances from our listeners.' });
    assert.equal(withNoteCredits(plain), plain);
    assert.equal(withNoteCredits(episode({})).persons, undefined);
  });

  it("credits a show's author and owner when they are people, not when they are a network", () => {
    const show = withBylineCredits({
      format: 'rss',
      author: 'Ann Lee & Bo Diaz',
      owner: { name: 'Ann Lee' },
    });
    assert.deepEqual(
      show.persons?.map((p) => `${p.name}:${p.role}:${p.group}`),
      ['Ann Lee:author:writing', 'Bo Diaz:author:writing'],
    );
    const network = { format: 'rss' as const, author: 'iHeartPodcasts', owner: { name: 'iHeartRadio' } };
    assert.equal(withBylineCredits(network), network);
  });
});
