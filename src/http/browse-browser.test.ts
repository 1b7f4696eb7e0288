// Browsing in Debian's Chromium (playwright-core): home → All Shows → a category → a show → a season tab, with axe on
// each new page and screenshots for review. Skips with a message when Chromium is not installed.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { ARTIFACTS, axeCheck, launchChromium, SKIP_NO_CHROMIUM } from '../../test/support/browser.ts';
import { ingest, openTestApp, type TestApp } from '../../test/support/web-app.ts';

function feed(
  title: string,
  categories: string,
  items: { title: string; season?: number; day: number }[],
): string {
  const entries = items.map(
    (it, i) => `<item><title>${it.title}</title><guid>${title}-${i}</guid>
      <pubDate>${new Date(Date.UTC(2024, 0, 1 + it.day)).toUTCString()}</pubDate><itunes:duration>25:00</itunes:duration>
      ${it.season !== undefined ? `<itunes:season>${it.season}</itunes:season>` : ''}
      <enclosure url="http://127.0.0.1:9/${i}.mp3" type="audio/mpeg" length="100"/></item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>${title}</title>
<description>${`${title}: stories from the coast, told by the people who live there. `.repeat(8)}</description>
${categories}
${entries.join('\n')}
</channel></rss>`;
}

describe('browsing in Chromium', { skip: SKIP_NO_CHROMIUM ?? false }, () => {
  let t: TestApp;
  let browser: Browser;
  let origin: string;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await openTestApp();
    const seasons = Array.from({ length: 12 }, (_, i) => ({
      title: `Voyage ${i + 1}`,
      season: i < 6 ? 1 : 2,
      day: i * 7,
    }));
    await ingest(
      t.store,
      'https://coast.example/feed.xml',
      feed(
        'Coastal Tales',
        '<itunes:category text="Society &amp;amp; Culture"><itunes:category text="Places &amp;amp; Travel"/></itunes:category>',
        seasons,
      ),
    );
    await ingest(
      t.store,
      'https://harbour.example/feed.xml',
      feed('Harbour Lights', '<itunes:category text="society and culture"/>', [{ title: 'Lamps', day: 3 }]),
    );
    await ingest(
      t.store,
      'https://laughs.example/feed.xml',
      feed('Dockside Laughs', '<itunes:category text="Comedy"/>', [{ title: 'Jokes', day: 5 }]),
    );
    origin = await t.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('home → All Shows → a category → a show → its season tab', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Generous: many sessions share two cores here; these waits are for events, never speed assertions.
    context.setDefaultTimeout(90_000);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    const at = (path: string) => page.waitForFunction((p) => location.pathname + location.search === p, path);

    await page.goto(`${origin}/`);
    await page.screenshot({ path: join(ARTIFACTS, 'browse-home.png'), fullPage: true });
    await page.getByRole('navigation', { name: 'Browse' }).getByRole('link', { name: 'Shows' }).click();
    await at('/shows');
    await page.getByRole('heading', { name: 'All Shows' }).waitFor();
    assert.equal(await page.locator('#main .cards .card').count(), 3);
    await axeCheck(page, '/shows');
    await page.screenshot({ path: join(ARTIFACTS, 'browse.png'), fullPage: true });

    await page
      .getByRole('navigation', { name: 'Categories' })
      .getByRole('link', { name: /Society & Culture/ })
      .click();
    await at('/categories/society-and-culture');
    await page.getByRole('heading', { level: 1, name: 'Society & Culture' }).waitFor();
    const titles = await page
      .locator('#main section[aria-labelledby="cat-all-h"] .card-title')
      .allTextContents();
    assert.deepEqual(titles, ['Coastal Tales', 'Harbour Lights']);
    await axeCheck(page, 'category');
    await page.screenshot({ path: join(ARTIFACTS, 'category.png'), fullPage: true });

    await page
      .locator('section[aria-labelledby="cat-all-h"]')
      .getByRole('link', { name: 'Coastal Tales' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Coastal Tales' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'show-seasons.png'), fullPage: true });
    // The folded description opens without script.
    await page.locator('.description summary').click();
    assert.equal(await page.locator('.description details').getAttribute('open'), '');

    await page
      .getByRole('navigation', { name: 'Seasons' })
      .getByRole('link', { name: /Season 2/ })
      .click();
    await page.waitForFunction(() => location.search.includes('season=2'));
    await page.locator('nav.seasons a[aria-current="page"]', { hasText: 'Season 2' }).waitFor();
    const episodes = await page.locator('#main ol.episodes h3').allTextContents();
    assert.deepEqual(episodes, ['Voyage 12', 'Voyage 11', 'Voyage 10', 'Voyage 9', 'Voyage 8', 'Voyage 7']);
    await axeCheck(page, 'show, season 2');

    for (const path of ['/categories', '/new']) {
      await page.goto(`${origin}${path}`);
      await axeCheck(page, path);
    }
    assert.deepEqual(problems, []);
    await context.close();
  });
});
