// Upgrading a database whose transcript texts were stored before their cues' marks (0035): each row whose cached
// parse is the one its text was made from gets the marks, and finds its moments from them; the others keep none
// (the service then reads the cache, as before). The search index is untouched. SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { postgresSkip } from '../../../test/support/postgres.ts';
import { openMigratedDatabase } from '../../../test/support/store-contract-sync.ts';
import {
  type Cue,
  decodeCueMarks,
  findMomentInText,
  type ParsedTranscript,
  transcriptPlainText,
} from '../../media-text/index.ts';
import { SqlStore } from '../sql/store.ts';

const T0 = new Date('2026-01-01T00:00:00.000Z');
const CUES: Cue[] = [
  { start: 1, speaker: 'Ana', text: 'Welcome back to Harbour Nights.' },
  { start: 8.5, speaker: 'Ana', text: 'Tonight the keepers tell us about the lamp.' },
  { start: 42.7, speaker: 'Ben', text: 'Then the foghorn sounded across the bay.' },
  { start: 50, text: 'And the supply boat came home.' },
];
const timed: ParsedTranscript = { format: 'vtt', timed: true, cues: CUES };
const untimed: ParsedTranscript = {
  format: 'text',
  timed: false,
  cues: [{ start: 0, text: 'A foghorn, untimed.' }],
};

// Asked before any test is declared: a test declared after a top-level await can run after this file's hooks.
const pgSkip = await postgresSkip();

for (const kind of ['sqlite', 'postgres'] as const) {
  const skip = kind === 'postgres' ? pgSkip : undefined;
  test(`${kind}: 0035 stores the cues' marks of transcripts whose cached parse made their text`, {
    skip: skip ?? false,
  }, async () => {
    const ids: Record<string, number> = {};
    const opened = await openMigratedDatabase(kind, {
      migration: '0035-transcript-cue-marks',
      async fill(db, dialect) {
        const store = new SqlStore(db, dialect, false);
        const { feed } = await store.feeds.add('https://feeds.example/harbour.xml', T0);
        const { show } = await store.shows.upsert(feed.id, { format: 'rss', title: 'Harbour Nights' }, T0);
        const guids = ['timed', 'refetched', 'uncached', 'untimed'];
        await store.episodes.upsertForShow(
          show.id,
          guids.map((guid) => ({ guid, guidSource: 'guid' as const, title: guid })),
          { now: T0, complete: true },
        );
        for (const e of (await store.episodes.listForShow(show.id, {})).items) ids[e.guid] = e.id;
        const cache = async (url: string, parsed: ParsedTranscript) =>
          store.mediaText.put({
            kind: 'transcript',
            url,
            fetchedAt: T0.toISOString(),
            expiresAt: T0.toISOString(),
            payload: JSON.stringify(parsed),
          });
        const row = async (guid: string, url: string, text: string) =>
          db
            .insertInto('episode_transcripts')
            .values({ episode_id: ids[guid] ?? 0, url, language: null, text, updated_at: T0.toISOString() })
            .execute();
        await cache('https://show.example/timed.vtt', timed);
        await row('timed', 'https://show.example/timed.vtt', transcriptPlainText(CUES));
        // The file changed after the text was stored: its parse is not this text's.
        await cache('https://show.example/refetched.vtt', timed);
        await row('refetched', 'https://show.example/refetched.vtt', 'An older foghorn text.');
        await row('uncached', 'https://show.example/gone.vtt', 'A foghorn nobody cached.');
        await cache('https://show.example/untimed.txt', untimed);
        await row('untimed', 'https://show.example/untimed.txt', transcriptPlainText(untimed.cues));
      },
    });
    try {
      const store = new SqlStore(opened.db, opened.dialect, false);
      const text = async (guid: string) =>
        (await store.mediaText.getEpisodeText(ids[guid] ?? 0)) ?? assert.fail(guid);
      const stored = await text('timed');
      const marks = decodeCueMarks(stored.cues ?? assert.fail('marks'), stored.text.length);
      assert.ok(marks?.timed);
      assert.deepEqual(findMomentInText(stored.text, marks, 'foghorn'), {
        startSeconds: 42,
        speaker: 'Ben',
        text: 'Then the foghorn sounded across the bay.',
      });
      assert.equal(findMomentInText(stored.text, marks, 'welcome')?.startSeconds, 1);
      assert.equal((await text('refetched')).cues, undefined);
      assert.equal((await text('uncached')).cues, undefined);
      const plain = await text('untimed');
      assert.deepEqual(decodeCueMarks(plain.cues ?? assert.fail('untimed marks'), plain.text.length), {
        timed: false,
      });
      // The search still finds every transcript by its words.
      const found = await store.search.search('foghorn', { limit: 10 });
      assert.deepEqual(found.episodes.map((r) => r.episode.guid).sort(), [
        'refetched',
        'timed',
        'uncached',
        'untimed',
      ]);
    } finally {
      await opened.close();
    }
  });
}
