import assert from 'node:assert/strict';
import { test } from 'node:test';
import { basicAuthHeader, parseBasicAuth } from './basic-auth.ts';
import { SyncError } from './errors.ts';
import { LOGIN_FLOW_TTL_MS, LoginFlowRegistry } from './login-flow.ts';

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

test('Login Flow v2: 404 until granted, credentials exactly once, expiry after 20 minutes', () => {
  const flows = new LoginFlowRegistry();
  flows.start('poll-1', 'login-1', 0);
  assert.deepEqual(flows.poll('poll-1', 1000), { status: 'pending' });
  assert.ok(flows.pendingByLoginToken('login-1', 1000));
  flows.grant('login-1', 'alice', 'app-pw', 2000);
  assert.equal(flows.pendingByLoginToken('login-1', 2000), undefined);
  assert.deepEqual(flows.poll('poll-1', 3000), {
    status: 'granted',
    loginName: 'alice',
    appPassword: 'app-pw',
  });
  assert.throws(
    () => flows.poll('poll-1', 4000),
    (e: unknown) => e instanceof SyncError && e.code === 'not-found',
  );

  flows.start('poll-2', 'login-2', 0);
  assert.throws(() => flows.grant('login-2', 'alice', 'x', LOGIN_FLOW_TTL_MS), /expired/);
  assert.throws(() => flows.poll('poll-2', LOGIN_FLOW_TTL_MS), SyncError);
  assert.throws(() => flows.poll('nope', 0), SyncError);
});
