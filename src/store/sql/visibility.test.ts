// Migration 0010 on a database that already has feeds: what an operator upgrading finds. Feeds stay public (the store
// cannot tell which a listener's phone added), except those whose URL carries credentials, which become private with
// their shows. Then the rules that decide it (`feedUrlHasSecret`, `withoutCredentials`).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { feedUrlHasSecret, withoutCredentials } from '../../domain/feed.ts';
import { openStore } from '../index.ts';
import { migrations } from '../migrations/index.ts';
import { connect } from './connect.ts';
import { migrate } from './migrate.ts';
import { SqlStore } from './store.ts';

const T0 = new Date('2026-01-01T00:00:00.000Z');

describe('feed visibility (migration 0010)', () => {
  it('keeps existing feeds public, except those whose URL carries credentials', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'earshot-visibility-'));
    const file = join(dir, 'earshot.db');
    const urls = {
      plain: 'https://feeds.example/history.xml',
      token: 'https://www.patreon.example/rss/show?auth=Xy12abcDEF34ghij',
      path: 'https://feeds.supercast.example/p/9f8e7d6c5b4a3210fedc/feed.xml',
      userinfo: 'https://member:secret@premium.example/feed.xml',
    };
    try {
      const before = migrations.findIndex((m) => m.name === '0010-feed-visibility');
      assert.ok(before > 0);
      const { db, dialect } = await connect(file);
      await migrate(db, dialect, migrations.slice(0, before));
      const old = new SqlStore(db, dialect, false);
      const shows: Record<string, number> = {};
      for (const [kind, url] of Object.entries(urls)) {
        const { feed } = await old.feeds.add(url, T0);
        shows[kind] = (await old.shows.upsert(feed.id, { format: 'rss', title: kind }, T0)).show.id;
      }
      await old.close();
      const store = await openStore({ dataDir: dir, databaseUrl: file });
      try {
        const visibility: Record<string, [boolean | undefined, boolean | undefined]> = {};
        for (const [kind, url] of Object.entries(urls)) {
          const feed = await store.feeds.findByUrl(url);
          visibility[kind] = [feed?.isPublic, (await store.shows.get(shows[kind] ?? 0))?.isPublic];
        }
        assert.deepEqual(visibility, {
          plain: [true, true],
          token: [false, false],
          path: [false, false],
          userinfo: [false, false],
        });
        assert.deepEqual(
          (await store.shows.listRecentlyUpdated(10, {})).map((s) => s.title),
          ['plain'],
          'an anonymous visitor sees only the plain feed',
        );
      } finally {
        await store.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('tells URLs with credentials from plain ones, and renders them without user:pass@', () => {
    for (const url of [
      'https://a.example/feed?auth=abc',
      'https://a.example/feed?token=abc',
      'https://a.example/feed?api_key=abc',
      'https://a.example/p/9f8e7d6c5b4a3210fedc/',
      'https://u:p@a.example/feed',
    ]) {
      assert.equal(feedUrlHasSecret(url), true, url);
    }
    for (const url of [
      'https://a.example/feed.xml',
      'https://a.example/feeds/history-class/episodes.rss?format=mp3',
      'https://a.example/rss/1234567',
      'not a url',
    ]) {
      assert.equal(feedUrlHasSecret(url), false, url);
    }
    assert.equal(withoutCredentials('https://u:p@a.example/feed?auth=1'), 'https://a.example/feed?auth=1');
    assert.equal(withoutCredentials('https://a.example/feed'), 'https://a.example/feed');
  });
});
