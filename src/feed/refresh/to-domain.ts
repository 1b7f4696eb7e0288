// The adapter from the parser's output to the domain's model (raw → adapter → model): a parsed channel becomes a
// `ShowContent`, a parsed item an `EpisodeContent`, and every value inside them the domain type it stands for. The
// store, the services and the pages see only the domain's types; the parser's (`../parse/types.ts`) stay in src/feed/.
//
// Each parser type is mapped by a table with one entry per field: how its value becomes the value of the domain's
// field of the same name, or `dropped` when the domain has no such field. A field the parser gains and the table
// lacks, a domain field the parser does not give, a required domain field fed from an optional one or a value of the
// wrong type all fail to compile. The table is applied in the order the parser set the fields (the order of the
// elements in the feed), not in the table's: the store tells a changed episode or show from an unchanged one by a hash
// of its JSON, so the same feed must give the same JSON, key order included, as the parser's own objects did.

import type * as content from '../../domain/content.ts';
import type * as episode from '../../domain/episode.ts';
import type { CreditedPerson } from '../../domain/person.ts';
import type * as show from '../../domain/show.ts';
import type * as parsed from '../parse/types.ts';

/** The table entry of a parser field the domain does not keep. */
const dropped = Symbol('dropped');

/** True when `K` is an optional property of `O`. */
type IsOptional<O, K extends keyof O> = object extends Pick<O, K> ? true : false;

/** How the value of the parser's field `K` becomes the domain's (`S`: the parser's type, `T`: the domain's). */
type Convert<S, T, K extends keyof S> = K extends keyof T
  ? IsOptional<T, K> extends true
    ? (value: Exclude<S[K], undefined>) => Exclude<T[K], undefined>
    : IsOptional<S, K> extends true
      ? never // the domain requires what the parser may leave out
      : (value: Exclude<S[K], undefined>) => Exclude<T[K], undefined>
  : typeof dropped;

/** One entry per field of `S`; a field of `T` that `S` lacks must be listed too, and cannot be (type `never`). */
type Fields<S, T> = { readonly [K in keyof S]-?: Convert<S, T, K> } & {
  readonly [K in Exclude<keyof T, keyof S>]: never;
};

/** The mapping of one parser type to its domain type, by its table of fields. */
function mapper<S extends object, T>(fields: Fields<S, T>): (source: S) => T {
  // Read by name: each entry is the Convert of the field it is named after (checked where the table is written).
  const table = fields as Readonly<Record<string, ((value: unknown) => unknown) | typeof dropped>>;
  return (source) => {
    const out: Record<string, unknown> = {};
    // The parser's objects are plain data; their keys in the order the feed gave the values.
    const values = source as Readonly<Record<string, unknown>>;
    for (const key of Object.keys(values)) {
      const value = values[key];
      const convert = Object.hasOwn(table, key) ? table[key] : dropped;
      if (value === undefined || convert === dropped || convert === undefined) continue;
      out[key] = convert(value);
    }
    // Every field of T is mapped from the field of S of the same name (Fields), and a required one from a required one.
    return out as T;
  };
}

/** A value the domain keeps as the parser gives it (a string, a number, a flag, a list of strings or numbers). */
const same = <V>(value: V): V => value;

/** A list, each entry mapped. */
const each =
  <S, T>(map: (item: S) => T) =>
  (items: readonly S[]): T[] =>
    items.map(map);

const toArtwork = mapper<parsed.PodcastImage, content.Artwork>({
  href: same,
  alt: same,
  aspectRatio: same,
  width: same,
  height: same,
  type: same,
  purpose: same,
});

const toCreditedPerson = mapper<parsed.Person, CreditedPerson>({
  name: same,
  role: same,
  group: same,
  img: same,
  href: same,
});

const toFundingLink = mapper<parsed.Funding, content.FundingLink>({ url: same, label: same });

const toSocialLink = mapper<parsed.SocialInteract, content.SocialLink>({
  protocol: same,
  uri: same,
  accountId: same,
  accountUrl: same,
  priority: same,
});

const toFeedItemRef = mapper<parsed.RemoteItem, content.FeedItemRef>({
  feedGuid: same,
  feedUrl: same,
  itemGuid: same,
  medium: same,
  title: same,
});

const toLocation = mapper<parsed.Location, content.Location>({
  name: same,
  rel: same,
  geo: same,
  osm: same,
  country: same,
});

const toLicense = mapper<parsed.License, content.License>({ name: same, url: same });

const toValueRecipient = mapper<parsed.ValueRecipient, content.ValueRecipient>({
  name: same,
  type: same,
  address: same,
  split: same,
  customKey: same,
  customValue: same,
  fee: same,
});

const toValueTimeSplit = mapper<parsed.ValueTimeSplit, content.ValueTimeSplit>({
  startTime: same,
  duration: same,
  remoteStartTime: same,
  remotePercentage: same,
  remoteItem: toFeedItemRef,
  recipients: each(toValueRecipient),
});

const toValueForValue = mapper<parsed.Value, content.ValueForValue>({
  type: same,
  method: same,
  suggested: same,
  recipients: each(toValueRecipient),
  timeSplits: each(toValueTimeSplit),
});

const toTextRecord = mapper<parsed.Txt, content.TextRecord>({ text: same, purpose: same });

const toCategory = mapper<parsed.Category, show.Category>({ name: same, subcategories: same });

const toShowOwner = mapper<NonNullable<parsed.ParsedFeed['owner']>, show.ShowOwner>({
  name: same,
  email: same,
});

const toShowLock = mapper<NonNullable<parsed.ParsedFeed['locked']>, show.ShowLock>({
  locked: same,
  owner: same,
});

const toUpdateFrequency = mapper<parsed.UpdateFrequency, show.UpdateFrequency>({
  text: same,
  rrule: same,
  dtstart: same,
  complete: same,
});

const toTrailer = mapper<parsed.Trailer, show.Trailer>({
  title: same,
  url: same,
  pubdate: same,
  length: same,
  type: same,
  season: same,
});

const toChatRoom = mapper<NonNullable<parsed.ParsedFeed['chat']>, show.ChatRoom>({
  server: same,
  protocol: same,
  accountId: same,
  space: same,
});

/**
 * The show a parsed channel describes. Live items (`podcast:liveItem`) are not part of a show: they are dropped.
 * Returns a new object (nested lists of strings and numbers are shared with the input).
 */
export const toShowContent: (feed: parsed.ParsedFeed) => show.ShowContent = mapper<
  parsed.ParsedFeed,
  show.ShowContent
>({
  format: same,
  title: same,
  link: same,
  description: same,
  language: same,
  author: same,
  owner: toShowOwner,
  copyright: same,
  imageUrl: same,
  images: each(toArtwork),
  explicit: same,
  type: same,
  categories: each(toCategory),
  keywords: same,
  newFeedUrl: same,
  selfUrl: same,
  hubUrl: same,
  nextPageUrl: same,
  lastBuildDate: same,
  ttlMinutes: same,
  skipHours: same,
  skipDays: same,
  podcastGuid: same,
  locked: toShowLock,
  complete: same,
  block: same,
  blockedServices: same,
  medium: same,
  persons: each(toCreditedPerson),
  funding: each(toFundingLink),
  socialInteract: each(toSocialLink),
  podroll: each(toFeedItemRef),
  remoteItems: each(toFeedItemRef),
  location: toLocation,
  license: toLicense,
  updateFrequency: toUpdateFrequency,
  trailers: each(toTrailer),
  value: toValueForValue,
  txt: each(toTextRecord),
  podping: same,
  chat: toChatRoom,
  publisher: toFeedItemRef,
  liveItems: dropped,
});

const toEnclosure = mapper<parsed.Enclosure, episode.Enclosure>({ url: same, type: same, length: same });

const toTranscriptLink = mapper<parsed.Transcript, episode.TranscriptLink>({
  url: same,
  type: same,
  language: same,
  rel: same,
});

const toChaptersLink = mapper<parsed.ChaptersRef, episode.ChaptersLink>({ url: same, type: same });

const toInlineChapter = mapper<parsed.InlineChapter, episode.InlineChapter>({
  startSeconds: same,
  title: same,
  href: same,
  image: same,
});

const toSoundbite = mapper<parsed.Soundbite, episode.Soundbite>({
  startTime: same,
  duration: same,
  title: same,
});

type ParsedAlternate = parsed.AlternateEnclosure;

const toMediaSource = mapper<ParsedAlternate['sources'][number], episode.MediaSource>({
  uri: same,
  contentType: same,
});

const toMediaIntegrity = mapper<NonNullable<ParsedAlternate['integrity']>, episode.MediaIntegrity>({
  type: same,
  value: same,
});

const toAlternateEnclosure = mapper<ParsedAlternate, episode.AlternateEnclosure>({
  type: same,
  length: same,
  bitrate: same,
  height: same,
  lang: same,
  title: same,
  rel: same,
  codecs: same,
  default: same,
  sources: each(toMediaSource),
  integrity: toMediaIntegrity,
});

const toContentLink = mapper<NonNullable<parsed.ParsedEpisode['contentLinks']>[number], episode.ContentLink>({
  href: same,
  text: same,
});

/** The episode a parsed item describes, show notes still as in the feed. Returns a new object. */
export const toEpisodeContent: (item: parsed.ParsedEpisode) => episode.EpisodeContent = mapper<
  parsed.ParsedEpisode,
  episode.EpisodeContent
>({
  guid: same,
  guidSource: same,
  title: same,
  link: same,
  description: same,
  contentHtml: same,
  publishedAt: same,
  durationSeconds: same,
  enclosure: toEnclosure,
  imageUrl: same,
  images: each(toArtwork),
  explicit: same,
  season: same,
  seasonName: same,
  episode: same,
  episodeDisplay: same,
  episodeType: same,
  author: same,
  keywords: same,
  block: same,
  transcripts: each(toTranscriptLink),
  chapters: toChaptersLink,
  inlineChapters: each(toInlineChapter),
  persons: each(toCreditedPerson),
  soundbites: each(toSoundbite),
  funding: each(toFundingLink),
  location: toLocation,
  alternateEnclosures: each(toAlternateEnclosure),
  value: toValueForValue,
  license: toLicense,
  socialInteract: each(toSocialLink),
  txt: each(toTextRecord),
  contentLinks: each(toContentLink),
});
