import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { feedRoute, startFeedServer } from '../../../test/support/feed-server.ts';
import { openStore } from '../../store/index.ts';
import { createFetcher } from '../fetch/index.ts';
import { refreshFeed } from './refresh.ts';

const testdata = join(import.meta.dirname, 'testdata');

describe('crash safety', () => {
  it('a refresh killed with SIGKILL mid-transaction leaves the database as it was before that refresh', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'earshot-crash-'));
    const dbFile = join(dir, 'earshot.sqlite');
    const server = await startFeedServer();
    const fetcher = createFetcher({ userAgent: 'Earshot/test', allowPrivate: true });
    try {
      // Before: the small feed, stored normally.
      server.route('/feed.xml', feedRoute(readFileSync(join(testdata, 'small-feed.xml'))));
      let store = await openStore({ dataDir: dir, databaseUrl: dbFile });
      const { feed } = await store.feeds.add(server.url('/feed.xml'), new Date());
      assert.equal(feed.id, 1);
      await refreshFeed({ store, fetcher }, feed.id);
      const snapshot = async () => {
        const show = await store.shows.getByFeed(1);
        const page = await store.episodes.listForShow(show?.id ?? 0, { limit: 500 });
        const f = await store.feeds.get(1);
        return {
          title: show?.title,
          episodes: page.items.map((e) => [e.guid, e.title, e.vanishedAt]),
          fetchCount: f?.fetchCount,
          bodyHash: f?.bodyHash,
        };
      };
      const before = await snapshot();
      assert.equal(before.episodes.length, 3);
      await store.close();

      // During: a child writes a bigger, different version of the feed in batches and is killed mid-transaction.
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          join(testdata, 'crash-child.ts'),
          dir,
          dbFile,
          join(testdata, 'big-changed-feed.xml'),
          server.url('/feed.xml'),
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('exit', (_code, signal) => resolve(signal)),
      );
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('MID')) resolve();
        });
        child.on('exit', () => reject(new Error(`child exited before reaching the middle: ${out}`)));
      });
      child.kill('SIGKILL');
      assert.equal(await exited, 'SIGKILL');

      // After: exactly the state before that refresh.
      store = await openStore({ dataDir: dir, databaseUrl: dbFile });
      assert.deepEqual(await snapshot(), before);
      // And the database still takes writes.
      const again = await refreshFeed({ store, fetcher }, 1);
      assert.notEqual(again.status, 'failed');
      await store.close();
    } finally {
      await fetcher.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
