// `earshot directory search` through the CLI dispatcher, against the loopback directories.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../../test/support/cli.ts';
import {
  type DirectoryServer,
  startDirectoryServer,
  TEST_PI_KEY,
  TEST_PI_SECRET,
} from '../../../test/support/directory-server.ts';
import { EXIT } from '../command.ts';

describe('earshot directory', () => {
  let stub: DirectoryServer;
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    stub = await startDirectoryServer();
    dir = await mkdtemp(join(tmpdir(), 'earshot-directory-'));
    env = {
      EARSHOT_DATA: join(dir, 'data'),
      EARSHOT_PODCASTINDEX_KEY: TEST_PI_KEY,
      EARSHOT_PODCASTINDEX_SECRET: TEST_PI_SECRET,
      EARSHOT_PODCASTINDEX_URL: stub.podcastIndexUrl,
      EARSHOT_APPLE_SEARCH: 'on',
      EARSHOT_APPLE_SEARCH_URL: stub.appleUrl,
      EARSHOT_DIRECTORY_TIMEOUT_MS: '3000',
    };
  });
  after(async () => {
    await stub.close();
    await rm(dir, { recursive: true, force: true });
  });

  const run = (extra: Record<string, string>, ...args: string[]) =>
    runCli(args, { env: { ...env, ...extra }, cwd: dir });

  it('prints one line per show from both directories, marking those already here', async () => {
    const added = await run({}, 'add', '--no-refresh', 'https://mp3s.nashownotes.com/pc20rss.xml');
    assert.equal(added.code, EXIT.ok, added.err);
    const r = await run({}, 'directory', 'search', '--allow-private', 'history');
    assert.equal(r.code, EXIT.ok, r.err);
    const lines = r.out.trim().split('\n');
    assert.equal(lines.length, 4);
    assert.match(
      lines[0] ?? '',
      /^- {2}Stuff You Missed in History Class — iHeartPodcasts \(2417 episodes\) {2}https:\/\/feeds\.megaphone\.fm\/stuffyoumissedinhistoryclass {2}\[Podcast Index, Apple\]$/,
    );
    assert.match(lines[2] ?? '', /^here:\d+ {2}Podcasting 2\.0/);
  });

  it('names a directory that fails, shows the other, and exits 1 when none answered', async () => {
    stub.setMode('apple', 'error');
    const one = await run({}, 'directory', 'search', '--allow-private', '--json', 'history');
    assert.equal(one.code, EXIT.ok);
    assert.match(one.err, /Apple: it is unavailable \(HTTP 500\) \(unavailable\)/);
    const shows = one.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { title: string; sources: string[] });
    assert.deepEqual(
      shows.map((s) => s.sources),
      [['podcast-index'], ['podcast-index'], ['podcast-index']],
    );
    stub.setMode('podcast-index', 'not-json');
    const none = await run({}, 'directory', 'search', '--allow-private', 'history');
    assert.equal(none.code, EXIT.failure);
    assert.match(none.err, /Podcast Index: it answered something that is not JSON/);
    stub.setMode('apple', 'ok');
    stub.setMode('podcast-index', 'ok');
  });

  it('keeps the SSRF guard, and says when no directory is configured', async () => {
    const guarded = await run({}, 'directory', 'search', 'history');
    assert.equal(guarded.code, EXIT.failure);
    assert.match(guarded.err, /blocked-address|could not be reached/);
    const off = await runCli(['directory', 'search', 'history'], {
      env: { EARSHOT_DATA: join(dir, 'data') },
      cwd: dir,
    });
    assert.equal(off.code, EXIT.failure);
    assert.match(off.err, /no podcast directory is configured/);
    assert.equal((await run({}, 'directory', 'find', 'x')).code, EXIT.usage);
    assert.equal((await run({}, 'directory', 'search')).code, EXIT.usage);
  });
});
