import assert from 'node:assert/strict';
import { test } from 'node:test';
import { episodeItem } from './components.ts';

const row = { href: '/episodes/7', title: 'The Lamp' };

test('an episode row shows how far the listener got: a bar when its length is known, else where they stopped', () => {
  const withLength = String(episodeItem({ ...row, durationSeconds: 3000, progressSeconds: 750 }));
  assert.match(withLength, /<progress max="100" value="25" aria-label="Listened 25%">/);
  assert.doesNotMatch(withLength, /Stopped at/);
  const noLength = String(episodeItem({ ...row, progressSeconds: 754 }));
  assert.match(noLength, /<p class="state">Stopped at 12:34<\/p>/);
  assert.doesNotMatch(noLength, /<progress/);
  const played = String(episodeItem({ ...row, played: true, progressSeconds: 754 }));
  assert.match(played, /<p class="state">Played<\/p>/);
  assert.doesNotMatch(played, /Stopped at|<progress/);
  assert.doesNotMatch(String(episodeItem(row)), /Stopped at|<progress|Played/);
});
