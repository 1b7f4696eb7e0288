// Covers in Debian's Chromium (playwright-core): a show page's covers all load from the image endpoint, at the width
// the browser chose from srcset, including the initials fallback of a show whose source is gone. Skips with a message
// when Chromium is not installed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, SKIP_NO_CHROMIUM } from '../../../test/support/browser.ts';
import { type ImageHost, jpegOf, serveImages } from '../../../test/support/image-server.ts';
import { ingest, openTestApp, type TestApp } from '../../../test/support/web-app.ts';
import { createFetcher, type Fetcher } from '../../feed/fetch/index.ts';
import { memoryCoverCache } from '../../images/cache.ts';
import { createCoverImages } from '../../services/cover-images.ts';

const SKIP = SKIP_NO_CHROMIUM;

let host: ImageHost;
let fetcher: Fetcher;
let t: TestApp;
let origin: string;
let browser: Browser;
let showId: number;

const feed = (title: string, image: string) =>
  `<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>${title}</title>
  <itunes:image href="${image}"/><item><guid>${title}-1</guid><title>${title} one</title></item></channel></rss>`;

before(async () => {
  if (SKIP) return;
  host = await serveImages({ '/cover.jpg': { type: 'image/jpeg', body: await jpegOf(3000) } });
  fetcher = createFetcher({ userAgent: 'Earshot-test/1.0', allowOrigins: [host.base] });
  t = await openTestApp({
    coverImages: createCoverImages({ fetcher, cache: memoryCoverCache(64 * 1024 * 1024) }),
  });
  showId = await ingest(
    t.store,
    'https://feeds.example/a.xml',
    feed('Harbour Lights', `${host.base}/cover.jpg`),
  );
  await ingest(t.store, 'https://feeds.example/b.xml', feed('Gone Show', `${host.base}/gone.jpg`));
  origin = await t.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await t?.close();
  await fetcher?.close();
  await host?.close();
});

test('a show page’s covers load at the width chosen from srcset, the failed one as initials', {
  skip: SKIP,
}, async () => {
  for (const deviceScaleFactor of [1, 2]) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor });
    context.setDefaultTimeout(90_000);
    const page = await context.newPage();
    await page.goto(`${origin}/shows/${showId}`);
    // Lazy covers load once near the viewport.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.waitForFunction(() => [...document.images].every((i) => i.complete));
    const images = await page.evaluate(() =>
      // The covers (the player's own artwork element is empty until something plays).
      [...document.images]
        .filter((i) => i.srcset !== '')
        .map((i) => ({
          cls: i.className,
          src: i.currentSrc,
          naturalWidth: i.naturalWidth,
          lazy: i.loading === 'lazy',
        })),
    );
    const header = images.find((i) => i.cls === 'art art-large');
    assert.ok(header, 'the show page has a header cover');
    assert.equal(header.lazy, false);
    // A 240 px box: 320 w at 1×, 640 w at 2×.
    const chosen = deviceScaleFactor === 1 ? 320 : 640;
    assert.match(header.src, new RegExp(`^${origin}/images/show/${showId}/[0-9a-f]{12}/${chosen}\\.webp$`));
    // naturalWidth is corrected by the srcset density: the 240 px box, whichever file filled it …
    assert.equal(header.naturalWidth, 240);
    // … and the file itself is the width asked for.
    const pixels = await page.evaluate(async (src) => {
      const bitmap = await createImageBitmap(await (await fetch(src)).blob());
      return bitmap.width;
    }, header.src);
    assert.equal(pixels, chosen);
    const fallback = images.find(
      (i) => i.src.includes('/images/show/') && !i.src.includes(`/show/${showId}/`),
    );
    assert.ok(fallback, `the other show's card is on the page: ${JSON.stringify(images)}`);
    assert.ok(fallback.naturalWidth > 0, 'the initials fallback is drawn, not a broken image');
    for (const image of images) assert.ok(image.naturalWidth > 0, `${image.src} was not drawn`);
    await context.close();
  }
  assert.equal(host.hits.get('/cover.jpg'), 1);
});
