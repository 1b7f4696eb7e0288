import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatClock, formatDate, formatDuration, isoDuration, truncate } from './format.ts';

test('dates read like the reference page', () => {
  assert.equal(formatDate('2024-01-22T08:00:00.000Z'), 'January 22, 2024');
  assert.equal(formatDate('2015-12-14T23:59:59Z'), 'December 14, 2015');
  assert.equal(formatDate('not a date'), undefined);
});

test('durations: 34:16 is "34 mins", longer ones show hours', () => {
  assert.equal(formatDuration(34 * 60 + 16), '34 mins');
  assert.equal(formatDuration(3600 + 5 * 60), '1 hr 5 mins');
  assert.equal(formatDuration(2 * 3600), '2 hrs');
  assert.equal(formatDuration(60), '1 min');
  assert.equal(formatDuration(45), '45 secs');
});

test('clock times and ISO durations', () => {
  assert.equal(formatClock(754), '12:34');
  assert.equal(formatClock(3723), '1:02:03');
  assert.equal(formatClock(5), '0:05');
  assert.equal(isoDuration(2056), 'PT34M16S');
});

test('truncate cuts at a word and marks the cut', () => {
  const t = truncate('Join Holly and Tracy as they bring you the greatest stuff', 30);
  assert.ok(t.length <= 31);
  assert.ok(t.endsWith('…'));
  assert.equal(truncate('short', 30), 'short');
});
