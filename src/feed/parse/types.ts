// The parser's output model: what `parseFeed` returns and `earshot parse` prints as JSON.
// Absent values are absent (optional properties), never '', 0 or null placeholders.
// Names are camelCase; dates are ISO 8601 UTC strings; durations and times are seconds.

// Problems are the domain's vocabulary (the store keeps them, the health pages list them): the parser reports in it.
import type { FeedProblem } from '../../domain/feed-problem.ts';

export type { FeedProblem, ProblemCode } from '../../domain/feed-problem.ts';

export type FeedFormat = 'rss' | 'atom' | 'rdf';
export type FeedType = 'episodic' | 'serial';
export type EpisodeType = 'full' | 'trailer' | 'bonus';

export interface Category {
  name: string;
  subcategories?: string[];
}

export interface Person {
  name: string;
  /** Lowercased role from the podcast taxonomy; the namespace default is 'host'. */
  role: string;
  /** Lowercased group from the podcast taxonomy; the namespace default is 'cast'. */
  group: string;
  img?: string;
  href?: string;
}

export interface Funding {
  url: string;
  label?: string;
}

export interface SocialInteract {
  protocol: string;
  uri?: string;
  accountId?: string;
  accountUrl?: string;
  priority?: number;
}

export interface RemoteItem {
  feedGuid: string;
  feedUrl?: string;
  itemGuid?: string;
  medium?: string;
  title?: string;
}

export interface Location {
  name: string;
  rel?: string;
  geo?: string;
  osm?: string;
  country?: string;
}

export interface License {
  /** Slug from licenses.json, or free text. */
  name: string;
  url?: string;
}

export interface UpdateFrequency {
  text?: string;
  rrule?: string;
  dtstart?: string;
  complete?: boolean;
}

export interface Trailer {
  title: string;
  url: string;
  pubdate?: string;
  length?: number;
  type?: string;
  season?: number;
}

export interface ValueRecipient {
  name?: string;
  type: string;
  address: string;
  split: number;
  customKey?: string;
  customValue?: string;
  fee?: boolean;
}

export interface ValueTimeSplit {
  startTime: number;
  duration: number;
  remoteStartTime?: number;
  remotePercentage?: number;
  remoteItem?: RemoteItem;
  recipients?: ValueRecipient[];
}

export interface Value {
  type: string;
  method: string;
  suggested?: string;
  recipients: ValueRecipient[];
  timeSplits?: ValueTimeSplit[];
}

export interface Txt {
  text: string;
  purpose?: string;
}

export interface Enclosure {
  url: string;
  /** MIME type as given, or inferred from the file extension when missing or generic. */
  type?: string;
  /** Bytes; absent when missing or 0. */
  length?: number;
}

export interface Transcript {
  url: string;
  type: string;
  language?: string;
  rel?: string;
}

export interface ChaptersRef {
  url: string;
  type: string;
}

/** Podlove Simple Chapters, inline in the feed. */
export interface InlineChapter {
  startSeconds: number;
  title: string;
  href?: string;
  image?: string;
}

export interface Soundbite {
  startTime: number;
  duration: number;
  title?: string;
}

export interface AlternateEnclosure {
  type: string;
  length?: number;
  bitrate?: number;
  height?: number;
  lang?: string;
  title?: string;
  rel?: string;
  codecs?: string;
  default?: boolean;
  sources: { uri: string; contentType?: string }[];
  integrity?: { type: string; value: string };
}

export interface PodcastImage {
  href: string;
  alt?: string;
  aspectRatio?: string;
  width?: number;
  height?: number;
  type?: string;
  purpose?: string;
}

export interface ParsedFeed {
  format: FeedFormat;
  title?: string;
  link?: string;
  /** Plain-text description. */
  description?: string;
  language?: string;
  author?: string;
  owner?: { name?: string; email?: string };
  copyright?: string;
  imageUrl?: string;
  images?: PodcastImage[];
  explicit?: boolean;
  type?: FeedType;
  categories?: Category[];
  keywords?: string[];
  newFeedUrl?: string;
  selfUrl?: string;
  hubUrl?: string;
  nextPageUrl?: string;
  lastBuildDate?: string;
  ttlMinutes?: number;
  skipHours?: number[];
  skipDays?: string[];
  podcastGuid?: string;
  locked?: { locked: boolean; owner?: string };
  complete?: boolean;
  block?: boolean;
  /** podcast:block per service; the flag above is the whole-feed block. */
  blockedServices?: string[];
  medium?: string;
  persons?: Person[];
  funding?: Funding[];
  socialInteract?: SocialInteract[];
  podroll?: RemoteItem[];
  remoteItems?: RemoteItem[];
  location?: Location;
  license?: License;
  updateFrequency?: UpdateFrequency;
  trailers?: Trailer[];
  value?: Value;
  txt?: Txt[];
  podping?: boolean;
  chat?: { server: string; protocol: string; accountId?: string; space?: string };
  publisher?: RemoteItem;
  liveItems?: ParsedLiveItem[];
}

export interface ParsedEpisode {
  /**
   * Identity within the feed (protocols.md §2.5): the trimmed guid; else the enclosure URL; else the link;
   * else a hash of title + pubDate. `guidSource` says which.
   */
  guid: string;
  guidSource: 'guid' | 'enclosure' | 'link' | 'hash';
  title?: string;
  link?: string;
  /** Plain-text summary. */
  description?: string;
  /** Raw show-notes HTML as in the feed (content:encoded, else an HTML description). Not sanitised. */
  contentHtml?: string;
  publishedAt?: string;
  durationSeconds?: number;
  enclosure?: Enclosure;
  imageUrl?: string;
  images?: PodcastImage[];
  explicit?: boolean;
  season?: number;
  seasonName?: string;
  episode?: number;
  episodeDisplay?: string;
  episodeType?: EpisodeType;
  author?: string;
  keywords?: string[];
  block?: boolean;
  transcripts?: Transcript[];
  chapters?: ChaptersRef;
  inlineChapters?: InlineChapter[];
  persons?: Person[];
  soundbites?: Soundbite[];
  funding?: Funding[];
  location?: Location;
  alternateEnclosures?: AlternateEnclosure[];
  value?: Value;
  license?: License;
  socialInteract?: SocialInteract[];
  txt?: Txt[];
  contentLinks?: { href: string; text?: string }[];
}

export interface ParsedLiveItem extends ParsedEpisode {
  status: 'pending' | 'live' | 'ended';
  start?: string;
  end?: string;
}

export interface ParseInput {
  /** The raw bytes of the feed as received (already decompressed). */
  body: Uint8Array;
  /** The URL the feed was fetched from (after redirects): the base for relative URLs. */
  url: string;
  /** The HTTP Content-Type header, if any: its charset takes part in decoding. */
  contentType?: string;
}

export interface ParseOptions {
  /** Stop after this many items and report `too-many-items`. Default: unlimited. */
  maxItems?: number;
}

export interface ParseResult {
  feed: ParsedFeed;
  episodes: ParsedEpisode[];
  problems: FeedProblem[];
}

/** Typed failure for input that is not a feed at all. Recoverable breakage is a FeedProblem instead. */
export class NotAFeedError extends Error {
  override readonly name = 'NotAFeedError';
  constructor(
    readonly code: 'empty' | 'html' | 'binary' | 'unknown-root' | 'not-xml',
    message: string,
  ) {
    super(message);
  }
}
