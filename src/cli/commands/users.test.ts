import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../../test/support/cli.ts';
import { EXIT } from '../command.ts';

describe('users add and export-opml', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'earshot-users-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const run = (input: string, ...args: string[]) =>
    runCli(args, { env: { EARSHOT_DATA: join(dir, 'data') }, cwd: dir, stdin: input });

  it('creates the first account as admin from a password on stdin', async () => {
    const r = await run('correct horse\n', 'users', 'add', 'alice', '--password-stdin');
    assert.equal(r.code, EXIT.ok, r.err);
    assert.equal(r.out, 'created alice (admin)\n');
    const bob = await run('battery staple\n', 'users', 'add', 'bob', '--password-stdin');
    assert.equal(bob.out, 'created bob\n');
  });

  it('refuses a taken name, a short password and a missing terminal, each in one line', async () => {
    const taken = await run('another password\n', 'users', 'add', 'ALICE', '--password-stdin');
    assert.equal(taken.code, EXIT.failure);
    assert.match(taken.err, /^earshot: the name ALICE is taken\n$/);
    const short = await run('short\n', 'users', 'add', 'carol', '--password-stdin');
    assert.match(short.err, /^earshot: the password must be at least 8 characters\n$/);
    const noTty = await run('', 'users', 'add', 'carol');
    assert.equal(noTty.code, EXIT.usage);
  });

  it('refuses names outside the user-name rule and look-alikes of existing names (issue 12, finding 10)', async () => {
    const cyrillic = await run('a good password\n', 'users', 'add', 'аlice', '--password-stdin');
    assert.equal(cyrillic.code, EXIT.usage);
    assert.match(cyrillic.err, /^earshot: .*Cyrillic.*\n$/);
    const at = await run('a good password\n', 'users', 'add', 'bob@example.org', '--password-stdin');
    assert.equal(at.code, EXIT.usage);
    const lookalike = await run('a good password\n', 'users', 'add', 'a1ice', '--password-stdin');
    assert.equal(lookalike.code, EXIT.failure);
    assert.match(lookalike.err, /looks too much like "alice"/);
    const fine = await run('a good password\n', 'users', 'add', 'carol.b_2', '--password-stdin');
    assert.equal(fine.out, 'created carol.b_2\n', fine.err);
  });

  it("exports a listener's subscriptions as OPML 2.0", async () => {
    const r = await run('', 'export-opml', '--user', 'alice');
    assert.equal(r.code, EXIT.ok, r.err);
    assert.match(r.out, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<opml version="2.0">/);
    const missing = await run('', 'export-opml', '--user', 'zed');
    assert.equal(missing.code, EXIT.failure);
    assert.match(missing.err, /no user named zed/);
  });
});
