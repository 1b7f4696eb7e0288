// What feeds say that shows and episodes share: artwork, funding and social links, places, licences, value-for-value
// payment details, references to other feeds. The values of `ShowContent` (show.ts) and `EpisodeContent`
// (episode.ts), owned by the domain: the refresh maps the parser's output onto them (src/feed/refresh/to-domain.ts).
// Absent values are absent (optional properties); dates are ISO 8601 UTC strings; times are seconds; URLs are
// absolute http(s) URLs. Property names are stored as they are (a show's or an episode's extra fields are kept as
// JSON), so renaming one is a data migration.

/** An image offered for a show or an episode beside its cover (`podcast:image`): artwork in a size or shape. */
export interface Artwork {
  href: string;
  alt?: string;
  /** Width to height as written, e.g. `1/1`, `16/9`. */
  aspectRatio?: string;
  width?: number;
  height?: number;
  /** MIME type. */
  type?: string;
  /** What the image is for (`artwork`, `social`, `canvas`, …), as written. */
  purpose?: string;
}

/** Where listeners can support a show or an episode (`podcast:funding`). */
export interface FundingLink {
  url: string;
  /** The link's text, e.g. "Support us on Patreon". */
  label?: string;
}

/** A place on a social network where a show or an episode is discussed (`podcast:socialInteract`). */
export interface SocialLink {
  /** `activitypub`, `twitter`, `lightning`, … */
  protocol: string;
  /** The post (thread root) to reply to. */
  uri?: string;
  accountId?: string;
  accountUrl?: string;
  /** Lower comes first. */
  priority?: number;
}

/** Another feed, or one item of it, named by its `podcast:guid` (podroll, remote items, publisher, value splits). */
export interface FeedItemRef {
  feedGuid: string;
  feedUrl?: string;
  itemGuid?: string;
  medium?: string;
  title?: string;
}

/** What a show or an episode is about or was recorded at (`podcast:location`). */
export interface Location {
  /** Human-readable place name. */
  name: string;
  /** `subject` (what it is about) or `creator` (where it was made). */
  rel?: string;
  /** A `geo:` URI. */
  geo?: string;
  /** An OpenStreetMap object, e.g. `R113314`. */
  osm?: string;
  /** ISO 3166-1 alpha-2 code. */
  country?: string;
}

/** The licence a show or an episode is published under (`podcast:license`). */
export interface License {
  /** A slug from the Podcasting 2.0 licence list (`cc-by-4.0`), or free text. */
  name: string;
  url?: string;
}

/** One payee of value-for-value payments. */
export interface ValueRecipient {
  name?: string;
  /** `node`, `lnaddress`, … */
  type: string;
  address: string;
  /** Share of each payment (relative to the other recipients'; a percentage when `fee`). */
  split: number;
  customKey?: string;
  customValue?: string;
  /** The split is a fee taken off the top. */
  fee?: boolean;
}

/** A stretch of an episode during which payments go (partly) elsewhere, e.g. to a song's artist. */
export interface ValueTimeSplit {
  startTime: number;
  duration: number;
  remoteStartTime?: number;
  remotePercentage?: number;
  remoteItem?: FeedItemRef;
  recipients?: ValueRecipient[];
}

/** How listeners can pay a show or an episode as they listen (`podcast:value`). */
export interface ValueForValue {
  /** `lightning`, `hive`, … */
  type: string;
  /** `keysend`, … */
  method: string;
  suggested?: string;
  recipients: ValueRecipient[];
  timeSplits?: ValueTimeSplit[];
}

/** Free-form text for machines, such as a domain verification token (`podcast:txt`). */
export interface TextRecord {
  text: string;
  purpose?: string;
}
