// The demo catalogue: feeds shipped in the repository so that a fresh instance with no network shows real pages.
// Feeds are stored under a reserved, never-resolving origin (RFC 2606 `.invalid`); every URL under
// `${DEMO_ORIGIN}/demo-assets/` is served by Earshot itself from demoAssetsDir() at `/demo-assets/`.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { packagePath } from '../package-root.ts';

export const DEMO_ORIGIN = 'http://demo.earshot.invalid';
/** Where the web server mounts demoAssetsDir(). */
export const DEMO_ASSETS_PATH = '/demo-assets';

/** The catalogue's files: `feeds/` and `assets/` beside this module's source, shipped with the package. */
const here = packagePath('src', 'demo');

/** Absolute path of the directory served at `/demo-assets/*`: tones (WAV), cover.png, the transcript. */
export function demoAssetsDir(): string {
  return join(here, 'assets');
}

export interface DemoFeed {
  slug: string;
  /** The URL the feed is stored under (never fetched: the crawler skips DEMO_ORIGIN). */
  url: string;
  body: Uint8Array;
  contentType: string;
  /** Where the feed text comes from and under which licence it is shipped. */
  source: string;
}

const TONES = ['tone-1.wav', 'tone-2.wav', 'tone-3.wav'];

interface DemoSource {
  slug: string;
  file: string;
  source: string;
  /** Extra rewrites after placeholder substitution (e.g. pointing example.com images at the local cover). */
  rewrite?: (xml: string, assetBase: string) => string;
}

const SOURCES: DemoSource[] = [
  {
    slug: 'reference-show',
    file: 'reference-show.xml',
    source: 'the reference show fixture (../shared/fixtures/reference-show), rebuilt from public pages',
  },
  {
    slug: 'podcasting20-example',
    file: 'podcasting20-example.xml',
    source: 'Podcastindex-org/podcast-namespace example.xml (CC0-1.0)',
    rewrite: (xml, assetBase) =>
      xml
        .replace(/https?:\/\/example\.com\/[^"<\s]*\.(?:jpe?g|png|webp)/g, `${assetBase}/cover.png`)
        // The namespace's own CC0 chapters and transcript examples, shipped beside the feed.
        .replace(
          /<podcast:chapters\b[^>]*\/>/g,
          `<podcast:chapters url="${assetBase}/chapters-example.json" type="application/json+chapters"/>`,
        )
        .replace(
          /<podcast:transcript\b[^>]*type="text\/plain"[^>]*\/>/g,
          `<podcast:transcript url="${assetBase}/transcript-example.json" type="application/json" language="en"/>`,
        )
        .replace(
          /<podcast:transcript\b[^>]*type="text\/vtt"[^>]*\/>/g,
          `<podcast:transcript url="${assetBase}/transcript-example.vtt" type="text/vtt" language="en" rel="captions"/>`,
        ),
  },
];

/** True for URLs of the shipped demo feeds: the crawler never polls them. */
export function isDemoUrl(url: string): boolean {
  return url.startsWith(`${DEMO_ORIGIN}/`);
}

export function demoFeeds(): DemoFeed[] {
  const assetBase = `${DEMO_ORIGIN}${DEMO_ASSETS_PATH}`;
  return SOURCES.map((s) => {
    const url = `${DEMO_ORIGIN}/feeds/${s.slug}.xml`;
    let xml = readFileSync(join(here, 'feeds', s.file), 'utf8')
      .replaceAll('{{FEED_URL}}', url)
      .replaceAll('{{ASSET_BASE}}', assetBase);
    xml = s.rewrite?.(xml, assetBase) ?? xml;
    let n = 0;
    // Every enclosure plays a short generated tone (the feeds name mp3 files we cannot ship).
    xml = xml.replace(/<enclosure\b[^>]*>/g, () => {
      const tone = TONES[n++ % TONES.length] ?? 'tone-1.wav';
      const length = statSync(join(demoAssetsDir(), tone)).size;
      return `<enclosure url="${assetBase}/${tone}" length="${length}" type="audio/wav"/>`;
    });
    return {
      slug: s.slug,
      url,
      body: Buffer.from(xml, 'utf8'),
      contentType: 'application/rss+xml',
      source: s.source,
    };
  });
}

/**
 * Turns absolute demo URLs into root-relative ones (`/demo-assets/tone-1.wav`) anywhere in a parsed value,
 * so that the pages work whatever host name the instance is reached by.
 */
export function localiseDemoUrls<T>(value: T): T {
  return mapStrings(value, (s) =>
    s.startsWith(`${DEMO_ORIGIN}${DEMO_ASSETS_PATH}/`) ? s.slice(DEMO_ORIGIN.length) : s,
  );
}

function mapStrings<T>(value: T, f: (s: string) => string): T {
  // Each branch rebuilds a value of the same shape it was given, so the result has type T.
  if (typeof value === 'string') return f(value) as T;
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapStrings(v, f);
    return out as T;
  }
  return value;
}
