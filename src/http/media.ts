// Transcripts and JSON chapters live on podcast hosts (often without CORS), so the server fetches them once through
// the crawler's outbound door (the MediaFetcher given by the composition root), parses and caches them.
import { readFile } from 'node:fs/promises';
import type { Episode } from '../domain/episode.ts';
import type { Chapter, TranscriptModel } from '../views/models.ts';
import { DEMO_PREFIX, demoFile } from './demo-assets.ts';
import { parseJsonChapters } from './media/chapters.ts';
import { FORMAT_RANK, parseTranscript, transcriptFormat } from './media/transcript.ts';

export interface MediaFetcher {
  fetchText(url: string): Promise<{ body: string; contentType?: string }>;
}

interface Entry<T> {
  value: T;
  at: number;
}

export class MediaCache {
  readonly #transcripts = new Map<string, Entry<TranscriptModel>>();
  readonly #chapters = new Map<string, Entry<Chapter[]>>();
  constructor(
    readonly fetcher: MediaFetcher | undefined,
    /** /demo-assets/ files are read from here, never fetched. */
    readonly demoDir?: string,
    readonly ttlMs = 6 * 3600_000,
    readonly limit = 300,
  ) {}

  #usable(url: string): boolean {
    return /^https?:/i.test(url) || (this.demoDir !== undefined && url.startsWith(DEMO_PREFIX));
  }

  async #fetch(url: string): Promise<string> {
    if (url.startsWith(DEMO_PREFIX)) {
      const file = this.demoDir ? demoFile(this.demoDir, url.slice(DEMO_PREFIX.length)) : undefined;
      if (!file) throw new Error('not a demo file');
      return readFile(file, 'utf8');
    }
    if (!this.fetcher) throw new Error('no fetcher');
    return (await this.fetcher.fetchText(url)).body;
  }

  #remember<T>(map: Map<string, Entry<T>>, key: string, value: T, now: number): T {
    map.set(key, { value, at: now });
    if (map.size > this.limit) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
    return value;
  }

  async transcript(ep: Episode, now: number): Promise<TranscriptModel | undefined> {
    const refs = [...(ep.transcripts ?? [])].filter((t) => this.#usable(t.url));
    if (refs.length === 0) return undefined;
    refs.sort(
      (a, b) => FORMAT_RANK[transcriptFormat(a.type, a.url)] - FORMAT_RANK[transcriptFormat(b.type, b.url)],
    );
    const ref = refs[0];
    if (!ref) return undefined;
    const base: TranscriptModel = { url: ref.url, type: ref.type };
    const hit = this.#transcripts.get(ref.url);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    if (!this.fetcher && !ref.url.startsWith(DEMO_PREFIX)) return base;
    try {
      const body = await this.#fetch(ref.url);
      const cues = parseTranscript(body, transcriptFormat(ref.type, ref.url));
      return this.#remember(this.#transcripts, ref.url, { ...base, cues }, now);
    } catch {
      // Unreachable transcript: the page links the file instead; try again after a short while.
      return this.#remember(this.#transcripts, ref.url, base, now - this.ttlMs + 60_000);
    }
  }

  async chapters(ep: Episode, now: number): Promise<Chapter[]> {
    const inline: Chapter[] = (ep.inlineChapters ?? []).map((c) => ({
      startSeconds: c.startSeconds,
      title: c.title,
      ...(c.image && /^https?:/i.test(c.image) ? { imageUrl: c.image } : {}),
      ...(c.href && /^https?:/i.test(c.href) ? { url: c.href } : {}),
    }));
    const ref = ep.chapters;
    if (!ref || !this.#usable(ref.url) || (!this.fetcher && !ref.url.startsWith(DEMO_PREFIX))) return inline;
    const hit = this.#chapters.get(ref.url);
    if (hit && now - hit.at < this.ttlMs) return hit.value.length ? hit.value : inline;
    try {
      const body = await this.#fetch(ref.url);
      const parsed = this.#remember(this.#chapters, ref.url, parseJsonChapters(body), now);
      return parsed.length ? parsed : inline;
    } catch {
      this.#remember(this.#chapters, ref.url, [], now - this.ttlMs + 60_000);
      return inline;
    }
  }
}
