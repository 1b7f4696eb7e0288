import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cleanUrl } from './url.ts';

describe('cleanUrl', () => {
  test('absolute http(s) URLs come out as WHATWG parsing writes them, with or without the fast paths', () => {
    const hosts = [
      'www.example.com',
      'a-b.example',
      'example',
      'x1.example.org',
      'Example.com',
      '10.0.0.1',
      '1x.2',
    ];
    const ports = ['', ':80', ':443', ':8080', ':1', ':65535', ':65536', ':99999', ':080', ':0'];
    const tails = [
      '',
      '/',
      '/a/b.mp3',
      '/a/./b',
      '/a/../b',
      '/a b',
      '/%7Ex?q=1&r=2',
      '?q',
      '#f',
      '/é',
      '/a/.',
    ];
    for (const scheme of ['http://', 'https://', 'HTTP://']) {
      for (const host of hosts) {
        for (const port of ports) {
          for (const tail of tails) {
            const raw = `${scheme}${host}${port}${tail}`;
            let expected: string | undefined;
            try {
              expected = new URL(raw).href;
            } catch {
              expected = undefined;
            }
            assert.equal(cleanUrl(raw, '').url, expected, raw);
          }
        }
      }
    }
  });

  test('relative references resolve against the base; app schemes become http', () => {
    assert.equal(cleanUrl('../x.mp3', 'https://example.com/a/b/').url, 'https://example.com/a/x.mp3');
    assert.equal(cleanUrl(' feed://example.com/rss ', '').url, 'http://example.com/rss');
    assert.equal(cleanUrl('mailto:a@example.com', '').reason, '"mailto:a@example.com" is not an http(s) URL');
    assert.deepEqual(cleanUrl('   ', ''), {});
  });
});
