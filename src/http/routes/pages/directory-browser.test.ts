// "Find podcasts" in Debian's Chromium: a listener searches the directories (replayed by a loopback server) and follows
// a result in one click; axe finds no serious or critical violation on the page. Skips when Chromium is absent.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { ARTIFACTS, axeCheck, launchChromium, SKIP_NO_CHROMIUM } from '../../../../test/support/browser.ts';
import {
  type DirectoryServer,
  startDirectoryServer,
  TEST_PI_KEY,
  TEST_PI_SECRET,
} from '../../../../test/support/directory-server.ts';
import { Client, openTestApp } from '../../../../test/support/web-app.ts';
import { appleSearchProvider, createDirectory, podcastIndexProvider } from '../../../directory/index.ts';
import { createFetcher, type Fetcher } from '../../../feed/fetch/index.ts';
import { createSyncService } from '../../../services/sync-service.ts';
import type { Store } from '../../../store/index.ts';
import { createServer } from '../../server.ts';

describe('find podcasts in Chromium', { skip: SKIP_NO_CHROMIUM ?? false }, () => {
  let stub: DirectoryServer;
  let fetcher: Fetcher;
  let store: Store;
  let server: Awaited<ReturnType<typeof createServer>>;
  let browser: Browser;
  let origin: string;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    stub = await startDirectoryServer();
    fetcher = createFetcher({ userAgent: 'Earshot-test/1.0', allowOrigins: [stub.server.origin] });
    const t = await openTestApp();
    await t.app.close();
    store = t.store;
    const sync = createSyncService({
      store,
      repo: store.sync,
      users: store.listeners.users,
      library: store.listeners.library,
    });
    const directory = createDirectory([
      podcastIndexProvider({
        fetcher,
        key: TEST_PI_KEY,
        secret: TEST_PI_SECRET,
        baseUrl: stub.podcastIndexUrl,
      }),
      appleSearchProvider({ fetcher, baseUrl: stub.appleUrl }),
    ]);
    server = await createServer({ store, sync, directory, config: { siteName: 'Earshot' } });
    // The first account is the administrator; the browser signs up a listener.
    await new Client(server).signUp('boss');
    origin = await server.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await store?.close();
    await fetcher?.close();
    await stub?.close();
  });

  test('search the directories and follow a result in one click', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Generous: many sessions share two cores; these waits are for events, never speed assertions.
    context.setDefaultTimeout(90_000);
    // Only loopback: the directories' artwork URLs point at their CDNs, which a test never reaches.
    await context.route(
      (url) => url.hostname !== '127.0.0.1',
      (route) => route.abort(),
    );
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));

    await page.goto(`${origin}/signup`);
    await page.fill('#name', 'olga');
    await page.fill('#password', 'correct horse battery');
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByRole('link', { name: 'Find podcasts' }).click();
    await page.waitForURL(/\/directory$/);
    await page.getByLabel('Search Podcast Index and Apple Podcasts').fill('history');
    await page.getByLabel('Search Podcast Index and Apple Podcasts').press('Enter');
    await page.getByRole('heading', { name: '4 shows found' }).waitFor();
    await axeCheck(page, 'directory results');

    await page.getByRole('button', { name: 'Follow The Rest Is History' }).click();
    await page.getByText('You follow it now').waitFor();
    const item = page.getByRole('listitem').filter({ hasText: 'The Rest Is History' });
    await item.getByText('✓ Following').waitFor();
    assert.equal(await item.getByRole('button', { name: /Follow/ }).count(), 0);
    await page.screenshot({ path: join(ARTIFACTS, 'directory.png'), fullPage: true });
    await axeCheck(page, 'directory after following');

    // The listener's "Add podcasts" page (follow by URL, OPML upload, what was added lately) passes axe too.
    await page.goto(`${origin}/library/add`);
    await page.getByRole('heading', { name: 'Add podcasts' }).waitFor();
    await axeCheck(page, 'add podcasts');

    const feed = await store.feeds.findByUrl('https://feeds.megaphone.fm/GLT4787413333');
    assert.equal(feed?.isPublic, false);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
