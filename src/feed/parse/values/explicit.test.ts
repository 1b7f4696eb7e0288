import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExplicit } from './explicit.ts';

test('itunes:explicit spellings', () => {
  for (const v of ['yes', 'Yes', ' YES ', 'true', 'True', 'explicit', 'Explicit'])
    assert.equal(parseExplicit(v), true, v);
  for (const v of ['no', 'No', 'false', 'FALSE', 'clean', 'Clean', ' no\n'])
    assert.equal(parseExplicit(v), false, v);
  for (const v of ['', 'maybe', '1', 'y', 'not explicit']) assert.equal(parseExplicit(v), undefined, v);
});
