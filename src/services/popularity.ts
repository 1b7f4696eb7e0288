// "Popular Podcasts": a ranking of shows computed on this instance.
//
//   score(show) = Σ over signals  weight(kind) × amount × 2^(−age / halfLife)
//
//   weight: listening 1 per hour played, 2 per completed episode, 3 per follow; halfLife = 14 days.
//
// A signal loses half its weight every two weeks, so a show that people stopped listening to sinks, and a new one
// that people play climbs fast. Shows with no signals at all are not ranked here; the caller fills the rail with
// the most recently updated shows (the fallback when nobody has listened yet).
import type { ListeningSignal } from '../store/listener-ports.ts';

export const POPULARITY = {
  halfLifeDays: 14,
  perListenedHour: 1,
  perCompletion: 2,
  perFollow: 3,
  /** Signals older than this are not even loaded: 2^(-90/14) ≈ 1%. */
  horizonDays: 90,
} as const;

export function signalWeight(signal: ListeningSignal): number {
  switch (signal.kind) {
    case 'listen':
      return (signal.amount / 3600) * POPULARITY.perListenedHour;
    case 'complete':
      return signal.amount * POPULARITY.perCompletion;
    case 'follow':
      return signal.amount * POPULARITY.perFollow;
  }
}

export function decay(ageMs: number): number {
  const ageDays = Math.max(0, ageMs) / 86_400_000;
  return 2 ** (-ageDays / POPULARITY.halfLifeDays);
}

/** Show ids with a positive score, best first (ties: lower id first, so the order is stable). */
export function rankShows(
  signals: readonly ListeningSignal[],
  now: Date,
): { showId: number; score: number }[] {
  const scores = new Map<number, number>();
  const t = now.getTime();
  for (const s of signals) {
    const at = Date.parse(s.at);
    if (!Number.isFinite(at)) continue;
    scores.set(s.showId, (scores.get(s.showId) ?? 0) + signalWeight(s) * decay(t - at));
  }
  return [...scores]
    .filter(([, score]) => score > 0)
    .map(([showId, score]) => ({ showId, score }))
    .sort((a, b) => b.score - a.score || a.showId - b.showId);
}
