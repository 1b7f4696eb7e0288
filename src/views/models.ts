// View models: what each page needs, already shaped for display. Views are pure functions of these.
// Absent means absent: optional properties are left out, never '' or 0.
import type { Notice } from './admin.ts';
import type { SeasonTab, TabLink } from './show-extras.ts';
import type { CitationView, EpisodeSourcesModel } from './sources.ts';

export interface SiteLink {
  label: string;
  url: string;
}

/** The operator's own links, from configuration, shown in the site footer. */
export interface SiteConfig {
  name: string;
  newsUrl?: string;
  advertiseUrl?: string;
  social?: SiteLink[];
}

export interface Viewer {
  id: string;
  name: string;
  isAdmin: boolean;
}

export interface Assets {
  css: string;
  js: string;
}

/** Everything the layout needs besides the page body. */
export interface PageContext {
  site: SiteConfig;
  assets: Assets;
  csrfToken: string;
  viewer?: Viewer;
  /** The page's own path and query, for a signed-in viewer: where a row's form action (Play next) comes back to. */
  path?: string;
  /** The current search text, echoed in the header box. */
  query?: string;
}

/**
 * A cover served by the image endpoint (`/images/<kind>/<id>/<version>/<width>.webp`, one file per width of
 * COVER_WIDTHS): built by `showCover`, `episodeCover`, `personCover` in `src/http/present.ts`, drawn by
 * `coverImage` in `src/views/components.ts`.
 */
export interface CoverImage {
  /** The endpoint's path for this source, without the width: `/images/show/12/3f9a0c1b2d4e`. */
  path: string;
}

export interface ShowCard {
  href: string;
  title: string;
  cover: CoverImage;
  blurb?: string;
  author?: string;
}

export interface PlayInfo {
  episodeId: string;
  audioUrl: string;
  audioType?: string;
  title: string;
  showTitle: string;
  /** The player's artwork: a rendition from the image endpoint. */
  imageUrl?: string;
  durationSeconds?: number;
  href: string;
  /** Saved position to resume from. */
  startSeconds?: number;
}

export interface EpisodeRow {
  href: string;
  title: string;
  publishedAt?: string;
  durationSeconds?: number;
  season?: number;
  episode?: number;
  episodeType?: 'full' | 'trailer' | 'bonus';
  showTitle?: string;
  showHref?: string;
  played?: boolean;
  progressSeconds?: number;
  play?: PlayInfo;
  /** A search hit in the transcript: where the words are said (the link starts the player there) and the line. */
  moment?: { href: string; atSeconds: number; speaker?: string; text: string };
}

export interface Host {
  name: string;
  role?: string;
  cover?: CoverImage;
  /** The person's own link from the feed. */
  url?: string;
  /** Their page on this site. */
  personHref?: string;
}

export type ShowLinkKind = 'website' | 'funding' | 'social' | 'other';

export interface ShowLink {
  kind: ShowLinkKind;
  label: string;
  url: string;
}

export interface ShowHeader {
  id: string;
  href: string;
  title: string;
  author?: string;
  description?: string;
  cover: CoverImage;
  /** The publisher's artwork URL, for link previews (Open Graph, JSON-LD) only: the page draws `cover`. */
  imageUrl?: string;
  serial: boolean;
  hosts: Host[];
  links: ShowLink[];
  feedUrl?: string;
}

export type EpisodeSort = 'newest' | 'oldest';

/** Keyset paging: every page costs the same, whatever the size of the list. */
export interface Paging {
  total: number;
  /** Absent on the last page. */
  nextHref?: string;
  /** Absent on the first page. */
  firstHref?: string;
}

export interface ShowPageModel {
  show: ShowHeader;
  episodes: EpisodeRow[];
  sort: EpisodeSort;
  sortHref: (sort: EpisodeSort) => string;
  paging: Paging;
  /** Absent for anonymous visitors. */
  following?: boolean;
  popular: ShowCard[];
  /** Absolute URL of the show's page, for link previews and JSON-LD. */
  pageUrl: string;
  /** Absolute URL of the show's feed, for `<link rel="alternate">`: set for public shows only. */
  publicFeedUrl?: string;
  /** Tabs "All", "Season 1" …, for a show whose episodes have seasons. */
  seasons?: SeasonTab[];
  /** Links that start the list at a year, for a show of many episodes over several years. */
  years?: TabLink[];
  /** The categories the show is listed under. */
  categories?: { name: string; href: string }[];
}

export interface Chapter {
  startSeconds: number;
  title: string;
  imageUrl?: string;
  url?: string;
}

export interface Soundbite {
  startSeconds: number;
  durationSeconds: number;
  title?: string;
}

export interface TranscriptCue {
  start: number;
  end?: number;
  speaker?: string;
  text: string;
}

export interface TranscriptModel {
  /** Cues when the server fetched and parsed the file. */
  cues?: TranscriptCue[];
  /** False for untimed formats (plain text, HTML without times): paragraphs, no seek links. */
  timed?: boolean;
  /** Still being fetched: the panel asks again (`refreshHref`). */
  pending?: boolean;
  refreshHref?: string;
  /** The original file, always linked. */
  url: string;
  type: string;
}

export interface EpisodePageModel {
  show: { href: string; title: string; author?: string };
  episode: {
    id: string;
    href: string;
    title: string;
    publishedAt?: string;
    durationSeconds?: number;
    season?: number;
    episode?: number;
    episodeType?: 'full' | 'trailer' | 'bonus';
    description?: string;
    /** Sanitised at ingest, enhanced with links and seek links. Trusted markup. */
    notesHtml?: string;
    /** The episode's own artwork, else its show's. */
    cover: CoverImage;
    /** The publisher's artwork URL, for link previews (Open Graph, JSON-LD) only: the page draws `cover`. */
    imageUrl?: string;
    link?: string;
    enclosureUrl?: string;
    enclosureType?: string;
  };
  /** Absolute URL of the show's page. */
  showUrl: string;
  hosts: Host[];
  chapters: Chapter[];
  soundbites: Soundbite[];
  funding: SiteLink[];
  /** The show's own links (website, funding, social), as on its page. */
  links: ShowLink[];
  transcript?: TranscriptModel;
  play?: PlayInfo;
  /** Absent for anonymous visitors. */
  played?: boolean;
  progressSeconds?: number;
  /** From ?t= */
  startAt?: number;
  /** Absolute URL of this page for sharing. */
  shareUrl: string;
  inQueue?: boolean;
  popular: ShowCard[];
  /** Its structured source list (issue 16, src/views/sources.ts). */
  sources?: EpisodeSourcesModel;
}

export interface PersonPageModel {
  name: string;
  cover?: CoverImage;
  url?: string;
  /** The other names feeds credit this person under ("Tracy Wilson" for "Tracy V. Wilson"). */
  alsoKnownAs: string[];
  /** Roles by show. */
  shows: (ShowCard & { roles: string[] })[];
  /** Guest appearances across every show, newest first, and in how many shows. */
  guestEpisodes: (EpisodeRow & { roles: string[] })[];
  guestShowCount: number;
  /** The person's other episode credits (host, producer, …), newest first. */
  episodes: (EpisodeRow & { roles: string[] })[];
  /** Co-hosts and frequent collaborators: people sharing episodes or shows, most first. */
  collaborators: { name: string; href: string; episodes: number; shows: number }[];
  /** For admins: where to merge or split this person. */
  adminHref?: string;
}

export interface SearchPageModel {
  query: string;
  shows: ShowCard[];
  episodes: EpisodeRow[];
  people: { name: string; href: string; imageUrl?: string }[];
  /** Cited works whose reference line holds the words (first page, no filters), each with how widely it is cited. */
  sources?: CitationView[];
  /** 1 = the first page (shows and people are listed there only). */
  page: number;
  /** Matching episodes: exact, or (exact false) a floor or an estimate, worded "about". */
  episodeTotal: { count: number; exact: boolean };
  prevHref?: string;
  nextHref?: string;
  /** The words as typed, when nothing matched them and the results are for `query`, their corrected spelling. */
  misspelt?: string;
  /** The filters in force and the choices offered (shows and people of these results, and those in force). */
  filters?: SearchFiltersModel;
}

export interface SearchFiltersModel {
  show?: number;
  person?: number;
  /** YYYY-MM-DD, inclusive. */
  from?: string;
  to?: string;
  shows: { id: number; title: string }[];
  people: { id: number; name: string }[];
  /** What is in force, each with the link that removes it. */
  active: { label: string; removeHref: string }[];
  /** The search without any filter. */
  clearHref: string;
}

export interface HomePageModel {
  popular: ShowCard[];
  recent: ShowCard[];
  continueListening?: EpisodeRow[];
  newFromFollowed?: EpisodeRow[];
}

export interface LibraryPageModel {
  following: ShowCard[];
  queue: EpisodeRow[];
  inProgress: EpisodeRow[];
  history: EpisodeRow[];
  played: EpisodeRow[];
}

export interface FeedHealthRow {
  id: string;
  url: string;
  title?: string;
  showHref?: string;
  lastFetchedAt?: string;
  status: string;
  errorStreak: number;
  lastError?: string;
  problems: { code: string; message: string }[];
  nextCheckAt?: string;
  /** Public: in the catalogue for everyone; private: a listener's feed, seen only by its followers and admins. */
  isPublic: boolean;
  /** Paused by the operator: the crawler skips it. */
  paused?: boolean;
}

export interface AdminPageModel {
  feeds: FeedHealthRow[];
  signupOpen: boolean;
  message?: string;
  /** An answer with a link (the show just added, the show a duplicate points at) or an error. */
  notice?: Notice;
}
