import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SubscriptionChange } from '../domain/sync.ts';
import { SyncError } from './errors.ts';
import {
  netSubscriptionChanges,
  parseSince,
  parseSubscriptionUpload,
  replaceListDiff,
} from './subscriptions.ts';

test('uploaded URLs follow the one feed-URL rule (credentials kept, unlike mygpo) and refuse what is not http(s)', () => {
  const up = parseSubscriptionUpload({
    add: [
      '  feed://Example.COM/rss  ',
      'itpc://example.com/a b.xml',
      'feed:https://example.com/x',
      'HTTP://user:pw@Example.com',
      'http://example.com/feed?',
      'example.com/bare',
      'rss://example.com/r',
      'ftp://example.com/feed',
    ],
    remove: [],
  });
  assert.deepEqual(up.add, [
    'http://example.com/rss',
    'http://example.com/a%20b.xml',
    'https://example.com/x',
    'http://user:pw@example.com/',
    'http://example.com/feed',
    'http://example.com/bare',
    'http://example.com/r',
  ]);
  assert.deepEqual(up.updateUrls.at(-1), ['ftp://example.com/feed', '']);
});

test('an upload reports every changed or refused URL in update_urls', () => {
  const up = parseSubscriptionUpload({
    add: ['feed://a.example/rss', 'http://b.example/rss', 'javascript:x'],
    remove: [],
  });
  assert.deepEqual(up.add, ['http://a.example/rss', 'http://b.example/rss']);
  assert.deepEqual(up.updateUrls, [
    ['feed://a.example/rss', 'http://a.example/rss'],
    ['javascript:x', ''],
  ]);
});

test('a URL both added and removed, or a malformed body, is a 400', () => {
  assert.throws(
    () => parseSubscriptionUpload({ add: ['http://a.example/'], remove: ['http://a.example/'] }),
    /both in add and remove/,
  );
  assert.throws(() => parseSubscriptionUpload([]), SyncError);
  assert.throws(() => parseSubscriptionUpload({ add: [42] }), /add\[0\] must be a string/);
  assert.deepEqual(parseSubscriptionUpload({}).add, []);
});

test('the diff covers since <= t < now on receive time, the last change per URL winning', () => {
  const log: SubscriptionChange[] = [
    { url: 'http://a/', kind: 'add', receivedAtMs: 1_000 },
    { url: 'http://b/', kind: 'add', receivedAtMs: 2_000 },
    { url: 'http://a/', kind: 'remove', receivedAtMs: 3_000 },
    { url: 'http://c/', kind: 'add', receivedAtMs: 5_000 },
  ];
  assert.deepEqual(netSubscriptionChanges(log, 0, 5_000), { add: ['http://b/'], remove: ['http://a/'] });
  assert.deepEqual(netSubscriptionChanges(log, 2_000, 9_000), {
    add: ['http://b/', 'http://c/'],
    remove: ['http://a/'],
  });
  assert.deepEqual(netSubscriptionChanges(log, 5_001, 9_000), { add: [], remove: [] });
});

test('a whole-list PUT becomes the adds and removes that reach it', () => {
  assert.deepEqual(
    replaceListDiff(new Set(['http://a/', 'http://b/']), ['http://b/', 'http://c/', 'http://c/']),
    {
      add: ['http://c/'],
      remove: ['http://a/'],
    },
  );
});

test('since is required by the gPodder API, optional for Nextcloud, never negative', () => {
  assert.equal(parseSince('17', true), 17);
  assert.equal(parseSince(undefined, false), 0);
  assert.throws(() => parseSince(undefined, true), /required/);
  assert.throws(() => parseSince('-1', true), /non-negative/);
});
