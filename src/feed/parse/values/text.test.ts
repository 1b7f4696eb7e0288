import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeDoubleEscaped, decodeHtmlEntities, htmlToText } from './text.ts';

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
