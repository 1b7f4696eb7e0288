import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseMaxAge, parseRetryAfter } from './headers.ts';

const now = new Date('2026-07-14T12:00:00Z');

it('reads Retry-After as seconds or as an HTTP date', () => {
  assert.equal(parseRetryAfter('3600', now)?.toISOString(), '2026-07-14T13:00:00.000Z');
  assert.equal(
    parseRetryAfter('Wed, 15 Jul 2026 08:30:00 GMT', now)?.toISOString(),
    '2026-07-15T08:30:00.000Z',
  );
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter(undefined, now), undefined);
});

it('reads max-age from Cache-Control', () => {
  assert.equal(parseMaxAge('public, max-age=900'), 900);
  assert.equal(parseMaxAge('s-maxage=60, max-age="30"'), 30);
  assert.equal(parseMaxAge('no-cache'), undefined);
});
