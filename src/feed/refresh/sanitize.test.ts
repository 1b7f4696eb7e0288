import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countedTurns } from '../../../test/support/turns.ts';
import { MARKUP_PIECE_CHARS, MAX_DESCRIPTION_CHARS, MAX_MARKUP_DEPTH } from '../../domain/limits.ts';
import { sanitizeShowNotes, sanitizeShowNotesInTurns, sanitizeShowNotesReport } from './sanitize.ts';

describe('sanitizeShowNotes', () => {
  it('keeps the notes a listener reads: paragraphs, lists, links', () => {
    const html =
      '<p>Research:</p><ul><li>Applebaum, Anne. "Holodomor". https://www.britannica.com/event/Holodomor</li></ul>' +
      '<p>See <a href="https://omnystudio.com/listener">omnystudio.com/listener</a> for privacy information.</p>';
    const out = sanitizeShowNotes(html) ?? '';
    assert.match(
      out,
      /<ul><li>Applebaum, Anne\. "Holodomor"\. https:\/\/www\.britannica\.com\/event\/Holodomor<\/li><\/ul>/,
    );
    assert.match(
      out,
      /<a href="https:\/\/omnystudio\.com\/listener" rel="nofollow noopener ugc">omnystudio\.com\/listener<\/a>/,
    );
  });

  it('replaces whatever rel a feed set on links', () => {
    assert.equal(
      sanitizeShowNotes('<a href="https://x.example" rel="me" target="_blank">x</a>'),
      '<a href="https://x.example" rel="nofollow noopener ugc">x</a>',
    );
  });

  const vectors: [string, string][] = [
    ['<script>alert(1)</script>', 'script element'],
    ['<img src=x onerror=alert(1)>', 'onerror handler'],
    ['<a href="javascript:alert(1)">x</a>', 'javascript: URL'],
    ['<a href="JaVaScRiPt:alert(1)">x</a>', 'mixed-case javascript: URL'],
    ['<a href="jav&#x09;ascript:alert(1)">x</a>', 'entity-split javascript: URL'],
    ['<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>', 'data: URL'],
    ['<svg><script>alert(1)</script></svg>', 'script inside svg'],
    ['<svg onload=alert(1)>', 'svg onload'],
    ['<iframe src="https://evil.example"></iframe>', 'iframe'],
    ['<p style="background:url(javascript:alert(1))">x</p>', 'style attribute'],
    ['<style>body{display:none}</style>', 'style element'],
    ['<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>', 'mXSS through math/style'],
    ['<form action="https://evil.example"><input name=a></form>', 'form'],
    ['<object data="x.swf"></object><embed src="x.swf">', 'object/embed'],
    ['<meta http-equiv="refresh" content="0;url=https://evil.example">', 'meta refresh'],
    ['<base href="https://evil.example/">', 'base'],
    ['<img src="javascript:alert(1)">', 'javascript image'],
    ['<div onclick="alert(1)">x</div>', 'onclick'],
    ['<noscript><p title="</noscript><img src=x onerror=alert(1)>">', 'noscript breakout'],
  ];
  for (const [vector, what] of vectors) {
    it(`neutralises ${what}`, () => {
      const out = sanitizeShowNotes(vector) ?? '';
      assert.doesNotMatch(out, /<script|<iframe|<svg|<object|<embed|<form|<meta|<base|<style|<math/i, out);
      assert.doesNotMatch(out, /\son\w+\s*=|javascript:|data:text|style=/i, out);
    });
  }

  it('keeps images over http(s), lazily loaded', () => {
    assert.equal(
      sanitizeShowNotes('<img src="https://cdn.example/a.png" alt="A">'),
      '<img src="https://cdn.example/a.png" alt="A" loading="lazy" />',
    );
  });

  it('keeps the text of tags it drops, re-escaped, and drops the bodies of script-like ones', () => {
    assert.equal(
      sanitizeShowNotes('<font color="red">a &amp; b &lt;c&gt;</font><noscript><p>x</p></noscript><b>d</b>'),
      'a &amp; b &lt;c&gt;<b>d</b>',
    );
  });

  it('keeps relative links and refuses protocol-relative ones', () => {
    assert.equal(
      sanitizeShowNotes('<a href="/ep/2">next</a> <a href="//evil.example/">x</a>'),
      '<a href="/ep/2" rel="nofollow noopener ugc">next</a> <a rel="nofollow noopener ugc">x</a>',
    );
  });

  it('closes what the feed left open and ignores stray closing tags', () => {
    assert.equal(sanitizeShowNotes('<p>one <b>two</p></span>'), '<p>one <b>two</b></p>');
  });

  it('gives nothing for notes that are only markup noise', () => {
    assert.equal(sanitizeShowNotes('<script>x</script>  '), undefined);
    assert.equal(sanitizeShowNotes(undefined), undefined);
  });
});

describe('sanitizeShowNotesReport: hostile notes', () => {
  it('drops tags nested past MAX_MARKUP_DEPTH, keeps their text, and says how many', () => {
    const n = 100_000;
    const notes = sanitizeShowNotesReport(`${'<b>'.repeat(n)}deepest words${'</b>'.repeat(n)}<p>after</p>`);
    assert.equal(notes.flattened, n - MAX_MARKUP_DEPTH);
    const html = notes.html ?? '';
    assert.equal(html.split('<b>').length - 1, MAX_MARKUP_DEPTH);
    assert.equal(html.split('</b>').length - 1, MAX_MARKUP_DEPTH);
    assert.match(html, /deepest words(<\/b>)+<p>after<\/p>$/);
  });

  it('cuts notes longer than MAX_DESCRIPTION_CHARS between tags, never in a reference, every element closed', () => {
    const paragraph = '<p>fish &amp; chips <a href="https://x.example/">link</a></p>';
    const notes = sanitizeShowNotesReport(`<div>${paragraph.repeat(10_000)}</div>`);
    assert.equal(notes.truncated, true);
    const html = notes.html ?? '';
    assert.ok(html.length <= MAX_DESCRIPTION_CHARS + 64, `${html.length}`);
    assert.match(html, /<\/div>$/);
    assert.equal(html.split('<p>').length, html.split('</p>').length);
    assert.doesNotMatch(html, /&(?!amp;)/);
    const text = sanitizeShowNotesReport(`<p>${'a &amp; '.repeat(100_000)}</p>`).html ?? '';
    assert.match(text, /a &amp; <\/p>$|a <\/p>$/);
  });

  it('drops a link whose URL hides its scheme behind thousands of comments', () => {
    const href = `${'<!---->'.repeat(100_000)}javascript:alert(1)`;
    assert.equal(sanitizeShowNotes(`<a href="${href}">x</a>`), '<a rel="nofollow noopener ugc">x</a>');
    assert.equal(
      sanitizeShowNotes('<a href="java<!-- -->script:alert(1)">x</a>'),
      '<a rel="nofollow noopener ugc">x</a>',
    );
  });
});

describe('sanitizeShowNotesInTurns', () => {
  it('gives what sanitizeShowNotesReport gives, handing the loop back while it works through long notes', async () => {
    const inputs = [
      `${'<b>'.repeat(20_000)}deep${'</b>'.repeat(20_000)}`,
      `<p>${'<a href="https://example.com/x">a link</a> and <script>alert(1)</script> text. '.repeat(4_000)}</p>`,
      `<ul>${'<li><i>item</li>'.repeat(30_000)}`,
    ];
    for (const html of inputs) {
      // Every reading of the clock is 20 ms later: a pause after each piece.
      const { turns, pauses } = countedTurns(20);
      assert.deepEqual(await sanitizeShowNotesInTurns(html, turns), sanitizeShowNotesReport(html));
      assert.ok(pauses() >= Math.floor(html.length / MARKUP_PIECE_CHARS) - 1, `${pauses()} pauses`);
    }
  });
});
