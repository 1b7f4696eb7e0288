// The contract between the streaming core (which tokenises, resolves namespaces by URI and builds one small
// element tree per direct child of <channel>/<feed> or <item>/<entry>) and the one-file-per-namespace handlers
// (itunes.ts, podcast.ts, content.ts, media.ts, psc.ts, …). A new namespace is one new file plus one line in
// the registry. Handlers are pure: they read a RawElement and fill in the builder; they never throw for bad
// values, they report a problem and leave the field absent.

import type { DeferredText } from '../entities.ts';
import type { Enclosure, FeedProblem, ParsedEpisode, ParsedFeed, ProblemCode } from '../types.ts';

/** An XML element with its namespace resolved to a URI (never a prefix). */
export interface RawElement {
  /** Canonical namespace URI (see `canonicalNamespace`), '' for no namespace. */
  ns: string;
  /** Local name as written (case preserved). */
  name: string;
  /** Attributes by local name (prefixes dropped; `xml:base`/`xml:lang` kept under those keys). */
  attrs: Readonly<Record<string, string>>;
  /** Concatenated text content of this element itself (entities decoded, CDATA included), untrimmed. */
  text: string;
  children: RawElement[];
  /** The base URL in force for this element (xml:base resolved against the feed URL). */
  base: string;
  /**
   * The text, not decoded yet: set on an item child its handler reads later (`NamespaceHandler.readLater`) when its
   * decoding can wait. `text` still decodes it when read; a handler that keeps `later` instead decodes only on use.
   */
  readonly later?: DeferredText;
}

export interface HandlerContext {
  /** Resolve a possibly relative URL (also fixes feed://, itpc://, whitespace); undefined if unusable (it reports
   * `bad-url` itself when a non-blank value is unusable). */
  resolveUrl(raw: string | undefined, base: string): string | undefined;
  problem(code: ProblemCode, message: string, episode?: string): void;
  /** The feed-level language, once known (for transcript defaults). */
  readonly feedLanguage: string | undefined;
  /** Per-feed memory of work that repeats on every item; absent = nothing is remembered. */
  readonly repeat?: RepeatCache;
}

/**
 * What earlier items computed from values feeds repeat verbatim across their items (one long keyword list on all 500
 * items, or a handful of lists in turn): an item with the same text reuses the result instead of splitting it again.
 */
export interface RepeatCache {
  /** Keyword lists by their text (at most KEYWORD_LISTS_REMEMBERED of them). */
  readonly keywords: Map<string, readonly string[] | undefined>;
}
/** Mutable builders: handlers set properties on these; the core finalises identity and defaults. */
// Fields below marked "internal" are working values the core reads when it finalises; they never reach the output.
export type FeedBuilder = Omit<ParsedFeed, 'format'> & {
  /** internal: inner markup of RSS <description> / Atom <subtitle>, before htmlToText. */
  descriptionHtml?: string;
  /** internal: inner markup of itunes:summary (fallback for the description). */
  summaryHtml?: string;
  /** internal: plain RSS/Atom <category> names, used when no itunes:category is present. */
  rssCategories?: string[];
};
export type EpisodeBuilder = Omit<ParsedEpisode, 'guid' | 'guidSource'> & {
  /** The raw <guid>/<id> text, before the identity rules are applied by the core. */
  rawGuid?: string;
  /** internal: <guid isPermaLink>, true unless "false". */
  guidIsPermaLink?: boolean;
  /** internal: inner markup of RSS <description> / Atom <summary>, before htmlToText. */
  descriptionHtml?: string;
  /** internal: inner markup of itunes:summary (fallback for the description), decoded once it is needed. */
  summaryHtml?: string | DeferredText;
  /** internal: media:content used when there is no <enclosure>. */
  mediaEnclosure?: Enclosure;
  /** internal: media:thumbnail used when there is no other image. */
  mediaThumbnail?: string;
  /** internal: Atom <updated>, used when there is no <published>. */
  updatedAt?: string;
};

export interface NamespaceHandler {
  /** Canonical namespace URIs this handler owns. */
  readonly namespaces: readonly string[];
  /** A direct child of <channel> (RSS/RDF) or <feed> (Atom). */
  channel?(el: RawElement, feed: FeedBuilder, ctx: HandlerContext): void;
  /** A direct child of <item> (RSS/RDF), <entry> (Atom) or podcast:liveItem. */
  item?(el: RawElement, episode: EpisodeBuilder, ctx: HandlerContext): void;
  /**
   * Local names of item children whose text `item` keeps as `el.later` (decoded only if used) rather than reading
   * `el.text`: text that is often never needed, so its decoding is not paid for on every item.
   */
  readonly readLater?: ReadonlySet<string>;
}

export type { FeedProblem };

/** Well-known namespace URIs in canonical form. */
export const NS = {
  none: '',
  itunes: 'http://www.itunes.com/dtds/podcast-1.0.dtd',
  podcast: 'https://podcastindex.org/namespace/1.0',
  content: 'http://purl.org/rss/1.0/modules/content/',
  atom: 'http://www.w3.org/2005/Atom',
  media: 'http://search.yahoo.com/mrss/',
  psc: 'http://podlove.org/simple-chapters',
  dc: 'http://purl.org/dc/elements/1.1/',
  dcterms: 'http://purl.org/dc/terms/',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rss1: 'http://purl.org/rss/1.0/',
  googleplay: 'http://www.google.com/schemas/play-podcasts/1.0',
  xml: 'http://www.w3.org/XML/1998/namespace',
} as const;

/**
 * Namespace URIs are matched by URI, not prefix, but real feeds spell them loosely: https for http, a trailing
 * slash or not, different case, and the old GitHub URL of the podcast namespace. Map each to one canonical form.
 */
export function canonicalNamespace(uri: string): string {
  const u = uri.trim();
  const key = u
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/\/+$/, '');
  switch (key) {
    case 'www.itunes.com/dtds/podcast-1.0.dtd':
    case 'itunes.com/dtds/podcast-1.0.dtd':
    case 'www.itunes.com/dtd/podcast-1.0.dtd':
      return NS.itunes;
    case 'podcastindex.org/namespace/1.0':
    case 'github.com/podcastindex-org/podcast-namespace/blob/main/docs/1.0.md':
      return NS.podcast;
    case 'purl.org/rss/1.0/modules/content':
      return NS.content;
    case 'www.w3.org/2005/atom':
    case 'purl.org/atom/ns#': // Atom 0.3: close enough to read the same way
      return NS.atom;
    case 'backend.userland.com/rss2': // RSS 2.0 in the old UserLand namespace
    case 'backend.userland.com/rss':
    case 'blogs.law.harvard.edu/tech/rss':
      return NS.none;
    case 'search.yahoo.com/mrss':
    case 'video.search.yahoo.com/mrss':
      return NS.media;
    case 'podlove.org/simple-chapters':
      return NS.psc;
    case 'purl.org/dc/elements/1.1':
      return NS.dc;
    case 'purl.org/dc/terms':
      return NS.dcterms;
    case 'purl.org/rss/1.0':
      return NS.rss1;
    case 'www.google.com/schemas/play-podcasts/1.0':
      return NS.googleplay;
    default:
      if (key.startsWith('github.com/podcastindex-org/podcast-namespace')) return NS.podcast;
      return u;
  }
}
