// The listener's journey in Debian's Chromium (playwright-core), against a loopback server holding the reference
// show and a loopback asset host serving generated audio. Skips with a message when Chromium is not installed.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  ARTIFACTS,
  axeCheck,
  launchChromium,
  mediaRoute,
  SKIP_NO_CHROMIUM,
  toneWav,
} from '../../test/support/browser.ts';
import {
  ingest,
  NO_REFERENCE,
  openTestApp,
  REFERENCE_DIR,
  referenceFeed,
  type TestApp,
} from '../../test/support/web-app.ts';

const SKIP = NO_REFERENCE ?? SKIP_NO_CHROMIUM;

export { ARTIFACTS, toneWav };

/** Serves audio (with Range), the cover and the transcript, as a podcast host would. */
function assetHost(): Promise<{ server: Server; base: string }> {
  const audio = toneWav(120);
  const cover = readFileSync(resolve(import.meta.dirname, '..', '..', 'public', 'icons', 'icon-512.png'));
  const vtt = readFileSync(join(REFERENCE_DIR, 'unearthed-in-july-2017.vtt'));
  const server = createHttpServer((req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    let body: Buffer;
    let type: string;
    if (path.endsWith('.mp3')) [body, type] = [audio, 'audio/wav'];
    else if (path.endsWith('.png')) [body, type] = [cover, 'image/png'];
    else if (path.endsWith('.vtt')) [body, type] = [vtt, 'text/vtt'];
    else {
      res.writeHead(404).end();
      return;
    }
    mediaRoute(body, type)(req, res);
  });
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () =>
      ok({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

async function audioState(page: Page): Promise<{ time: number; paused: boolean; src: string }> {
  return page.evaluate(() => {
    const p = document.querySelector('earshot-player') as (HTMLElement & { audio?: HTMLAudioElement }) | null; // our element
    const a = p?.audio;
    return { time: a?.currentTime ?? -1, paused: a?.paused ?? true, src: a?.src ?? '' };
  });
}

describe('in Chromium', { skip: SKIP ?? false }, () => {
  let t: TestApp;
  let assets: { server: Server; base: string };
  let browser: Browser;
  let origin: string;
  const problems: string[] = [];

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    assets = await assetHost();
    t = await openTestApp({}, { allowOrigins: [assets.base] });
    const feedUrl = `${assets.base}/feed.xml`;
    await ingest(t.store, feedUrl, referenceFeed(feedUrl, assets.base));
    // A second show, so the Popular Podcasts rail (which never lists the show being read) has something to show; its
    // cover comes from the asset host too, as nothing else is reachable from the browser.
    const second = `${assets.base}/second.xml`;
    await ingest(
      t.store,
      second,
      `<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>The Lighthouse Hour</title>
        <itunes:image href="${assets.base}/second-cover.png"/><item><guid>l1</guid><title>Keepers</title>
        <enclosure url="${assets.base}/keepers.mp3" type="audio/mpeg" length="1000"/></item></channel></rss>`,
    );
    origin = await t.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    assets?.server.close();
  });

  test('home → search → episode → sign up → play → navigate and back while playing → mark played → reload', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Generous: eight people share two cores here; these waits are for events, never speed assertions.
    context.setDefaultTimeout(90_000);
    const page = await context.newPage();
    page.on('console', (m) => {
      if (
        m.type() === 'error' &&
        !/favicon|Failed to load resource: the server responded with a status of 401/.test(m.text())
      )
        problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));

    await page.goto(`${origin}/`);
    await page.getByRole('heading', { name: 'Popular Podcasts' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'home.png'), fullPage: true });
    // Installable: the service worker registers and controls the app shell.
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    assert.equal(scope, `${origin}/`);
    await axeCheck(page, 'home');

    await page.fill('#site-search', 'Stakhanov');
    await page.press('#site-search', 'Enter');
    await page.waitForURL(/\/search\?q=Stakhanov/);
    await page.screenshot({ path: join(ARTIFACTS, 'search.png'), fullPage: true });
    await axeCheck(page, 'search');
    await page.getByRole('link', { name: 'Stakhanovite Movement' }).first().click();
    await page.waitForURL(/\/episodes\/\d+/);
    const episodeUrl = page.url();

    for (const text of [
      'Stuff You Missed in History Class',
      '← All Episodes',
      'January 22, 2024',
      '34 mins',
      'Tracy V. Wilson',
      'Holly Frey',
      'Mark as Played',
      'Popular Podcasts',
      'for privacy information',
    ]) {
      assert.ok(
        await page.getByText(text, { exact: false }).first().isVisible(),
        `episode page shows "${text}"`,
      );
    }
    assert.equal(
      await page.locator('.notes a[href="https://www.britannica.com/event/Holodomor"]').count(),
      1,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'episode.png'), fullPage: true });
    await axeCheck(page, 'episode');

    // Sign up from the "Mark as Played" prompt, coming back to the episode.
    await page.getByRole('link', { name: 'Mark as Played' }).click();
    await page.waitForURL(/\/signin/);
    await page.goto(`${origin}/signup?next=${encodeURIComponent(new URL(episodeUrl).pathname)}`);
    await page.fill('#name', 'listener');
    await page.fill('#password', 'a long enough password');
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.waitForURL(episodeUrl);

    await page.locator('main button[data-play]').click();
    await page.waitForFunction(() => {
      const p = document.querySelector('earshot-player') as
        | (HTMLElement & { audio?: HTMLAudioElement })
        | null;
      return (p?.audio?.currentTime ?? 0) > 1;
    });
    const playing = await audioState(page);
    assert.equal(playing.paused, false);

    // Boosted navigation to the show page: only #main is swapped, the audio keeps going.
    await page.getByRole('link', { name: '← All Episodes' }).click();
    await page.waitForURL(/\/shows\/\d+$/);
    await page.getByRole('heading', { name: /All Episodes/ }).waitFor();
    await page.waitForTimeout(1200);
    const onShow = await audioState(page);
    assert.equal(onShow.paused, false, 'still playing on the show page');
    assert.ok(onShow.time > playing.time, 'and advancing');
    assert.equal(onShow.src, playing.src);
    await page.screenshot({ path: join(ARTIFACTS, 'show.png'), fullPage: true });
    await axeCheck(page, 'show');

    await page.goBack();
    await page.waitForURL(episodeUrl);
    await page.getByRole('heading', { name: 'Stakhanovite Movement' }).waitFor();
    await page.waitForTimeout(800);
    const back = await audioState(page);
    assert.equal(back.paused, false, 'still playing after Back');
    assert.ok(back.time > onShow.time);

    await page.getByRole('button', { name: 'Mark as Played' }).click();
    await page.getByRole('button', { name: /Played ✓/ }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: /Played ✓/ }).waitFor();

    // Progress survives a reload: pause (which saves), then the page offers to resume there.
    await page.getByRole('button', { name: /Played ✓/ }).click();
    await page.getByRole('button', { name: 'Mark as Played' }).waitFor();
    await page.locator('main button[data-play]').click();
    await page.waitForFunction(() => {
      const p = document.querySelector('earshot-player') as
        | (HTMLElement & { audio?: HTMLAudioElement })
        | null;
      return (p?.audio?.currentTime ?? 0) > 3 && !p?.audio?.paused;
    });
    await page.keyboard.press('Space');
    const paused = await audioState(page);
    assert.equal(paused.paused, true, 'space pauses');
    await page.waitForTimeout(500);
    await page.reload();
    const start = Number(await page.locator('main button[data-play]').getAttribute('data-start'));
    assert.ok(start >= 2 && start <= paused.time + 1, `resumes near ${paused.time}, offered ${start}`);
    // A transcript fetched through the crawler's door, cues clickable, the current cue highlighted while playing.
    await page.goto(`${origin}/shows/1`);
    await page.getByRole('link', { name: 'Unearthed in July 2017' }).first().click();
    await page.getByRole('heading', { name: 'Episode Transcript' }).waitFor();
    const cue = page.locator('[data-transcript] li').nth(1);
    await cue.waitFor();
    await cue.locator('a.seek').click();
    await page.waitForFunction(() => document.querySelector('[data-transcript] li.current') !== null);
    const current = await page.locator('[data-transcript] li.current').getAttribute('data-start');
    assert.equal(current, await cue.getAttribute('data-start'));

    // Played to the end: marked played on the server, and the page's button says so without a reload.
    await page.evaluate(() => {
      const p = document.querySelector('earshot-player') as
        | (HTMLElement & { audio?: HTMLAudioElement })
        | null; // our element
      // Listened into the end (a jump there would not count, src/domain/listening.ts): 14 s before it, at 3×.
      if (p?.audio) {
        p.audio.currentTime = p.audio.duration - 14;
        p.audio.playbackRate = 3;
      }
    });
    await page.getByRole('button', { name: /Played ✓/ }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: /Played ✓/ }).waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('on a phone: no sideways scrolling, the player fits, dark theme follows the system', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      colorScheme: 'dark',
      isMobile: true,
      hasTouch: true,
    });
    context.setDefaultTimeout(90_000);
    const page = await context.newPage();
    await page.goto(`${origin}/episodes/1`);
    await page.locator('main button[data-play]').click();
    await page.locator('.player-bar').waitFor();
    const fit = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      width: window.innerWidth,
      bar: document.querySelector('.player-bar')?.getBoundingClientRect().width ?? 0,
      bg: getComputedStyle(document.body).backgroundColor,
    }));
    assert.ok(fit.scroll <= fit.width, `page is ${fit.scroll}px wide in a ${fit.width}px viewport`);
    assert.ok(fit.bar <= fit.width);
    assert.equal(fit.bg, 'rgb(20, 19, 18)');
    await page.screenshot({ path: join(ARTIFACTS, 'episode-phone-dark.png'), fullPage: false });
    await context.close();
  });
});
