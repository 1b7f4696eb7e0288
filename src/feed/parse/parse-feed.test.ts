import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FeedStreamParser, NotAFeedError, type ParsedEpisode, type ParseResult, parseFeed } from './index.ts';

const FEED_URL = 'https://example.com/feed.xml';

function fixture(name: string): Uint8Array {
  return readFileSync(join(import.meta.dirname, 'testdata', name));
}

function parse(name: string, url = FEED_URL): ParseResult {
  return parseFeed({ body: fixture(name), url });
}

function parseText(xml: string, url = FEED_URL): ParseResult {
  return parseFeed({ body: new TextEncoder().encode(xml), url });
}

/** The bytes written to a FeedStreamParser `step` bytes at a time, collected into parseFeed's result shape. */
function parseInPieces(body: Uint8Array, step: number): ParseResult {
  const episodes: ParsedEpisode[] = [];
  const parser = new FeedStreamParser({ url: FEED_URL, onEpisode: (e) => episodes.push(e) });
  for (let o = 0; o < body.length; o += step) parser.write(body.subarray(o, o + step));
  const { feed, problems } = parser.end();
  return { feed, episodes, problems };
}

function codes(r: ParseResult): string[] {
  return r.problems.map((p) => p.code);
}

function episode(r: ParseResult, guid: string): ParsedEpisode {
  const e = r.episodes.find((x) => x.guid === guid);
  assert.ok(e, `episode ${guid} present (have ${r.episodes.map((x) => x.guid).join(', ')})`);
  return e;
}

function notAFeed(body: Uint8Array | string): NotAFeedError {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  try {
    parseFeed({ body: bytes, url: FEED_URL });
  } catch (err) {
    assert.ok(err instanceof NotAFeedError, `NotAFeedError expected, got ${String(err)}`);
    return err;
  }
  assert.fail('parseFeed accepted input that is not a feed');
}

describe('entities', () => {
  const r = parse('entities.xml');

  it('decodes XML, numeric and HTML entities and reports the ones XML does not define', () => {
    assert.equal(r.feed.title, 'Café Talk & Friends');
    assert.equal(r.feed.description, 'Weekly chat – it’s fun 🎧');
    const undefinedOnes = r.problems.filter((p) => p.code === 'undefined-entity').map((p) => p.message);
    for (const name of ['&eacute;', '&nbsp;', '&rsquo;', '&gtgt;']) {
      assert.ok(
        undefinedOnes.some((m) => m.includes(name)),
        `${name} reported in ${undefinedOnes.join(' | ')}`,
      );
    }
  });

  it('keeps an unknown entity and a bare ampersand literally', () => {
    assert.equal(episode(r, 'entities-1').title, 'Rock &gtgt; Roll & more');
    assert.ok(codes(r).includes('bare-ampersand'));
  });

  it('reads numeric references, cp1252-range ones as the characters meant', () => {
    assert.equal(episode(r, 'entities-2').title, "Numeric 'quotes' and ’cp1252’");
    assert.equal(episode(r, 'entities-2').enclosure?.url, 'https://example.com/e2.mp3?a=1&b=2');
  });

  it('reports entities and unclosed tags in elements no handler reads (never built) as in any other', () => {
    const unread = parseText(
      '<rss><channel><title>T</title><item><guid>g</guid><title>E</title>' +
        '<wfw:commentRss xmlns:wfw="http://wellformedweb.org/CommentAPI/" a="&aring;">x &eacute;' +
        '<wfw:inner>&frac12; &nosuch;</wfw:inner><wfw:open>&amp;</wfw:commentRss>' +
        '<enclosure url="https://example.com/e.mp3"/></item></channel></rss>',
    );
    assert.deepEqual(
      unread.problems.map((p) => [p.code, p.message.split(' ')[0]]),
      [
        ['undefined-entity', '&aring;'],
        ['undefined-entity', '&eacute;'],
        ['undefined-entity', '&frac12;'],
        ['undefined-entity', '&nosuch;'],
        ['unclosed-element', '<open>'],
      ],
    );
    assert.deepEqual(
      unread.episodes.map((e) => e.guid),
      ['g'],
    );
  });

  it('reads an escaped itunes:summary the same whether or not it is needed, and reports what decoding it finds', () => {
    const NS = 'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"';
    const summary =
      '&lt;p&gt;Notes with &quot;quotes&quot; &amp;amp; &lt;a href=&quot;https://x.example/&quot;&gt;a link&lt;/a&gt;&lt;/p&gt;';
    const item = (guid: string, inner: string) =>
      `<item><guid>${guid}</guid><title>T</title><enclosure url="https://example.com/${guid}.mp3"/>${inner}</item>`;
    const xml =
      `<rss ${NS}><channel><title>S</title>` +
      item(
        'beside-description',
        `<description>Plain words</description><itunes:summary>${summary}</itunes:summary>`,
      ) +
      item('alone', `<itunes:summary>${summary}</itunes:summary>`) +
      item(
        'after-subtitle',
        `<itunes:subtitle>Short</itunes:subtitle><itunes:summary>  ${summary}</itunes:summary>`,
      ) +
      item('blank', '<itunes:subtitle>Short</itunes:subtitle><itunes:summary> \u0001 </itunes:summary>') +
      item('with-nbsp', '<itunes:summary>Notes&nbsp;here &amp; &there</itunes:summary>') +
      item('cdata', '<itunes:summary>&lt;b&gt;x&lt;/b&gt; <![CDATA[<i>y</i>]]></itunes:summary>') +
      '</channel></rss>';
    const html = '<p>Notes with "quotes" &amp; <a href="https://x.example/">a link</a></p>';
    const whole = parseText(xml);
    assert.equal(episode(whole, 'beside-description').description, 'Plain words');
    assert.equal(episode(whole, 'beside-description').contentHtml, undefined);
    assert.equal(episode(whole, 'alone').description, 'Notes with "quotes" & a link');
    assert.equal(episode(whole, 'alone').contentHtml, html);
    assert.equal(episode(whole, 'after-subtitle').contentHtml, html, 'the summary wins over the subtitle');
    assert.equal(episode(whole, 'blank').description, 'Short', 'a summary of nothing leaves the subtitle');
    assert.equal(episode(whole, 'with-nbsp').description, 'Notes here & &there');
    assert.equal(episode(whole, 'cdata').contentHtml, '<b>x</b> <i>y</i>');
    assert.deepEqual(
      whole.problems.map((p) => [p.code, p.message.split(' ')[0]]),
      [
        ['undefined-entity', '&nbsp;'],
        ['bare-ampersand', 'a'],
      ],
    );
    // Written a few bytes at a time, each summary's text arrives in pieces: the same result.
    assert.deepEqual(parseInPieces(new TextEncoder().encode(xml), 5), whole);
  });

  it('splits each distinct keyword list once, and gives every episode its own copy', () => {
    const NS = 'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"';
    const lists = ['rpg, dnd ,  actual play', 'rpg; dice', 'RPG, rpg, Dice', ''];
    const items = Array.from(
      { length: 12 },
      (_, i) =>
        `<item><guid>k${i}</guid><title>T</title><enclosure url="https://example.com/${i}.mp3"/>` +
        `<itunes:keywords>${lists[i % lists.length]}</itunes:keywords></item>`,
    ).join('');
    const r = parseText(`<rss ${NS}><channel><title>S</title>${items}</channel></rss>`);
    const expected = [['rpg', 'dnd', 'actual play'], ['rpg', 'dice'], ['RPG', 'Dice'], undefined];
    for (let i = 0; i < 12; i++) assert.deepEqual(episode(r, `k${i}`).keywords, expected[i % 4], `item ${i}`);
    episode(r, 'k0').keywords?.push('mine');
    assert.deepEqual(episode(r, 'k4').keywords, expected[0], 'a list shared by two items is not one array');
  });

  it('includes CDATA text without decoding entities inside it', () => {
    assert.equal(episode(r, 'entities-1').contentHtml, 'Kept <b>as is</b> &amp; raw');
    assert.equal(episode(r, 'entities-1').description, 'Kept as is & raw');
  });
});

describe('DTDs', () => {
  it('never expands entities declared in a DTD: no entity bomb, no external entity', () => {
    const r = parse('entity-bomb.xml');
    assert.equal(r.feed.title, 'Bomb &lol9;');
    assert.equal(r.episodes[0]?.title, 'Secret: &xxe;');
    assert.ok(codes(r).includes('dtd-ignored'));
    assert.ok(!codes(r).includes('junk-before-root'), 'the internal subset is not junk');
  });
});

describe('junk and truncation', () => {
  it('ignores a PHP warning before the XML declaration and after </rss>, and says so', () => {
    const r = parse('junk-around-root.xml');
    assert.equal(r.feed.title, 'Junk Show');
    assert.deepEqual(
      r.episodes.map((e) => e.title),
      ['One'],
    );
    assert.ok(codes(r).includes('junk-before-root'));
    assert.ok(codes(r).includes('junk-after-root'));
  });

  it('keeps the complete items of a truncated feed, drops the cut one, reports truncated', () => {
    const r = parse('truncated.xml');
    assert.deepEqual(
      r.episodes.map((e) => e.guid),
      ['t1', 't2'],
    );
    const t = r.problems.find((p) => p.code === 'truncated');
    assert.ok(t, 'truncated reported');
    assert.match(t.message, /2 complete item/);
  });

  it('does not report truncation for a complete feed', () => {
    assert.ok(!codes(parse('rdf.xml')).includes('truncated'));
  });
});

describe('unclosed HTML in show notes', () => {
  const r = parse('unclosed-html.xml');

  it('does not let an unclosed <p> or <br> swallow the rest of the item', () => {
    const e = episode(r, 'h1');
    assert.equal(e.enclosure?.url, 'https://example.com/h1.mp3');
    assert.equal(e.publishedAt, '2024-01-02T10:00:00.000Z');
    assert.equal(e.contentHtml, 'Intro <p>A paragraph that never closes<br>next line');
    assert.match(e.description ?? '', /^Intro\s+A paragraph that never closes\s+next line$/);
    assert.equal(r.episodes.length, 2);
  });

  it('keeps unescaped HTML in content:encoded as markup', () => {
    assert.equal(
      episode(r, 'h2').contentHtml,
      '<p>Unescaped <a href="https://example.com/x?a=1&amp;b=2">link</a><img src="i.png"></p>',
    );
  });
});

describe('RSS 1.0 (RDF)', () => {
  const r = parse('rdf.xml');

  it('reads the channel and the items that are its siblings', () => {
    assert.equal(r.feed.format, 'rdf');
    assert.equal(r.feed.title, 'RDF Radio');
    assert.equal(r.feed.language, 'de');
    assert.equal(r.feed.imageUrl, 'https://example.org/logo.png');
    assert.deepEqual(
      r.episodes.map((e) => e.title),
      ['First RDF item', 'Second RDF item'],
    );
  });

  it('reads Dublin Core dates and creators, and identifies items by link', () => {
    const e = episode(r, 'https://example.org/1');
    assert.equal(e.guidSource, 'link');
    assert.equal(e.publishedAt, '2004-03-01T11:00:00.000Z');
    assert.equal(e.author, 'Anna');
  });
});

describe('Atom 1.0', () => {
  const r = parse('atom.xml');

  it('reads the feed: links by rel, xml:lang, logo against xml:base, html subtitle as text', () => {
    assert.equal(r.feed.format, 'atom');
    assert.equal(r.feed.title, 'Atom Audio');
    assert.equal(r.feed.language, 'en-GB');
    assert.equal(r.feed.link, 'https://atom.example/');
    assert.equal(r.feed.selfUrl, 'https://atom.example/podcast/feed.atom');
    assert.equal(r.feed.hubUrl, 'https://hub.example/');
    assert.equal(r.feed.nextPageUrl, 'https://atom.example/podcast/?page=2');
    assert.equal(r.feed.imageUrl, 'https://atom.example/podcast/img/logo.png');
    assert.equal(r.feed.author, 'Atom Author');
    assert.equal(r.feed.description, 'Talk in Atom');
  });

  it('turns link rel=enclosure into the enclosure, resolved against xml:base', () => {
    const e = episode(r, 'tag:atom.example,2024:1');
    assert.deepEqual(e.enclosure, {
      url: 'https://atom.example/podcast/media/1.mp3',
      type: 'audio/mpeg',
      length: 12345,
    });
    assert.equal(e.link, 'https://atom.example/podcast/episodes/1');
    assert.equal(e.title, 'Episode <1>');
    assert.equal(e.publishedAt, '2024-04-30T06:00:00.000Z');
    assert.equal(e.description, 'Plain summary');
    assert.match(e.contentHtml ?? '', /<p>Rich <b>notes<\/b><\/p>/);
  });

  it('prefers an audio enclosure over an image one, uses entry xml:base, falls back to <updated>', () => {
    const e = episode(r, 'tag:atom.example,2024:2');
    assert.equal(e.enclosure?.url, 'https://cdn.example/other/2.ogg');
    assert.equal(e.publishedAt, '2024-05-02T08:00:00.000Z');
    assert.equal(e.contentHtml, '<p>HTML notes</p>');
  });
});

describe('URLs', () => {
  const r = parse('urls.xml');

  it('resolves relative URLs against xml:base (channel and item) and trims whitespace', () => {
    assert.equal(r.feed.link, 'https://cdn.example/home');
    assert.equal(r.feed.imageUrl, 'https://cdn.example/show/art/cover.jpg');
    assert.equal(episode(r, 'u1').enclosure?.url, 'https://cdn.example/show/audio/1.mp3');
    assert.equal(episode(r, 'u1').link, 'https://cdn.example/show/episodes/1.html');
    assert.equal(episode(r, 'u2').enclosure?.url, 'https://other.example/dir/2.mp3');
  });

  it('turns feed:// and itpc:// into http://', () => {
    assert.equal(episode(r, 'u3').enclosure?.url, 'http://example.com/3.mp3');
    assert.equal(episode(r, 'u3').link, 'http://example.com/page');
  });

  it('leaves unusable URLs absent and reports bad-url for the episode', () => {
    const e = episode(r, 'u4');
    assert.equal(e.link, undefined);
    assert.equal(e.enclosure, undefined);
    const bad = r.problems.filter((p) => p.code === 'bad-url');
    assert.equal(bad.length, 2);
    assert.ok(bad.every((p) => p.episode === 'u4'));
  });

  it('resolves against the feed URL when there is no xml:base', () => {
    const x = parseText(
      '<rss><channel><title>x</title><item><guid>1</guid><enclosure url="../a.mp3" type="audio/mpeg"/></item></channel></rss>',
      'https://host.example/dir/sub/feed.xml',
    );
    assert.equal(x.episodes[0]?.enclosure?.url, 'https://host.example/dir/a.mp3');
  });
});

describe('episode identity (protocols.md §2.5)', () => {
  const r = parse('guids.xml');

  it('trims guids and keeps their case', () => {
    assert.equal(r.episodes[0]?.guid, 'Case-Sensitive-1');
    assert.equal(r.episodes[1]?.guid, 'case-sensitive-1');
  });

  it('tells duplicate guids apart by enclosure URL, the first keeping the guid', () => {
    const a = r.episodes.find((e) => e.title === 'Dup A');
    const b = r.episodes.find((e) => e.title === 'Dup B');
    assert.equal(a?.guid, 'dup');
    assert.ok(b && b.guid !== 'dup' && b.guid.includes('https://example.com/b.mp3'));
    assert.ok(codes(r).includes('duplicate-guid'));
  });

  it('falls back to enclosure URL, then link, then a hash, saying which', () => {
    const byTitle = (t: string) => r.episodes.find((e) => e.title === t);
    assert.deepEqual(
      [byTitle('No guid, enclosure')?.guidSource, byTitle('No guid, enclosure')?.guid],
      ['enclosure', 'https://example.com/noguid.mp3'],
    );
    assert.deepEqual(
      [byTitle('No guid, link')?.guidSource, byTitle('No guid, link')?.guid],
      ['link', 'https://example.com/page'],
    );
    assert.equal(byTitle('No guid, nothing')?.guidSource, 'hash');
    assert.equal(byTitle('Blank guid')?.guidSource, 'enclosure');
    assert.ok(codes(r).includes('missing-guid'));
    assert.ok(codes(r).includes('blank-guid'));
  });

  it('gives the same identities on every parse (stable between fetches)', () => {
    assert.deepEqual(
      parse('guids.xml').episodes.map((e) => e.guid),
      r.episodes.map((e) => e.guid),
    );
  });

  it('keeps every identity unique within the feed', () => {
    assert.equal(new Set(r.episodes.map((e) => e.guid)).size, r.episodes.length);
  });
});

describe('enclosures, media RSS and chapters', () => {
  const r = parse('enclosures.xml');

  it('drops length="0" and infers the type behind application/octet-stream from the extension', () => {
    assert.deepEqual(episode(r, 'z1').enclosure, { url: 'https://example.com/z1.m4a', type: 'audio/mp4' });
  });

  it('normalises audio/mp3 to audio/mpeg', () => {
    assert.equal(episode(r, 'z2').enclosure?.type, 'audio/mpeg');
  });

  it('takes the first audio enclosure when an image comes first', () => {
    assert.equal(episode(r, 'z3').enclosure?.url, 'https://example.com/z3.mp3');
  });

  it('uses media:content (inside media:group) when there is no enclosure, and media:thumbnail as image', () => {
    const e = episode(r, 'z4');
    assert.deepEqual(e.enclosure, { url: 'https://example.com/z4.mp4', type: 'video/mp4', length: 999 });
    assert.equal(e.imageUrl, 'https://example.com/z4.jpg');
  });

  it('reads Podlove Simple Chapters in time order', () => {
    assert.deepEqual(episode(r, 'z4').inlineChapters, [
      { startSeconds: 0, title: 'Intro' },
      { startSeconds: 90.5, title: 'Second', href: 'https://example.com/c2' },
    ]);
  });
});

describe('namespaces', () => {
  const r = parse('namespaces.xml');

  it('matches namespaces by URI whatever the prefix', () => {
    assert.equal(r.feed.selfUrl, 'https://example.com/feed.xml');
    assert.equal(episode(r, 'n1').contentHtml, '<p>notes via c:</p>');
  });

  it('follows a prefix rebound on an item, and still knows undeclared well-known prefixes', () => {
    assert.equal(episode(r, 'n2').contentHtml, '<p>undeclared content: prefix</p>');
  });
});

describe('structure recovery', () => {
  it('reads items after an unclosed channel-level element', () => {
    const r = parseText(
      `<rss xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>c</title>
       <itunes:category text='Technology'>
       <item><title>a</title><guid>1</guid></item><item><title>b</title><guid>2</guid></item></channel></rss>`,
    );
    assert.deepEqual(
      r.episodes.map((e) => e.title),
      ['a', 'b'],
    );
    assert.ok(codes(r).includes('unclosed-element'));
  });

  it('reads an item that starts inside an unclosed one as an item of its own', () => {
    const r = parseText(
      '<rss><channel><item><title>a</title><guid>1</guid><item><title>b</title><guid>2</guid></item></channel></rss>',
    );
    assert.deepEqual(r.episodes.map((e) => e.title).sort(), ['a', 'b']);
  });

  it('ignores empty <item/> junk nested in real items, keeping the real item whole', () => {
    const r = parseText(
      `<rss><channel><title>x</title>
       <item><title>real</title><item/><guid>r1</guid><enclosure url="https://example.com/r1.mp3" type="audio/mpeg"/></item>
       <item/></channel></rss>`,
    );
    assert.deepEqual(
      r.episodes.map((e) => [e.title, e.guid, e.enclosure?.url]),
      [['real', 'r1', 'https://example.com/r1.mp3']],
    );
    assert.ok(r.problems.some((p) => p.code === 'invalid-value' && /empty <item>/.test(p.message)));
  });

  it('reports a double-escaped title and decodes it once more', () => {
    const r = parseText(
      '<rss><channel><title>x</title><item><guid>1</guid><title>Q&amp;amp;A &amp;#039;24</title></item></channel></rss>',
    );
    assert.equal(r.episodes[0]?.title, "Q&A '24");
    assert.ok(codes(r).includes('double-escaped'));
  });

  it('stops at maxItems and reports too-many-items', () => {
    const items = Array.from(
      { length: 5 },
      (_, i) => `<item><guid>${i}</guid><title>t${i}</title></item>`,
    ).join('');
    const r = parseFeed(
      {
        body: new TextEncoder().encode(`<rss><channel><title>x</title>${items}</channel></rss>`),
        url: FEED_URL,
      },
      { maxItems: 3 },
    );
    assert.equal(r.episodes.length, 3);
    assert.ok(codes(r).includes('too-many-items'));
  });
});

describe('not a feed', () => {
  it('rejects an empty body', () => {
    assert.equal(notAFeed('').code, 'empty');
    assert.equal(notAFeed('  \n ').code, 'empty');
  });

  it('rejects an HTML page with a clear message', () => {
    const err = notAFeed('<!DOCTYPE html>\n<html><head><title>Moved</title></head><body>Gone</body></html>');
    assert.equal(err.code, 'html');
    assert.match(err.message, /HTML page/);
  });

  it('rejects binary data and gzip', () => {
    assert.equal(
      notAFeed(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])).code,
      'binary',
    );
    assert.match(notAFeed(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0])).message, /gzip/);
  });

  it('rejects other XML vocabularies and plain text, naming what it found', () => {
    const opml = notAFeed('<?xml version="1.0"?><opml version="2.0"><body/></opml>');
    assert.equal(opml.code, 'unknown-root');
    assert.match(opml.message, /<opml>/);
    assert.equal(notAFeed('{"version": "https://jsonfeed.org/version/1"}').code, 'not-xml');
  });
});

describe('FeedStreamParser', () => {
  it('emits episodes while the feed is still being written', () => {
    const items = Array.from(
      { length: 40 },
      (_, i) =>
        `<item><title>Episode ${i}</title><guid>g${i}</guid><enclosure url="https://example.com/${i}.mp3" type="audio/mpeg"/></item>`,
    ).join('\n');
    const bytes = new TextEncoder().encode(
      `<?xml version="1.0"?><rss><channel><title>Big</title>${items}</channel></rss>`,
    );
    const seen: string[] = [];
    let seenWhenHalfWritten = -1;
    const parser = new FeedStreamParser({ url: FEED_URL, onEpisode: (e) => seen.push(e.guid) });
    const chunk = 97; // small and odd, so that tags and characters are split across writes
    for (let o = 0; o < bytes.length; o += chunk) {
      parser.write(bytes.subarray(o, o + chunk));
      if (seenWhenHalfWritten < 0 && o >= bytes.length / 2) seenWhenHalfWritten = seen.length;
    }
    const done = parser.end();
    assert.ok(
      seenWhenHalfWritten >= 10,
      `episodes emitted before the end (${seenWhenHalfWritten} by half way)`,
    );
    assert.equal(done.episodeCount, 40);
    assert.equal(seen.length, 40);
    assert.equal(done.feed.title, 'Big');
  });

  it('gives the same result as parseFeed however the bytes are split', () => {
    const body = fixture('atom.xml');
    assert.deepEqual(parseInPieces(body, 7), parseFeed({ body, url: FEED_URL }));
  });
});

describe('older and looser dialects', () => {
  it('reads an Atom <feed> that forgot its namespace', () => {
    const r = parseText(
      '<feed><title>No NS</title><entry><id>e1</id><title>T</title><link rel="enclosure" href="https://example.com/a.mp3" type="audio/mpeg"/></entry></feed>',
    );
    assert.equal(r.feed.title, 'No NS');
    assert.equal(r.episodes[0]?.guid, 'e1');
    assert.equal(r.episodes[0]?.enclosure?.url, 'https://example.com/a.mp3');
  });

  it('reads Atom 0.3: xhtml titles as text, base64 mode decoded, issued as the date', () => {
    const r = parseText(
      `<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title mode="base64">RmVlZCBUaXRsZQ==</title>
       <entry><id>x</id><issued>2004-01-02T03:04:05Z</issued>
       <title type="application/xhtml+xml" mode="xml"><div xmlns="http://www.w3.org/1999/xhtml"><b>&#38;</b></div></title></entry></feed>`,
    );
    assert.equal(r.feed.title, 'Feed Title');
    assert.equal(r.episodes[0]?.title, '&');
    assert.equal(r.episodes[0]?.publishedAt, '2004-01-02T03:04:05.000Z');
    assert.ok(!codes(r).includes('double-escaped'));
  });

  it('turns C1 control characters (cp1252 punctuation read as Latin-1) back into punctuation', () => {
    const r = parseText('<rss><channel><title>don\u0092t</title></channel></rss>');
    assert.equal(r.feed.title, 'don’t');
  });

  it('percent-encodes spaces inside URLs instead of deleting them', () => {
    const r = parseText(
      '<rss><channel><title>x</title><item><guid>1</guid><enclosure url=" https://example.com/Copy - 1.mp3 " type="audio/mpeg"/></item></channel></rss>',
    );
    assert.equal(r.episodes[0]?.enclosure?.url, 'https://example.com/Copy%20-%201.mp3');
  });

  it('fills gaps from Dublin Core (dc:title, dc:description, dcterms:issued)', () => {
    const r = parseText(
      `<rss xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"><channel><dc:title>DC Show</dc:title>
       <item><guid>1</guid><dc:title>DC title</dc:title><dc:description>About it</dc:description>
       <dcterms:issued>2020-02-03T00:00:00Z</dcterms:issued></item></channel></rss>`,
    );
    assert.equal(r.feed.title, 'DC Show');
    assert.deepEqual(
      [r.episodes[0]?.title, r.episodes[0]?.description, r.episodes[0]?.publishedAt],
      ['DC title', 'About it', '2020-02-03T00:00:00.000Z'],
    );
  });
});
