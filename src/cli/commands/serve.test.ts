// The README's start command (`npm ci && npm start`) on a clean clone with an empty data dir: built by `prepare`,
// started by the `start` script, run from dist/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cleanClone, type Served, serveFrom } from '../../../test/support/package.ts';

describe('earshot serve (npm start) on an empty data directory', () => {
  let tmp: string;
  let served: Served;

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'earshot-start-'));
    const cwd = cleanClone(tmp, { build: true });
    const pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')) as { scripts: { start: string } };
    const [command, ...args] = pkg.scripts.start.split(' ');
    assert.equal(command, 'node');
    served = await serveFrom(cwd, args, join(tmp, 'data'));
  });

  after(async () => {
    if (served !== undefined && served.child.exitCode === null) served.child.kill('SIGKILL');
    await rm(tmp, { recursive: true, force: true });
  });

  it('answers /healthz with 200', async () => {
    const r = await fetch(`${served.base}/healthz`);
    assert.equal(r.status, 200);
  });

  it('serves the home page with the demo shows', async () => {
    const r = await fetch(`${served.base}/`);
    assert.equal(r.status, 200);
    const html = await r.text();
    assert.match(html, /Stuff You Missed in History Class/);
    assert.match(html, /Podcasting 2\.0 Namespace Example/);
  });

  it('serves the demo audio itself, with no network', async () => {
    const r = await fetch(`${served.base}/demo-assets/tone-1.wav`);
    assert.equal(r.status, 200);
    assert.equal(Buffer.from(await r.arrayBuffer()).toString('ascii', 0, 4), 'RIFF');
  });

  it('stops cleanly on SIGTERM', async () => {
    served.child.kill('SIGTERM');
    assert.equal(await served.exit, 0, served.output());
  });
});
