// The operator's commands through the CLI dispatcher: feeds remove/pause/resume/refresh, backup and doctor, against a
// temporary data directory and a loopback feed server.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../../test/support/cli.ts';
import {
  type FeedServer,
  feedRoute,
  startFeedServer,
  statusRoute,
} from '../../../test/support/feed-server.ts';
import { openStore } from '../../store/index.ts';
import { EXIT } from '../command.ts';

const small = readFileSync(
  join(import.meta.dirname, '..', '..', 'feed', 'refresh', 'testdata', 'small-feed.xml'),
);

describe('operator commands', () => {
  let server: FeedServer;
  let dir: string;

  before(async () => {
    server = await startFeedServer();
    server.route('/a.xml', feedRoute(small));
    server.route('/gone.xml', statusRoute(404));
    dir = await mkdtemp(join(tmpdir(), 'earshot-ops-'));
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const run = (args: string[], env: Record<string, string> = {}) =>
    runCli(args, { env: { EARSHOT_DATA: join(dir, 'data'), ...env }, cwd: dir });

  it('feeds pause, resume, refresh and remove one feed by id', async () => {
    assert.equal((await run(['add', '--allow-private', server.url('/a.xml')])).code, EXIT.ok);
    const listed = await run(['feeds']);
    assert.match(listed.out, /^HEALTH .* ID\s+TITLE/);
    const id = /\s(\d+)\s+Small Feed/.exec(listed.out)?.[1] ?? assert.fail(listed.out);

    const paused = await run(['feeds', 'pause', id]);
    assert.equal(paused.code, EXIT.ok, paused.err);
    assert.match(paused.out, /^paused /);
    assert.match((await run(['feeds'])).out, /\npaused\s/);
    const refreshed = await run(['feeds', 'refresh', id, '--allow-private']);
    assert.equal(refreshed.code, EXIT.ok, refreshed.err);
    assert.match(refreshed.out, /a\.xml: /);
    assert.equal((await run(['feeds', 'resume', id])).code, EXIT.ok);
    assert.doesNotMatch((await run(['feeds'])).out, /\npaused\s/);

    const removed = await run(['feeds', 'remove', id]);
    assert.equal(removed.code, EXIT.ok, removed.err);
    assert.match(removed.out, /sync history kept/);
    assert.match((await run(['feeds'])).out, /No feeds yet/);
    assert.equal((await run(['feeds', 'remove', id])).code, EXIT.failure, 'no such feed any more');
    assert.equal((await run(['feeds', 'explode', id])).code, EXIT.usage);
    assert.equal((await run(['feeds', 'pause', 'abc'])).code, EXIT.usage);
  });

  it('backup copies the SQLite database to a file, refuses to overwrite, and names pg_dump for PostgreSQL', async () => {
    await run(['add', '--allow-private', server.url('/a.xml')]);
    const made = await run(['backup', 'copy.db']);
    assert.equal(made.code, EXIT.ok, made.err);
    assert.match(made.out, /backed up the SQLite database to .*copy\.db/);
    const copy = await openStore({ dataDir: dir, databaseUrl: join(dir, 'copy.db') });
    try {
      assert.equal((await copy.feeds.findByUrl(server.url('/a.xml')))?.url, server.url('/a.xml'));
    } finally {
      await copy.close();
    }
    const again = await run(['backup', 'copy.db']);
    assert.equal(again.code, EXIT.failure);
    assert.match(again.err, /exists/);
    assert.equal((await run(['backup', 'copy.db', '--force'])).code, EXIT.ok);
    assert.equal((await run(['backup'])).code, EXIT.usage);
    // Answered without connecting: nothing listens at this address.
    const pg = await run(['backup', 'dump.pgc'], {
      EARSHOT_DATABASE_URL: 'postgres://u:secret@127.0.0.1:1/none',
    });
    assert.equal(pg.code, EXIT.failure);
    assert.match(pg.err, /pg_dump --format=custom --file=".*dump\.pgc" "\$EARSHOT_DATABASE_URL"/);
    assert.doesNotMatch(pg.err, /secret/);
  });

  it('doctor prints one line per check and fails only on a failing check', async () => {
    const healthy = await run(['doctor', '--allow-private', '--url', server.url('/a.xml?token=abc')]);
    assert.equal(healthy.code, EXIT.ok, healthy.out);
    const lines = healthy.out.trim().split('\n');
    assert.deepEqual(
      lines.map((l) => l.split(/\s+/).slice(0, 2).join(' ')),
      ['ok configuration', 'ok database', 'ok disk', 'ok reach', 'ok clock'],
    );
    assert.match(healthy.out, /reach\s+127\.0\.0\.1:\d+: HTTP 200/);
    assert.doesNotMatch(healthy.out, /token=abc/, 'only the host is printed');

    const warned = await run(['doctor', '--allow-private', '--url', server.url('/gone.xml')]);
    assert.equal(warned.code, EXIT.ok, warned.out);
    assert.match(warned.out, /warn\s+reach\s+127\.0\.0\.1:\d+: answered HTTP 404/);

    // The SSRF guard stays on without --allow-private, and an unreachable URL fails the run.
    const blocked = await run(['doctor', '--url', server.url('/a.xml')]);
    assert.equal(blocked.code, EXIT.failure);
    assert.match(blocked.out, /fail\s+reach\s+.*blocked-address/);

    const bad = await run(['doctor'], { EARSHOT_PORT: 'eighty' });
    assert.equal(bad.code, EXIT.failure);
    assert.match(bad.out, /^fail\s+configuration\s+EARSHOT_PORT/);
  });
});
