import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coverFallbackSvg, coverHue, coverInitials } from './cover-fallback.ts';

test('initials: two meaningful words, any script, never empty', () => {
  assert.equal(coverInitials('Critical Role'), 'CR');
  assert.equal(coverInitials('The Daily'), 'D');
  assert.equal(coverInitials('the Quiet Hour'), 'QH');
  assert.equal(coverInitials('99% Invisible'), '9I');
  assert.equal(coverInitials('élan vital'), 'ÉV');
  assert.equal(coverInitials('日本の ポッドキャスト'), '日ポ');
  assert.equal(coverInitials('🎙️ ✨'), '?');
});

test('the fallback is the same picture for the same title, and only drawing: no script, no link', () => {
  const svg = coverFallbackSvg('<script>alert(1)</script> Show', 160);
  assert.equal(svg, coverFallbackSvg('<script>alert(1)</script> Show', 160));
  assert.doesNotMatch(svg, /<script|href|on\w+=/i);
  assert.match(svg, />SA<\/text><\/svg>$/);
  assert.notEqual(coverHue('Critical Role'), coverHue('Critical Rolf'));
});
