// The operators' settings: log level and metrics exposure (README's configuration table).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';
import { parseCommandArgs } from './flags.ts';

const cwd = '/srv/earshot';
const TOKEN = 'x'.repeat(40);
const load = (env: Record<string, string>, args: string[] = []) =>
  loadConfig({ env, cwd, flags: parseCommandArgs(args).flags });

describe('log level and metrics settings', () => {
  it('default to info logs and no metrics', () => {
    const c = load({});
    assert.equal(c.logLevel, 'info');
    assert.deepEqual(c.metrics, { enabled: false });
  });

  it('take EARSHOT_LOG_LEVEL or --log-level, and refuse an unknown level', () => {
    assert.equal(load({ EARSHOT_LOG_LEVEL: 'Silent' }).logLevel, 'silent');
    assert.equal(load({ EARSHOT_LOG_LEVEL: 'warn' }, ['--log-level', 'debug']).logLevel, 'debug');
    assert.throws(
      () => load({ EARSHOT_LOG_LEVEL: 'loud' }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /EARSHOT_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/.test(e.message),
    );
  });

  it('serve /metrics on the main port with an optional token, or on a loopback port of its own', () => {
    assert.deepEqual(load({ EARSHOT_METRICS: 'on' }).metrics, { enabled: true });
    assert.deepEqual(load({}, ['--metrics']).metrics, { enabled: true });
    assert.deepEqual(load({ EARSHOT_METRICS: 'on', EARSHOT_METRICS_TOKEN: TOKEN }).metrics, {
      enabled: true,
      token: TOKEN,
    });
    assert.deepEqual(load({ EARSHOT_METRICS: 'on', EARSHOT_METRICS_PORT: '9464' }).metrics, {
      enabled: true,
      listen: { host: '127.0.0.1', port: 9464 },
    });
    assert.deepEqual(
      load({ EARSHOT_METRICS: 'on' }, ['--metrics-port', '9464', '--metrics-host', '10.0.0.5']).metrics,
      { enabled: true, listen: { host: '10.0.0.5', port: 9464 } },
    );
  });

  it('refuse metrics settings that would be silently ignored or unsafe, without echoing the token', () => {
    const refused = (env: Record<string, string>, pattern: RegExp) =>
      assert.throws(
        () => load(env),
        (e: unknown) => e instanceof ConfigError && pattern.test(e.message),
      );
    refused({ EARSHOT_METRICS_PORT: '9464' }, /EARSHOT_METRICS_PORT is set but EARSHOT_METRICS is off/);
    refused({ EARSHOT_METRICS_TOKEN: TOKEN }, /EARSHOT_METRICS_TOKEN is set but EARSHOT_METRICS is off/);
    refused({ EARSHOT_METRICS: 'on', EARSHOT_METRICS_HOST: '127.0.0.1' }, /needs EARSHOT_METRICS_PORT/);
    refused({ EARSHOT_METRICS: 'on', EARSHOT_METRICS_PORT: '8080' }, /must differ from EARSHOT_PORT/);
    refused({ EARSHOT_METRICS: 'maybe' }, /EARSHOT_METRICS must be 1 or 0/);
    assert.throws(
      () => load({ EARSHOT_METRICS: 'on', EARSHOT_METRICS_TOKEN: 'short-secret' }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /at least 32 characters \(got 12 characters\)/.test(e.message) &&
        !e.message.includes('short-secret'),
    );
  });
});

describe('the crawler lease (a cluster of crawl processes)', () => {
  it('defaults to 15 minutes, takes EARSHOT_CRAWL_LEASE_SECONDS, and refuses what is not a whole number of seconds', () => {
    assert.equal(load({}).crawler.leaseMs, 15 * 60_000);
    assert.equal(load({ EARSHOT_CRAWL_LEASE_SECONDS: '30' }).crawler.leaseMs, 30_000);
    for (const bad of ['0', '1.5', 'soon', '86401'])
      assert.throws(
        () => load({ EARSHOT_CRAWL_LEASE_SECONDS: bad }),
        (e: unknown) =>
          e instanceof ConfigError &&
          /^EARSHOT_CRAWL_LEASE_SECONDS must be a whole number from 1 to 86400/.test(e.message),
      );
  });
});

describe('search threads (SQLite)', () => {
  it('takes EARSHOT_SEARCH_THREADS, 0 for none, and refuses what is not a count', () => {
    const threads = (env: Record<string, string>): number | undefined => {
      const { database } = load(env);
      return database.kind === 'sqlite' ? database.searchThreads : undefined;
    };
    assert.equal(threads({ EARSHOT_SEARCH_THREADS: '3' }), 3);
    assert.equal(threads({ EARSHOT_SEARCH_THREADS: '0' }), 0);
    for (const bad of ['-1', 'two', '65'])
      assert.throws(
        () => load({ EARSHOT_SEARCH_THREADS: bad }),
        (e: unknown) => e instanceof ConfigError && /^EARSHOT_SEARCH_THREADS must be/.test(e.message),
      );
  });
});
