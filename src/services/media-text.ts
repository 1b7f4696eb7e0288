// Transcripts and chapters for the episode page: picks the best file the feed offers, fetches it once through the
// one outbound door (the crawler's Fetcher), parses it (src/media-text), caches the parsed result in the database
// keyed by URL, and never lets a broken file break the page (the result says "unavailable" with a code).
import type { ChaptersLink, InlineChapter, TranscriptLink } from '../domain/episode.ts';
import type { Fetcher } from '../feed/fetch/index.ts';
import { EVENT_LOOP_TURNS } from '../markup/next-turn.ts';
import {
  type Chapter,
  ChaptersFormatError,
  type Cue,
  chaptersFromPodlove,
  cueMarks,
  decodeCueMarks,
  decodeText,
  encodeCueMarks,
  findMoment,
  findMomentInText,
  formatFromType,
  formatFromUrl,
  type ParsedChapters,
  type ParsedTranscript,
  parseJsonChapters,
  parseTranscriptInTurns,
  TranscriptFormatError,
  type TranscriptMoment,
  transcriptPlainText,
} from '../media-text/index.ts';
import type { MediaTextKind, MediaTextRepository } from '../store/media-text-ports.ts';

export interface MediaTextServiceDeps {
  /** The crawler's Fetcher: the only way out (SSRF guard, timeouts, size cap). */
  fetcher: Pick<Fetcher, 'fetchResource'>;
  store: { readonly mediaText: MediaTextRepository };
  now: () => Date;
  /**
   * Reads a URL that is not http(s) — the demo's root-relative `/demo-assets/…` files — from local storage; undefined
   * when there is no such file. Without it such URLs are `unsupported-url`.
   */
  readLocal?: (url: string) => Promise<{ body: Uint8Array; contentType?: string } | undefined>;
  /** How long a fetched file is trusted before it is revalidated. Default 24 h. */
  ttlMs?: number;
  /** How long a failure is remembered before trying again. Default 10 min. */
  errorTtlMs?: number;
  /** Cap on a transcript or chapters file. Default 5 MB. */
  maxBytes?: number;
  /**
   * Parsed results kept in memory in front of the database (least recently used dropped first), until they expire:
   * at most this many entries (default 200; 0 turns it off) …
   */
  memoryEntries?: number;
  /** … and at most about this many bytes of their JSON form (default 32 MB). */
  memoryBytes?: number;
}

/** What the service needs of an episode (a stored Episode or a parsed one). */
export interface MediaTextEpisode {
  /** The stored episode's id: its transcript text is recorded for search when present. */
  id?: number;
  transcripts?: readonly TranscriptLink[];
  chapters?: ChaptersLink;
  inlineChapters?: readonly InlineChapter[];
}

export type TranscriptResult =
  /** The feed offers no transcript. */
  | { state: 'none' }
  | {
      state: 'ok';
      url: string;
      type: string;
      language?: string;
      /** False for HTML without <time> and plain text: every cue starts at 0, so no seek links. */
      timed: boolean;
      cues: Cue[];
    }
  /** Every offered file failed (`code`: a fetch error code, a format error code, or `unsupported-url`). */
  | { state: 'unavailable'; url: string; type: string; code: string }
  /** Not fetched within `waitMs`; the fetch goes on and its result is cached for the next request. */
  | { state: 'pending'; url: string; type: string };

export type ChaptersResult =
  | { state: 'none' }
  | { state: 'ok'; source: 'json' | 'podlove'; chapters: Chapter[] }
  | { state: 'unavailable'; code: string }
  | { state: 'pending' };

export interface MediaTextOptions {
  /**
   * Answer `pending` rather than wait longer than this (ms) for a slow host — a page render should not hang on a
   * transcript. The fetch carries on and is cached. Default: wait for the result.
   */
  waitMs?: number;
}

export interface MediaTextService {
  /** Never throws. `language`: the show's (or the listener's) language, preferred among the offered files. */
  transcriptFor(
    episode: MediaTextEpisode,
    options?: MediaTextOptions & { language?: string },
  ): Promise<TranscriptResult>;
  /** Never throws. JSON chapters win over Podlove ones; Podlove ones need no fetch and back up a failed JSON file. */
  chaptersFor(episode: MediaTextEpisode, options?: MediaTextOptions): Promise<ChaptersResult>;
  /** The episode's transcript as one searchable string, once it has been fetched; undefined before. */
  transcriptText(episodeId: number): Promise<string | undefined>;
  /**
   * Where in the episode's fetched, timed transcript the words of `query` are said (a search hit's `?t=` and the
   * line shown with it). Reads only what is cached (memory, then the database): never fetches. Never throws.
   */
  momentFor(episodeId: number, query: string): Promise<TranscriptMoment | undefined>;
  /**
   * `momentFor` for several episodes (a results page's transcript hits) at once: their stored texts in one read,
   * each moment found in its text through the cues' marks stored with it. Never throws.
   */
  momentsFor(episodeIds: readonly number[], query: string): Promise<Map<number, TranscriptMoment>>;
}

const DAY_MS = 24 * 3600_000;
const ERROR_TTL_MS = 10 * 60_000;
const MAX_BYTES = 5 * 1024 * 1024;
/** What a remembered failure counts for against `memoryBytes`. */
const ERROR_WEIGHT = 64;
/** How many offered transcript files are tried before giving up. */
const MAX_CANDIDATES = 3;

const TRANSCRIPT_ACCEPT =
  'text/vtt, application/x-subrip;q=0.9, application/srt;q=0.9, application/json;q=0.9, text/html;q=0.7, text/plain;q=0.6, */*;q=0.1';
const CHAPTERS_ACCEPT = 'application/json+chapters, application/json;q=0.9, */*;q=0.1';

type Loaded<T> = { ok: true; value: T; fresh: boolean } | { ok: false; code: string };

interface Fetched {
  body: Uint8Array;
  contentType?: string;
  finalUrl: string;
  etag?: string;
  lastModified?: string;
}

export function createMediaTextService(deps: MediaTextServiceDeps): MediaTextService {
  const ttlMs = deps.ttlMs ?? DAY_MS;
  const errorTtlMs = deps.errorTtlMs ?? ERROR_TTL_MS;
  const maxBytes = deps.maxBytes ?? MAX_BYTES;
  // Read at each use, so a store wired after the service (or without the cache) costs the cache, never the page.
  const repo = (): MediaTextRepository => deps.store.mediaText;
  const inFlight = new Map<string, Promise<Loaded<unknown>>>();
  const memoryEntries = deps.memoryEntries ?? 200;
  const memoryBytes = deps.memoryBytes ?? 32 * 1024 * 1024;
  const memory = new Map<string, { loaded: Loaded<unknown>; until: number; weight: number }>();
  let memoryWeight = 0;

  function forget(key: string): void {
    const entry = memory.get(key);
    if (entry === undefined) return;
    memoryWeight -= entry.weight;
    memory.delete(key);
  }

  /** Keeps `loaded` in memory until `until`; `weight`: the size of its JSON form (the payload stored). */
  function remember<T>(key: string, loaded: Loaded<T>, until: number, weight: number): Loaded<T> {
    forget(key);
    if (memoryEntries <= 0 || weight > memoryBytes) return loaded;
    memory.set(key, { loaded: loaded.ok ? { ...loaded, fresh: false } : loaded, until, weight });
    memoryWeight += weight;
    for (const oldest of memory.keys()) {
      if (memory.size <= memoryEntries && memoryWeight <= memoryBytes) break;
      forget(oldest);
    }
    return loaded;
  }

  async function retrieve(
    url: string,
    accept: string,
    validators: { etag?: string; lastModified?: string },
  ): Promise<Fetched | 'not-modified'> {
    if (!/^https?:\/\//i.test(url)) {
      const local = deps.readLocal === undefined ? undefined : await deps.readLocal(url);
      if (local === undefined) throw new CodedError('unsupported-url');
      return { ...local, finalUrl: url };
    }
    const result = await deps.fetcher.fetchResource(url, { accept, maxBytes, ...validators });
    if (result.kind === 'not-modified') return 'not-modified';
    return {
      body: result.body,
      finalUrl: result.finalUrl,
      ...(result.contentType === undefined ? {} : { contentType: result.contentType }),
      ...(result.etag === undefined ? {} : { etag: result.etag }),
      ...(result.lastModified === undefined ? {} : { lastModified: result.lastModified }),
    };
  }

  /**
   * The cached parse of `url`, or a fresh one: one fetch per URL at a time (concurrent callers share it), a
   * conditional GET once the entry expired, the old result kept when a refetch fails.
   */
  function load<T>(
    kind: MediaTextKind,
    url: string,
    accept: string,
    parse: (fetched: Fetched) => T | Promise<T>,
  ): Promise<Loaded<T>> {
    const key = `${kind} ${url}`;
    const held = memory.get(key);
    if (held !== undefined) {
      if (held.until > deps.now().getTime()) {
        // Most recently used goes last.
        memory.delete(key);
        memory.set(key, held);
        // Kept under this key by a load of the same kind, hence the same T.
        return Promise.resolve(held.loaded as Loaded<T>);
      }
      forget(key);
    }
    const running = inFlight.get(key);
    // The map holds loads of this key only, all made with the same T.
    if (running !== undefined) return running as Promise<Loaded<T>>;
    const promise = (async (): Promise<Loaded<T>> => {
      const now = deps.now();
      // A database that cannot be read is a cache miss, not a broken page.
      const cached = await Promise.resolve()
        .then(() => repo().get(kind, url))
        .catch(() => undefined);
      const stale = cached?.payload === undefined ? undefined : decodePayload<T>(cached.payload);
      const until = (ms: number): number => now.getTime() + ms;
      const weight = cached?.payload?.length ?? 0;
      if (cached !== undefined && Date.parse(cached.expiresAt) > now.getTime()) {
        const expires = Date.parse(cached.expiresAt);
        if (cached.errorCode === undefined && stale !== undefined)
          return remember(key, { ok: true, value: stale, fresh: false }, expires, weight);
        if (cached.errorCode !== undefined) {
          return stale === undefined
            ? remember(key, { ok: false, code: cached.errorCode }, expires, ERROR_WEIGHT)
            : remember(key, { ok: true, value: stale, fresh: false }, expires, weight);
        }
      }
      const save = (entry: Parameters<MediaTextRepository['put']>[0]): Promise<void> =>
        Promise.resolve()
          .then(() => repo().put(entry))
          .catch(() => undefined);
      const times = (ms: number) => ({
        fetchedAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + ms).toISOString(),
      });
      try {
        const validators =
          stale === undefined || cached === undefined
            ? {}
            : {
                ...(cached.etag === undefined ? {} : { etag: cached.etag }),
                ...(cached.lastModified === undefined ? {} : { lastModified: cached.lastModified }),
              };
        const fetched = await retrieve(url, accept, validators);
        if (fetched === 'not-modified') {
          if (cached === undefined || stale === undefined) throw new CodedError('not-modified');
          const { errorCode: _dropped, ...kept } = cached;
          await save({ ...kept, ...times(ttlMs) });
          return remember(key, { ok: true, value: stale, fresh: false }, until(ttlMs), weight);
        }
        const value = await parse(fetched);
        const payload = JSON.stringify(value);
        await save({
          kind,
          url,
          ...times(ttlMs),
          ...(fetched.etag === undefined ? {} : { etag: fetched.etag }),
          ...(fetched.lastModified === undefined ? {} : { lastModified: fetched.lastModified }),
          payload,
        });
        return remember(key, { ok: true, value, fresh: true }, until(ttlMs), payload.length);
      } catch (error) {
        const code = errorCode(error);
        if (code === 'aborted')
          return stale === undefined ? { ok: false, code } : { ok: true, value: stale, fresh: false };
        // A file that is garbage stays garbage for a while; a failed fetch is retried soon.
        const wait =
          error instanceof TranscriptFormatError || error instanceof ChaptersFormatError ? ttlMs : errorTtlMs;
        if (cached !== undefined && stale !== undefined) {
          await save({ ...cached, ...times(errorTtlMs), errorCode: code });
          return remember(key, { ok: true, value: stale, fresh: false }, until(errorTtlMs), weight);
        }
        await save({ kind, url, ...times(wait), errorCode: code });
        return remember(key, { ok: false, code }, until(wait), ERROR_WEIGHT);
      }
    })()
      .catch((error: unknown): Loaded<T> => ({ ok: false, code: errorCode(error) }))
      .finally(() => inFlight.delete(key));
    inFlight.set(key, promise);
    return promise;
  }

  /** The parsed transcript of `url` as cached (memory first, then the database, stale or not); never fetched. */
  async function cachedTranscript(url: string): Promise<ParsedTranscript | undefined> {
    const held = memory.get(`transcript ${url}`);
    if (held !== undefined) return held.loaded.ok ? (held.loaded.value as ParsedTranscript) : undefined;
    const cached = await Promise.resolve()
      .then(() => repo().get('transcript', url))
      .catch(() => undefined);
    return cached?.payload === undefined ? undefined : decodePayload<ParsedTranscript>(cached.payload);
  }

  async function moments(
    episodeIds: readonly number[],
    query: string,
  ): Promise<Map<number, TranscriptMoment>> {
    const found = new Map<number, TranscriptMoment>();
    const rows = await Promise.resolve()
      .then(() => repo().getEpisodeTexts(episodeIds))
      .catch(() => []);
    for (const row of rows) {
      const marks = row.cues === undefined ? undefined : decodeCueMarks(row.cues, row.text.length);
      let moment: TranscriptMoment | undefined;
      if (marks !== undefined) {
        moment = marks.timed ? findMomentInText(row.text, marks, query) : undefined;
      } else {
        // A row written before its cues' marks were stored (migration 0035 fills those whose cached parse is the
        // text's own): the cached parse, as long as it lasts; the next fetch of the file stores the marks.
        const transcript = await cachedTranscript(row.url);
        moment = transcript?.timed ? findMoment(transcript.cues, query) : undefined;
      }
      if (moment !== undefined) found.set(row.episodeId, moment);
    }
    return found;
  }

  async function transcriptFor(
    episode: MediaTextEpisode,
    options: { language?: string },
  ): Promise<TranscriptResult> {
    const candidates = rankTranscripts(episode.transcripts ?? [], options.language);
    const first = candidates[0];
    if (first === undefined) return { state: 'none' };
    let failure: { ref: TranscriptLink; code: string } | undefined;
    for (const ref of candidates.slice(0, MAX_CANDIDATES)) {
      // Parsed once, at fetch, in turns: an HTML transcript never holds the event loop for long (src/media-text).
      const loaded = await load<ParsedTranscript>('transcript', ref.url, TRANSCRIPT_ACCEPT, (fetched) =>
        parseTranscriptInTurns(
          decodeText(fetched.body, fetched.contentType),
          { url: fetched.finalUrl, ...(typeHint(ref.type, fetched.contentType) ?? {}) },
          EVENT_LOOP_TURNS,
        ),
      );
      if (!loaded.ok) {
        failure ??= { ref, code: loaded.code };
        continue;
      }
      const episodeId = episode.id;
      if (loaded.fresh && episodeId !== undefined) {
        await Promise.resolve()
          .then(() =>
            repo().putEpisodeText({
              episodeId,
              url: ref.url,
              ...(ref.language === undefined ? {} : { language: ref.language }),
              text: transcriptPlainText(loaded.value.cues),
              cues: encodeCueMarks(cueMarks(loaded.value)),
              updatedAt: deps.now().toISOString(),
            }),
          )
          .catch(() => false);
      }
      return {
        state: 'ok',
        url: ref.url,
        type: ref.type,
        ...(ref.language === undefined ? {} : { language: ref.language }),
        timed: loaded.value.timed,
        cues: loaded.value.cues,
      };
    }
    const failed = failure ?? { ref: first, code: 'unavailable' };
    return { state: 'unavailable', url: failed.ref.url, type: failed.ref.type, code: failed.code };
  }

  async function chaptersFor(episode: MediaTextEpisode): Promise<ChaptersResult> {
    const inline = episode.inlineChapters ?? [];
    const podlove = (): ChaptersResult | undefined =>
      inline.length === 0
        ? undefined
        : { state: 'ok', source: 'podlove', chapters: chaptersFromPodlove(inline) };
    const ref = episode.chapters;
    if (ref === undefined || ref.url.trim() === '') return podlove() ?? { state: 'none' };
    const loaded = await load<ParsedChapters>('chapters', ref.url, CHAPTERS_ACCEPT, (fetched) =>
      parseJsonChapters(decodeText(fetched.body, fetched.contentType), { baseUrl: fetched.finalUrl }),
    );
    if (loaded.ok && loaded.value.chapters.length > 0) {
      return { state: 'ok', source: 'json', chapters: loaded.value.chapters };
    }
    return podlove() ?? (loaded.ok ? { state: 'none' } : { state: 'unavailable', code: loaded.code });
  }

  return {
    transcriptFor(episode, options = {}) {
      const first = rankTranscripts(episode.transcripts ?? [], options.language)[0];
      const pending: TranscriptResult | undefined =
        first === undefined ? undefined : { state: 'pending', url: first.url, type: first.type };
      return within(transcriptFor(episode, options), options.waitMs, pending);
    },

    chaptersFor(episode, options = {}) {
      const inline = episode.inlineChapters ?? [];
      const late: ChaptersResult =
        inline.length === 0
          ? { state: 'pending' }
          : { state: 'ok', source: 'podlove', chapters: chaptersFromPodlove(inline) };
      return within(chaptersFor(episode), options.waitMs, late);
    },

    async transcriptText(episodeId) {
      const row = await Promise.resolve()
        .then(() => repo().getEpisodeText(episodeId))
        .catch(() => undefined);
      return row?.text;
    },

    async momentFor(episodeId, query) {
      return (await moments([episodeId], query)).get(episodeId);
    },

    momentsFor: moments,
  };
}

/**
 * The offered transcripts, best first: in the wanted language (a transcript without one is in the show's), then
 * timed formats (VTT, SRT, JSON, or anything marked rel="captions") over HTML over plain text, then feed order.
 */
export function rankTranscripts(offered: readonly TranscriptLink[], language?: string): TranscriptLink[] {
  const wanted = language === undefined ? undefined : primaryLanguage(language);
  const rank = (t: TranscriptLink): number => {
    const format = formatFromType(t.type) ?? formatFromUrl(t.url);
    if (format === 'vtt' || format === 'srt' || format === 'json') return 0;
    if (t.rel?.toLowerCase() === 'captions') return 0;
    if (format === 'html') return 1;
    if (format === 'text') return 2;
    return 3;
  };
  const languageRank = (t: TranscriptLink): number =>
    wanted === undefined || t.language === undefined || primaryLanguage(t.language) === wanted ? 0 : 1;
  return offered
    .filter((t) => t.url.trim() !== '')
    .map((t, index) => ({ t, index }))
    .sort((a, b) => languageRank(a.t) - languageRank(b.t) || rank(a.t) - rank(b.t) || a.index - b.index)
    .map((x) => x.t);
}

/** `work`, or `late` when `waitMs` passes first (`work` carries on; its result lands in the cache). */
function within<T>(work: Promise<T>, waitMs: number | undefined, late: T | undefined): Promise<T> {
  if (waitMs === undefined || late === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(late), Math.max(0, waitMs));
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function primaryLanguage(tag: string): string {
  return tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
}

/** The feed's declared type names the format; when it names none, the response's Content-Type may. */
function typeHint(declared: string, contentType: string | undefined): { type: string } | undefined {
  if (formatFromType(declared) !== undefined) return { type: declared };
  if (contentType !== undefined) return { type: contentType };
  return declared.trim() === '' ? undefined : { type: declared };
}

function decodePayload<T>(payload: string): T | undefined {
  try {
    // Written by this service from a value of the same kind (the cache key includes the kind).
    return JSON.parse(payload) as T;
  } catch {
    return undefined;
  }
}

class CodedError extends Error {
  override readonly name = 'MediaTextError';
  constructor(readonly code: string) {
    super(code);
  }
}

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return 'unexpected';
}
