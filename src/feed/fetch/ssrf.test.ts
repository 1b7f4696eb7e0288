// The SSRF guard, end to end: nothing here may send a packet to a non-loopback address. Blocked literal IPs are
// refused before a socket exists; names are refused on their resolved address inside the connect step.
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type FeedServer,
  feedRoute,
  redirectRoute,
  startFeedServer,
} from '../../../test/support/feed-server.ts';
import { FeedFetchError } from './errors.ts';
import { createFetcher, type Fetcher, type ResolveHost } from './fetcher.ts';

const tiny = readFileSync(join(import.meta.dirname, 'testdata', 'tiny-feed.xml'));
const userAgent = 'Earshot/0.0.0-test (+https://earshot.example/project)';

/** Every client socket created while `run` runs, and where each one actually connected. */
async function watchSockets(run: () => Promise<void>): Promise<{ created: number; connectedTo: string[] }> {
  let created = 0;
  const connectedTo: string[] = [];
  const onSocket = (message: unknown): void => {
    created++;
    // the 'net.client.socket' channel publishes { socket }
    const { socket } = message as { socket: Socket };
    socket.once('connect', () => connectedTo.push(`${socket.remoteAddress}:${socket.remotePort}`));
  };
  subscribe('net.client.socket', onSocket);
  try {
    await run();
  } finally {
    unsubscribe('net.client.socket', onSocket);
  }
  return { created, connectedTo };
}

async function refused(fetcher: Fetcher, url: string): Promise<FeedFetchError> {
  try {
    await fetcher.fetchFeed(url);
  } catch (error) {
    assert.ok(error instanceof FeedFetchError, String(error));
    assert.equal(error.code, 'blocked-address', `${url}: ${error.message}`);
    return error;
  }
  assert.fail(`${url} was fetched`);
}

const BLOCKED_LITERALS = [
  'http://127.0.0.1/feed.xml',
  'http://127.1.2.3:8080/feed.xml',
  'http://[::1]/feed.xml',
  'http://10.0.0.1/feed.xml',
  'http://172.16.0.1/feed.xml',
  'http://172.31.255.254/feed.xml',
  'http://192.168.1.1/feed.xml',
  'http://169.254.169.254/latest/meta-data/',
  'http://[fe80::1]/feed.xml',
  'http://[fc00::1]/feed.xml',
  'http://[fd00:ec2::254]/feed.xml',
  'http://224.0.0.1/feed.xml',
  'http://[ff02::1]/feed.xml',
  'http://0.0.0.0/feed.xml',
  'http://[::]/feed.xml',
  'http://100.64.0.1/feed.xml',
  'http://100.127.255.254/feed.xml',
  'http://192.0.2.1/feed.xml',
  'http://198.51.100.1/feed.xml',
  'http://203.0.113.1/feed.xml',
  'http://[2001:db8::1]/feed.xml',
  'http://[::ffff:127.0.0.1]/feed.xml',
  'http://[::ffff:169.254.169.254]/feed.xml',
  'http://[::ffff:10.0.0.1]/feed.xml',
  'https://10.0.0.1/feed.xml',
  'http://2130706433/feed.xml', // 127.0.0.1 written as one number; the URL parser turns it into 127.0.0.1
];

describe('SSRF guard', () => {
  let server: FeedServer;
  let bystander: FeedServer;
  let guarded: Fetcher;
  const names: Record<string, string[]> = {};
  const lookup: ResolveHost = async (hostname) => {
    const addresses = names[hostname];
    if (addresses === undefined)
      throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

  before(async () => {
    server = await startFeedServer();
    bystander = await startFeedServer(); // a second loopback service that must never be reached
    bystander.route('/secret.xml', feedRoute(tiny));
    names['feeds.example.test'] = ['127.0.0.1'];
    names['other.example.test'] = ['127.0.0.1'];
    names['internal.example.test'] = ['10.1.2.3'];
    names['metadata.example.test'] = ['169.254.169.254'];
    names['mixed.example.test'] = ['203.0.113.10', '192.168.0.10'];
    names['v6local.example.test'] = ['fd12:3456::1'];
    names['testnet.example.test'] = ['198.51.100.20'];
    names['cgnat.example.test'] = ['100.64.1.2'];
    names.localhost = ['127.0.0.1', '::1'];
    guarded = createFetcher({
      userAgent,
      lookup,
      // Exactly one loopback origin is allowed (the test server, by IP and by its test name); nothing else is.
      allowOrigins: [server.origin, `http://feeds.example.test:${server.port}`],
    });
    server.route('/feed.xml', feedRoute(tiny));
  });
  after(async () => {
    await guarded.close();
    await server.close();
    await bystander.close();
  });

  it('lets the allowed test origin through, by IP and by name', async () => {
    const byIp = await guarded.fetchFeed(server.url('/feed.xml'));
    assert.equal(byIp.kind, 'ok');
    const byName = await guarded.fetchFeed(`http://feeds.example.test:${server.port}/feed.xml`);
    assert.equal(byName.kind, 'ok');
  });

  it('refuses every blocked range by literal address before opening a socket', async () => {
    const { created } = await watchSockets(async () => {
      for (const url of BLOCKED_LITERALS) await refused(guarded, url);
    });
    assert.equal(created, 0);
  });

  it('refuses the same ranges with the guard on and no allow-list at all', async () => {
    const strict = createFetcher({ userAgent });
    try {
      const seenBefore = server.requests.length;
      const { created } = await watchSockets(async () => {
        for (const url of BLOCKED_LITERALS) await refused(strict, url);
        await refused(strict, server.url('/feed.xml'));
      });
      assert.equal(created, 0);
      assert.equal(server.requests.length, seenBefore);
    } finally {
      await strict.close();
    }
  });

  it('refuses names that resolve into blocked ranges, without connecting', async () => {
    const { connectedTo } = await watchSockets(async () => {
      const error = await refused(guarded, 'http://internal.example.test/feed.xml');
      assert.equal(error.url, 'http://internal.example.test/feed.xml');
      assert.match(error.message, /10\.1\.2\.3/);
      await refused(guarded, 'http://metadata.example.test/latest/meta-data/');
      await refused(guarded, 'http://mixed.example.test/feed.xml');
      await refused(guarded, 'http://v6local.example.test/feed.xml');
      await refused(guarded, 'http://testnet.example.test/feed.xml');
      await refused(guarded, 'http://cgnat.example.test/feed.xml');
      await refused(guarded, `http://other.example.test:${server.port}/feed.xml`);
    });
    assert.deepEqual(connectedTo, []);
  });

  it('refuses localhost, whether resolved by our lookup or by the system resolver', async () => {
    await refused(guarded, `http://localhost:${bystander.port}/secret.xml`);
    const system = createFetcher({ userAgent });
    try {
      await refused(system, `http://localhost:${bystander.port}/secret.xml`);
    } finally {
      await system.close();
    }
    assert.deepEqual(bystander.requests, []);
  });

  it('refuses a redirect from the allowed origin to a blocked one, checking every hop', async () => {
    const targets = [
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'http://10.0.0.1/admin',
      'http://[::1]/feed.xml',
      `http://127.0.0.1:${bystander.port}/secret.xml`,
      `http://localhost:${bystander.port}/secret.xml`,
      `http://[::ffff:127.0.0.1]:${bystander.port}/secret.xml`,
      `http://internal.example.test/feed.xml`,
      'file:///etc/passwd',
      'gopher://127.0.0.1:6379/_FLUSHALL',
    ];
    const { connectedTo } = await watchSockets(async () => {
      for (const [i, target] of targets.entries()) {
        server.route(`/jump-${i}.xml`, redirectRoute(302, target));
        const error = await refused(guarded, server.url(`/jump-${i}.xml`));
        assert.ok(error.url.length > 0);
      }
      // a permanent redirect through the allowed name, then onwards
      server.route(
        '/jump-chain.xml',
        redirectRoute(301, `http://feeds.example.test:${server.port}/jump-0.xml`),
      );
      await refused(guarded, server.url('/jump-chain.xml'));
    });
    assert.deepEqual(bystander.requests, []);
    // only ever connected to the allowed server
    for (const peer of connectedTo) assert.equal(peer, `127.0.0.1:${server.port}`);
  });

  it('allowPrivate lifts the guard (home networks, tests)', async () => {
    const open = createFetcher({ userAgent, allowPrivate: true });
    try {
      const { created, connectedTo } = await watchSockets(async () => {
        const result = await open.fetchFeed(`http://localhost:${bystander.port}/secret.xml`);
        assert.equal(result.kind, 'ok');
      });
      // also proves the socket probe used above really sees connections
      assert.ok(created >= 1);
      assert.equal(connectedTo.length, 1);
    } finally {
      await open.close();
    }
  });
});
