import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';
import { parseCommandArgs, UsageError } from './flags.ts';

const cwd = '/srv/earshot';

describe('loadConfig', () => {
  it('gives the documented defaults on an empty environment', () => {
    const c = loadConfig({ env: {}, cwd });
    assert.equal(c.port, 8080);
    assert.equal(c.host, '0.0.0.0');
    assert.equal(c.dataDir, '/srv/earshot/data');
    assert.deepEqual(c.database, {
      kind: 'sqlite',
      path: '/srv/earshot/data/earshot.sqlite',
      searchThreads: Math.min(4, availableParallelism()),
    });
    assert.equal(c.allowPrivateFeeds, false);
    assert.equal(c.demo, true);
    assert.equal(c.crawler.enabled, true);
    assert.equal(c.crawler.maxBodyBytes, 50 * 1024 * 1024);
  });

  it('reads every variable from the environment it is given', () => {
    const c = loadConfig({
      env: {
        EARSHOT_PORT: '9001',
        EARSHOT_HOST: '127.0.0.1',
        EARSHOT_DATA: '/var/lib/earshot',
        EARSHOT_DATABASE_URL: 'postgres://me@127.0.0.1:5432/test',
        EARSHOT_ALLOW_PRIVATE_FEEDS: 'yes',
        EARSHOT_DEMO: '0',
        EARSHOT_CRAWL_CONCURRENCY: '4',
        EARSHOT_CRAWL_PER_HOST: '1',
        EARSHOT_MAX_FEED_BYTES: '20mb',
      },
      cwd,
    });
    assert.equal(c.port, 9001);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.dataDir, '/var/lib/earshot');
    assert.deepEqual(c.database, { kind: 'postgres', url: 'postgres://me@127.0.0.1:5432/test' });
    assert.equal(c.allowPrivateFeeds, true);
    assert.equal(c.demo, false);
    assert.equal(c.crawler.concurrency, 4);
    assert.equal(c.crawler.perHost, 1);
    assert.equal(c.crawler.maxBodyBytes, 20 * 1024 * 1024);
  });

  it('lets flags win over the environment', () => {
    const { flags } = parseCommandArgs(['--port', '7000', '--no-demo', '--allow-private', '--data', 'here']);
    const c = loadConfig({ env: { EARSHOT_PORT: '9001', EARSHOT_DEMO: '1' }, cwd, flags });
    assert.equal(c.port, 7000);
    assert.equal(c.demo, false);
    assert.equal(c.allowPrivateFeeds, true);
    assert.equal(c.dataDir, '/srv/earshot/here');
  });

  it('keeps feeds listeners add private unless EARSHOT_PUBLIC_FOLLOWED_FEEDS or --public-followed-feeds says so', () => {
    assert.equal(loadConfig({ env: {}, cwd }).publicFollowedFeeds, false);
    assert.equal(loadConfig({ env: { EARSHOT_PUBLIC_FOLLOWED_FEEDS: 'on' }, cwd }).publicFollowedFeeds, true);
    const { flags } = parseCommandArgs(['--public-followed-feeds']);
    assert.equal(
      loadConfig({ env: { EARSHOT_PUBLIC_FOLLOWED_FEEDS: '0' }, cwd, flags }).publicFollowedFeeds,
      true,
    );
    assert.throws(
      () => loadConfig({ env: { EARSHOT_PUBLIC_FOLLOWED_FEEDS: 'maybe' }, cwd }),
      /EARSHOT_PUBLIC_FOLLOWED_FEEDS must be 1 or 0/,
    );
  });

  it('reads the per-listener quotas (issue 12): defaults, environment, flags, validation', () => {
    assert.deepEqual(loadConfig({ env: {}, cwd }).quota, { maxFollows: 2000, maxNewFeedsPerDay: 500 });
    const env = { EARSHOT_MAX_FOLLOWS: '300', EARSHOT_MAX_NEW_FEEDS_PER_DAY: '40' };
    assert.deepEqual(loadConfig({ env, cwd }).quota, { maxFollows: 300, maxNewFeedsPerDay: 40 });
    const { flags } = parseCommandArgs(['--max-follows', '10', '--max-new-feeds-per-day', '0']);
    assert.deepEqual(loadConfig({ env, cwd, flags }).quota, { maxFollows: 10, maxNewFeedsPerDay: 0 });
    assert.throws(
      () => loadConfig({ env: { EARSHOT_MAX_FOLLOWS: 'lots' }, cwd }),
      (e: unknown) =>
        e instanceof ConfigError && /^EARSHOT_MAX_FOLLOWS must be a whole number/.test(e.message),
    );
  });

  it('reads the web settings the pages need', () => {
    const c = loadConfig({
      env: {
        EARSHOT_PUBLIC_URL: 'https://pods.example.org/',
        EARSHOT_SITE_NAME: 'Pods',
        EARSHOT_SOCIAL: 'Mastodon=https://m.example/@pods, Bluesky=https://b.example/pods',
        EARSHOT_NEWS_URL: 'https://pods.example.org/news',
      },
      cwd,
    });
    assert.deepEqual(c.web, {
      siteName: 'Pods',
      publicUrl: 'https://pods.example.org',
      secureCookies: true,
      signInMaxDelayMs: 2000,
      newsUrl: 'https://pods.example.org/news',
      social: [
        { label: 'Mastodon', url: 'https://m.example/@pods' },
        { label: 'Bluesky', url: 'https://b.example/pods' },
      ],
    });
    assert.deepEqual(loadConfig({ env: {}, cwd }).web, {
      siteName: 'Earshot',
      secureCookies: false,
      signInMaxDelayMs: 2000,
      social: [],
    });
  });

  it('is frozen', () => {
    const c = loadConfig({ env: {}, cwd });
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.crawler) && Object.isFrozen(c.database));
  });

  it('treats an empty variable as unset', () => {
    assert.equal(loadConfig({ env: { EARSHOT_PORT: '' }, cwd }).port, 8080);
  });

  const bad: [Record<string, string>, RegExp][] = [
    [{ EARSHOT_PORT: 'eighty' }, /^EARSHOT_PORT must be a whole number from 1 to 65535 \(got "eighty"\)$/],
    [{ EARSHOT_PORT: '70000' }, /^EARSHOT_PORT must be a whole number/],
    [{ EARSHOT_DEMO: 'maybe' }, /^EARSHOT_DEMO must be 1 or 0/],
    [{ EARSHOT_DATABASE_URL: 'mysql://x' }, /^EARSHOT_DATABASE_URL must be a postgres:\/\//],
    [{ EARSHOT_MAX_FEED_BYTES: 'lots' }, /^EARSHOT_MAX_FEED_BYTES must be a size/],
    [{ EARSHOT_HOST: 'a host' }, /^EARSHOT_HOST must be a host name/],
    [{ EARSHOT_SOCIAL: 'Mastodon' }, /^EARSHOT_SOCIAL must be a comma-separated list/],
    [{ EARSHOT_PUBLIC_URL: 'pods.example.org' }, /^EARSHOT_PUBLIC_URL must be an http\(s\) URL/],
    [{ EARSHOT_SESSION_SECRET: 'short' }, /^EARSHOT_SESSION_SECRET must be at least 32 characters/],
    [{ EARSHOT_TRUST_PROXY: 'nginx' }, /^EARSHOT_TRUST_PROXY must be off, true \(every hop\), a hop count/],
    [{ EARSHOT_TRUST_PROXY: '10.0.0.0/33' }, /^EARSHOT_TRUST_PROXY must be off/],
    [{ EARSHOT_TRUST_PROXY: '127.0.0.1,example.org' }, /^EARSHOT_TRUST_PROXY must be off/],
    [{ EARSHOT_TRUST_PROXY: '99' }, /^EARSHOT_TRUST_PROXY must be off/],
    [
      { EARSHOT_SIGN_IN_MAX_DELAY_MS: '-1' },
      /^EARSHOT_SIGN_IN_MAX_DELAY_MS must be a whole number from 0 to 30000/,
    ],
  ];
  for (const [env, message] of bad) {
    it(`refuses ${JSON.stringify(env)} with a one-line message`, () => {
      assert.throws(
        () => loadConfig({ env, cwd }),
        (e: unknown) =>
          e instanceof ConfigError &&
          e.code === 'invalid-config' &&
          message.test(e.message) &&
          !e.message.includes('\n'),
      );
    });
  }

  it('reads EARSHOT_TRUST_PROXY as off, every hop, a hop count, or proxy addresses and ranges', () => {
    const trust = (value: string | undefined) =>
      loadConfig({ env: value === undefined ? {} : { EARSHOT_TRUST_PROXY: value }, cwd }).web.trustProxy;
    assert.equal(trust(undefined), undefined, 'off by default: the client is the TCP peer');
    for (const off of ['0', 'off', 'false', 'no', '']) assert.equal(trust(off), undefined, off);
    for (const on of ['true', 'on', 'yes', 'TRUE']) assert.equal(trust(on), true, on);
    assert.equal(trust('1'), 1);
    assert.equal(trust('2'), 2);
    assert.deepEqual(trust('127.0.0.1, 10.0.0.0/8,::1,fd00::/8, loopback'), [
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
      'fd00::/8',
      'loopback',
    ]);
  });

  it('caps the sign-in slow-down at 2 s unless EARSHOT_SIGN_IN_MAX_DELAY_MS says otherwise', () => {
    assert.equal(loadConfig({ env: {}, cwd }).web.signInMaxDelayMs, 2000);
    assert.equal(loadConfig({ env: { EARSHOT_SIGN_IN_MAX_DELAY_MS: '0' }, cwd }).web.signInMaxDelayMs, 0);
  });

  it('never echoes a secret back in its message', () => {
    assert.throws(
      () => loadConfig({ env: { EARSHOT_DATABASE_URL: 'mysql://user:hunter2@db/x' }, cwd }),
      (e: unknown) => e instanceof ConfigError && !e.message.includes('hunter2'),
    );
    assert.throws(
      () => loadConfig({ env: { EARSHOT_SESSION_SECRET: 'hunter2' }, cwd }),
      (e: unknown) => e instanceof ConfigError && !e.message.includes('hunter2'),
    );
  });

  it('reads the podcast directories: none by default, Apple when on, the Podcast Index with a key and a secret', () => {
    assert.deepEqual(loadConfig({ env: {}, cwd }).directory, { timeoutMs: 8000 });
    assert.deepEqual(loadConfig({ env: { EARSHOT_APPLE_SEARCH: 'on' }, cwd }).directory, {
      apple: { baseUrl: 'https://itunes.apple.com' },
      timeoutMs: 8000,
    });
    const both = loadConfig({
      env: {
        EARSHOT_PODCASTINDEX_KEY: 'KEY123',
        EARSHOT_PODCASTINDEX_SECRET: 'sec$ret',
        EARSHOT_PODCASTINDEX_URL: 'http://127.0.0.1:9/pi/api/1.0/',
        EARSHOT_APPLE_SEARCH: 'yes',
        EARSHOT_APPLE_SEARCH_URL: 'http://127.0.0.1:9/apple',
        EARSHOT_DIRECTORY_TIMEOUT_MS: '500',
      },
      cwd,
    }).directory;
    assert.deepEqual(both, {
      podcastIndex: { key: 'KEY123', secret: 'sec$ret', baseUrl: 'http://127.0.0.1:9/pi/api/1.0' },
      apple: { baseUrl: 'http://127.0.0.1:9/apple' },
      timeoutMs: 500,
    });
    assert.deepEqual(loadConfig({ env: { EARSHOT_APPLE_SEARCH: 'off' }, cwd }).directory, {
      timeoutMs: 8000,
    });
    assert.throws(
      () => loadConfig({ env: { EARSHOT_PODCASTINDEX_SECRET: 'hunter2' }, cwd }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /without EARSHOT_PODCASTINDEX_KEY/.test(e.message) &&
        !e.message.includes('hunter2'),
    );
    assert.throws(
      () =>
        loadConfig({
          env: { EARSHOT_PODCASTINDEX_KEY: 'a key', EARSHOT_PODCASTINDEX_SECRET: 'hunter2' },
          cwd,
        }),
      (e: unknown) => e instanceof ConfigError && /EARSHOT_PODCASTINDEX_KEY must be/.test(e.message),
    );
  });

  it('names the flag, not the variable, when the flag was wrong', () => {
    const { flags } = parseCommandArgs(['--port', '0']);
    assert.throws(() => loadConfig({ env: {}, cwd, flags }), /^ConfigError: --port must be/);
  });
});

describe('parseCommandArgs', () => {
  it('keeps positionals and command options apart from settings', () => {
    const r = parseCommandArgs(['https://a.example/feed', '--json', '--allow-private'], {
      json: { type: 'boolean' },
    });
    assert.deepEqual(r.positionals, ['https://a.example/feed']);
    assert.equal(r.values.json, true);
    assert.deepEqual(r.flags, { allowPrivate: true });
  });
  it('refuses an unknown flag with a usage error', () => {
    assert.throws(() => parseCommandArgs(['--frobnicate']), UsageError);
  });
});
