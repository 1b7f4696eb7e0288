import assert from 'node:assert/strict';
import { test } from 'node:test';
import { basicAuthHeader, parseBasicAuth } from './basic-auth.ts';
import { SyncError } from './errors.ts';

test('Basic credentials decode as UTF-8, fall back to latin-1, and keep colons in the password', () => {
  assert.deepEqual(parseBasicAuth(basicAuthHeader('zoë', 'p:ss wörd')), {
    username: 'zoë',
    password: 'p:ss wörd',
  });
  const latin1 = `Basic ${Buffer.from('zo\xeb:pw', 'latin1').toString('base64')}`;
  assert.deepEqual(parseBasicAuth(latin1), { username: 'zoë', password: 'pw' });
  assert.equal(parseBasicAuth(undefined), undefined);
  assert.equal(parseBasicAuth('Bearer abc'), undefined);
  assert.throws(() => parseBasicAuth('Basic !!!'), SyncError);
  assert.throws(() => parseBasicAuth(`Basic ${Buffer.from('nocolon').toString('base64')}`), SyncError);
});
