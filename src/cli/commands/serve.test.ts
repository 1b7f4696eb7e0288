// The README's start command (`npm start` = `node bin/earshot.js serve`) on a clean clone with an empty data dir.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      s.close(() => ok(port));
    });
  });
}

/** A clean clone of the committed tree (sharing node_modules), or the working tree when this is not a git checkout. */
function cleanClone(into: string): string {
  if (!existsSync(join(repoRoot, '.git'))) return repoRoot;
  const dir = join(into, 'clone');
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', repoRoot, dir], { stdio: 'ignore' });
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

describe('earshot serve (npm start) on an empty data directory', () => {
  let tmp: string;
  let child: ChildProcess;
  let base: string;
  let output = '';
  let exit: Promise<number | null>;

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'earshot-start-'));
    const cwd = cleanClone(tmp);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['bin/earshot.js', 'serve'], {
      cwd,
      env: {
        ...process.env,
        EARSHOT_DATA: join(tmp, 'data'),
        EARSHOT_PORT: String(port),
        EARSHOT_HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    exit = new Promise((ok) => child.on('exit', (code) => ok(code)));
    // Wait until it answers (start-up compiles TypeScript; allow a slow, shared machine).
    for (let i = 0; i < 240; i++) {
      if (child.exitCode !== null) break;
      try {
        const r = await fetch(`${base}/healthz`);
        if (r.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`earshot serve did not come up:\n${output}`);
  });

  after(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(tmp, { recursive: true, force: true });
  });

  it('answers /healthz with 200', async () => {
    const r = await fetch(`${base}/healthz`);
    assert.equal(r.status, 200);
  });

  it('serves the home page with the demo shows', async () => {
    const r = await fetch(`${base}/`);
    assert.equal(r.status, 200);
    const html = await r.text();
    assert.match(html, /Stuff You Missed in History Class/);
    assert.match(html, /Podcasting 2\.0 Namespace Example/);
  });

  it('serves the demo audio itself, with no network', async () => {
    const r = await fetch(`${base}/demo-assets/tone-1.wav`);
    assert.equal(r.status, 200);
    assert.equal(Buffer.from(await r.arrayBuffer()).toString('ascii', 0, 4), 'RIFF');
  });

  it('stops cleanly on SIGTERM', async () => {
    child.kill('SIGTERM');
    assert.equal(await exit, 0, output);
  });
});
