// The search page in Debian's Chromium (playwright-core): type words in the search box, narrow by a show, and page
// with "More episodes" (htmx appends the next page in place); a word said only in a transcript finds the episode, and
// its hit plays from the moment it is said (issue 16). Saves a screenshot of the search page beside the other pages'
// (test-artifacts/web/). Skips with a message when Chromium is not installed. Only loopback is reachable.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { ARTIFACTS, axeCheck, launchChromium, SKIP_NO_CHROMIUM } from '../../test/support/browser.ts';
import type { FeedServer } from '../../test/support/feed-server.ts';
import {
  fetchMomentTranscripts,
  ingestMomentShow,
  MOMENT_SECONDS,
  MOMENT_WORD,
  type MomentShow,
  startMomentAssets,
} from '../../test/support/moments.ts';
import { openTestApp, type TestApp } from '../../test/support/web-app.ts';

const T0 = new Date('2026-01-01T00:00:00.000Z');

describe('search in Chromium', { skip: SKIP_NO_CHROMIUM ?? false }, () => {
  let t: TestApp;
  let browser: Browser;
  let origin: string;
  let assets: FeedServer;
  let moments: MomentShow;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    assets = await startMomentAssets();
    t = await openTestApp({}, { allowOrigins: [assets.origin] });
    const add = async (slug: string, title: string, count: number, firstYear: number) => {
      const { feed } = await t.store.feeds.add(`https://feeds.example/${slug}.xml`, T0);
      const { show } = await t.store.shows.upsert(
        feed.id,
        { format: 'rss', title, description: `Stories of lighthouses and their keepers, from ${title}.` },
        T0,
      );
      await t.store.episodes.upsertForShow(
        show.id,
        Array.from({ length: count }, (_, i) => ({
          guid: `${slug}-${i}`,
          guidSource: 'guid' as const,
          title: `Lighthouse keepers ${slug} #${i + 1}`,
          description: 'A night on the rock, the lamp, the log and the weather.',
          publishedAt: new Date(Date.UTC(firstYear + Math.floor(i / 12), i % 12, 3)).toISOString(),
          enclosure: { url: `https://cdn.example/${slug}-${i}.mp3`, type: 'audio/mpeg' },
        })),
        { now: T0, complete: true },
      );
    };
    await add('harbour', 'Harbour Lights', 14, 2021);
    await add('coast', 'Coast Radio', 30, 2019);
    origin = await t.app.listen({ host: '127.0.0.1', port: 0 });
    moments = await ingestMomentShow(t, assets);
    await fetchMomentTranscripts(t, moments);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    await assets?.close();
  });

  test('search, filter by a show, and page with "More episodes"', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Generous: many sessions share two cores here; these waits are for events, never speed assertions.
    context.setDefaultTimeout(90_000);
    // Nothing but this server: covers and audio of the made-up catalogue are never fetched.
    await context.route('**/*', (route) =>
      route.request().url().startsWith(origin) ? route.continue() : route.abort(),
    );
    const problems: string[] = [];
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(String(e)));

    await page.goto(`${origin}/`);
    await page.getByRole('searchbox').first().fill('lighthouse keepers');
    await page.getByRole('searchbox').first().press('Enter');
    await page.waitForURL(/\/search\?q=lighthouse/);
    await page.getByRole('heading', { name: /Episodes\s+44 episodes/ }).waitFor();
    // Both headings measured in one frame: the results may still be swapped in (search as you type) between two
    // separate reads, which once gave a heading no box on a loaded machine.
    await page.locator('#shows-h').waitFor();
    const [showsY, episodesY] = await page.evaluate(() => [
      document.querySelector('#shows-h')?.getBoundingClientRect().top ?? Number.POSITIVE_INFINITY,
      document.querySelector('#ep-h')?.getBoundingClientRect().top ?? 0,
    ]);
    assert.ok(showsY < episodesY, `shows are listed above episodes (${showsY} < ${episodesY})`);
    const rows = page.locator('ol.episodes > li');
    assert.equal(await rows.count(), 20, 'the first page');

    await page.locator('select[name="show"]').selectOption({ label: 'Harbour Lights' });
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/show=\d+/);
    await page.getByRole('heading', { name: /Episodes\s+14 episodes/ }).waitFor();
    assert.equal(await rows.count(), 14);
    assert.equal(
      await page.getByText('Lighthouse keepers coast', { exact: false }).count(),
      0,
      'only that show',
    );
    await page.getByRole('link', { name: 'Clear filters' }).click();
    await page.getByRole('heading', { name: /Episodes\s+44 episodes/ }).waitFor();

    const before = page.url();
    await page.getByRole('link', { name: 'More episodes' }).click();
    await page.locator('.search-page[data-page="2"]').waitFor();
    assert.equal(await rows.count(), 40, 'the second page appended below the first');
    assert.equal(page.url(), before, 'in place: the address stays');
    await page.getByRole('link', { name: 'More episodes' }).click();
    await page.locator('.search-page[data-page="3"]').waitFor();
    assert.equal(await rows.count(), 44, 'every episode once');
    assert.equal(
      await page.getByRole('link', { name: 'More episodes' }).count(),
      0,
      'no more after the last',
    );

    // 2021: Harbour Lights' first 12 and Coast Radio's last 6.
    await page.goto(`${origin}/search?q=lighthouse+keepers&year=2021`);
    await page.getByRole('heading', { name: /Episodes\s+18 episodes/ }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'search-filters.png'), fullPage: false });
    await axeCheck(page, 'search with filters');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a word said only in a transcript: its hit plays from that moment, and links to the page starting there', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(90_000);
    await context.route('**/*', (route) => {
      const url = route.request().url();
      return url.startsWith(origin) || url.startsWith(assets.origin) ? route.continue() : route.abort();
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    const id = String(moments.ids['Harbour Nights #2']);

    await page.goto(`${origin}/`);
    await page.getByRole('searchbox').first().fill(MOMENT_WORD);
    await page.getByRole('searchbox').first().press('Enter');
    await page.waitForURL(new RegExp(`/search\\?q=${MOMENT_WORD}`));
    const hit = page.locator('.moment');
    await hit.getByText('Then the foghorn sounded across the bay').waitFor();
    await hit.getByRole('button', { name: /Play at 0:42/ }).click();
    await page.waitForFunction(
      ([want, from]) => {
        const p = document.querySelector('earshot-player') as HTMLElement & {
          audio: HTMLAudioElement;
          track?: { episodeId: string };
        }; // our element
        return p.track?.episodeId === want && !p.audio.paused && p.audio.currentTime >= from + 1;
      },
      [id, MOMENT_SECONDS] as const,
    );
    // What the audio has played: from the moment on, never from the start.
    const played = await page.evaluate(() => {
      const a = (document.querySelector('earshot-player') as HTMLElement & { audio: HTMLAudioElement }).audio; // our element
      return Array.from({ length: a.played.length }, (_, i) => a.played.start(i));
    });
    assert.ok(
      played.length > 0 && played.every((start) => start >= MOMENT_SECONDS - 1),
      `played from ${played.join(', ')}`,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'search-moment.png'), fullPage: false });
    await axeCheck(page, 'search with a transcript moment');

    // The line is a link to the episode page, which plays from the moment.
    await page.getByRole('link', { name: /Then the foghorn sounded/ }).click();
    await page.waitForURL(new RegExp(`/episodes/${id}\\?t=${MOMENT_SECONDS}$`));
    assert.equal(
      await page.locator('.episode-head button[data-play]').getAttribute('data-start'),
      String(MOMENT_SECONDS),
    );
    assert.deepEqual(problems, []);
    await context.close();
  });
});
