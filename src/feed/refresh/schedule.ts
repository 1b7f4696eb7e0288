// When to check a feed next: a pure function of (what just happened, the feed's history, now, options).
// No clock, no randomness of its own: `now` and `random` are passed in, so every case is testable.
//
//   gone (410)                 → never again
//   429/503 with Retry-After   → exactly when the server asked (plus a little jitter, never earlier)
//   any other failure          → exponential backoff 1 h, 2 h, 4 h … 24 h
//   success (200 or 304)       → the publishing cadence (15 min … 24 h), lengthened by Cache-Control max-age,
//                                <ttl> and podcast:updateFrequency but never past `maxHintMs` by them alone,
//                                moved out of skipHours/skipDays, with ± jitter.
import type { UpdateFrequency } from '../parse/types.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export type FetchOutcome =
  /** 200 with new or changed content. */
  | { kind: 'updated' }
  /** 304, or a 200 whose body hashed the same as last time. */
  | { kind: 'unchanged' }
  /** Anything that failed; `status` when the server answered with an HTTP error. */
  | { kind: 'failed'; status?: number }
  /** 410 Gone: the publisher retired the feed. */
  | { kind: 'gone' };

export interface ScheduleInput {
  outcome: FetchOutcome;
  /** Consecutive failures including this outcome (0 after a success). */
  errorStreak: number;
  /** Publication dates of the feed's most recent episodes, in any order (future dates are ignored). */
  publishDates: readonly Date[];
  /** Response headers of this fetch: raw, or already parsed by the fetcher (`maxAgeSeconds`, `retryAt`). */
  headers?: { cacheControl?: string; retryAfter?: string; maxAgeSeconds?: number; retryAt?: Date };
  /** Hints from the feed itself. */
  feed?: {
    ttlMinutes?: number;
    skipHours?: readonly number[];
    skipDays?: readonly string[];
    updateFrequency?: UpdateFrequency;
    /** itunes:complete — the show will publish no more. */
    complete?: boolean;
  };
  now: Date;
}

export interface ScheduleOptions {
  /** Uniform in [0, 1); defaults to Math.random. Tests pass a fixed source. */
  random?: () => number;
  minIntervalMs?: number;
  maxIntervalMs?: number;
  /** Headers and feed hints may lengthen the interval up to here, no further (stale 304s exist). */
  maxHintMs?: number;
  errorBaseMs?: number;
  errorMaxMs?: number;
  /** Longest Retry-After we obey; beyond it we come back at this distance. */
  maxRetryAfterMs?: number;
  /** ± fraction of the interval added as jitter. */
  jitter?: number;
  /** Interval when the history says nothing (fewer than two publication dates, no hints). */
  defaultIntervalMs?: number;
}

export type NextCheckReason = 'cadence' | 'hint' | 'dormant' | 'complete' | 'backoff' | 'retry-after';

export type NextCheck = { kind: 'at'; at: Date; reason: NextCheckReason } | { kind: 'never'; reason: 'gone' };

type Resolved = Required<Omit<ScheduleOptions, 'random'>>;

const DEFAULTS: Resolved = {
  minIntervalMs: 15 * MINUTE,
  maxIntervalMs: DAY,
  maxHintMs: 6 * HOUR,
  errorBaseMs: HOUR,
  errorMaxMs: DAY,
  maxRetryAfterMs: 7 * DAY,
  jitter: 0.1,
  defaultIntervalMs: HOUR,
};

/** A show that has not published for this long is checked at the longest interval. */
const DORMANT_AFTER_MS = 90 * DAY;
/** Check this many times per typical gap between episodes. */
const CHECKS_PER_GAP = 8;
/** How many recent publication dates make the cadence. */
const HISTORY = 12;

/** Options merged with the defaults, once per options object (a crawler passes the same one for every feed). */
const resolved = new WeakMap<ScheduleOptions, Resolved>();
const NO_OPTIONS: ScheduleOptions = {};

export function nextCheck(input: ScheduleInput, options: ScheduleOptions = NO_OPTIONS): NextCheck {
  let o = resolved.get(options);
  if (o === undefined) {
    o = { ...DEFAULTS, ...options };
    resolved.set(options, o);
  }
  const random = options.random ?? Math.random;
  const now = input.now.getTime();
  const { outcome } = input;

  if (outcome.kind === 'gone') return { kind: 'never', reason: 'gone' };

  if (outcome.kind === 'failed') {
    if (outcome.status === 429 || outcome.status === 503) {
      const retryAt = input.headers?.retryAt;
      const wait =
        retryAt === undefined ? retryAfterMs(input.headers?.retryAfter, input.now) : retryAt.getTime() - now;
      if (wait !== undefined) {
        const ms = Math.min(Math.max(wait, 0), o.maxRetryAfterMs);
        // Jitter only adds: coming back before the server asked is what Retry-After forbids.
        return at(now + ms + ms * o.jitter * random(), 'retry-after');
      }
    }
    const streak = Math.max(1, input.errorStreak);
    const backoff = Math.min(o.errorBaseMs * 2 ** Math.min(streak - 1, 30), o.errorMaxMs);
    return at(now + withJitter(backoff, o.jitter, random, o.errorBaseMs, o.errorMaxMs), 'backoff');
  }

  const { interval, reason } = successInterval(input, o);
  const jittered = withJitter(interval, o.jitter, random, o.minIntervalMs, o.maxIntervalMs);
  return at(outOfSkipped(now + jittered, input.feed, now + o.maxIntervalMs), reason);
}

function successInterval(input: ScheduleInput, o: Resolved): { interval: number; reason: NextCheckReason } {
  if (input.feed?.complete === true || input.feed?.updateFrequency?.complete === true) {
    return { interval: o.maxIntervalMs, reason: 'complete' };
  }
  const now = input.now.getTime();
  const dates: number[] = [];
  for (const d of input.publishDates) {
    const t = d.getTime();
    if (Number.isFinite(t) && t <= now) dates.push(t);
  }
  dates.sort((a, b) => b - a);
  if (dates.length > HISTORY) dates.length = HISTORY;
  const latest = dates[0];
  if (latest !== undefined && now - latest > DORMANT_AFTER_MS)
    return { interval: o.maxIntervalMs, reason: 'dormant' };

  let cadence: number | undefined;
  const gap =
    medianGap(dates) ?? (dates.length < 3 ? rrulePeriodMs(input.feed?.updateFrequency?.rrule) : undefined);
  if (gap !== undefined) cadence = clamp(gap / CHECKS_PER_GAP, o);
  const base = cadence ?? clamp(o.defaultIntervalMs, o);

  const hint = Math.min(hintMs(input), o.maxHintMs);
  if (hint > base) return { interval: clamp(hint, o), reason: 'hint' };
  return { interval: base, reason: 'cadence' };
}

function clamp(ms: number, o: { minIntervalMs: number; maxIntervalMs: number }): number {
  return Math.min(Math.max(ms, o.minIntervalMs), o.maxIntervalMs);
}

/** The longest wait the server or the feed asked for: Cache-Control max-age, <ttl>. */
function hintMs(input: ScheduleInput): number {
  let ms = 0;
  const maxAge = input.headers?.maxAgeSeconds ?? cacheControlMaxAge(input.headers?.cacheControl);
  if (maxAge !== undefined) ms = Math.max(ms, maxAge * 1000);
  const ttl = input.feed?.ttlMinutes;
  if (ttl !== undefined && Number.isFinite(ttl) && ttl > 0) ms = Math.max(ms, ttl * MINUTE);
  return ms;
}

function medianGap(datesDesc: readonly number[]): number | undefined {
  const gaps: number[] = [];
  for (let i = 1; i < datesDesc.length; i++) {
    const a = datesDesc[i - 1];
    const b = datesDesc[i];
    if (a !== undefined && b !== undefined && a > b) gaps.push(a - b);
  }
  if (gaps.length === 0) return undefined;
  gaps.sort((x, y) => x - y);
  const mid = Math.floor(gaps.length / 2);
  const hi = gaps[mid] ?? 0;
  return gaps.length % 2 === 1 ? hi : ((gaps[mid - 1] ?? hi) + hi) / 2;
}

const FREQ_MS: Record<string, number> = {
  MINUTELY: MINUTE,
  HOURLY: HOUR,
  DAILY: DAY,
  WEEKLY: 7 * DAY,
  MONTHLY: 30 * DAY,
  YEARLY: 365 * DAY,
};

/** The period of an RFC 5545 RRULE such as `FREQ=WEEKLY;INTERVAL=2` (BYDAY counts make it shorter). */
export function rrulePeriodMs(rrule: string | undefined): number | undefined {
  if (rrule === undefined) return undefined;
  const parts = new Map(
    rrule
      .replace(/^RRULE:/i, '')
      .split(';')
      .map((p) => {
        const [k = '', v = ''] = p.split('=');
        return [k.trim().toUpperCase(), v.trim().toUpperCase()] as const;
      }),
  );
  const freq = FREQ_MS[parts.get('FREQ') ?? ''];
  if (freq === undefined) return undefined;
  const interval = Number(parts.get('INTERVAL') ?? '1');
  const byDay = parts.get('BYDAY');
  const perPeriod = byDay !== undefined && parts.get('FREQ') === 'WEEKLY' ? byDay.split(',').length : 1;
  const n = Number.isInteger(interval) && interval > 0 ? interval : 1;
  return (freq * n) / Math.max(1, perPeriod);
}

/** `max-age` (or `s-maxage`) in seconds; undefined when absent or when `no-cache`/`no-store` say otherwise. */
export function cacheControlMaxAge(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const directives = header
    .toLowerCase()
    .split(',')
    .map((d) => d.trim());
  if (directives.some((d) => d === 'no-cache' || d === 'no-store')) return undefined;
  let best: number | undefined;
  for (const d of directives) {
    const m = /^(?:s-maxage|max-age)\s*=\s*"?(\d+)"?$/.exec(d);
    if (m?.[1] !== undefined) best = Math.max(best ?? 0, Number(m[1]));
  }
  return best;
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date; undefined when unreadable. */
export function retryAfterMs(header: string | undefined, now: Date): number | undefined {
  if (header === undefined) return undefined;
  const v = header.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/[a-z]/i.test(v)) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now.getTime());
}

const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** Moves `t` forward to the first hour that is in neither skipHours nor skipDays (UTC), but not past `limit`. */
function outOfSkipped(t: number, feed: ScheduleInput['feed'], limit: number): number {
  if (!feed?.skipHours?.length && !feed?.skipDays?.length) return t;
  const hours = new Set((feed?.skipHours ?? []).filter((h) => Number.isInteger(h) && h >= 0 && h <= 23));
  const days = new Set(
    (feed?.skipDays ?? []).map((d) => d.trim().toLowerCase()).filter((d) => DAY_NAMES.includes(d)),
  );
  if (hours.size === 0 && days.size === 0) return t;
  if (hours.size === 24 || days.size === 7) return t; // a feed that skips everything asked for nothing useful
  let candidate = t;
  for (let i = 0; i < 24 * 8; i++) {
    const d = new Date(candidate);
    const skipped = hours.has(d.getUTCHours()) || days.has(DAY_NAMES[d.getUTCDay()] ?? '');
    if (!skipped) return candidate;
    const nextHour = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours() + 1);
    if (nextHour > limit) return limit;
    candidate = nextHour;
  }
  return t;
}

function withJitter(ms: number, fraction: number, random: () => number, min: number, max: number): number {
  const jittered = ms * (1 + fraction * (2 * random() - 1));
  return Math.min(Math.max(jittered, min), Math.max(max, min));
}

function at(t: number, reason: NextCheckReason): NextCheck {
  return { kind: 'at', at: new Date(Math.round(t)), reason };
}
