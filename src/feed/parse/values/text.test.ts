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
  test('drops script, style and comments entirely', () => {
    assert.equal(
      htmlToText('a<script>alert("x")</script>b<style>p{color:red}</style>c<!-- hidden -->d'),
      'a b c d',
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
