import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  aggregateLatest,
  normaliseEpisodeAction,
  normaliseEpisodeActionBatch,
  toEpisodeActionJson,
} from './episode-action.ts';
import { SyncError } from './errors.ts';

const now = Date.UTC(2026, 10, 27, 12, 0, 0);
const base = { podcast: 'http://example.com/feed.xml', episode: 'http://example.com/1.mp3' };

test('lowercases the action and keeps the client strings verbatim', () => {
  const a = normaliseEpisodeAction(
    { ...base, action: 'PLAY', guid: 'abc-1', position: 754, timestamp: '2026-11-27T11:00:00' },
    now,
  );
  assert.equal(a.action, 'play');
  assert.equal(a.guid, 'abc-1');
  assert.equal(a.podcast, base.podcast);
  assert.equal(a.position, 754);
  assert.equal(a.timestampMs, Date.UTC(2026, 10, 27, 11, 0, 0));
});

test('drops play fields on non-play actions and -1 placeholders on play (Nextcloud clients send them)', () => {
  const d = normaliseEpisodeAction(
    { ...base, action: 'download', started: -1, position: -1, total: -1 },
    now,
  );
  assert.deepEqual(Object.keys(d).sort(), ['action', 'episode', 'podcast', 'timestampMs']);
  const p = normaliseEpisodeAction(
    { ...base, action: 'play', started: -1, position: 30, total: '1800' },
    now,
  );
  assert.equal(p.started, undefined);
  assert.equal(p.position, 30);
  assert.equal(p.total, 1800);
  const orphan = normaliseEpisodeAction({ ...base, action: 'play', started: 0, total: 100 }, now);
  assert.equal(
    orphan.total,
    undefined,
    'started/total without position would make mygpoclient reject the download',
  );
});

test('a missing timestamp means receive time; a clock running ahead is clamped to receive time', () => {
  assert.equal(normaliseEpisodeAction({ ...base, action: 'new' }, now).timestampMs, now);
  assert.equal(
    normaliseEpisodeAction({ ...base, action: 'new', timestamp: '2099-01-01T00:00:00' }, now).timestampMs,
    now,
  );
});

test('a bad item names the field that is wrong', () => {
  const cases: [unknown, RegExp][] = [
    [{ ...base, action: 'listen' }, /^action: must be one of/],
    [{ episode: base.episode, action: 'play' }, /^podcast:/],
    [{ ...base, action: 'play', timestamp: 'last tuesday' }, /^timestamp: not a timestamp/],
    [{ ...base, action: 'play', position: 'half' }, /^position:/],
    [{ ...base, action: 'play', device: 'my phone!' }, /^device:/],
    ['play', /^action:/],
  ];
  for (const [raw, message] of cases) {
    assert.throws(
      () => normaliseEpisodeAction(raw, now),
      (e: unknown) => e instanceof SyncError && message.test(e.message),
    );
  }
});

test('a batch keeps the good actions and reports the bad ones by index', () => {
  const batch = normaliseEpisodeActionBatch(
    [
      { ...base, action: 'play', position: 1 },
      { ...base, action: 'boom' },
      { ...base, action: 'delete' },
    ],
    now,
  );
  assert.deepEqual(
    batch.accepted.map((a) => a.action),
    ['play', 'delete'],
  );
  assert.equal(batch.rejected.length, 1);
  assert.equal(batch.rejected[0]?.index, 1);
  assert.match(batch.rejected[0]?.message ?? '', /^actions\[1\]\.action/);
  assert.throws(() => normaliseEpisodeActionBatch({ actions: [] }, now), SyncError);
});

test('emits only the keys that apply, in the strict form', () => {
  const play = toEpisodeActionJson({
    ...base,
    action: 'play',
    timestampMs: now + 250,
    started: 0,
    position: 754,
    total: 1800,
    guid: 'g',
  });
  assert.deepEqual(play, {
    ...base,
    action: 'play',
    timestamp: '2026-11-27T12:00:00',
    guid: 'g',
    started: 0,
    position: 754,
    total: 1800,
  });
  const del = toEpisodeActionJson({ ...base, action: 'delete', timestampMs: now, position: 5 });
  assert.equal('position' in del, false);
});

test('aggregated keeps the latest action per episode', () => {
  const latest = aggregateLatest([
    { ...base, timestampMs: 3, id: 'a' },
    { ...base, episode: 'other', timestampMs: 1, id: 'b' },
    { ...base, timestampMs: 2, id: 'c' },
  ]);
  assert.deepEqual(latest.map((a) => a.id).sort(), ['a', 'b']);
});
