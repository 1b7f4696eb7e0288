// The player in Debian's Chromium (playwright-core): a file that cannot be loaded, the queue playing on, the page's
// button, sleep timer, chapters after a reload, volume, the seek slider's step, when an episode counts as played,
// Resume, the phone's mini-player and sheet, and the page without JavaScript. A loopback server plays the podcast
// host. Skips with a message when Chromium is not installed.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  ARTIFACTS,
  axeCheck,
  launchChromium,
  mediaRoute,
  SKIP_NO_CHROMIUM,
  toneWav,
} from '../../test/support/browser.ts';
import { ingest, openTestApp, type TestApp } from '../../test/support/web-app.ts';

const CHAPTERS = JSON.stringify({
  version: '1.2.0',
  chapters: [
    { startTime: 0, title: 'Intro' },
    { startTime: 40, title: 'Middle' },
    { startTime: 115, title: 'Last words' },
  ],
});

/** The podcast host: tones of 120, 4 and 60 s, a cover, the chapters; everything else is a 404. */
function assetHost(): Promise<{ server: Server; base: string }> {
  const files: Record<string, [Buffer, string]> = {
    '/long.wav': [toneWav(120), 'audio/wav'],
    '/short.wav': [toneWav(4, 330), 'audio/wav'],
    '/next.wav': [toneWav(60, 550), 'audio/wav'],
    '/cover.png': [
      readFileSync(resolve(import.meta.dirname, '..', '..', 'public', 'icons', 'icon-512.png')),
      'image/png',
    ],
    '/chapters.json': [Buffer.from(CHAPTERS), 'application/json+chapters'],
  };
  const server = createHttpServer((req, res) => {
    const file = files[(req.url ?? '').split('?')[0] ?? ''];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    mediaRoute(...file)(req, res);
  });
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () =>
      ok({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

function feed(base: string): string {
  const item = (guid: string, title: string, file: string, seconds: number, extra = '') =>
    `<item><guid>${guid}</guid><title>${title}</title>
      <itunes:duration>${seconds}</itunes:duration><enclosure url="${base}/${file}" type="audio/wav" length="1000"/>${extra}</item>`;
  return `<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0">
  <channel><title>Player Test Show</title><link>https://example.org/</link><description>Tones.</description>
  <itunes:image href="${base}/cover.png"/>
  ${item('broken', 'Broken Audio', 'missing.mp3', 1200)}
  ${item('unreachable', 'Unreachable Audio', 'x.mp3', 1200).replace(base, 'http://127.0.0.1:9')}
  ${item('long', 'Long Tone', 'long.wav', 120, `<podcast:chapters url="${base}/chapters.json" type="application/json+chapters"/>`)}
  ${item('short', 'Short Tone', 'short.wav', 4)}
  ${item('next', 'Next Up', 'next.wav', 60)}
  </channel></rss>`;
}

interface PlayerState {
  id: string | undefined;
  time: number;
  paused: boolean;
  ended: boolean;
  muted: boolean;
  volume: number;
}

type PlayerElement = HTMLElement & { audio: HTMLAudioElement; track?: { episodeId: string } };

function player(page: Page): Promise<PlayerState> {
  return page.evaluate(() => {
    const p = document.querySelector('earshot-player') as PlayerElement; // our element
    const a = p.audio;
    return {
      id: p.track?.episodeId,
      time: a.currentTime,
      paused: a.paused,
      ended: a.ended,
      muted: a.muted,
      volume: a.volume,
    };
  });
}

/** Sets the player's audio element as a listener's action would (a seek, a speed), and plays or pauses it. */
async function onAudio(
  page: Page,
  change: { currentTime?: number; playbackRate?: number; action?: 'play' | 'pause' },
): Promise<void> {
  await page.evaluate((c) => {
    const a = (document.querySelector('earshot-player') as PlayerElement).audio; // our element
    if (c.action === 'pause') a.pause();
    if (c.playbackRate !== undefined) a.playbackRate = c.playbackRate;
    if (c.currentTime !== undefined) a.currentTime = c.currentTime;
    if (c.action === 'play') void a.play();
  }, change);
}

/** Waits until the player has this episode, is playing or has ended, or is past a time. */
async function waitForPlayer(
  page: Page,
  want: { id?: string | undefined; playing?: boolean; ended?: boolean; after?: number; at?: number },
): Promise<void> {
  await page.waitForFunction((w) => {
    const p = document.querySelector('earshot-player') as PlayerElement | null; // our element
    if (!p?.audio) return false;
    const a = p.audio;
    return (
      (w.id === undefined || p.track?.episodeId === w.id) &&
      (w.playing === undefined || w.playing === !a.paused) &&
      (w.ended === undefined || w.ended === a.ended) &&
      (w.after === undefined || a.currentTime > w.after) &&
      (w.at === undefined || Math.floor(a.currentTime) === w.at)
    );
  }, want);
}

describe('the player in Chromium', { skip: SKIP_NO_CHROMIUM ?? false }, () => {
  let t: TestApp;
  let assets: { server: Server; base: string };
  let browser: Browser;
  let origin: string;
  const ids: Record<string, string> = {};

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    assets = await assetHost();
    t = await openTestApp({}, { allowOrigins: [assets.base] });
    const showId = await ingest(t.store, `${assets.base}/feed.xml`, feed(assets.base));
    for (const e of (await t.store.episodes.listForShow(showId, {})).items) ids[e.title ?? ''] = String(e.id);
    origin = await t.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    assets?.server.close();
  });

  async function desktop(): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Generous: several sessions share two cores; these waits are for events, never speed assertions.
    context.setDefaultTimeout(90_000);
    // The Media Session's handlers, kept where the test can call them as the system's media keys would.
    await context.addInitScript(() => {
      const handlers: Record<string, MediaSessionActionHandler | null> = {};
      Object.assign(window, { mediaHandlers: handlers });
      const session = navigator.mediaSession;
      const set = session.setActionHandler.bind(session);
      session.setActionHandler = (action, handler) => {
        handlers[action] = handler;
        set(action, handler);
      };
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    return { context, page, problems };
  }

  async function signUp(page: Page, name: string): Promise<void> {
    await page.goto(`${origin}/signup`);
    await page.fill('#name', name);
    await page.fill('#password', 'a long enough password');
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/signup'));
  }

  const episode = (title: string) => `${origin}/episodes/${ids[title]}`;

  async function queue(page: Page, title: string, how: 'Play next' | 'Play last'): Promise<void> {
    await page.goto(episode(title));
    await page.getByRole('button', { name: how }).click();
    await page.getByRole('button', { name: 'Remove from Queue' }).waitFor();
  }

  async function serverProgress(
    page: Page,
    title: string,
  ): Promise<{ played: boolean; positionSeconds: number }> {
    return page.evaluate(async (id) => (await fetch(`/api/v1/me/progress/${id}`)).json(), ids[title]);
  }

  /** Polls the listener's progress on the server until `ok` holds. */
  async function waitForServer(
    page: Page,
    title: string,
    ok: (p: { played: boolean; positionSeconds: number }) => boolean,
  ): Promise<void> {
    for (;;) {
      if (ok(await serverProgress(page, title))) return;
      await page.waitForTimeout(200);
    }
  }

  test('audio that cannot be loaded: an error, the download link, Retry, and on to the next in the queue', async () => {
    const { context, page, problems } = await desktop();
    await signUp(page, 'ann');
    await queue(page, 'Next Up', 'Play last');
    await page.goto(episode('Broken Audio'));
    await page.locator('main button[data-play]').click();
    const error = page.locator('.player-error');
    await error.waitFor();
    assert.match(
      (await error.textContent()) ?? '',
      /Can't play “Broken Audio”\. The audio file was not found/,
    );
    assert.equal(await page.locator('.player-time').textContent(), 'Not playing');
    assert.equal(
      await error.getByRole('link', { name: 'Download audio' }).getAttribute('href'),
      `${assets.base}/missing.mp3`,
    );
    assert.equal(await page.locator('earshot-player').getAttribute('data-state'), 'error');
    // Nothing claims to be playing: the player and the page offer Play (which retries).
    assert.equal(await page.locator('.player-play').getAttribute('aria-label'), 'Play');
    assert.equal(await page.locator('main button[data-play] .play-label').textContent(), 'Play');
    await page.screenshot({ path: join(ARTIFACTS, 'player-error.png') });
    await error.getByRole('button', { name: 'Retry' }).click();
    await page.waitForFunction(
      () => document.querySelector('earshot-player')?.getAttribute('data-state') === 'error',
    );
    await error.getByRole('button', { name: 'Play next in queue' }).click();
    await waitForPlayer(page, { id: ids['Next Up'], after: 0.5 });
    assert.equal(await error.isHidden(), true, 'the error is gone once the next one plays');
    // A host that cannot be reached at all (nothing listens on the discard port): the same.
    await page.goto(episode('Unreachable Audio'));
    await page.locator('main button[data-play]').click();
    await page.locator('.player-error', { hasText: "Can't play “Unreachable Audio”." }).waitFor();
    assert.equal(
      await error.getByRole('link', { name: 'Download audio' }).getAttribute('href'),
      'http://127.0.0.1:9/x.mp3',
    );
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the queue plays on, Media Session next/previous, and autoplay can be turned off', async () => {
    const { context, page, problems } = await desktop();
    await signUp(page, 'bob');
    await queue(page, 'Next Up', 'Play next');
    await page.goto(episode('Short Tone'));
    await page.locator('main button[data-play]').click();
    // Short Tone ends after 4 s: the queue's Next Up follows by itself.
    await waitForPlayer(page, { id: ids['Next Up'], playing: true });
    await waitForServer(page, 'Short Tone', (p) => p.played); // listened to the end: played

    // The system's "previous track" goes back to Short Tone, "next track" on to the queue's head again.
    await page.evaluate(() => {
      const h = (window as unknown as { mediaHandlers: Record<string, (d: object) => void> }).mediaHandlers;
      h.previoustrack?.({ action: 'previoustrack' });
    });
    await waitForPlayer(page, { id: ids['Short Tone'] });
    await page.evaluate(() => {
      const h = (window as unknown as { mediaHandlers: Record<string, (d: object) => void> }).mediaHandlers;
      h.nexttrack?.({ action: 'nexttrack' });
    });
    await waitForPlayer(page, { id: ids['Next Up'], playing: true });

    // The sleep timer's "end of episode": the queue waits.
    await queue(page, 'Long Tone', 'Play last');
    await page.goto(episode('Short Tone'));
    await page.getByLabel('Sleep timer').selectOption('end');
    await page.locator('main button[data-play]').click();
    await waitForPlayer(page, { id: ids['Short Tone'], ended: true });
    await page.waitForTimeout(1500);
    assert.equal((await player(page)).id, ids['Short Tone'], 'asleep at the end of the episode');
    assert.equal(await page.getByLabel('Sleep timer').inputValue(), '0', 'and the timer is off again');

    // Autoplay off: the end of an episode is the end.
    await page.getByLabel('Autoplay queue').uncheck();
    await page.locator('main button[data-play]').click();
    await waitForPlayer(page, { ended: false });
    await waitForPlayer(page, { ended: true });
    await page.waitForTimeout(1500);
    assert.equal((await player(page)).id, ids['Short Tone'], 'stays on the episode that ended');
    await page.reload();
    assert.equal(await page.getByLabel('Autoplay queue').isChecked(), false, 'the setting is kept');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('played only when listened to the end, un-played when the listener goes back', async () => {
    const { context, page, problems } = await desktop();
    await signUp(page, 'cat');
    await page.goto(episode('Long Tone'));
    await page.locator('main button[data-play]').click();
    await page.locator('.player-chapter', { hasText: 'Intro' }).waitFor();
    // Jump to the last chapter, 5 s before the end, and let it play out: not played.
    await page.getByRole('link', { name: /Last words/ }).click();
    await onAudio(page, { playbackRate: 2 });
    await waitForPlayer(page, { ended: true });
    await page.waitForTimeout(500);
    assert.equal(
      (await serverProgress(page, 'Long Tone')).played,
      false,
      'a jump to the end is not listening',
    );
    assert.equal(await page.getByRole('button', { name: 'Mark as Played' }).isVisible(), true);

    // Listened into the end from 20 s before it: played, and the page's button says so.
    await onAudio(page, { currentTime: 100, playbackRate: 3, action: 'play' });
    await page.getByRole('button', { name: /Played ✓/ }).waitFor();
    assert.equal((await serverProgress(page, 'Long Tone')).played, true);

    // Back to 0:30: un-played, from 0:30 on.
    await onAudio(page, { playbackRate: 1, currentTime: 30 });
    await page.getByRole('button', { name: 'Mark as Played' }).waitFor();
    const back = await serverProgress(page, 'Long Tone');
    assert.equal(back.played, false);
    assert.ok(back.positionSeconds >= 30 && back.positionSeconds < 60, `at ${back.positionSeconds}`);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the page button, sleep timer, chapters after a reload, volume, the slider step, Resume and progress', async () => {
    const { context, page, problems } = await desktop();
    await signUp(page, 'dee');
    await page.goto(episode('Long Tone'));
    const button = page.locator('main button[data-play]');
    await button.click();
    await waitForPlayer(page, { after: 0.5 });
    assert.equal(await button.getAttribute('aria-label'), 'Pause: Long Tone');
    assert.equal(await button.textContent(), '❚❚ Pause');

    await page.getByLabel('Sleep timer').selectOption('15');
    await page.locator('.player-sleep-left', { hasText: /^Sleeps in 1[45]:\d\d$/ }).waitFor();
    await page.getByLabel('Sleep timer').selectOption('end');
    assert.equal(await page.locator('.player-sleep-left').textContent(), 'Sleeps at the end');
    await page.getByLabel('Sleep timer').selectOption('0');

    await page.getByRole('button', { name: 'Mute' }).click();
    assert.equal((await player(page)).muted, true);
    assert.equal(await page.getByRole('button', { name: 'Mute' }).getAttribute('aria-pressed'), 'true');
    await page.getByLabel('Volume').fill('40');
    const loud = await player(page);
    assert.equal(loud.volume, 0.4);
    assert.equal(loud.muted, false, 'turning the volume up unmutes');

    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await onAudio(page, { currentTime: 30 });
    await waitForPlayer(page, { at: 30 });
    assert.equal(await button.getAttribute('aria-label'), 'Play: Long Tone');
    await page.getByLabel('Seek').focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(Math.round((await player(page)).time), 40, 'an arrow key moves 10 s');
    await page.keyboard.press('ArrowLeft');
    assert.equal(Math.round((await player(page)).time), 30);
    // At 0:20 (and a little more while the clicks land), paused: a pause saves the position.
    await onAudio(page, { currentTime: 20 });
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await waitForServer(page, 'Long Tone', (p) => p.positionSeconds >= 20);

    // Elsewhere, reloaded: the chapter and its buttons, the volume, Resume with the time left.
    await page.goto(`${origin}/`);
    await page.reload();
    await page.locator('.player-chapter', { hasText: 'Intro' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Next chapter' }).isVisible(), true);
    assert.equal(await page.getByRole('button', { name: 'Previous chapter' }).isVisible(), true);
    assert.equal((await player(page)).volume, 0.4);
    const cont = page.locator('section', { has: page.getByRole('heading', { name: 'Continue Listening' }) });
    // 2:00 long, stopped in 0:20–0:29: 91–100 s left, "2 min".
    assert.equal(await cont.locator('button[data-play] .play-label').textContent(), 'Resume · 2 min left');
    await page.goto(episode('Long Tone'));
    await page.getByText(/Listened to 0:2\d of 2:00 · 2 min left/).waitFor();
    assert.equal(
      await page.locator('main button[data-play] .play-label').textContent(),
      'Resume · 2 min left',
    );
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('on a phone: a one-row mini-player that opens into a sheet with every control; axe on both', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    context.setDefaultTimeout(90_000);
    const page = await context.newPage();
    await page.goto(episode('Long Tone'));
    await page.locator('main button[data-play]').click();
    const bar = page.locator('.player-bar');
    await bar.waitFor();
    await waitForPlayer(page, { after: 0.5 });
    const mini = await bar.boundingBox();
    assert.ok(mini && mini.height <= 90, `the mini-player is one row (${mini?.height} px high)`);
    for (const shown of ['.player-art', '.player-title', '.player-play', '.player-line', '.player-expand'])
      assert.equal(await bar.locator(shown).isVisible(), true, `${shown} in the mini-player`);
    for (const hidden of [
      '.player-seek',
      '.player-extras',
      '.player-volume',
      '.player-help',
      '.player-chapter',
    ])
      assert.equal(await bar.locator(hidden).isVisible(), false, `no ${hidden} in the mini-player`);
    for (const control of ['Back 15 seconds', 'Forward 30 seconds'])
      assert.equal(await bar.getByRole('button', { name: control }).isVisible(), false, `no ${control}`);
    await onAudio(page, { action: 'pause' });
    await page.screenshot({ path: join(ARTIFACTS, 'player-phone-mini.png') });
    await axeCheck(page, 'phone, mini-player');

    await page.getByRole('button', { name: 'Show all player controls' }).click();
    const sheet = await bar.boundingBox();
    assert.ok(sheet && sheet.height >= 800, 'the sheet takes the screen');
    for (const shown of ['Seek', 'Playback speed', 'Sleep timer', 'Volume'])
      assert.equal(await bar.getByLabel(shown).isVisible(), true, `${shown} in the sheet`);
    assert.equal(await bar.getByRole('button', { name: 'Back 15 seconds' }).isVisible(), true);
    await page.screenshot({ path: join(ARTIFACTS, 'player-phone-expanded.png') });
    await axeCheck(page, 'phone, player sheet');
    await page.getByRole('button', { name: 'Minimise the player' }).click();
    assert.equal(await bar.locator('.player-seek').isVisible(), false);
    await context.close();
  });

  test('without JavaScript an episode page still plays: the browser’s own player and a download link', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(episode('Long Tone'));
    const audio = page.locator('main audio.native-audio');
    assert.equal(await audio.isVisible(), true);
    assert.equal(await audio.getAttribute('src'), `${assets.base}/long.wav`);
    assert.equal(await audio.getAttribute('preload'), 'none');
    assert.notEqual(await audio.getAttribute('controls'), null);
    assert.equal(await page.getByRole('link', { name: 'Download audio' }).isVisible(), true);
    assert.equal(
      await page.locator('main button[data-play]').isVisible(),
      false,
      'no button that cannot work',
    );
    await context.close();

    const withScript = await browser.newContext();
    const upgraded = await withScript.newPage();
    await upgraded.goto(episode('Long Tone'));
    await upgraded.locator('main button[data-play]').waitFor();
    assert.equal(
      await upgraded.locator('main audio.native-audio').isVisible(),
      false,
      'the custom player instead',
    );
    await withScript.close();
  });
});
