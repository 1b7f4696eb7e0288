import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { postgresSkip } from '../../test/support/postgres.ts';
import { openListenerDb } from '../../test/support/store-contract-listeners.ts';
import { SignInGuard, SignInThrottled, WEB_SIGN_IN } from './sign-in-guard.ts';

// Asked before any test is declared: a test declared after a top-level await can run after this file's hooks.
const pgSkip = await postgresSkip();

const db = await openListenerDb('sqlite');
after(() => db.close());

function guardAt(start: number) {
  let nowMs = start;
  const waits: number[] = [];
  const guard = new SignInGuard(db.listeners.signInFailures, 'web', WEB_SIGN_IN, {
    now: () => new Date(nowMs),
    wait: async (ms) => {
      waits.push(ms);
    },
  });
  return { guard, waits, advance: (ms: number) => (nowMs += ms) };
}

const wrong = async () => undefined;
const right = async () => ({ id: 1 });

test('one address is refused for one name after 5 failures, until its window ends; other addresses are not', async () => {
  const { guard, advance } = guardAt(Date.parse('2026-12-01T00:00:00Z'));
  for (let i = 0; i < 5; i++) assert.equal(await guard.attempt('203.0.113.1', 'pat', wrong), undefined);
  await assert.rejects(guard.attempt('203.0.113.1', 'pat', right), (e: unknown) => {
    assert.ok(e instanceof SignInThrottled);
    assert.ok(e.retryAfterSeconds > 0 && e.retryAfterSeconds <= 600, String(e.retryAfterSeconds));
    return true;
  });
  assert.deepEqual(
    await guard.attempt('198.51.100.1', 'pat', right),
    { id: 1 },
    'the owner elsewhere gets in',
  );
  assert.deepEqual(
    await guard.attempt('203.0.113.1', 'someone-else', right),
    { id: 1 },
    'other names there too',
  );
  advance(10 * 60_000);
  assert.deepEqual(await guard.attempt('203.0.113.1', 'pat', right), { id: 1 }, 'the window ended');
});

test('a name failing from many addresses slows every check for it, up to the cap; a correct password still passes', async () => {
  const { guard, waits } = guardAt(Date.parse('2026-12-02T00:00:00Z'));
  for (let i = 0; i < 10; i++) await guard.attempt(`203.0.113.${i}`, 'quinn', wrong);
  assert.deepEqual(waits, [], 'no wait below the threshold');
  assert.deepEqual(await guard.attempt('198.51.100.2', 'quinn', right), { id: 1 });
  assert.deepEqual(waits, [WEB_SIGN_IN.delayPerFailureMs]);
  for (let i = 0; i < 30; i++) await guard.attempt(`192.0.2.${i}`, 'QUINN', wrong);
  waits.length = 0;
  assert.deepEqual(await guard.attempt('198.51.100.2', 'quinn', right), { id: 1 });
  assert.deepEqual(waits, [WEB_SIGN_IN.maxDelayMs], 'the wait is capped');
  assert.deepEqual(await guard.attempt('198.51.100.3', 'other', right), { id: 1 });
  assert.equal(waits.length, 1, 'other names are not slowed');
});

test('maxDelayMs 0 turns the slow-down off', async () => {
  const waits: number[] = [];
  const guard = new SignInGuard(db.listeners.signInFailures, 'web', WEB_SIGN_IN, {
    now: () => new Date(Date.parse('2026-12-03T00:00:00Z')),
    wait: async (ms) => {
      waits.push(ms);
    },
    maxDelayMs: 0,
  });
  for (let i = 0; i < 15; i++) await guard.attempt(`203.0.113.${i}`, 'rita', wrong);
  assert.deepEqual(await guard.attempt('198.51.100.9', 'rita', right), { id: 1 });
  assert.deepEqual(waits, []);
});

test('on PostgreSQL too, whatever a typed name holds (its text refuses NUL)', {
  skip: pgSkip ?? false,
}, async () => {
  const pg = await openListenerDb('postgres');
  try {
    const guard = new SignInGuard(pg.listeners.signInFailures, 'basic', WEB_SIGN_IN, {
      now: () => new Date(),
      wait: async () => {},
    });
    for (let i = 0; i < 5; i++)
      assert.equal(await guard.attempt('2001:db8::1', 'pat\u0000', wrong), undefined);
    await assert.rejects(guard.attempt('2001:db8::1', 'PAT', right), SignInThrottled);
    assert.deepEqual(
      await guard.attempt('2001:db8::2', 'pat', right),
      { id: 1 },
      'the owner elsewhere gets in',
    );
  } finally {
    await pg.close();
  }
});
