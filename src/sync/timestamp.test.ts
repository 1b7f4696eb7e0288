import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatActionTimestamp, parseActionTimestamp } from './timestamp.ts';

const at = Date.UTC(2024, 0, 22, 19, 25, 33);

test('accepts every timestamp form clients send and reads them as the same UTC instant', () => {
  for (const form of [
    '2024-01-22T19:25:33',
    '2024-01-22T19:25:33Z',
    '2024-01-22T19:25:33.000Z',
    '2024-01-22 19:25:33',
    '2024-01-22T20:25:33+01:00',
    '2024-01-22T14:25:33-0500',
    String(at / 1000),
    at / 1000,
  ]) {
    assert.equal(parseActionTimestamp(form), at, String(form));
  }
  assert.equal(parseActionTimestamp('2024-01-22T19:25:33.5'), at + 500);
});

test('refuses text that is not a timestamp, and dates that do not exist', () => {
  for (const bad of ['yesterday', '2024-02-31T00:00:00', '2024-13-01T00:00:00', '', '22/01/2024 19:25', -5]) {
    assert.equal(parseActionTimestamp(bad), undefined, String(bad));
  }
});

test('emits YYYY-MM-DDTHH:MM:SS in UTC with no zone and no fraction (the form mygpoclient accepts)', () => {
  assert.equal(formatActionTimestamp(at + 999), '2024-01-22T19:25:33');
  assert.match(formatActionTimestamp(Date.now()), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
});
