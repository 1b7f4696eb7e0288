// A show whose episodes have timed transcripts, served from a loopback host with real audio: what "search to the
// moment" needs (a word said only in a transcript, where it is said, the page and the player starting there).
import { mediaRoute, toneWav } from './browser.ts';
import { type FeedServer, feedRoute, startFeedServer } from './feed-server.ts';
import { ingest, type TestApp } from './web-app.ts';

/** The word said only in "Harbour Nights #2"'s transcript, at 0:42 (no title or description holds it). */
export const MOMENT_WORD = 'foghorn';
export const MOMENT_SECONDS = 42;

const VTT = `WEBVTT

00:00:01.000 --> 00:00:08.000
<v Ana>Welcome back to Harbour Nights.

00:00:08.000 --> 00:00:41.500
<v Ana>Tonight the keepers tell us about the lamp and the long watch.

00:00:42.000 --> 00:00:50.000
<v Ben>Then the foghorn sounded across the bay, three long blasts.

00:00:50.000 --> 00:00:58.000
<v Ana>And that was the night the supply boat came home.
`;

export interface MomentShow {
  showId: number;
  /** Episode ids by title. */
  ids: Record<string, number>;
}

/**
 * Serves the transcripts and a minute of tone, ingests the show into `t` (whose fetcher must allow `assets.origin`:
 * `openTestApp({}, { allowOrigins: [assets.origin] })`, so start the host first with `startMomentAssets`).
 */
export async function startMomentAssets(): Promise<FeedServer> {
  const assets = await startFeedServer();
  assets.route('/night-2.vtt', feedRoute(VTT, { contentType: 'text/vtt' }));
  assets.route(
    '/night-1.vtt',
    feedRoute('WEBVTT\n\n00:00:01.000 --> 00:00:05.000\nA quiet night.\n', { contentType: 'text/vtt' }),
  );
  assets.route('/night.wav', mediaRoute(toneWav(60), 'audio/wav'));
  return assets;
}

export async function ingestMomentShow(t: TestApp, assets: FeedServer): Promise<MomentShow> {
  const item = (n: number) => `<item><title>Harbour Nights #${n}</title><guid>night-${n}</guid>
  <description>Stories from the harbour after dark.</description>
  <pubDate>${new Date(Date.UTC(2025, 0, n)).toUTCString()}</pubDate>
  <enclosure url="${assets.url('/night.wav')}" type="audio/wav" length="480044"/>
  <podcast:transcript url="${assets.url(`/night-${n}.vtt`)}" type="text/vtt"/></item>`;
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel><title>Harbour Nights</title>
<description>Tales of the harbour.</description>${item(1)}${item(2)}</channel></rss>`;
  const showId = await ingest(t.store, assets.url('/feed.xml'), xml);
  const page = await t.store.episodes.listForShow(showId, {});
  return { showId, ids: Object.fromEntries(page.items.map((e) => [e.title ?? '', e.id])) };
}

/**
 * Opens each episode page once, as a visitor would: the page asks for the transcript, whose fetch records its text for
 * search; waits (for that event, up to `tries` × 100 ms) until the search finds the moment's word.
 */
export async function fetchMomentTranscripts(t: TestApp, show: MomentShow, tries = 300): Promise<void> {
  for (const id of Object.values(show.ids)) await t.app.inject({ method: 'GET', url: `/episodes/${id}` });
  for (let i = 0; i < tries; i++) {
    const r = await t.app.inject({ method: 'GET', url: `/api/v1/search?q=${MOMENT_WORD}` });
    if ((r.json() as { episodes: unknown[] }).episodes.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the transcripts were never fetched');
}
