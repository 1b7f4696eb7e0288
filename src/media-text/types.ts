// What every transcript and chapter format is normalised to (protocols.md §2.4), and the typed errors for garbage.

/** One piece of a transcript. `start` (seconds) is 0 for every cue of an untimed transcript (HTML without
 * `<time>`, plain text); `end` is absent when the file does not say. */
export interface Cue {
  start: number;
  end?: number;
  speaker?: string;
  text: string;
}

export type TranscriptFormat = 'vtt' | 'srt' | 'json' | 'html' | 'text';

export interface ParsedTranscript {
  /** The format the content was read as (the declared type, unless the content plainly said otherwise). */
  format: TranscriptFormat;
  /** True when the cues carry real start times (seek links make sense). */
  timed: boolean;
  /** Sorted by start (stable), never empty. */
  cues: Cue[];
}

export interface ChapterLocation {
  name: string;
  geo?: string;
  osm?: string;
}

export interface Chapter {
  /** Seconds. */
  start: number;
  /** Seconds; from the file, else the start of the next chapter (absent for the last one). */
  end?: number;
  title?: string;
  /** Absolute http(s) URL of the chapter's artwork. */
  image?: string;
  /** Absolute http(s) URL the chapter links to. */
  url?: string;
  /** `toc: false`: not listed in the table of contents; its artwork still shows while it plays. */
  hidden?: true;
  location?: ChapterLocation;
}

export interface ParsedChapters {
  /** Sorted by start (stable); may be empty. */
  chapters: Chapter[];
  title?: string;
  author?: string;
  podcastName?: string;
}

/**
 * - `empty`: no content at all, or nothing in it that reads as a cue.
 * - `binary`: the bytes are not text (audio, an image, a compressed file served under a transcript URL).
 * - `bad-json`: declared or sniffed as JSON, but it does not parse.
 * - `bad-structure`: valid JSON that is not a Podcasting 2.0 transcript (no `segments` list).
 * - `html-page`: declared VTT/SRT/JSON, but the server sent an HTML page (an error page or a login wall).
 * - `too-complex`: an HTML transcript that took longer than TRANSCRIPT_PARSE_BUDGET_MS to read.
 */
export type TranscriptFormatErrorCode =
  | 'empty'
  | 'binary'
  | 'bad-json'
  | 'bad-structure'
  | 'html-page'
  | 'too-complex';

export class TranscriptFormatError extends Error {
  override readonly name = 'TranscriptFormatError';
  constructor(
    readonly code: TranscriptFormatErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * - `empty`: no content.
 * - `binary`: not text.
 * - `bad-json`: does not parse as JSON.
 * - `bad-structure`: JSON without a `chapters` list.
 */
export type ChaptersFormatErrorCode = 'empty' | 'binary' | 'bad-json' | 'bad-structure';

export class ChaptersFormatError extends Error {
  override readonly name = 'ChaptersFormatError';
  constructor(
    readonly code: ChaptersFormatErrorCode,
    message: string,
  ) {
    super(message);
  }
}
