// Podcasting 2.0 JSON chapters (protocols.md §2.4) and Podlove Simple Chapters, normalised to one Chapter list:
// sorted by start, ends filled from the next chapter, `toc: false` kept as hidden (artwork only).
import type { InlineChapter } from '../domain/episode.ts';
import { byStart, looksBinary, secondsFrom, squash } from './text-util.ts';
import { type Chapter, type ChapterLocation, ChaptersFormatError, type ParsedChapters } from './types.ts';

export interface ChaptersOptions {
  /** The chapters file's URL: relative `img`/`url` values resolve against it. */
  baseUrl?: string;
}

export function parseJsonChapters(text: string, options: ChaptersOptions = {}): ParsedChapters {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') throw new ChaptersFormatError('empty', 'the chapters file is empty');
  if (looksBinary(trimmed)) throw new ChaptersFormatError('binary', 'the chapters file is not text');
  let data: unknown;
  try {
    data = JSON.parse(trimmed);
  } catch (error) {
    throw new ChaptersFormatError(
      'bad-json',
      `the chapters file is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const list = Array.isArray(data) ? data : isRecord(data) ? data.chapters : undefined;
  if (!Array.isArray(list)) {
    throw new ChaptersFormatError('bad-structure', 'the chapters file has no "chapters" list');
  }
  const chapters: (Chapter & { fileEnd?: number })[] = [];
  for (const raw of list) {
    if (!isRecord(raw)) continue;
    const start = secondsFrom(raw.startTime);
    if (start === undefined) continue;
    const end = secondsFrom(raw.endTime);
    const title = stringOf(raw.title);
    const image = httpUrl(raw.img, options.baseUrl);
    const url = httpUrl(raw.url, options.baseUrl);
    const location = locationOf(raw.location);
    chapters.push({
      start,
      ...(end !== undefined && end > start ? { fileEnd: end } : {}),
      ...(title === undefined ? {} : { title }),
      ...(image === undefined ? {} : { image }),
      ...(url === undefined ? {} : { url }),
      ...(raw.toc === false || raw.toc === 'false' ? { hidden: true as const } : {}),
      ...(location === undefined ? {} : { location }),
    });
  }
  const result: ParsedChapters = { chapters: fillEnds(byStart(chapters)) };
  const title = isRecord(data) ? stringOf(data.title) : undefined;
  const author = isRecord(data) ? stringOf(data.author) : undefined;
  const podcastName = isRecord(data) ? stringOf(data.podcastName) : undefined;
  if (title !== undefined) result.title = title;
  if (author !== undefined) result.author = author;
  if (podcastName !== undefined) result.podcastName = podcastName;
  return result;
}

/** Podlove Simple Chapters from the feed itself: same shape, no fetch. */
export function chaptersFromPodlove(inline: readonly InlineChapter[]): Chapter[] {
  const chapters: Chapter[] = inline
    .filter((c) => Number.isFinite(c.startSeconds) && c.startSeconds >= 0)
    .map((c) => {
      const title = stringOf(c.title);
      const image = httpUrl(c.image, undefined);
      const url = httpUrl(c.href, undefined);
      return {
        start: c.startSeconds,
        ...(title === undefined ? {} : { title }),
        ...(image === undefined ? {} : { image }),
        ...(url === undefined ? {} : { url }),
      };
    });
  return fillEnds(byStart(chapters));
}

/**
 * The file's `endTime` wins; otherwise a listed chapter ends where the next listed one starts (hidden chapters are
 * artwork changes inside a chapter), and a hidden one where the next chapter of any kind starts.
 */
function fillEnds(sorted: (Chapter & { fileEnd?: number })[]): Chapter[] {
  return sorted.map((chapter, i) => {
    const { fileEnd, ...rest } = chapter;
    const next = sorted.slice(i + 1).find((c) => c.start > chapter.start && (chapter.hidden || !c.hidden));
    const end = fileEnd ?? next?.start;
    return end === undefined ? rest : { ...rest, end };
  });
}

function stringOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = squash(value);
  return text === '' ? undefined : text;
}

/** Only absolute http(s) URLs reach a page (no `javascript:`); relative ones resolve against the file's URL. */
function httpUrl(value: unknown, base: string | undefined): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  try {
    const url = new URL(value.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function locationOf(value: unknown): ChapterLocation | undefined {
  if (!isRecord(value)) return undefined;
  const name = stringOf(value.name);
  if (name === undefined) return undefined;
  const geo = stringOf(value.geo);
  const osm = stringOf(value.osm);
  return { name, ...(geo === undefined ? {} : { geo }), ...(osm === undefined ? {} : { osm }) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
