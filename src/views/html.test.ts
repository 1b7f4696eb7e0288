import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeHtml, html, join, MAX_RENDERED_TEXT_CHARS, raw } from './html.ts';

test('interpolated strings are escaped', () => {
  const evil = `<script>alert("x")</script>&'`;
  const out = html`<p title="${evil}">${evil}</p>`.toString();
  assert.ok(!out.includes('<script>'));
  assert.ok(out.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;'));
});

test('attribute breakout is impossible through interpolation', () => {
  const out = html`<a href="${'" onmouseover="x'}">x</a>`.toString();
  assert.equal(out, '<a href="&quot; onmouseover=&quot;x">x</a>');
});

test('nested html and raw are not escaped twice', () => {
  const inner = html`<b>${'a&b'}</b>`;
  assert.equal(html`<p>${inner}${raw('<i>ok</i>')}</p>`.toString(), '<p><b>a&amp;b</b><i>ok</i></p>');
});

test('arrays render each item, absent values render nothing', () => {
  const items = ['<1>', '2'].map((x) => html`<li>${x}</li>`);
  assert.equal(
    html`<ul>${items}${undefined}${null}${false}</ul>`.toString(),
    '<ul><li>&lt;1&gt;</li><li>2</li></ul>',
  );
  assert.equal(join(['a', '<b>'], ', ').toString(), 'a, &lt;b&gt;');
  assert.equal(escapeHtml('`'), '&#96;');
});

test('no interpolated text renders longer than MAX_RENDERED_TEXT_CHARS, whatever was stored', () => {
  const out = html`<p>${'a'.repeat(50_000_000)}</p>`.value;
  assert.equal(out, `<p>${'a'.repeat(MAX_RENDERED_TEXT_CHARS)}…</p>`);
  assert.equal(html`<p>${'&'.repeat(10)}</p>`.value, `<p>${'&amp;'.repeat(10)}</p>`);
});
