// The search page in Debian's Chromium (playwright-core): type words in the search box, narrow by a show, and page
// with "More episodes" (htmx appends the next page in place). Saves a screenshot of the search page beside the other
// pages' (test-artifacts/web/). Skips with a message when Chromium is not installed. Only loopback is reachable.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium } from 'playwright-core';
import { openTestApp, type TestApp } from '../../test/support/web-app.ts';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const SKIP = CHROMIUM
  ? undefined
  : 'Chromium is not installed (apt-get install -y chromium); skipping browser tests';
/** The same folder as browser.test.ts's ARTIFACTS. */
const ARTIFACTS = resolve(import.meta.dirname, '..', '..', 'test-artifacts', 'web');
const T0 = new Date('2026-01-01T00:00:00.000Z');

describe('search in Chromium', { skip: SKIP ?? false }, () => {
  let t: TestApp;
  let browser: Browser;
  let origin: string;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await openTestApp();
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
    browser = await chromium.launch({
      executablePath: CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--mute-audio',
      ],
    });
  });
  after(async () => {
    await browser?.close();
    await t?.close();
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
    const shows = page.locator('#shows-h');
    const episodes = page.locator('#ep-h');
    const showsY = (await shows.boundingBox())?.y ?? Number.POSITIVE_INFINITY;
    const episodesY = (await episodes.boundingBox())?.y ?? 0;
    assert.ok(showsY < episodesY, 'shows are listed above episodes');
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
    await page.screenshot({ path: join(ARTIFACTS, 'search.png'), fullPage: false });
    assert.deepEqual(problems, []);
    await context.close();
  });
});
