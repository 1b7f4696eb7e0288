import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { corpusDir, NO_CORPUS } from '../../test/support/corpus.ts';
import { countedTurns } from '../../test/support/turns.ts';
import { normalizeFeedUrl } from '../domain/feed-url.ts';
import { MAX_MARKUP_DEPTH } from '../domain/limits.ts';
import { writeOpml } from './export.ts';
import { OpmlError, parseOpml, parseOpmlInTurns } from './import.ts';

const testdata = join(import.meta.dirname, 'testdata');
const fixture = (name: string) => readFileSync(join(testdata, name));

describe('parseOpml: exporters', () => {
  it('reads Pocket Casts nesting under a BOM with a raw & in a URL', () => {
    const r = parseOpml(fixture('pocketcasts-bom-raw-amp.opml'));
    assert.equal(r.title, 'Pocket Casts Feeds');
    assert.deepEqual(
      r.entries.map((e) => [e.title, e.url, e.folders]),
      [
        ['Tom & Jerry Talk', 'https://tj.example/rss?a=1&b=2', ['feeds']],
        ['Second Show', 'http://second.example/podcast.xml', ['feeds']],
      ],
    );
    assert.deepEqual(r.problems, []);
  });

  it("takes Overcast's feeds and skips its nested episode outlines", () => {
    const r = parseOpml(fixture('overcast-extended.opml'));
    assert.deepEqual(
      r.entries.map((e) => e.url),
      ['https://history.example/feed', 'https://space.example/rss'],
    );
    assert.equal(r.entries[0]?.htmlUrl, 'https://history.example/');
  });

  it('reads gPodder: title from `title`, its `text` as the description; one bad URL skipped, duplicates merged', () => {
    const r = parseOpml(fixture('gpodder.opml'));
    assert.deepEqual(
      r.entries.map((e) => [e.title, e.url]),
      [
        ['Linux Outlaws', 'http://linux-outlaws.example/feed/ogg'],
        ['No title, only text', 'https://text-only.example/feed'],
        ['https://url-attr.example/feed.xml', 'https://url-attr.example/feed.xml'],
      ],
    );
    assert.equal(r.entries[0]?.description, 'Two guys talk about free software, every week.');
    assert.deepEqual(
      r.problems.map((p) => [p.code, p.url]),
      [
        ['bad-url', 'mailto:someone@example.com'],
        ['duplicate', 'HTTP://Linux-Outlaws.example/feed/ogg#top'],
      ],
    );
  });

  it('reads AntennaPod without an XML declaration, keeping non-ASCII titles', () => {
    const r = parseOpml(fixture('antennapod-no-declaration.opml'));
    assert.equal(r.title, 'AntennaPod Subscriptions');
    assert.deepEqual(
      r.entries.map((e) => e.title),
      ['Podcasting 2.0', 'Café Crème'],
    );
  });

  it('reads an unclosed, truncated file as far as it goes', () => {
    const text = readFileSync(join(testdata, 'antennapod-no-declaration.opml'), 'utf8');
    const cut = text.slice(0, text.indexOf('Café') - 20);
    assert.deepEqual(
      parseOpml(cut).entries.map((e) => e.title),
      ['Podcasting 2.0'],
    );
  });

  it('refuses what is not OPML with a typed error', () => {
    assert.throws(
      () => parseOpml('<html><body>hello</body></html>'),
      (e) => e instanceof OpmlError && e.code === 'not-opml',
    );
    assert.throws(
      () => parseOpml('   '),
      (e) => e instanceof OpmlError && e.code === 'empty',
    );
  });
});

describe('writeOpml', () => {
  it('writes OPML 2.0 that reads back to the same feeds, escaping what needs it', () => {
    const feeds = [
      { url: 'https://a.example/rss?x=1&y=2', title: 'Rock & "Roll" <Live>', htmlUrl: 'https://a.example/' },
      { url: 'https://b.example/feed' },
    ];
    const xml = writeOpml(feeds, { title: 'Mine', dateCreated: new Date('2024-01-22T08:00:00Z') });
    assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<opml version="2.0">/);
    assert.match(xml, /<dateCreated>Mon, 22 Jan 2024 08:00:00 GMT<\/dateCreated>/);
    const back = parseOpml(xml);
    assert.equal(back.title, 'Mine');
    assert.deepEqual(
      back.entries.map((e) => [e.url, e.title, e.htmlUrl]),
      [
        ['https://a.example/rss?x=1&y=2', 'Rock & "Roll" <Live>', 'https://a.example/'],
        ['https://b.example/feed', 'https://b.example/feed', undefined],
      ],
    );
  });
});

describe('parseOpml: real exports from the corpus', {
  skip: corpusDir === undefined ? NO_CORPUS : false,
}, () => {
  const files = [
    'feeds/opml-germantechpodcasts/podcasts.opml',
    'feeds/opml-overcast-alpiepho/overcast.opml',
    'feeds/opml-overcast-geekdada/overcast.opml',
    'feeds/opodsync/subscriptions.opml',
  ];
  for (const file of files) {
    it(`imports every distinct feed of ${file}`, () => {
      const bytes = readFileSync(join(corpusDir ?? '', file));
      // Independent count: every xmlUrl attribute in the raw text, normalised, de-duplicated.
      const raw = [...bytes.toString('utf8').matchAll(/xmlUrl="([^"]*)"/gi)].map((m) =>
        (m[1] ?? '').replace(/&amp;/g, '&'),
      );
      const expected = new Set(raw.map((u) => normalizeFeedUrl(u)));
      const r = parseOpml(bytes);
      assert.deepEqual(new Set(r.entries.map((e) => e.url)), expected);
      assert.equal(r.entries.length, expected.size);
      assert.equal(r.problems.filter((p) => p.code === 'duplicate').length, raw.length - expected.size);
      for (const e of r.entries) assert.ok(e.title.length > 0 && !e.title.includes('&#x'), e.title);
    });
  }
});

describe('parseOpml: hostile files', () => {
  it('reads outlines nested 100,000 deep as if they sat at the depth limit, and says so', () => {
    const n = 100_000;
    const opml = `<opml version="2.0"><body>${'<outline text="folder">'.repeat(n)}<outline text="Inner" xmlUrl="https://inner.example.com/feed.xml"/>${'</outline>'.repeat(n)}<outline text="Outer" xmlUrl="https://outer.example.com/feed.xml"/></body></opml>`;
    const r = parseOpml(opml);
    assert.deepEqual(
      r.entries.map((e) => e.url),
      ['https://inner.example.com/feed.xml', 'https://outer.example.com/feed.xml'],
    );
    assert.ok((r.entries[0]?.folders?.length ?? 0) < MAX_MARKUP_DEPTH);
    assert.equal(r.entries[1]?.folders, undefined);
    assert.deepEqual(
      r.problems.map((p) => p.code),
      ['too-deep'],
    );
  });

  it('gives the same result read in turns as at once', async () => {
    const opml = `<opml><body>${'<outline text="f">'.repeat(3_000)}<outline xmlUrl="https://a.example.com/feed"/>${'</outline>'.repeat(3_000)}</body></opml>`;
    // Every reading of the clock is 20 ms later: a pause after each piece.
    const { turns, pauses } = countedTurns(20);
    assert.deepEqual(await parseOpmlInTurns(opml, turns), parseOpml(opml));
    assert.ok(pauses() > 5, `${pauses()}`);
  });
});
