// What crawlers and link previews read in a page's head: Open Graph and Twitter card tags, the show's feed as an
// alternate, and schema.org JSON-LD (PodcastSeries / PodcastEpisode).
import { truncate } from './format.ts';
import { html, raw, type SafeHtml } from './html.ts';

/** Crawlers read a summary: a show's full description is already on the page once. */
const LD_DESCRIPTION_CHARS = 500;

export interface SocialMeta {
  /** 'website' for a show, 'article' for an episode (Open Graph has no podcast type). */
  type: 'website' | 'article';
  title: string;
  description?: string;
  /** Absolute URL of the page. */
  url: string;
  siteName: string;
  imageUrl?: string;
  audioUrl?: string;
  audioType?: string;
  /** Absolute URL of an RSS feed anyone may read: only ever a public show's. */
  feedUrl?: string;
  jsonLd?: Record<string, unknown>;
}

const isWeb = (u: string | undefined): u is string => u !== undefined && /^https?:\/\//i.test(u);

/**
 * JSON for a `<script type="application/ld+json">` block. `<`, `>`, `&` and the JS line separators are escaped as
 * `\uXXXX`, so no value (a title with `</script>` in it) can end the block or open a comment.
 */
export function jsonLdText(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export function socialMeta(m: SocialMeta): SafeHtml {
  const image = isWeb(m.imageUrl) ? m.imageUrl : undefined;
  const audio = isWeb(m.audioUrl) ? m.audioUrl : undefined;
  return html`<meta property="og:type" content="${m.type}">
<meta property="og:site_name" content="${m.siteName}">
<meta property="og:title" content="${m.title}">
<meta property="og:url" content="${m.url}">
${m.description ? html`<meta property="og:description" content="${m.description}">` : ''}
${image ? html`<meta property="og:image" content="${image}">` : ''}
${audio ? html`<meta property="og:audio" content="${audio}">` : ''}
${audio && m.audioType ? html`<meta property="og:audio:type" content="${m.audioType}">` : ''}
<meta name="twitter:card" content="${image ? 'summary_large_image' : 'summary'}">
<meta name="twitter:title" content="${m.title}">
${m.description ? html`<meta name="twitter:description" content="${m.description}">` : ''}
${image ? html`<meta name="twitter:image" content="${image}">` : ''}
${m.feedUrl ? html`<link rel="alternate" type="application/rss+xml" title="${m.title}" href="${m.feedUrl}">` : ''}
${m.jsonLd ? html`<script type="application/ld+json">${raw(jsonLdText(m.jsonLd))}</script>` : ''}`;
}

export function podcastSeriesLd(s: {
  title: string;
  url: string;
  description?: string;
  imageUrl?: string;
  author?: string;
  feedUrl?: string;
}): Record<string, unknown> {
  return {
    '@context': 'https://schema.org',
    '@type': 'PodcastSeries',
    name: s.title,
    url: s.url,
    ...(s.description ? { description: truncate(s.description, LD_DESCRIPTION_CHARS) } : {}),
    ...(isWeb(s.imageUrl) ? { image: s.imageUrl } : {}),
    ...(s.author ? { author: { '@type': 'Person', name: s.author } } : {}),
    ...(s.feedUrl ? { webFeed: s.feedUrl } : {}),
  };
}

export function podcastEpisodeLd(e: {
  title: string;
  url: string;
  description?: string;
  imageUrl?: string;
  publishedAt?: string;
  durationSeconds?: number;
  audioUrl?: string;
  audioType?: string;
  series: { title: string; url: string };
}): Record<string, unknown> {
  return {
    '@context': 'https://schema.org',
    '@type': 'PodcastEpisode',
    name: e.title,
    url: e.url,
    ...(e.description ? { description: truncate(e.description, LD_DESCRIPTION_CHARS) } : {}),
    ...(isWeb(e.imageUrl) ? { image: e.imageUrl } : {}),
    ...(e.publishedAt ? { datePublished: e.publishedAt } : {}),
    ...(e.durationSeconds !== undefined ? { timeRequired: `PT${Math.round(e.durationSeconds)}S` } : {}),
    ...(isWeb(e.audioUrl)
      ? {
          associatedMedia: {
            '@type': 'MediaObject',
            contentUrl: e.audioUrl,
            ...(e.audioType ? { encodingFormat: e.audioType } : {}),
          },
        }
      : {}),
    partOfSeries: { '@type': 'PodcastSeries', name: e.series.title, url: e.series.url },
  };
}
