import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEMO_ORIGIN, demoAssetsDir, demoFeeds, isDemoUrl, localiseDemoUrls } from './catalogue.ts';
import { coverPng, crc32, toneWav } from './generate-assets.ts';

describe('demo catalogue', () => {
  const feeds = demoFeeds();

  it('ships the reference show and a CC0 example feed, with every placeholder filled', () => {
    assert.deepEqual(
      feeds.map((f) => f.slug),
      ['reference-show', 'podcasting20-example'],
    );
    for (const f of feeds) {
      const xml = Buffer.from(f.body).toString('utf8');
      assert.doesNotMatch(xml, /\{\{[A-Z_]+\}\}/, f.slug);
      assert.ok(isDemoUrl(f.url));
    }
  });

  it('points every asset URL at a file that exists in demoAssetsDir(), so nothing needs the network', () => {
    for (const f of feeds) {
      const xml = Buffer.from(f.body).toString('utf8');
      const assets = [...xml.matchAll(new RegExp(`${DEMO_ORIGIN}/demo-assets/([^"<\\s]+)`, 'g'))].map(
        (m) => m[1] ?? '',
      );
      assert.ok(assets.length > 0, f.slug);
      for (const a of assets) assert.ok(existsSync(join(demoAssetsDir(), a)), `${f.slug}: ${a}`);
      const enclosures = [...xml.matchAll(/<enclosure url="([^"]+)"/g)].map((m) => m[1] ?? '');
      assert.ok(
        enclosures.every((u) => u.startsWith(`${DEMO_ORIGIN}/demo-assets/`)),
        f.slug,
      );
    }
  });

  it('makes demo asset URLs root-relative and leaves others alone', () => {
    const parsed = { a: `${DEMO_ORIGIN}/demo-assets/cover.png`, b: ['https://example.org/x'], c: 3 };
    assert.deepEqual(localiseDemoUrls(parsed), {
      a: '/demo-assets/cover.png',
      b: ['https://example.org/x'],
      c: 3,
    });
  });
});

describe('demo assets', () => {
  it('are playable PCM WAV files of a few seconds', () => {
    for (const name of ['tone-1.wav', 'tone-2.wav', 'tone-3.wav']) {
      const wav = readFileSync(join(demoAssetsDir(), name));
      assert.equal(wav.toString('ascii', 0, 4), 'RIFF');
      assert.equal(wav.toString('ascii', 8, 12), 'WAVE');
      assert.equal(wav.readUInt32LE(4), wav.length - 8);
      const seconds = wav.readUInt32LE(40) / wav.readUInt32LE(28);
      assert.ok(seconds >= 2 && seconds <= 10, `${name}: ${seconds}s`);
      assert.ok(new Set(wav.subarray(44, 2044)).size > 10, `${name} is not silence`);
    }
  });

  it('has a valid PNG cover whose chunks check out', () => {
    const png = readFileSync(join(demoAssetsDir(), 'cover.png'));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    let at = 8;
    const types: string[] = [];
    while (at < png.length) {
      const len = png.readUInt32BE(at);
      const typed = png.subarray(at + 4, at + 8 + len);
      assert.equal(png.readUInt32BE(at + 8 + len), crc32(typed));
      types.push(typed.toString('ascii', 0, 4));
      at += 12 + len;
    }
    assert.deepEqual([types[0], types.at(-1)], ['IHDR', 'IEND']);
    assert.ok(png.readUInt32BE(16) >= 300, 'cover at least 300 px wide');
  });

  it('are what the generator makes (the committed files are reproducible)', () => {
    assert.ok(readFileSync(join(demoAssetsDir(), 'cover.png')).equals(coverPng()));
    assert.ok(
      readFileSync(join(demoAssetsDir(), 'tone-1.wav')).equals(
        toneWav({ frequencies: [440, 554.37], seconds: 4 }),
      ),
    );
  });
});
