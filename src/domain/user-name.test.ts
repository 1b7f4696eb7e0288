import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkNewUserName, couldBeUserName, isUserName, userNameSkeleton } from './user-name.ts';

test('new names: NFKC, trimmed, a-z A-Z 0-9 . _ - only, 1–64, not only dots; the message names the character', () => {
  assert.deepEqual(checkNewUserName('  alice '), { ok: true, name: 'alice' });
  assert.deepEqual(
    checkNewUserName('ａｌｉｃｅ'),
    { ok: true, name: 'alice' },
    'full-width letters fold to ASCII',
  );
  assert.deepEqual(checkNewUserName('Jo.Ann_2-b'), { ok: true, name: 'Jo.Ann_2-b' });
  const refused: [string, RegExp][] = [
    ['', /Choose a user name/],
    ['аlice', /"а" \(U\+0430, a Cyrillic letter\)/],
    ['αlice', /Greek/],
    ['zoë', /U\+00EB/],
    ['bob@example.org', /"@"/],
    ['a b', /a space/],
    ['a\u200Bb', /invisible or control/],
    ['a/b', /"\/"/],
    ['a+b', /"\+"/],
    ['.', /letter or a digit/],
    ['..', /letter or a digit/],
    ['x'.repeat(65), /at most 64/],
  ];
  for (const [name, message] of refused) {
    const check = checkNewUserName(name);
    assert.equal(check.ok, false, name);
    if (!check.ok) assert.match(check.message, message, name);
  }
  assert.equal(isUserName('alice'), true);
  assert.equal(isUserName(' alice'), false, 'the stored form is the trimmed one');
});

test('every accepted name is a URL path segment no client needs to escape', () => {
  for (const name of ['alice', 'Jo.Ann_2-b', '_x_', '-', 'a..b']) {
    assert.equal(isUserName(name), true, name);
    assert.equal(encodeURIComponent(name), name, name);
    assert.equal(
      new URL(`http://h/api/2/subscriptions/${name}/d.json`).pathname,
      `/api/2/subscriptions/${name}/d.json`,
    );
  }
});

test('look-alikes share a skeleton; different-looking names do not', () => {
  const alice = userNameSkeleton('alice');
  // (Names differing only in case are the same name already: the store compares them case-insensitively.)
  for (const lookalike of ['аlice', 'Alice', 'aIice', 'a1ice', 'ａｌｉｃｅ', 'alicé', 'аӏісе']) {
    assert.equal(userNameSkeleton(lookalike), alice, lookalike);
  }
  assert.equal(userNameSkeleton('rnallory'), userNameSkeleton('mallory'));
  assert.equal(userNameSkeleton('b0b'), userNameSkeleton('bob'));
  assert.equal(userNameSkeleton('vvendy'), userNameSkeleton('wendy'));
  for (const other of ['bob', 'alicia', 'ali', 'ian']) assert.notEqual(userNameSkeleton(other), alice, other);
});

test('existing accounts may have older names: look-ups accept them, but never control characters or slashes', () => {
  for (const name of ['zoë@home', 'иван', 'alice']) assert.equal(couldBeUserName(name), true, name);
  for (const name of ['', 'a/b', 'a\\b', 'a\u0000b', 'a\nb', 'a\u202Eb', 'x'.repeat(65)])
    assert.equal(couldBeUserName(name), false, JSON.stringify(name));
});
