import assert from 'node:assert/strict';
import { it } from 'node:test';
import { blockedRange, ownAddresses } from './address-guard.ts';

it('classifies blocked addresses by range, including IPv4 hidden in IPv6', () => {
  const cases: [string, string][] = [
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.20.30.40', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.100.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fdff::1', 'unique-local'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['255.255.255.255', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:192.168.0.1', 'private'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['2002:7f00:1::', 'loopback'],
    ['not-an-ip', 'reserved'],
  ];
  for (const [address, range] of cases) assert.equal(blockedRange(address), range, address);
});

it('lets public addresses through, including neighbours of blocked ranges', () => {
  for (const address of [
    '8.8.8.8',
    '1.1.1.1',
    '172.15.255.255',
    '172.32.0.0',
    '100.63.255.255',
    '100.128.0.0',
    '169.253.255.255',
    '11.0.0.0',
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '::ffff:8.8.8.8',
    '2a00::1',
  ]) {
    assert.equal(blockedRange(address), undefined, address);
  }
});

it('refuses the documentation ranges (TEST-NET-1/2/3, 2001:db8::/32) and CGNAT space', () => {
  for (const address of [
    '192.0.2.1',
    '192.0.2.255',
    '198.51.100.7',
    '203.0.113.10',
    '::ffff:203.0.113.10',
    '2001:db8::1',
  ]) {
    assert.equal(blockedRange(address), 'documentation', address);
  }
  for (const address of ['100.64.0.1', '100.127.255.254'])
    assert.equal(blockedRange(address), 'cgnat', address);
  for (const address of ['192.0.3.0', '198.51.101.0', '203.0.114.0', '2001:db9::1']) {
    assert.equal(blockedRange(address), undefined, address);
  }
});

it("refuses the host's own interface addresses, however they are written", () => {
  // What os.networkInterfaces() returns on a host with a public address and a public IPv6 one.
  const own = ownAddresses({
    lo: [{ address: '127.0.0.1' }, { address: '::1' }],
    eth0: [{ address: '93.184.216.34' }, { address: '2606:2800:220:1:248:1893:25c8:1946' }],
    eth1: undefined,
  });
  assert.equal(blockedRange('93.184.216.34', own), 'own-address');
  assert.equal(blockedRange('::ffff:93.184.216.34', own), 'own-address');
  assert.equal(blockedRange('2606:2800:220:1:248:1893:25c8:1946', own), 'own-address');
  assert.equal(blockedRange('[2606:2800:0220:0001:0248:1893:25c8:1946]', own), 'own-address');
  // Other public addresses still pass, and the host's loopback is refused as loopback.
  assert.equal(blockedRange('93.184.216.35', own), undefined);
  assert.equal(blockedRange('127.0.0.1', own), 'loopback');
  assert.equal(blockedRange('93.184.216.34'), undefined);
});
