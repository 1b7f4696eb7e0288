// Episodes and the pure rules about their identity and order.

import type {
  Artwork,
  FundingLink,
  License,
  Location,
  SocialLink,
  TextRecord,
  ValueForValue,
} from './content.ts';
import type { CreditedPerson } from './person.ts';

/** Where an episode's identity came from: its guid, else its enclosure URL, else its link, else a hash. */
export type GuidSource = 'guid' | 'enclosure' | 'link' | 'hash';

/** `full` episode, `trailer` or `bonus` material (`itunes:episodeType`). */
export type EpisodeType = 'full' | 'trailer' | 'bonus';

/** The media file of an episode: what the player plays and podcast apps download. */
export interface Enclosure {
  url: string;
  /** MIME type as given, or inferred from the file extension when missing or generic. */
  type?: string;
  /** Bytes; absent when missing or 0. */
  length?: number;
}

/** A transcript of the episode, fetched when a listener opens it (`podcast:transcript`). */
export interface TranscriptLink {
  url: string;
  /** MIME type: `text/vtt`, `application/x-subrip`, `application/json`, `text/html`, `text/plain`, … */
  type: string;
  language?: string;
  /** `captions` when the file is captions rather than a transcript. */
  rel?: string;
}

/** A chapters file of the episode (`podcast:chapters`), fetched when a listener opens it. */
export interface ChaptersLink {
  url: string;
  /** MIME type, usually `application/json+chapters`. */
  type: string;
}

/** One chapter given in the feed itself (Podlove Simple Chapters). */
export interface InlineChapter {
  startSeconds: number;
  title: string;
  href?: string;
  image?: string;
}

/** A short clip the publisher suggests for sharing (`podcast:soundbite`). */
export interface Soundbite {
  startTime: number;
  duration: number;
  title?: string;
}

/** One place an alternate media file can be fetched from. */
export interface MediaSource {
  uri: string;
  contentType?: string;
}

/** A checksum or signature of an alternate media file. */
export interface MediaIntegrity {
  /** `sri` or `pgp-signature`. */
  type: string;
  value: string;
}

/** Another version of the episode's media: another format, bitrate, language or a video (`podcast:alternateEnclosure`). */
export interface AlternateEnclosure {
  /** MIME type. */
  type: string;
  /** Bytes. */
  length?: number;
  /** Bits per second. */
  bitrate?: number;
  /** Video height in pixels. */
  height?: number;
  lang?: string;
  title?: string;
  rel?: string;
  codecs?: string;
  /** The version the publisher means by the plain enclosure. */
  default?: boolean;
  sources: MediaSource[];
  integrity?: MediaIntegrity;
}

/** A link to content around a live episode, e.g. the stream on another site (`podcast:contentLink`). */
export interface ContentLink {
  href: string;
  text?: string;
}

/**
 * What a refresh writes for an episode: everything the feed's item says, with `contentHtml` sanitised before it is
 * stored. Stored and read back unchanged: absent fields stay absent.
 */
export interface EpisodeContent {
  /**
   * Identity within the feed (protocols.md §2.5): the trimmed guid; else the enclosure URL; else the link;
   * else a hash of title + pubDate. `guidSource` says which.
   */
  guid: string;
  guidSource: GuidSource;
  title?: string;
  /** The episode's web page. */
  link?: string;
  /** Plain-text summary. */
  description?: string;
  /** Show-notes HTML: as in the feed until ingest sanitises it; always sanitised once stored. */
  contentHtml?: string;
  publishedAt?: string;
  durationSeconds?: number;
  enclosure?: Enclosure;
  /** The episode's cover, when it has its own. */
  imageUrl?: string;
  /** Further artwork, in other sizes or shapes. */
  images?: Artwork[];
  explicit?: boolean;
  season?: number;
  seasonName?: string;
  /** Episode number (decimals allowed). */
  episode?: number;
  /** How the publisher wants the number shown, e.g. "Part 2". */
  episodeDisplay?: string;
  episodeType?: EpisodeType;
  author?: string;
  keywords?: string[];
  /** The publisher asks directories not to list the episode. */
  block?: boolean;
  transcripts?: TranscriptLink[];
  chapters?: ChaptersLink;
  /** Chapters given in the feed itself, in time order. */
  inlineChapters?: InlineChapter[];
  persons?: CreditedPerson[];
  soundbites?: Soundbite[];
  funding?: FundingLink[];
  location?: Location;
  alternateEnclosures?: AlternateEnclosure[];
  value?: ValueForValue;
  license?: License;
  socialInteract?: SocialLink[];
  txt?: TextRecord[];
  contentLinks?: ContentLink[];
}

export interface Episode extends EpisodeContent {
  id: number;
  showId: number;
  firstSeenAt: string;
  lastSeenAt: string;
  /** Set when a complete fetch of the feed no longer listed the episode; it is kept, never deleted. */
  vanishedAt?: string;
  /** The date the episode is ordered by: `publishedAt` normalised, else `firstSeenAt`. */
  sortKey: string;
}

/** What an episode row of a list page shows (title, date, length, numbers, the player's audio and art). */
export type EpisodeListItem = Pick<
  Episode,
  | 'id'
  | 'showId'
  | 'title'
  | 'publishedAt'
  | 'durationSeconds'
  | 'season'
  | 'episode'
  | 'episodeType'
  | 'enclosure'
  | 'imageUrl'
  | 'sortKey'
>;

/** `newest`: latest first (the default listing); `oldest`: first first (serial shows). */
export type EpisodeOrder = 'newest' | 'oldest';

/** What an upsert of a feed's items did. The four counts are disjoint and add up to the stored episodes touched. */
export interface EpisodeUpsertResult {
  inserted: number;
  /** Content changed, or the episode reappeared after having vanished. */
  updated: number;
  unchanged: number;
  /** Newly marked vanished by this upsert. */
  vanished: number;
}

/**
 * The enclosure URL without its query string and fragment: the identity of last resort for feeds whose guids
 * change on every fetch (tracking parameters often change too). Returns the input trimmed when it is not a URL.
 */
export function enclosureUrlWithoutQuery(url: string): string {
  const trimmed = url.trim();
  const cut = trimmed.search(/[?#]/);
  return cut === -1 ? trimmed : trimmed.slice(0, cut);
}

/**
 * The ordering key of an episode: its publication date normalised to `toISOString()` form (so that string order is
 * time order), else the time it was first seen.
 */
export function episodeSortKey(publishedAt: string | undefined, firstSeenAt: string): string {
  if (publishedAt !== undefined) {
    const time = Date.parse(publishedAt);
    // Years outside 0000–9999 would not sort as strings; treat them as undated.
    if (Number.isFinite(time) && time >= Date.UTC(0, 0, 1) && time < Date.UTC(10000, 0, 1)) {
      return new Date(time).toISOString();
    }
  }
  return firstSeenAt;
}
