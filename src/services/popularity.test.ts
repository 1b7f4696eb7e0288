import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ListeningSignal } from '../store/listener-ports.ts';
import { decay, POPULARITY, rankShows } from './popularity.ts';

const now = new Date('2026-01-31T00:00:00Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000).toISOString();

test('a signal loses half its weight every half-life', () => {
  assert.equal(decay(0), 1);
  assert.ok(Math.abs(decay(POPULARITY.halfLifeDays * 86_400_000) - 0.5) < 1e-9);
});

test('recent listening beats the same listening long ago', () => {
  const signals: ListeningSignal[] = [
    { showId: 1, kind: 'listen', amount: 3600, at: daysAgo(60) },
    { showId: 2, kind: 'listen', amount: 3600, at: daysAgo(1) },
  ];
  assert.deepEqual(
    rankShows(signals, now).map((r) => r.showId),
    [2, 1],
  );
});

test('follows and completions count more than a few minutes of listening', () => {
  const signals: ListeningSignal[] = [
    { showId: 1, kind: 'listen', amount: 600, at: daysAgo(0) },
    { showId: 2, kind: 'follow', amount: 1, at: daysAgo(0) },
    { showId: 3, kind: 'complete', amount: 1, at: daysAgo(0) },
  ];
  assert.deepEqual(
    rankShows(signals, now).map((r) => r.showId),
    [2, 3, 1],
  );
});

test('no signals: nothing ranked (the caller falls back to recency)', () => {
  assert.deepEqual(rankShows([], now), []);
});
