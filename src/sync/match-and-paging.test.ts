import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type EpisodeCatalogue, matchEpisode } from './match.ts';
import { type ActionWindowQuery, readActionPage } from './paging.ts';

// A tiny real catalogue: two shows, one with a moved URL, one sharing a guid with the other.
const feeds = new Map([
  ['http://old.example/feed', 'f1'],
  ['http://new.example/feed', 'f1'],
  ['http://other.example/feed', 'f2'],
]);
const episodes = [
  { id: 'e1', feed: 'f1', guid: 'g-1', url: 'http://cdn.example/1.mp3?token=abc' },
  { id: 'e2', feed: 'f1', guid: 'g-2', url: 'http://cdn.example/2.mp3' },
  { id: 'e9', feed: 'f2', guid: 'g-1', url: 'http://cdn.example/9.mp3' },
];
const catalogue: EpisodeCatalogue<string, string> = {
  feedByUrl: async (url) => feeds.get(url),
  episodeByGuid: async (feed, guid) => episodes.find((e) => e.feed === feed && e.guid === guid)?.id,
  episodeByEnclosureUrl: async (feed, url) => episodes.find((e) => e.feed === feed && e.url === url)?.id,
  episodeByEnclosureUrlWithoutQuery: async (feed, url) =>
    episodes.find((e) => e.feed === feed && e.url.split('?')[0] === url)?.id,
};

test('matches by guid within the show, then enclosure URL, then enclosure URL without query, across aliases', async () => {
  assert.deepEqual(
    await matchEpisode(catalogue, { podcast: 'http://other.example/feed', episode: 'x', guid: 'g-1' }),
    {
      kind: 'matched',
      feed: 'f2',
      episode: 'e9',
      via: 'guid',
    },
  );
  assert.equal(
    (
      await matchEpisode(catalogue, {
        podcast: 'http://old.example/feed',
        episode: 'http://cdn.example/2.mp3',
      })
    ).kind,
    'matched',
  );
  assert.deepEqual(
    await matchEpisode(catalogue, {
      podcast: 'http://new.example/feed',
      episode: 'http://cdn.example/1.mp3?token=zzz',
    }),
    {
      kind: 'matched',
      feed: 'f1',
      episode: 'e1',
      via: 'enclosure-without-query',
    },
  );
  assert.deepEqual(await matchEpisode(catalogue, { podcast: 'feed://NEW.example/feed', episode: 'g-2' }), {
    kind: 'matched',
    feed: 'f1',
    episode: 'e2',
    via: 'guid',
  });
  assert.deepEqual(
    await matchEpisode(catalogue, {
      podcast: 'http://new.example/feed',
      episode: 'http://cdn.example/404.mp3',
    }),
    {
      kind: 'unknown-episode',
      feed: 'f1',
    },
  );
  assert.deepEqual(await matchEpisode(catalogue, { podcast: 'http://nobody.example/', episode: 'x' }), {
    kind: 'unknown-feed',
  });
});

test('paging never loses an action, even when one second holds more than a page', async () => {
  // 5 actions in second 10, 3 in second 11, 1 in second 12; page size 4; now is inside second 13.
  const rows = [10_000, 10_100, 10_200, 10_300, 10_400, 11_000, 11_500, 11_900, 12_000].map((t, i) => ({
    receivedAtMs: t,
    i,
  }));
  const read = async (q: ActionWindowQuery) =>
    rows
      .filter((r) => r.receivedAtMs >= q.sinceMs && r.receivedAtMs < q.untilMs)
      .slice(0, q.limit ?? Infinity);
  const seen = new Set<number>();
  let since = 0;
  for (let round = 0; round < 5; round++) {
    const page = await readActionPage(read, since, 13_500, 4);
    for (const r of page.rows) seen.add(r.i);
    assert.ok(page.timestamp >= since, 'since never moves backwards');
    if (page.timestamp === since && page.rows.length === 0) break;
    since = page.timestamp;
  }
  assert.equal(seen.size, rows.length);
});
