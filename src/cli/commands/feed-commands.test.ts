// add, import-opml, refresh and feeds, run through the CLI dispatcher against a loopback feed server.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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
import { EXIT } from '../command.ts';

const small = readFileSync(
  join(import.meta.dirname, '..', '..', 'feed', 'refresh', 'testdata', 'small-feed.xml'),
);

describe('feed commands', () => {
  let server: FeedServer;
  let dir: string;

  before(async () => {
    server = await startFeedServer();
    server.route('/a.xml', feedRoute(small));
    server.route('/b.xml', feedRoute(Buffer.from(small.toString().replace('Small Feed', 'Second Feed'))));
    server.route('/missing.xml', statusRoute(404));
    dir = await mkdtemp(join(tmpdir(), 'earshot-cli-'));
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const run = (...args: string[]) => runCli(args, { env: { EARSHOT_DATA: join(dir, 'data') }, cwd: dir });

  it('refuses loopback feeds unless --allow-private is given', async () => {
    const r = await run('add', server.url('/a.xml'));
    assert.equal(r.code, EXIT.failure);
    assert.match(r.out, /FAIL .*a\.xml {2}blocked-address/);
  });

  it('adds feeds, fetches them, and exits 1 naming the one that failed', async () => {
    const r = await run('add', '--allow-private', server.url('/a.xml'), server.url('/missing.xml'));
    assert.equal(r.code, EXIT.failure);
    assert.match(r.out, /^ok {3}http:\/\/127\.0\.0\.1:\d+\/a\.xml {2}3 new/m);
    assert.match(r.out, /^FAIL http:\/\/127\.0\.0\.1:\d+\/missing\.xml {2}http-status/m);
  });

  it('imports an OPML file once, whatever it repeats', async () => {
    const opml = join(dir, 'subs.opml');
    await writeFile(
      opml,
      `<opml version="1.0"><body><outline text="feeds">
        <outline type="rss" text="A" xmlUrl="${server.url('/a.xml')}"/>
        <outline type="rss" text="B" xmlUrl="${server.url('/b.xml')}"/>
        <outline type="rss" text="B again" xmlurl="${server.url('/b.xml')}#dup"/>
      </outline></body></opml>`,
    );
    const r = await run('import-opml', '--allow-private', opml);
    assert.equal(r.code, EXIT.ok, r.err);
    assert.match(r.out, /2 feeds, 1 new, 1 already subscribed/);
    assert.match(r.out, /b\.xml {2}3 new/);
  });

  it('lists feeds with their health', async () => {
    const r = await run('feeds');
    assert.equal(r.code, EXIT.ok);
    assert.match(r.out, /^HEALTH/);
    assert.match(r.out, /^ok\s+3\s.*Small Feed\s+http:\/\/127\.0\.0\.1:\d+\/a\.xml$/m);
    assert.match(r.out, /^failing ×1: http-status 404\s+0\s/m);
  });

  it('publishes a feed and makes it private again, by id', async () => {
    const listed = await run('feeds');
    const id = /^ok\s+3\s.*?\spublic\s+(\d+)\s+Small Feed/m.exec(listed.out)?.[1];
    assert.ok(id !== undefined, `feeds lists Small Feed as public with its id:\n${listed.out}`);
    const unpublished = await run('feeds', 'unpublish', id);
    assert.equal(unpublished.code, EXIT.ok, unpublished.err);
    assert.match(unpublished.out, new RegExp(`^feed ${id} is private now: http://127`));
    assert.match((await run('feeds')).out, new RegExp(`\\sprivate\\s+${id}\\s+Small Feed`));
    assert.equal((await run('feeds', 'publish', id)).code, EXIT.ok);
    assert.match((await run('feeds')).out, new RegExp(`\\spublic\\s+${id}\\s+Small Feed`));
    const unknown = await run('feeds', 'publish', '999999');
    assert.equal(unknown.code, EXIT.failure);
    assert.equal(unknown.err, 'earshot: no feed 999999 (ids: earshot feeds)\n');
    assert.equal((await run('feeds', 'publish', 'abc')).code, EXIT.usage);
  });

  it('refreshes everything with --json, one object per feed and a summary', async () => {
    const r = await run('refresh', '--all', '--json', '--allow-private');
    assert.equal(r.code, EXIT.failure, 'the 404 feed still fails');
    const lines = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const perFeed = lines.filter((l) => l.summary !== true);
    assert.equal(perFeed.length, 3);
    assert.deepEqual(perFeed.map((l) => l.status).sort(), ['failed', 'not-modified', 'not-modified']);
    assert.deepEqual(lines.at(-1), { summary: true, ok: 2, failed: 1, 'new episodes': 0 });
  });

  it('refreshes one feed by URL, and says so when a URL is not subscribed', async () => {
    const ok = await run('refresh', '--allow-private', server.url('/b.xml'));
    assert.equal(ok.code, EXIT.ok, ok.err);
    const unknown = await run('refresh', server.url('/nope.xml'));
    assert.equal(unknown.code, EXIT.failure);
    assert.match(unknown.err, /^earshot: .*nope\.xml: not subscribed/);
    assert.equal(unknown.err.trim().split('\n').length, 1);
  });

  it('answers usage mistakes with one line and exit 64', async () => {
    for (const args of [
      ['refresh'],
      ['add'],
      ['import-opml'],
      ['feeds', '--bogus'],
      ['serve', '--port', 'x'],
    ]) {
      const r = await run(...args);
      assert.equal(r.code, EXIT.usage, args.join(' '));
      assert.equal(r.err.trim().split('\n').length, 1, r.err);
    }
  });

  it('reports an unreadable OPML file in one line', async () => {
    const r = await run('import-opml', join(dir, 'nope.opml'));
    assert.equal(r.code, EXIT.failure);
    assert.match(r.err, /^earshot: .*nope\.opml: no such file\n$/);
  });
});
