import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { NotAFeedError, parseFeed } from '../parse/index.ts';
import { toEpisodeContent, toShowContent } from './to-domain.ts';

const here = (path: string): URL => new URL(path, import.meta.url);

function parsed(file: URL) {
  return parseFeed({ body: readFileSync(file), url: 'https://harbour.example/feed.xml' });
}

describe('the adapter from parser output to the domain (to-domain.ts)', () => {
  const result = parsed(here('./testdata/to-domain.xml'));

  it('turns the channel into the show listeners see', () => {
    const show = toShowContent(result.feed);
    assert.equal(show.format, 'rss');
    assert.equal(show.title, 'Harbour & Hills');
    assert.equal(show.link, 'https://harbour.example/');
    assert.equal(show.description, 'Walks along the coast.');
    assert.equal(show.imageUrl, 'https://harbour.example/cover.jpg');
    assert.equal(show.podcastGuid, 'c1a9f0a4-3d0b-5c1e-8b5e-2f4c6d7e8f90');
    assert.deepEqual(show.persons, [
      { name: 'Inès Harbour', role: 'host', group: 'cast', img: 'https://harbour.example/ines.jpg' },
    ]);
    assert.deepEqual(show.funding, [{ url: 'https://harbour.example/support', label: 'Support the walks' }]);
    assert.deepEqual(show.categories, [{ name: 'Society & Culture', subcategories: ['Places & Travel'] }]);
    // A live item is not part of the show (it was parsed: the adapter is what leaves it out).
    assert.equal(result.feed.liveItems?.length, 1);
    assert.equal('liveItems' in show, false);
  });

  it('turns each item into the episode listeners see: title, enclosure, persons, transcripts, chapters', () => {
    const [cliffs, hills] = result.episodes.map(toEpisodeContent);
    assert.ok(cliffs !== undefined && hills !== undefined);
    assert.equal(cliffs.guid, 'harbour-2');
    assert.equal(cliffs.title, 'Cliffs at dawn');
    assert.equal(cliffs.publishedAt, '2026-11-03T06:00:00.000Z');
    assert.equal(cliffs.durationSeconds, 2465);
    assert.deepEqual(cliffs.enclosure, {
      url: 'https://cdn.harbour.example/ep2.mp3?source=rss',
      type: 'audio/mpeg',
      length: 24000000,
    });
    assert.deepEqual(cliffs.persons, [
      { name: 'Ravi Stone', role: 'guest', group: 'cast', href: 'https://example.org/ravi' },
    ]);
    assert.deepEqual(cliffs.transcripts, [
      { url: 'https://harbour.example/ep2.vtt', type: 'text/vtt', language: 'en', rel: 'captions' },
      { url: 'https://harbour.example/ep2.txt', type: 'text/plain' },
    ]);
    assert.deepEqual(cliffs.chapters, {
      url: 'https://harbour.example/ep2-chapters.json',
      type: 'application/json+chapters',
    });
    assert.deepEqual(cliffs.inlineChapters, [
      { startSeconds: 0, title: 'Setting off' },
      { startSeconds: 750.5, title: 'The lighthouse', href: 'https://harbour.example/lighthouse' },
    ]);
    // Show notes are still the feed's: ingest sanitises them before they are stored.
    assert.equal(cliffs.contentHtml, '<p>We watch the sun come up.</p>');
    assert.equal(hills.title, 'Hills at dusk');
    assert.deepEqual(hills.enclosure, { url: 'https://cdn.harbour.example/ep1.mp3', type: 'audio/mpeg' });
    // Absent stays absent.
    assert.equal('persons' in hills, false);
    assert.equal('transcripts' in hills, false);
  });

  it('returns new objects: capping or transforming the domain content leaves the parser output as it was', () => {
    const [item] = result.episodes;
    assert.ok(item !== undefined);
    const episode = toEpisodeContent(item);
    assert.notEqual(episode, item);
    assert.notEqual(episode.enclosure, item.enclosure);
    assert.notEqual(episode.transcripts, item.transcripts);
    assert.notEqual(episode.persons?.[0], item.persons?.[0]);
  });

  // The store tells a changed show or episode from an unchanged one by a hash of its JSON: a feed stored before the
  // adapter existed must still hash the same after it, or every episode would count as updated on the next refresh.
  it('keeps every value the parser read, in the order it read them, in every fixture (stored hashes do not change)', () => {
    const files = [
      './testdata/',
      '../parse/testdata/',
      '../parse/namespaces/testdata/',
      '../../demo/feeds/',
    ].flatMap((dir) =>
      readdirSync(here(dir))
        .filter((name) => name.endsWith('.xml'))
        .map((name) => here(dir + name)),
    );
    let episodes = 0;
    let feeds = 0;
    for (const file of files) {
      let r: ReturnType<typeof parsed>;
      try {
        r = parsed(file);
      } catch (error) {
        if (error instanceof NotAFeedError) continue;
        throw error;
      }
      feeds++;
      const { liveItems: _live, ...channel } = r.feed;
      const name = fileURLToPath(file);
      assert.equal(JSON.stringify(toShowContent(r.feed)), JSON.stringify(channel), name);
      for (const item of r.episodes) {
        episodes++;
        assert.equal(JSON.stringify(toEpisodeContent(item)), JSON.stringify(item), `${name}: ${item.guid}`);
      }
    }
    assert.ok(feeds >= 15 && episodes >= 40, `${feeds} feeds, ${episodes} episodes`);
  });
});

/** Every `.ts` file below `dir` (absolute paths). */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === 'node_modules' || entry.name === 'testdata' ? [] : sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The relative modules a file imports or re-exports from, resolved to absolute paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+'(\.{1,2}\/[^']+)'/gms)].flatMap(
    ([, specifier]) => (specifier === undefined ? [] : [resolve(dirname(file), specifier)]),
  );
}

describe('the boundary the adapter keeps', () => {
  const root = fileURLToPath(here('../../../'));
  const domain = join(root, 'src', 'domain') + sep;
  const feed = join(root, 'src', 'feed') + sep;
  const parserModel = join(root, 'src', 'feed', 'parse', 'types.ts');

  // That what it imports is only types is lint/domain-types-only.grit's to check (it lets siblings share pure rules).
  it('src/domain/ imports nothing from outside src/domain/', () => {
    const outside = sources(domain)
      .filter((file) => !file.endsWith('.test.ts'))
      .flatMap((file) =>
        importsOf(file)
          .filter((path) => !path.startsWith(domain))
          .map((path) => `${relative(root, file)} → ${relative(root, path)}`),
      );
    assert.deepEqual(outside, []);
  });

  it("the parser's output model (src/feed/parse/types.ts) is imported only inside src/feed/", () => {
    const users = ['src', 'test', 'bench', 'scripts']
      .flatMap((dir) => sources(join(root, dir)))
      .filter((file) => !file.startsWith(feed))
      .filter((file) => importsOf(file).includes(parserModel))
      .map((file) => relative(root, file));
    assert.deepEqual(users, []);
  });
});
