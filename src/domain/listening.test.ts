import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endWindowSeconds, finishedByListening, isAtEnd } from './listening.ts';

test('the end window is the last 30 s, or the last tenth of a short episode', () => {
  assert.equal(endWindowSeconds(3600), 30);
  assert.equal(endWindowSeconds(120), 12);
  assert.equal(isAtEnd(3575, 3600), true);
  assert.equal(isAtEnd(3560, 3600), false);
  assert.equal(isAtEnd(100, 0), false, 'an unknown duration never ends');
});

test('a jump to the end is not listening; playing on into the end is', () => {
  // Jumped to the last chapter, 5 s before the end of a 20-minute episode, and heard it out: not played.
  assert.equal(finishedByListening(1195, 1200, 1200), false);
  // Played from well before the window into it: played once 10 s were heard.
  assert.equal(finishedByListening(1100, 1171, 1200), true);
  assert.equal(finishedByListening(1165, 1172, 1200), false);
  assert.equal(finishedByListening(1165, 1175, 1200), true);
  // Seeking back out of the window is never "at the end".
  assert.equal(finishedByListening(0, 600, 1200), false);
});
