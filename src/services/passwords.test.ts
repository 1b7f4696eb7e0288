import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, passwordMatches } from './passwords.ts';

test('a hash matches its password only, and two hashes of one password differ (salted)', async () => {
  const one = await hashPassword('correct horse');
  const two = await hashPassword('correct horse');
  assert.match(one, /^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]+$/);
  assert.notEqual(one, two);
  assert.equal(await passwordMatches('correct horse', one), true);
  assert.equal(await passwordMatches('correct horse', two), true);
  assert.equal(await passwordMatches('Correct horse', one), false);
});

test('a password typed composed or decomposed is the same password (NFC)', async () => {
  const hash = await hashPassword('caf\u00e9 au lait');
  assert.equal(await passwordMatches('cafe\u0301 au lait', hash), true);
});

test('a stored value of another shape matches nothing', async () => {
  for (const stored of ['', 'plain text', 'bcrypt$10$abc', 'scrypt$16384$8$1$salt'])
    assert.equal(await passwordMatches('plain text', stored), false, stored);
});
