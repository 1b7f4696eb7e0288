import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DROP,
  decodeDoubleEscaped,
  decodeHtmlEntities,
  dropNonText,
  fastHtmlToText,
  htmlToText,
  htmlToTextByRegex,
  stripTags,
  stripTagsByRegex,
} from './text.ts';

describe('htmlToText', () => {
  test('strips tags and keeps paragraph and line breaks', () => {
    assert.equal(
      htmlToText('<p>First <b>bold</b> para.</p><p>Second<br/>line two</p><ul><li>one</li><li>two</li></ul>'),
      'First bold para.\n\nSecond\nline two\n\none\ntwo',
    );
  });
  test('drops script, style and comments entirely, as a browser shows them', () => {
    assert.equal(
      htmlToText('a<script>alert("x")</script>b<style>p{color:red}</style>c<!-- hidden -->d'),
      'abcd',
    );
  });
  test('decodes named, numeric and cp1252-range entities', () => {
    assert.equal(
      htmlToText('Tom &amp; Jerry&rsquo;s &#8220;show&#x201D; &nbsp;&#146;'),
      'Tom & Jerry’s “show” ’',
    );
  });
  test('collapses whitespace but keeps text that only looks like markup', () => {
    assert.equal(htmlToText('  a   <   b \t and\n\n\n\n c  '), 'a < b and\n\nc');
  });
  test('plain text passes through with its paragraphs', () => {
    assert.equal(
      htmlToText('Line one.\r\nLine two.\n\nNext paragraph.'),
      'Line one.\nLine two.\n\nNext paragraph.',
    );
  });
  test('unclosed HTML and attributes with > inside quotes', () => {
    assert.equal(htmlToText('<a href="x>y" title=\'a>b\'>link</a> <b>unclosed'), 'link unclosed');
  });
  test('tags with very long attribute values are still stripped; stray < in prose is kept', () => {
    const href = `https://tracker.example/?u=${'x'.repeat(900)}`;
    assert.equal(htmlToText(`<a href="${href}" class="btn">Listen</a> if x<y`), 'Listen if x<y');
  });
  test('unknown entities are left as written', () => {
    assert.equal(htmlToText('&gtgt; &bogus; R&D'), '&gtgt; &bogus; R&D');
  });
});

describe('htmlToText single pass', () => {
  // The one-pass reader must give exactly the text of the regex steps, or step aside (undefined) for them.
  const pieces = [
    '<p>',
    '</p>',
    '<br/>',
    '<br>',
    '<br />',
    '< p>',
    '</ p>',
    '<li>',
    '</li>',
    '<td>',
    '</TD>',
    'a',
    'Bö',
    ' ',
    '  ',
    '\n',
    '\r\n',
    '\r',
    '\t',
    '\u00a0',
    '\u2028',
    '\ufeff',
    '&amp;',
    '&amp',
    '&nbsp;',
    '&#10;',
    '&#x20;',
    '&lt;p&gt;',
    '&',
    ';',
    '&#146;',
    '&bogus;',
    '<a href="x>y">',
    `<a title='it"s'>`,
    `<a title="don't>`,
    '<b',
    '>',
    '<',
    '"',
    "'",
    '<x-y>',
    '<x->',
    '<x:>',
    '<x_y>',
    '<é>',
    '<pé>',
    '<DIV>',
    '</DIV >',
    '<!-- c -->',
    '<script>x</script>',
    ']]>',
    '<head>',
    '<header>',
    '<?x?>',
    '</script>',
    '<STYLE>',
    '<Noscript>',
    '<templates>',
    '<a title="<b>">',
    '<a t="x<!--y">',
    `<p\n class="a">`,
    `<${'n'.repeat(45)}>`,
    `<i ${'a'.repeat(300)}>`,
    `<i t="${'q'.repeat(1100)}">`,
  ];
  test('gives the regex steps\u2019 text for 20,000 mixtures of tags, entities and whitespace', () => {
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let fast = 0;
    for (let k = 0; k < 20000; k++) {
      let html = '';
      for (let j = 1 + next(12); j > 0; j--) html += pieces[next(pieces.length)];
      const quick = fastHtmlToText(html);
      if (quick === undefined) continue;
      fast++;
      assert.equal(quick, htmlToTextByRegex(html), JSON.stringify(html));
    }
    assert.ok(fast > 4000, `the single pass took only ${fast} inputs`);
  });
  test('show notes take the single pass; comments, scripts and odd tags are left to the regex steps', () => {
    const notes =
      '<p>Part 2</p>\n<p> </p>\n<p>Visit https://x.example &amp; more&nbsp;news.</p><br/> <a href="y">y</a>';
    assert.equal(fastHtmlToText(notes), 'Part 2\n\nVisit https://x.example & more news.\n\ny');
    for (const odd of [
      'a<!-- x -->b',
      'a<script>x</script>',
      'a]]>',
      '<x_y>z',
      `<${'n'.repeat(45)}>`,
      '&am<b>p;',
    ]) {
      assert.equal(fastHtmlToText(odd), undefined, odd);
    }
  });
});

describe('decodeDoubleEscaped', () => {
  test('decodes leftovers once more', () => {
    assert.deepEqual(decodeDoubleEscaped('Tom &amp; Jerry'), { text: 'Tom & Jerry', changed: true });
    assert.deepEqual(decodeDoubleEscaped('It&#039;s'), { text: "It's", changed: true });
    assert.deepEqual(decodeDoubleEscaped('Caf&eacute;'), { text: 'Café', changed: true });
  });
  test('decodes only one level', () => {
    assert.deepEqual(decodeDoubleEscaped('a &amp;amp; b'), { text: 'a &amp; b', changed: true });
  });
  test('leaves clean titles alone', () => {
    assert.deepEqual(decodeDoubleEscaped('Q&A: R & D'), { text: 'Q&A: R & D', changed: false });
    assert.deepEqual(decodeDoubleEscaped('No entities'), { text: 'No entities', changed: false });
    assert.deepEqual(decodeDoubleEscaped('&unknown;'), { text: '&unknown;', changed: false });
  });
  test('decodeHtmlEntities rejects NUL and surrogates', () => {
    assert.equal(decodeHtmlEntities('&#0;&#xD800;'), '&#0;&#xD800;');
  });
});

describe('htmlToText edge cases', () => {
  test('CDATA content is kept, doctype and processing instructions dropped', () => {
    assert.equal(
      htmlToText('<!DOCTYPE html><?xml x?><![CDATA[<b>kept</b> &amp; more]]> after'),
      'kept & more after',
    );
  });
  test('nbsp and other entity spaces collapse like spaces', () => {
    assert.equal(htmlToText('a&nbsp;&nbsp; b&#160;c'), 'a b c');
  });
  test('an apostrophe inside a tag does not open a quoted value', () => {
    assert.equal(htmlToText("<span title=Don't>one</span> two"), 'one two');
  });
  test('unterminated markup keeps the text', () => {
    assert.equal(htmlToText('5 < 6 and <b>bold'), '5 < 6 and bold');
    assert.equal(htmlToText('x <a href="never closed'), 'x <a href="never closed');
    assert.equal(htmlToText('keep <script>no end'), 'keep no end');
  });
  test('CRLF line breaks and blank lines', () => {
    assert.equal(htmlToText('one\r\ntwo\r\n\r\n\r\nthree'), 'one\ntwo\n\nthree');
  });
  test('table cells are separated', () => {
    assert.equal(htmlToText('<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>'), 'a b\nc');
  });
});

describe('dropNonText', () => {
  test('drops what the DROP regex drops, on every mix of its constructs', () => {
    const parts = [
      '<',
      '>',
      '<!--',
      '-->',
      '<![CDATA[',
      '<![cdata[',
      ']]>',
      ']]',
      '<script>',
      '<SCRIPT a="1">',
    ];
    parts.push(
      '</script>',
      '</ScRiPt >',
      '<scripts>',
      '<style>',
      '</style>',
      '<head>',
      '<header>',
      '</head>',
    );
    parts.push(
      '<noscript>',
      '</noscript >',
      '<template x>',
      '</template>',
      'x',
      ' ',
      '<p>',
      '</p>',
      '<script',
      '</',
    );
    let seed = 42;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let k = 0; k < 20_000; k++) {
      let s = '';
      for (let j = 1 + next(12); j > 0; j--) s += parts[next(parts.length)];
      assert.equal(dropNonText(s), s.replace(DROP, ''), JSON.stringify(s));
    }
  });

  test('stripTags strips what the TAG regex strips, far from and near their `>`', () => {
    const parts = [
      '<',
      '>',
      '<!',
      '<?',
      '<!DOCTYPE html>',
      '<a href="x>y">',
      "<b title='>'>",
      '</p>',
      '<br/>',
      'x',
      '"',
    ];
    parts.push(' ', '<td>', '\n', 'y'.repeat(600), '<!--', '-->', '<p', 'p>', "'");
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let k = 0; k < 20_000; k++) {
      let s = '';
      for (let j = 1 + next(10); j > 0; j--) s += parts[next(parts.length)];
      assert.equal(stripTags(s), stripTagsByRegex(s), JSON.stringify(s));
    }
    const unclosed = `<p>a</p>${'<!--'.repeat(100_000)}`;
    assert.equal(stripTags(unclosed), stripTagsByRegex(unclosed));
  });

  test('reads constructs that never end in one pass (the regex took 17 s on 100,000 `<!--`)', () => {
    const comments = `${'<!--'.repeat(100_000)}x`;
    assert.equal(htmlToText(comments), comments);
    assert.equal(dropNonText(`${'<script>'.repeat(50_000)}x`), `${'<script>'.repeat(50_000)}x`);
    assert.equal(dropNonText('a<!-- b -->c<script>d</script>e]]>f'), 'acef');
  });
});
