// The cover endpoint end to end, in process: feeds whose artwork lives on a loopback image host, pages that point
// at /images/…, and what a browser gets back (sizes, headers, fallbacks), with the host's request counts as proof
// that a source is fetched once.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import {
  type ImageHost,
  jpegOf,
  pngClaiming,
  pngOf,
  serveImages,
} from '../../../test/support/image-server.ts';
import { Client, ingest, openTestApp, type TestApp } from '../../../test/support/web-app.ts';
import { demoAssetsDir } from '../../demo/catalogue.ts';
import { loadDemoIfEmpty } from '../../demo/load.ts';
import { COVER_WIDTHS } from '../../domain/cover.ts';
import { createFetcher } from '../../feed/fetch/index.ts';
import { type CoverCache, memoryCoverCache, openDiskCoverCache } from '../../images/cache.ts';
import { renderCoverWidths } from '../../images/render.ts';
import { coverKey, createCoverImages } from '../../services/cover-images.ts';

let host: ImageHost;
/** A second loopback host the fetcher is NOT allowed to reach: the SSRF guard must refuse it. */
let privateHost: ImageHost;

before(async () => {
  const [big, png, bomb] = await Promise.all([jpegOf(3000), pngOf(800), pngClaiming(30_000, 30_000)]);
  host = await serveImages({
    '/big.jpg': { type: 'image/jpeg', body: big },
    '/small.png': { type: 'image/png', body: png },
    '/slow.jpg': { type: 'image/jpeg', body: big, delayMs: 300 },
    '/held.png': { type: 'image/png', body: png, delayMs: 3000 },
    '/untyped.png': { type: 'application/octet-stream', body: png },
    '/huge.jpg': { type: 'image/jpeg', body: Buffer.alloc(11 * 1024 * 1024, 0xff) },
    '/bomb.png': { type: 'image/png', body: bomb },
    '/page.html': {
      type: 'text/html; charset=utf-8',
      body: Buffer.from('<!doctype html><p>Parked domain</p>'),
    },
    '/lies.jpg': { type: 'image/jpeg', body: Buffer.from('this is not a JPEG at all') },
  });
  privateHost = await serveImages({ '/cover.png': { type: 'image/png', body: png } });
});

after(async () => {
  await host.close();
  await privateHost.close();
});

const feedWith = (title: string, image?: string, items = '') => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
  <channel>
    <title>${title}</title>
    <description>About ${title}.</description>
    ${image === undefined ? '' : `<itunes:image href="${image}"/>`}
    <item><title>${title} one</title><guid>${title}-1</guid></item>
    ${items}
  </channel>
</rss>`;

let apps = 0;

interface ImageApp {
  t: TestApp;
  client: Client;
  /** The image host's `file` as this app's own URL (a query of its own, so request counts are per test). */
  src(file: string): string;
  /** How often this app's URL of `file` was requested. */
  fetched(file: string): number;
  /** Ingests a show whose artwork is `image`; returns its id. */
  show(title: string, image?: string, items?: string): Promise<number>;
  close(): Promise<void>;
}

/** The production configuration's fetcher (SSRF guard on) with only the image host exempt, like a public host. */
async function openImageApp(
  options: { cache?: CoverCache; readLocal?: boolean; concurrency?: number; maxWaiting?: number } = {},
): Promise<ImageApp> {
  const fetcher = createFetcher({ userAgent: 'Earshot-test/1.0', allowOrigins: [host.base] });
  const coverImages = createCoverImages({
    fetcher,
    cache: options.cache ?? memoryCoverCache(64 * 1024 * 1024),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.maxWaiting === undefined ? {} : { maxWaiting: options.maxWaiting }),
    ...(options.readLocal
      ? {
          readLocal: async (url: string) =>
            url === '/demo-assets/cover.png'
              ? { body: await readFile(join(demoAssetsDir(), 'cover.png')), contentType: 'image/png' }
              : undefined,
        }
      : {}),
  });
  const t = await openTestApp({ coverImages });
  let n = 0;
  const tag = `app=${++apps}`;
  return {
    t,
    client: new Client(t.app),
    src: (file) => `${host.base}${file}?${tag}`,
    fetched: (file) => host.hits.get(`${file}?${tag}`) ?? 0,
    show: (title, image, items) =>
      ingest(t.store, `https://feeds.example/${++n}.xml`, feedWith(title, image, items)),
    close: async () => {
      await t.close();
      await fetcher.close();
    },
  };
}

/** The show page's header cover: its `src` and `srcset` paths. */
async function headerCover(client: Client, showId: number): Promise<{ tag: string; path: string }> {
  const page = await client.get(`/shows/${showId}`);
  assert.equal(page.statusCode, 200);
  const tag = /<img class="art art-large"[^>]*>/.exec(page.body)?.[0];
  assert.ok(tag, 'the show page has a header cover');
  const path = /src="(\/images\/show\/\d+\/[0-9a-f]{12})\/\d+\.webp"/.exec(tag)?.[1];
  assert.ok(path, `the header cover comes from the image endpoint: ${tag}`);
  return { tag, path };
}

async function dimensions(body: Buffer): Promise<{ format: string; width: number; height: number }> {
  const m = await sharp(body).metadata();
  return { format: m.format, width: m.width, height: m.height };
}

describe('cover endpoint', () => {
  test('a 3000 px cover is served at each width as WebP, fetched from its publisher once', async () => {
    const app = await openImageApp();
    try {
      const id = await app.show('Big Cover Show', app.src('/big.jpg'));
      const { path } = await headerCover(app.client, id);
      for (const width of COVER_WIDTHS) {
        const res = await app.client.get(`${path}/${width}.webp`);
        assert.equal(res.statusCode, 200);
        assert.equal(res.headers['content-type'], 'image/webp');
        assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
        assert.deepEqual(await dimensions(res.rawPayload), { format: 'webp', width, height: width });
        assert.ok(res.rawPayload.length < 100_000, `${width} px is ${res.rawPayload.length} bytes`);
      }
      // Asked again (every width): all from the cache.
      for (const width of COVER_WIDTHS) {
        assert.equal((await app.client.get(`${path}/${width}.webp`)).statusCode, 200);
      }
      assert.equal(app.fetched('/big.jpg'), 1);
    } finally {
      await app.close();
    }
  });

  test('only the fixed widths, kinds and versions exist: anything else is a 404', async () => {
    const app = await openImageApp();
    try {
      const id = await app.show('Width Show', app.src('/small.png'));
      const { path } = await headerCover(app.client, id);
      const version = path.split('/').pop() ?? '';
      for (const url of [
        `${path}/100.webp`,
        `${path}/3000.webp`,
        `${path}/160.png`,
        `${path}/0160.webp`,
        `/images/podcast/${id}/${version}/160.webp`,
        `/images/show/${id}/not-a-version/160.webp`,
        `/images/show/999999/${version}/160.webp`,
        `/images/show/abc/${version}/160.webp`,
      ]) {
        assert.equal((await app.client.get(url)).statusCode, 404, url);
      }
      assert.equal(app.fetched('/small.png'), 0, 'no 404 fetched anything');
    } finally {
      await app.close();
    }
  });

  test('concurrent requests for an uncached cover share one fetch and one resize', async () => {
    const app = await openImageApp();
    try {
      const id = await app.show('Busy Show', app.src('/slow.jpg'));
      const { path } = await headerCover(app.client, id);
      const widths = [...COVER_WIDTHS, ...COVER_WIDTHS, 160, 320];
      const answers = await Promise.all(widths.map((w) => app.client.get(`${path}/${w}.webp`)));
      for (const [i, res] of answers.entries()) {
        assert.equal(res.statusCode, 200);
        assert.equal((await dimensions(res.rawPayload)).width, widths[i]);
      }
      assert.equal(app.fetched('/slow.jpg'), 1);
    } finally {
      await app.close();
    }
  });

  test('a source served as application/octet-stream is still decoded when it is an image', async () => {
    const app = await openImageApp();
    try {
      const id = await app.show('Untyped Show', app.src('/untyped.png'));
      const { path } = await headerCover(app.client, id);
      const res = await app.client.get(`${path}/640.webp`);
      assert.equal(res.headers['content-type'], 'image/webp');
      // Never enlarged: the 800 px source gives 640; a smaller one would stay its own size.
      assert.equal((await dimensions(res.rawPayload)).width, 640);
    } finally {
      await app.close();
    }
  });

  for (const [name, file] of [
    ['more than 10 MB', '/huge.jpg'],
    ['a decompression bomb (30000×30000 claimed)', '/bomb.png'],
    ['an HTML page', '/page.html'],
    ['bytes that are not an image, labelled image/jpeg', '/lies.jpg'],
    ['a 404', '/gone.jpg'],
  ] as const) {
    test(`a source that is ${name} gets the initials fallback, briefly cached, and is not fetched again at once`, async () => {
      const app = await openImageApp();
      try {
        const id = await app.show('Failing Feed Show', app.src(file));
        const { path } = await headerCover(app.client, id);
        for (const width of [160, 320]) {
          const res = await app.client.get(`${path}/${width}.webp`);
          assert.equal(res.statusCode, 200);
          assert.equal(res.headers['content-type'], 'image/svg+xml');
          assert.equal(res.headers['cache-control'], 'public, max-age=600');
          assert.match(res.body, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="(\d+)"/);
          assert.match(res.body, new RegExp(`width="${width}" height="${width}"`));
          assert.match(res.body, />FF<\/text><\/svg>$/, 'the initials of Failing Feed');
          assert.doesNotMatch(res.body, /<script|href=/);
          // The rasterised fallback is a real picture of the requested size.
          assert.equal((await dimensions(res.rawPayload)).width, width);
        }
        assert.equal(app.fetched(file), 1, 'the failure is remembered');
      } finally {
        await app.close();
      }
    });
  }

  test('an image on a private address is refused by the SSRF guard: fallback, and the host is never reached', async () => {
    const app = await openImageApp();
    try {
      for (const url of [
        `${privateHost.base}/cover.png`,
        'http://169.254.169.254/latest/meta-data/cover.png',
      ]) {
        const id = await app.show('Sneaky Show', url);
        const { path } = await headerCover(app.client, id);
        const res = await app.client.get(`${path}/160.webp`);
        assert.equal(res.statusCode, 200);
        assert.equal(res.headers['content-type'], 'image/svg+xml');
        assert.match(res.body, />SS<\/text>/);
      }
      assert.equal(privateHost.hits.size, 0);
    } finally {
      await app.close();
    }
  });

  test('a show without artwork gets its initials, cached as long as an image (a new image changes the URL)', async () => {
    const app = await openImageApp();
    try {
      const id = await app.show('the Quiet Hour');
      const { path } = await headerCover(app.client, id);
      const res = await app.client.get(`${path}/96.webp`);
      assert.equal(res.headers['content-type'], 'image/svg+xml');
      assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.match(res.body, />QH<\/text>/);
      assert.match(res.body, /fill="hsl\(\d+ 55% 30%\)"/);
    } finally {
      await app.close();
    }
  });

  test('a private show’s cover is a 404 to others and private to those who may see it', async () => {
    const app = await openImageApp();
    try {
      const id = await app.show('Secret Show', app.src('/small.png'));
      const { path } = await headerCover(app.client, id);
      const show = await app.t.store.shows.get(id);
      assert.ok(show);
      await app.t.store.feeds.setVisibility(show.feedId, 'private');
      const anonymous = await new Client(app.t.app).get(`${path}/160.webp`);
      assert.equal(anonymous.statusCode, 404);
      assert.notEqual(anonymous.headers['content-type'], 'image/webp');
      const [episode] = (await app.t.store.episodes.listForShow(id)).items;
      assert.ok(episode);
      const follower = new Client(app.t.app);
      await follower.signUp('fern');
      const user = await app.t.listeners.users.findByName('fern');
      assert.ok(user);
      await app.t.listeners.library.follow(user.id, show.feedId, new Date());
      const mine = await follower.get(`${path}/160.webp`);
      assert.equal(mine.statusCode, 200);
      assert.equal(mine.headers['content-type'], 'image/webp');
      assert.equal(mine.headers['cache-control'], 'private, max-age=31536000, immutable');
      assert.equal(app.fetched('/small.png'), 1, 'the 404 fetched nothing');
      // The episode path of the same private show is a 404 too.
      const episodeCover = `/images/episode/${episode.id}/${path.split('/').pop()}/160.webp`;
      assert.equal((await new Client(app.t.app).get(episodeCover)).statusCode, 404);
    } finally {
      await app.close();
    }
  });

  test('ETag and If-None-Match answer 304; a stale version gets today’s cover, briefly cached', async () => {
    const app = await openImageApp();
    try {
      const id = await app.show('Tagged Show', app.src('/small.png'));
      const { path } = await headerCover(app.client, id);
      const first = await app.client.get(`${path}/320.webp`);
      const etag = String(first.headers.etag);
      assert.match(etag, /^"[\w-]{22}"$/);
      const again = await app.client.get(`${path}/320.webp`, { 'if-none-match': etag });
      assert.equal(again.statusCode, 304);
      assert.equal(again.rawPayload.length, 0);
      assert.equal(again.headers.etag, etag);
      assert.equal(again.headers['cache-control'], 'public, max-age=31536000, immutable');
      const other = await app.client.get(`${path}/320.webp`, { 'if-none-match': '"something-else"' });
      assert.equal(other.statusCode, 200);

      const stale = path.replace(/[0-9a-f]{12}$/, '000000000000');
      const old = await app.client.get(`${stale}/320.webp`);
      assert.equal(old.statusCode, 200);
      assert.equal(old.headers['content-type'], 'image/webp');
      assert.equal(old.headers['cache-control'], 'public, max-age=300');
    } finally {
      await app.close();
    }
  });

  test('the demo catalogue’s local cover is served through the endpoint', async () => {
    const app = await openImageApp({ readLocal: true });
    try {
      await loadDemoIfEmpty(app.t.store, new Date());
      let id = 0;
      for (let n = 1; n < 10 && id === 0; n++) {
        if ((await app.t.store.shows.get(n))?.imageUrl === '/demo-assets/cover.png') id = n;
      }
      assert.ok(id > 0, 'the demo has a show with the local cover');
      const { path } = await headerCover(app.client, id);
      const res = await app.client.get(`${path}/160.webp`);
      assert.equal(res.headers['content-type'], 'image/webp');
      assert.equal((await dimensions(res.rawPayload)).width, 160);
    } finally {
      await app.close();
    }
  });
});

describe('people and load', () => {
  test('a podcast:person picture is served through the endpoint, and 404 where only a private show credits them', async () => {
    const app = await openImageApp();
    try {
      const person = `<podcast:person role="host" img="${app.src('/small.png')}" href="https://ines.example/">Inès Harbour</podcast:person>`;
      const feed = feedWith('Person Show', app.src('/big.jpg')).replace(
        '<rss version="2.0"',
        '<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0"',
      );
      const id = await ingest(
        app.t.store,
        'https://feeds.example/person.xml',
        feed.replace('<item>', `${person}<item>`),
      );
      const page = await app.client.get(`/shows/${id}`);
      const avatar = /<img class="avatar"[^>]*>/.exec(page.body)?.[0] ?? '';
      assert.match(avatar, /src="\/images\/person\/\d+\/[0-9a-f]{12}\/96\.webp"/);
      assert.match(avatar, /width="48" height="48" loading="lazy"/);
      const path = /src="([^"]+)\/96\.webp"/.exec(avatar)?.[1] ?? '';
      const res = await app.client.get(`${path}/96.webp`);
      assert.equal(res.headers['content-type'], 'image/webp');
      assert.equal((await dimensions(res.rawPayload)).width, 96);

      const show = await app.t.store.shows.get(id);
      assert.ok(show);
      await app.t.store.feeds.setVisibility(show.feedId, 'private');
      assert.equal((await new Client(app.t.app).get(`${path}/160.webp`)).statusCode, 404);
    } finally {
      await app.close();
    }
  });

  test('past the per-process limit a cover is answered at once with initials that no one keeps', async () => {
    const app = await openImageApp({ concurrency: 1, maxWaiting: 0 });
    try {
      const first = await app.show('First Slow Show', app.src('/held.png'));
      const second = await app.show('Second Show', app.src('/big.jpg'));
      const a = (await headerCover(app.client, first)).path;
      const b = (await headerCover(app.client, second)).path;
      const slowRequest = app.client.get(`${a}/160.webp`);
      // Asked once the slow source's work holds the only slot (its host has the request).
      while (app.fetched('/held.png') === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      const turnedAway = await app.client.get(`${b}/160.webp`);
      const slow = await slowRequest;
      assert.equal(slow.headers['content-type'], 'image/webp');
      assert.equal(turnedAway.statusCode, 200);
      assert.equal(turnedAway.headers['content-type'], 'image/svg+xml');
      assert.equal(turnedAway.headers['cache-control'], 'no-store');
      assert.equal(app.fetched('/big.jpg'), 0);
      // Once the work is done the same cover is rendered (a busy answer is not remembered as a failure).
      assert.equal((await app.client.get(`${b}/160.webp`)).headers['content-type'], 'image/webp');
    } finally {
      await app.close();
    }
  });
});

describe('cover markup', () => {
  test('every cover is an endpoint srcset with its box size; only the header cover is eager and high priority', async () => {
    const app = await openImageApp();
    try {
      const episodeArt = `<item><title>Own art</title><guid>own</guid><itunes:image href="${app.src('/small.png')}"/><enclosure url="https://audio.example/own.mp3" type="audio/mpeg" length="1000"/></item>`;
      const id = await app.show('Marked Up Show', app.src('/big.jpg'), episodeArt);
      await app.show('Neighbour Show', app.src('/small.png'));
      for (const url of [`/shows/${id}`, '/']) {
        const page = await app.client.get(url);
        const imgs = page.body.match(/<img\b[^>]*>/g) ?? [];
        assert.ok(imgs.length > 0, url);
        for (const img of imgs) {
          assert.match(img, /\bsrc="\/images\/(show|episode|person)\/\d+\/[0-9a-f]{12}\/\d+\.webp"/, img);
          const srcset = /srcset="([^"]+)"/.exec(img)?.[1] ?? '';
          assert.deepEqual(
            srcset.split(', ').map((c) => c.split(' ')[1]),
            COVER_WIDTHS.map((w) => `${w}w`),
            img,
          );
          assert.match(img, /\bsizes="[^"]+"/);
          assert.match(img, /\bwidth="(\d+)" height="\1"/);
          assert.doesNotMatch(img, new RegExp(host.base.replace(/\./g, '\\.')));
        }
        const eager = imgs.filter((i) => !/loading="lazy"/.test(i));
        if (url === '/') assert.deepEqual(eager, [], 'no cover is above the fold on the home page');
        else {
          assert.equal(eager.length, 1);
          assert.match(eager[0] ?? '', /class="art art-large"[^>]*fetchpriority="high"/);
        }
      }
      const [own] = (await app.t.store.episodes.listForShow(id)).items.filter((e) => e.title === 'Own art');
      assert.ok(own);
      const episodePage = await app.client.get(`/episodes/${own.id}`);
      const header = /<img class="art art-large"[^>]*>/.exec(episodePage.body)?.[0] ?? '';
      assert.match(header, new RegExp(`src="/images/episode/${own.id}/[0-9a-f]{12}/320\\.webp"`));
      assert.match(header, /fetchpriority="high"/);
      const path = /src="([^"]+)\/320\.webp"/.exec(header)?.[1] ?? '';
      const res = await app.client.get(`${path}/160.webp`);
      assert.equal(res.headers['content-type'], 'image/webp');
      // The play button hands the player a rendition, not the publisher's file.
      assert.match(episodePage.body, /data-art="\/images\/episode\/\d+\/[0-9a-f]{12}\/320\.webp"/);
    } finally {
      await app.close();
    }
  });
});

describe('cover cache', () => {
  test('renditions on disk survive a restart, and the total stays under its bound by evicting the oldest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'earshot-covers-'));
    try {
      const first = await openImageApp({ cache: await openDiskCoverCache(dir, 10 * 1024 * 1024) });
      const kept = `${host.base}/small.png?disk`;
      const id = await first.show('Kept Show', kept);
      const { path } = await headerCover(first.client, id);
      assert.equal((await first.client.get(`${path}/160.webp`)).headers['content-type'], 'image/webp');
      await first.close();
      const fetched = host.hits.get('/small.png?disk');
      assert.equal(fetched, 1);

      const cache = await openDiskCoverCache(dir, 10 * 1024 * 1024);
      const second = await openImageApp({ cache });
      const again = await second.show('Kept Show', kept);
      const { path: path2 } = await headerCover(second.client, again);
      assert.equal((await second.client.get(`${path2}/640.webp`)).headers['content-type'], 'image/webp');
      assert.equal(host.hits.get('/small.png?disk'), fetched, 'served from disk, not fetched again');
      await second.close();

      // A bound smaller than two sources' renditions keeps only the latest.
      const one = cache.size();
      const tight = await openDiskCoverCache(dir, one + 1);
      const third = await openImageApp({ cache: tight });
      const other = await third.show('Newer Show', `${host.base}/big.jpg?disk`);
      const { path: path3 } = await headerCover(third.client, other);
      assert.equal((await third.client.get(`${path3}/96.webp`)).headers['content-type'], 'image/webp');
      const key = coverKey(kept);
      const oldFile = join(dir, key.slice(0, 2), `${key}.160.webp`);
      assert.equal(existsSync(oldFile), false, 'the older source was evicted');
      const reopened = await openDiskCoverCache(dir, 10 * 1024 * 1024);
      assert.equal(reopened.size(), tight.size());
      assert.ok(tight.size() > 0);
      await third.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('the pixel bound is checked before decoding', async () => {
    await assert.rejects(renderCoverWidths(await pngClaiming(30_000, 30_000)), { code: 'too-many-pixels' });
    await assert.rejects(renderCoverWidths(await pngOf(2000), { maxPixels: 1_000_000 }), {
      code: 'too-many-pixels',
    });
    const ok = await renderCoverWidths(await pngOf(300));
    assert.deepEqual([...ok.keys()], [...COVER_WIDTHS]);
    // Never enlarged.
    assert.equal((await dimensions(ok.get(640) ?? Buffer.alloc(0))).width, 300);
  });
});
