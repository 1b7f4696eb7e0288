// Per-listener OPML import and export over the sync list: the real exports in the corpus import, and
// export → import round-trips to the same list.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseOpml } from '../../src/opml/import.ts';
import { createAccount } from '../../src/services/passwords.ts';
import { corpusDir, NO_CORPUS } from '../support/corpus.ts';
import { type SyncTestServer, startSyncServer } from '../support/sync-clients/server.ts';

let server: SyncTestServer;
before(async () => {
  server = await startSyncServer();
});
after(async () => server.close());

const files =
  corpusDir === undefined
    ? []
    : readdirSync(join(corpusDir, 'feeds'))
        .filter((d) => d.startsWith('opml-') || d === 'opodsync')
        .flatMap((d) =>
          readdirSync(join(corpusDir ?? '', 'feeds', d))
            .filter((f) => f.endsWith('.opml'))
            .map((f) => join(d, f)),
        );

test('every real OPML export in the corpus imports into a listener, and export → import round-trips', {
  skip: corpusDir === undefined ? NO_CORPUS : false,
}, async () => {
  assert.ok(files.length >= 4, `expected the corpus OPML files, found ${files.join(', ')}`);
  let userNo = 0;
  for (const file of files) {
    userNo += 1;
    const owner = await createAccount(
      server.listeners.users,
      { name: `opml${userNo}`, password: 'opml password' },
      new Date(),
    );
    const copy = await createAccount(
      server.listeners.users,
      { name: `copy${userNo}`, password: 'opml password' },
      new Date(),
    );
    const xml = readFileSync(join(corpusDir ?? '', 'feeds', file));
    const expected = new Set(parseOpml(xml).entries.map((e) => e.url));
    const result = await server.sync.importOpml(owner.id, xml);
    assert.ok(result.added > 0, `${file}: nothing imported`);
    const list = (await server.repo.subscriptions(owner.id)).map((s) => s.url);
    assert.equal(list.length, result.added, file);
    for (const url of list)
      assert.ok(expected.has(url) || expected.size === 0, `${file}: ${url} was not in the file`);

    // Each imported feed is now in the catalogue and followed.
    const someFeed = await server.store.feeds.findByUrl(list[0] ?? '');
    assert.ok(someFeed, `${file}: feed not added to the catalogue`);
    assert.equal(await server.listeners.library.isFollowing(owner.id, someFeed.id), true);

    const exported = await server.sync.exportOpml(owner.id);
    const again = await server.sync.importOpml(copy.id, exported);
    assert.equal(again.added, list.length, file);
    assert.deepEqual(
      (await server.repo.subscriptions(copy.id)).map((s) => s.url).sort(),
      [...list].sort(),
      file,
    );
    assert.deepEqual(await server.sync.importOpml(owner.id, exported), {
      added: 0,
      existing: list.length,
      problems: [],
    });
  }
});

test('a file that is not OPML is a clear 400-class error, and nothing is changed', async () => {
  const bob = await server.listeners.users.findByName('bob');
  assert.ok(bob);
  await assert.rejects(
    server.sync.importOpml(bob.id, '<html><body>hello</body></html>'),
    (e: unknown) => e instanceof Error && 'code' in e && e.code === 'bad-request',
  );
  assert.deepEqual(await server.repo.subscriptions(bob.id), []);
});
