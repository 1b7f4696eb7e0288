// A show: one per feed, everything the pages need from the feed's channel.

import type {
  Artwork,
  FeedItemRef,
  FundingLink,
  License,
  Location,
  SocialLink,
  TextRecord,
  ValueForValue,
} from './content.ts';
import type { CreditedPerson } from './person.ts';

/** The syntax the feed is written in: RSS 2.0/0.9x, Atom, RSS 1.0 (RDF). */
export type FeedFormat = 'rss' | 'atom' | 'rdf';

/** `episodic`: newest first; `serial`: meant to be heard in order, oldest first (`itunes:type`). */
export type ShowType = 'episodic' | 'serial';

/** A directory category, with its subcategories (`itunes:category`). */
export interface Category {
  name: string;
  subcategories?: string[];
}

/** Who runs the show, for directories (`itunes:owner`). */
export interface ShowOwner {
  name?: string;
  email?: string;
}

/** Whether the show may be imported by another hosting platform (`podcast:locked`). */
export interface ShowLock {
  locked: boolean;
  /** The e-mail address that may unlock it. */
  owner?: string;
}

/** How often new episodes are published (`podcast:updateFrequency`). */
export interface UpdateFrequency {
  /** As the feed says it, e.g. "Weekly". */
  text?: string;
  /** An iCalendar recurrence rule. */
  rrule?: string;
  dtstart?: string;
  /** No new episodes are planned. */
  complete?: boolean;
}

/** A trailer of the show or of one season (`podcast:trailer`). */
export interface Trailer {
  title: string;
  url: string;
  pubdate?: string;
  /** Bytes. */
  length?: number;
  /** MIME type. */
  type?: string;
  season?: number;
}

/** A chat room where listeners meet (`podcast:chat`). */
export interface ChatRoom {
  server: string;
  /** `irc`, `xmpp`, `matrix`, … */
  protocol: string;
  accountId?: string;
  space?: string;
}

/**
 * What a refresh writes for a show: everything the feed's channel says (live items are not part of a show).
 * Stored and read back unchanged: absent fields stay absent.
 */
export interface ShowContent {
  format: FeedFormat;
  title?: string;
  /** The show's website. */
  link?: string;
  /** Plain-text description. */
  description?: string;
  /** As written, e.g. `en-us`. */
  language?: string;
  author?: string;
  owner?: ShowOwner;
  copyright?: string;
  /** The cover. */
  imageUrl?: string;
  /** Further artwork, in other sizes or shapes. */
  images?: Artwork[];
  explicit?: boolean;
  type?: ShowType;
  categories?: Category[];
  keywords?: string[];
  /** The feed has moved here (`itunes:new-feed-url`). */
  newFeedUrl?: string;
  /** The feed's own URL, as it states it. */
  selfUrl?: string;
  /** WebSub hub. */
  hubUrl?: string;
  /** The next page of a paged feed. */
  nextPageUrl?: string;
  lastBuildDate?: string;
  /** Scheduling hints: how long the feed may be cached, hours (0–23) and days (`Monday` …) not to look. */
  ttlMinutes?: number;
  skipHours?: number[];
  skipDays?: string[];
  /** The show's global identity (`podcast:guid`), the same at every URL it moves to. */
  podcastGuid?: string;
  locked?: ShowLock;
  /** The show has ended: no new episodes will come. */
  complete?: boolean;
  /** The publisher asks directories not to list the show. */
  block?: boolean;
  /** The services the publisher asks not to list the show (`podcast:block id="…"`). */
  blockedServices?: string[];
  /** `podcast`, `music`, `video`, `audiobook`, … */
  medium?: string;
  persons?: CreditedPerson[];
  funding?: FundingLink[];
  socialInteract?: SocialLink[];
  /** Shows the publisher recommends. */
  podroll?: FeedItemRef[];
  remoteItems?: FeedItemRef[];
  location?: Location;
  license?: License;
  updateFrequency?: UpdateFrequency;
  trailers?: Trailer[];
  value?: ValueForValue;
  txt?: TextRecord[];
  /** The publisher announces new episodes over Podping. */
  podping?: boolean;
  chat?: ChatRoom;
  /** The publisher's own feed. */
  publisher?: FeedItemRef;
}

export interface Show extends ShowContent {
  id: number;
  feedId: number;
  /** Number of stored episodes, vanished ones included. */
  episodeCount: number;
  /** Newest episode date (published, else first seen); absent while there are no episodes. */
  latestEpisodeAt?: string;
  createdAt: string;
  /** Last time the channel data changed. */
  updatedAt: string;
  /** The feed's visibility (`Feed.isPublic`), copied onto the show so that lists and search filter on one column. */
  isPublic: boolean;
}
