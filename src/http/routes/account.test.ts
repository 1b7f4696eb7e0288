import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safeNext } from './account.ts';

test('safeNext keeps paths on this site and turns everything else into /', () => {
  const site = 'https://pods.example';
  const kept: [string, string][] = [
    ['/account', '/account'],
    ['/shows/1?sort=oldest#e2', '/shows/1?sort=oldest#e2'],
    ['https://pods.example/library', '/library'],
    ['/a b', '/a%20b'],
    ['https:evil.example', '/evil.example'], // same scheme, no host: a relative path on this site
    ['/ok\r\nSet-Cookie: x=1', '/okSet-Cookie:%20x=1'],
    ['/ok\u0000', '/ok'],
    ['/o\u0000k', '/o%00k'],
  ];
  for (const [next, expected] of kept) assert.equal(safeNext(next, site), expected, JSON.stringify(next));
  for (const next of [
    undefined,
    '',
    '/\t/evil.example/',
    '/\\evil.example',
    '//evil.example',
    '///evil.example',
    'https://evil.example/',
    'http://pods.example/',
    'javascript:alert(1)',
    'https://user:pw@pods.example/',
  ]) {
    assert.equal(safeNext(next, site), '/', JSON.stringify(next));
  }
  assert.equal(safeNext('/.//evil.example/', site), '/evil.example/', 'never a protocol-relative //host');
  assert.equal(safeNext('/x', 'not a url'), '/', 'an unparseable origin is no reason for a 500');
});
