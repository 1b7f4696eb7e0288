// Podcasting 2.0 JSON chapters (protocols.md §2.4) → the page's chapter list.
import type { Chapter } from '../../views/models.ts';

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

/** Visible chapters (toc !== false) sorted by start. Malformed input gives an empty list. */
export function parseJsonChapters(body: string): Chapter[] {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return [];
  }
  const list =
    data && typeof data === 'object' && 'chapters' in data && Array.isArray(data.chapters)
      ? data.chapters
      : [];
  const out: Chapter[] = [];
  for (const c of list as unknown[]) {
    if (!c || typeof c !== 'object') continue;
    const ch = c as Record<string, unknown>; // a JSON object; each field is checked below
    const start = Number(ch.startTime);
    if (!Number.isFinite(start) || start < 0 || ch.toc === false) continue;
    const img = str(ch.img);
    const url = str(ch.url);
    out.push({
      startSeconds: start,
      title: str(ch.title) ?? `Chapter ${out.length + 1}`,
      ...(img && /^https?:/i.test(img) ? { imageUrl: img } : {}),
      ...(url && /^https?:/i.test(url) ? { url } : {}),
    });
  }
  return out.sort((a, b) => a.startSeconds - b.startSeconds);
}
