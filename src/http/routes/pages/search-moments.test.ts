// Search to the moment (issue 16): a word said only in an episode's transcript finds the episode, and the hit says
// where: "Play at 0:42" and the line, linked to the episode page starting there; the API gives the same moment.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FeedServer } from '../../../../test/support/feed-server.ts';
import {
  fetchMomentTranscripts,
  ingestMomentShow,
  MOMENT_SECONDS,
  MOMENT_WORD,
  type MomentShow,
  startMomentAssets,
} from '../../../../test/support/moments.ts';
import { openTestApp, type TestApp } from '../../../../test/support/web-app.ts';

describe('a transcript hit links to the moment its words are said', () => {
  let assets: FeedServer;
  let t: TestApp;
  let show: MomentShow;
  before(async () => {
    assets = await startMomentAssets();
    t = await openTestApp({}, { allowOrigins: [assets.origin] });
    show = await ingestMomentShow(t, assets);
    await fetchMomentTranscripts(t, show);
  });
  after(async () => {
    await t?.close();
    await assets?.close();
  });

  test('the results page: Play at the moment, the speaker and the line, the episode page starting there', async () => {
    const id = show.ids['Harbour Nights #2'];
    const page = (await t.app.inject({ method: 'GET', url: `/search?q=${MOMENT_WORD}+bay` })).body;
    assert.match(page, /Harbour Nights #2/);
    assert.doesNotMatch(page, /Harbour Nights #1/, 'the other episode does not say it');
    assert.match(page, new RegExp(`href="/episodes/${id}\\?t=${MOMENT_SECONDS}"`));
    assert.match(page, /data-moment[^>]*data-start="42"|data-start="42"[^>]*data-moment/s);
    assert.match(page, /Play at 0:42/);
    assert.match(
      page,
      /<span class="speaker">Ben:<\/span> <q>Then the foghorn sounded across the bay, three long blasts\.<\/q>/,
    );
    const episode = (await t.app.inject({ method: 'GET', url: `/episodes/${id}?t=${MOMENT_SECONDS}` })).body;
    assert.match(episode, /data-start="42"/, 'the episode page plays from the moment');
  });

  test('the API gives the moment too; a word in the title is no transcript hit', async () => {
    const r = (await t.app.inject({ method: 'GET', url: `/api/v1/search?q=${MOMENT_WORD}` })).json() as {
      episodes: { id: number; moment?: { seconds: number; url: string; text: string; speaker?: string } }[];
    };
    assert.deepEqual(
      r.episodes.map((e) => [e.id, e.moment]),
      [
        [
          show.ids['Harbour Nights #2'],
          {
            seconds: MOMENT_SECONDS,
            url: `/episodes/${show.ids['Harbour Nights #2']}?t=${MOMENT_SECONDS}`,
            text: 'Then the foghorn sounded across the bay, three long blasts.',
            speaker: 'Ben',
          },
        ],
      ],
    );
    const byTitle = (
      await t.app.inject({ method: 'GET', url: '/api/v1/search?q=harbour+nights' })
    ).json() as {
      episodes: { moment?: unknown }[];
    };
    assert.ok(byTitle.episodes.length >= 2);
    assert.ok(byTitle.episodes.every((e) => e.moment === undefined));
  });
});
