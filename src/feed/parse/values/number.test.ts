import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBoolean, parseDecimal, parseNonNegativeInt, parsePositiveInt } from './number.ts';

test('parseNonNegativeInt accepts plain integers only', () => {
  assert.equal(parseNonNegativeInt('123'), 123);
  assert.equal(parseNonNegativeInt(' 123 '), 123);
  assert.equal(parseNonNegativeInt('+7'), 7);
  assert.equal(parseNonNegativeInt('12.0'), 12);
  assert.equal(parseNonNegativeInt('0'), 0);
  for (const v of [undefined, '', '-1', '1.5', '12abc', 'abc', '1e3', '99999999999999999999']) {
    assert.equal(parseNonNegativeInt(v), undefined, String(v));
  }
});

test('parsePositiveInt rejects 0 (itunes:season and episode start at 1)', () => {
  assert.equal(parsePositiveInt('1'), 1);
  assert.equal(parsePositiveInt('0'), undefined);
  assert.equal(parsePositiveInt('-2'), undefined);
});

test('parseDecimal', () => {
  assert.equal(parseDecimal('100.5'), 100.5);
  assert.equal(parseDecimal('-3'), -3);
  assert.equal(parseDecimal('.5'), 0.5);
  assert.equal(parseDecimal('1,5'), 1.5);
  assert.equal(parseDecimal(' 42 '), 42);
  for (const v of [undefined, '', '.', '-', 'abc', '1.2.3', '5%'])
    assert.equal(parseDecimal(v), undefined, String(v));
});

test('parseBoolean', () => {
  assert.equal(parseBoolean('true'), true);
  assert.equal(parseBoolean('Yes'), true);
  assert.equal(parseBoolean('0'), false);
  assert.equal(parseBoolean('maybe'), undefined);
  assert.equal(parseBoolean(undefined), undefined);
});
