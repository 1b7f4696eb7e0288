// Test helpers for the web server: a real SQLite store in memory with the listener tables, feeds ingested through
// the real refresh path, and a cookie-keeping client over Fastify's in-process inject().
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createFetcher } from '../../src/feed/fetch/index.ts';
import { ingestFeedBody } from '../../src/feed/refresh/refresh.ts';
import { createServer, type ServerDeps } from '../../src/http/server.ts';
import { createMediaTextService } from '../../src/services/media-text.ts';
import type { Store } from '../../src/store/index.ts';
import type { ListenerStore } from '../../src/store/listener-ports.ts';
import { freshMemoryStore } from './sqlite-image.ts';

export const REFERENCE_DIR = resolve(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'shared',
  'fixtures',
  'reference-show',
);
export const NO_REFERENCE = existsSync(join(REFERENCE_DIR, 'feed.xml'))
  ? undefined
  : 'the reference show fixture (../shared/fixtures/reference-show) is absent; skipping';
export const ASSET_BASE = 'https://assets.example/reference';

export interface TestApp {
  app: FastifyInstance;
  store: Store;
  listeners: ListenerStore;
  close(): Promise<void>;
}

/**
 * A server over a fresh in-memory store. Transcripts and chapters come through the real chain — the crawler's
 * fetcher (SSRF guard on, except for `allowOrigins`: the test's own loopback hosts) and the media-text service.
 */
export async function openTestApp(
  extra: Partial<ServerDeps> = {},
  options: {
    allowOrigins?: string[] /** The anonymous page micro-cache (0: off). */;
    pageCacheMs?: number;
  } = {},
): Promise<TestApp> {
  const store = await freshMemoryStore();
  const listeners = store.listeners;
  const fetcher = createFetcher({ userAgent: 'Earshot-test/1.0', allowOrigins: options.allowOrigins ?? [] });
  const app = await createServer({
    store,
    mediaText: createMediaTextService({ fetcher, store, now: () => new Date() }),
    config: {
      siteName: 'Earshot',
      publicUrl: 'https://pods.example',
      newsUrl: 'https://news.example/',
      advertiseUrl: 'mailto:ads@pods.example',
      social: [{ label: 'Mastodon', url: 'https://social.example/@earshot' }],
      ...(options.pageCacheMs === undefined ? {} : { pageCacheMs: options.pageCacheMs }),
    },
    ...extra,
  });
  return {
    app,
    store,
    listeners,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

/** Stores a feed body through the crawler's own ingest path; returns the show id. */
export async function ingest(
  store: Store,
  url: string,
  body: string,
  now = new Date('2024-02-01T00:00:00Z'),
): Promise<number> {
  const { feed } = await store.feeds.add(url, now);
  await store.transaction((tx) =>
    ingestFeedBody(tx, feed.id, [new TextEncoder().encode(body)], { url, now }),
  );
  const show = await store.shows.getByFeed(feed.id);
  if (!show) throw new Error(`ingest stored no show for ${url}`);
  return show.id;
}

/** A fixture of the web server's tests (src/http/testdata). */
export function testdata(name: string): string {
  return readFileSync(join(import.meta.dirname, '../../src/http/testdata', name), 'utf8');
}

export function referenceFeed(feedUrl: string, assetBase = ASSET_BASE): string {
  return readFileSync(join(REFERENCE_DIR, 'feed.xml'), 'utf8')
    .replaceAll('{{FEED_URL}}', feedUrl)
    .replaceAll('{{ASSET_BASE}}', assetBase);
}

/** A browser-like client: keeps cookies, sends the CSRF token it was given. */
export class Client {
  readonly cookies = new Map<string, string>();
  constructor(readonly app: FastifyInstance) {}

  get csrf(): string {
    return this.cookies.get('earshot_csrf') ?? '';
  }

  #remember(res: LightMyRequestResponse): LightMyRequestResponse {
    for (const c of res.cookies) {
      if (c.maxAge === 0 || c.value === '') this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }

  #cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.#remember(
      await this.app.inject({
        method: 'GET',
        url,
        headers: { accept: 'text/html', cookie: this.#cookieHeader(), ...headers },
      }),
    );
  }

  /** A form POST with the CSRF token (unless `csrf: false`). */
  async post(
    url: string,
    form: Record<string, string> = {},
    options: { csrf?: boolean; headers?: Record<string, string> } = {},
  ): Promise<LightMyRequestResponse> {
    if (!this.cookies.has('earshot_csrf')) await this.get('/');
    const body = new URLSearchParams({
      ...(options.csrf === false ? {} : { _csrf: this.csrf }),
      ...form,
    }).toString();
    return this.#remember(
      await this.app.inject({
        method: 'POST',
        url,
        payload: body,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'text/html',
          cookie: this.#cookieHeader(),
          ...options.headers,
        },
      }),
    );
  }

  async json(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
    options: { csrf?: boolean } = {},
  ): Promise<LightMyRequestResponse> {
    if (!this.cookies.has('earshot_csrf')) await this.get('/');
    return this.#remember(
      await this.app.inject({
        method,
        url,
        headers: {
          accept: 'application/json',
          cookie: this.#cookieHeader(),
          ...(options.csrf === false ? {} : { 'x-csrf-token': this.csrf }),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      }),
    );
  }

  async signUp(name: string, password = 'correct horse battery'): Promise<LightMyRequestResponse> {
    return this.post('/signup', { name, password });
  }
}

/** A test app with the serial-show fixture ingested as one show: its id and its episodes' ids, oldest first. */
export async function openSerialShowApp(): Promise<{ t: TestApp; showId: number; episodeIds: number[] }> {
  const t = await openTestApp();
  const showId = await ingest(t.store, 'https://lighthouse.example/feed.xml', testdata('serial-show.xml'));
  const page = await t.store.episodes.listForShow(showId, { order: 'oldest' });
  return { t, showId, episodeIds: page.items.map((e) => e.id) };
}
