import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  cacheControlMaxAge,
  nextCheck,
  retryAfterMs,
  rrulePeriodMs,
  type ScheduleInput,
} from './schedule.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const now = new Date('2026-07-15T12:00:00Z'); // a Wednesday
const noJitter = { random: () => 0.5 };

function every(intervalMs: number, count: number, endingAgoMs = 0): Date[] {
  return Array.from({ length: count }, (_, i) => new Date(now.getTime() - endingAgoMs - i * intervalMs));
}

function delay(input: Partial<ScheduleInput>, options = noJitter): number {
  const r = nextCheck(
    { outcome: { kind: 'unchanged' }, errorStreak: 0, publishDates: [], now, ...input },
    options,
  );
  assert.equal(r.kind, 'at');
  return r.kind === 'at' ? r.at.getTime() - now.getTime() : Number.NaN;
}

describe('nextCheck: publishing cadence', () => {
  it('checks a daily show several times a day and a weekly show less often', () => {
    const daily = delay({ publishDates: every(DAY, 10, HOUR) });
    const weekly = delay({ publishDates: every(7 * DAY, 10, HOUR) });
    assert.ok(daily < weekly, `${daily} < ${weekly}`);
    assert.ok(daily >= 15 * MIN && daily <= 6 * HOUR);
    assert.ok(weekly <= DAY);
  });

  it('never checks more often than every 15 minutes, even for a feed that publishes every minute', () => {
    assert.equal(delay({ publishDates: every(MIN, 12) }), 15 * MIN);
  });

  it('never waits more than 24 hours after a success', () => {
    assert.equal(delay({ publishDates: every(30 * DAY, 12, DAY) }), DAY);
  });

  it('checks a show that stopped publishing months ago once a day', () => {
    const r = nextCheck(
      { outcome: { kind: 'updated' }, errorStreak: 0, publishDates: every(HOUR, 5, 200 * DAY), now },
      noJitter,
    );
    assert.deepEqual(r.kind === 'at' && [r.at.getTime() - now.getTime(), r.reason], [DAY, 'dormant']);
  });

  it('checks a complete show once a day', () => {
    assert.equal(delay({ publishDates: every(HOUR, 12), feed: { complete: true } }), DAY);
  });

  it('ignores future-dated episodes when reading the cadence', () => {
    const future = Array.from({ length: 12 }, (_, i) => new Date(now.getTime() + (i + 1) * MIN));
    assert.equal(
      delay({ publishDates: [...future, ...every(7 * DAY, 6, HOUR)] }),
      delay({ publishDates: every(7 * DAY, 6, HOUR) }),
    );
  });

  it('uses podcast:updateFrequency when the history is too short', () => {
    const daily = delay({ feed: { updateFrequency: { rrule: 'FREQ=DAILY' } } });
    const weekly = delay({ feed: { updateFrequency: { rrule: 'FREQ=WEEKLY' } } });
    assert.ok(daily < weekly);
  });

  it('checks an unknown feed after the default interval', () => {
    assert.equal(delay({}), HOUR);
  });
});

describe('nextCheck: headers and feed hints', () => {
  const busy = every(MIN, 12);
  it('waits at least Cache-Control max-age', () => {
    assert.equal(delay({ publishDates: busy, headers: { cacheControl: 'public, max-age=3600' } }), HOUR);
  });
  it('waits at least <ttl> minutes', () => {
    assert.equal(delay({ publishDates: busy, feed: { ttlMinutes: 120 } }), 2 * HOUR);
  });
  it('rechecks within a few hours whatever the headers say', () => {
    const d = delay({
      publishDates: busy,
      headers: { cacheControl: 'max-age=31536000' },
      feed: { ttlMinutes: 100000 },
    });
    assert.ok(d <= 6 * HOUR, `${d / HOUR} h`);
  });
  it('ignores max-age under no-cache', () => {
    assert.equal(
      delay({ publishDates: busy, headers: { cacheControl: 'no-cache, max-age=7200' } }),
      15 * MIN,
    );
  });
  it('moves a check out of skipHours', () => {
    // Due at 12:15; hours 12 and 13 skipped → 14:00.
    assert.equal(delay({ publishDates: busy, feed: { skipHours: [12, 13] } }), 2 * HOUR);
  });
  it('moves a check out of skipDays', () => {
    const d = delay({ publishDates: busy, feed: { skipDays: ['Wednesday'] } });
    assert.equal(new Date(now.getTime() + d).toISOString(), '2026-07-16T00:00:00.000Z');
  });
  it('does not let skipHours + skipDays push past 24 hours', () => {
    const d = delay({ publishDates: busy, feed: { skipDays: ['Wednesday', 'Thursday', 'Friday'] } });
    assert.equal(d, DAY);
  });
  it('ignores a feed that skips every hour', () => {
    assert.equal(
      delay({ publishDates: busy, feed: { skipHours: Array.from({ length: 24 }, (_, h) => h) } }),
      15 * MIN,
    );
  });
});

describe('nextCheck: failures', () => {
  const fail = (errorStreak: number, status?: number, retryAfter?: string) =>
    delay({
      outcome: status === undefined ? { kind: 'failed' } : { kind: 'failed', status },
      errorStreak,
      ...(retryAfter === undefined ? {} : { headers: { retryAfter } }),
    });

  it('backs off exponentially from 1 hour to 24 hours', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 20].map((n) => fail(n, 404) / HOUR),
      [1, 2, 4, 8, 16, 24, 24, 24],
    );
  });
  it('backs off the same way for network failures', () => {
    assert.equal(fail(3), 4 * HOUR);
  });
  const noneAdded = { random: () => 0 };
  it('obeys Retry-After in seconds on 429', () => {
    const input = {
      outcome: { kind: 'failed', status: 429 },
      errorStreak: 1,
      headers: { retryAfter: '120' },
    } as const;
    assert.equal(delay(input, noneAdded), 120_000);
  });
  it('obeys Retry-After as an HTTP date on 503', () => {
    const retryAfter = new Date(now.getTime() + 3 * HOUR).toUTCString();
    const input = {
      outcome: { kind: 'failed', status: 503 },
      errorStreak: 4,
      headers: { retryAfter },
    } as const;
    assert.equal(delay(input, noneAdded), 3 * HOUR);
  });
  it('never comes back before Retry-After, whatever the jitter', () => {
    for (const r of [0, 0.3, 0.99]) {
      const d = delay(
        { outcome: { kind: 'failed', status: 429 }, errorStreak: 1, headers: { retryAfter: '600' } },
        { random: () => r },
      );
      assert.ok(d >= 600_000);
    }
  });
  it('takes Retry-After and max-age already parsed by the fetcher', () => {
    const retryAt = new Date(now.getTime() + 2 * HOUR);
    const input = { outcome: { kind: 'failed', status: 429 }, errorStreak: 1, headers: { retryAt } } as const;
    assert.equal(delay(input, noneAdded), 2 * HOUR);
    assert.equal(delay({ publishDates: every(MIN, 12), headers: { maxAgeSeconds: 5400 } }), 90 * MIN);
  });
  it('falls back to backoff when a 429 has no readable Retry-After', () => {
    assert.equal(fail(2, 429, 'soon'), 2 * HOUR);
  });
  it('stops for good on 410 Gone', () => {
    assert.deepEqual(nextCheck({ outcome: { kind: 'gone' }, errorStreak: 0, publishDates: [], now }), {
      kind: 'never',
      reason: 'gone',
    });
  });
});

describe('nextCheck: jitter', () => {
  it('spreads checks of identical feeds by the injected random source', () => {
    const input = { publishDates: every(DAY, 10, HOUR) };
    const low = delay(input, { random: () => 0 });
    const mid = delay(input, { random: () => 0.5 });
    const high = delay(input, { random: () => 0.999 });
    assert.ok(low < mid && mid < high);
    assert.ok(high - low <= 0.2 * mid + 1);
  });
});

describe('header helpers', () => {
  it('reads max-age', () => {
    assert.equal(cacheControlMaxAge('public, max-age=300'), 300);
    assert.equal(cacheControlMaxAge('s-maxage=600, max-age=60'), 600);
    assert.equal(cacheControlMaxAge('private'), undefined);
  });
  it('reads Retry-After', () => {
    assert.equal(retryAfterMs(' 30 ', now), 30_000);
    assert.equal(retryAfterMs('Wed, 15 Jul 2026 13:00:00 GMT', now), HOUR);
    assert.equal(retryAfterMs('Wed, 15 Jul 2020 13:00:00 GMT', now), 0);
    assert.equal(retryAfterMs('-5', now), undefined);
  });
  it('reads an RRULE period', () => {
    assert.equal(rrulePeriodMs('FREQ=WEEKLY;INTERVAL=2'), 14 * DAY);
    assert.equal(rrulePeriodMs('FREQ=WEEKLY;BYDAY=MO,WE,FR'), (7 * DAY) / 3);
    assert.equal(rrulePeriodMs('nonsense'), undefined);
  });
});
