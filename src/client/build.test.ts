import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { bundle, OUTPUT } from './build.ts';

test('the committed public/app.js is the bundle of src/client (rebuild: node --import tsx src/client/build.ts)', async () => {
  assert.equal(readFileSync(OUTPUT, 'utf8'), await bundle());
});

test('JavaScript and CSS together stay within 60 KB gzipped', () => {
  const js = gzipSync(readFileSync(OUTPUT)).length;
  const css = gzipSync(readFileSync(new URL('../../public/app.css', import.meta.url))).length;
  assert.ok(js + css <= 60 * 1024, `${js} + ${css} bytes gzipped`);
});
