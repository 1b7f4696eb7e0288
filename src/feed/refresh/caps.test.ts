import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MAX_DESCRIPTION_CHARS,
  MAX_FIELD_CHARS,
  MAX_LIST_ENTRIES,
  MAX_NAME_CHARS,
  MAX_TITLE_CHARS,
} from '../../domain/limits.ts';
import type { ParsedEpisode, ParsedFeed } from '../parse/types.ts';
import { capContent, capProblem } from './caps.ts';

describe('capContent', () => {
  it('cuts every over-long text of a show to its limit and reports each, keeping the rest', () => {
    const show: ParsedFeed = {
      format: 'rss',
      title: 'T'.repeat(MAX_TITLE_CHARS + 1),
      description: 'd'.repeat(50_331_648),
      author: 'A'.repeat(MAX_NAME_CHARS * 2),
      link: 'https://example.com/',
      keywords: ['k'.repeat(MAX_FIELD_CHARS + 10), 'short'],
      persons: [{ name: 'N'.repeat(10_000), role: 'host', group: 'cast' }],
    };
    const problems = capContent(show, 'show');
    assert.equal(show.title?.length, MAX_TITLE_CHARS);
    assert.equal(show.description?.length, MAX_DESCRIPTION_CHARS);
    assert.equal(show.author?.length, MAX_NAME_CHARS);
    assert.equal(show.keywords?.[0]?.length, MAX_FIELD_CHARS);
    assert.equal(show.persons?.[0]?.name.length, MAX_NAME_CHARS);
    assert.equal(show.link, 'https://example.com/');
    assert.deepEqual(show.keywords?.[1], 'short');
    assert.deepEqual(
      problems.map((p) => [p.code, p.message.split(':')[0]]),
      [
        ['too-long', 'show title'],
        ['too-long', 'show description'],
        ['too-long', 'show author'],
        ['too-long', 'show keywords[0]'],
        ['too-long', 'show persons[0].name'],
      ],
    );
    assert.match(problems[1]?.message ?? '', /50,331,648 characters, cut to 262,144/);
  });

  it('keeps the first MAX_LIST_ENTRIES entries of a list, and names the episode in its problems', () => {
    const episode: ParsedEpisode = {
      guid: 'g'.repeat(MAX_FIELD_CHARS + 5),
      guidSource: 'guid',
      title: 'fine',
      contentHtml: '<p>x</p>'.repeat(100_000),
      keywords: Array.from({ length: MAX_LIST_ENTRIES + 500 }, (_, i) => `k${i}`),
    };
    const problems = capContent(episode, 'episode');
    assert.equal(episode.keywords?.length, MAX_LIST_ENTRIES);
    assert.equal(episode.keywords?.at(-1), `k${MAX_LIST_ENTRIES - 1}`);
    assert.equal(episode.contentHtml?.length, MAX_DESCRIPTION_CHARS);
    assert.equal(episode.guid.length, MAX_FIELD_CHARS);
    assert.equal(episode.title, 'fine');
    assert.equal(problems.length, 3);
    for (const p of problems) assert.equal(p.episode, episode.guid);
  });

  it('never splits a surrogate pair', () => {
    const show: ParsedFeed = { format: 'rss', title: `${'a'.repeat(MAX_TITLE_CHARS - 1)}😀😀` };
    capContent(show, 'show');
    assert.equal(show.title, 'a'.repeat(MAX_TITLE_CHARS - 1));
  });

  it('changes nothing, and reports nothing, within the limits', () => {
    const show: ParsedFeed = { format: 'rss', title: 'x'.repeat(MAX_TITLE_CHARS), description: 'y' };
    assert.deepEqual(capContent(show, 'show'), []);
    assert.equal(show.title?.length, MAX_TITLE_CHARS);
  });
});

describe('capProblem', () => {
  it('cuts a message quoting the feed at length', () => {
    const p = capProblem({ code: 'bad-url', message: `bad URL ${'x'.repeat(100_000)}` });
    assert.ok(p.message.length <= 1_000);
    const short = { code: 'bad-url' as const, message: 'bad URL x' };
    assert.equal(capProblem(short), short);
  });
});
