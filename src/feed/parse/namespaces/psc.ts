// Podlove Simple Chapters (psc:chapters/psc:chapter) inline in an item.
import type { InlineChapter } from '../types.ts';
import type { NamespaceHandler } from './handler.ts';
import { NS } from './handler.ts';
import { short } from './util.ts';

/** Normal Play Time as used by Podlove: `HH:MM:SS(.mmm)`, `MM:SS(.mmm)` or seconds (`12.5`). */
export function parseNpt(raw: string): number | undefined {
  const s = raw.trim();
  const m = /^(?:(?:(\d+):)?(\d{1,2}):)?(\d+(?:\.\d+)?)$/.exec(s);
  if (m === null) return undefined;
  const [, h = '0', min = '0', sec = '0'] = m;
  const n = Number(h) * 3600 + Number(min) * 60 + Number(sec);
  return Number.isFinite(n) ? n : undefined;
}

export const pscHandler: NamespaceHandler = {
  namespaces: [NS.psc],
  item(el, ep, ctx) {
    // Only the first psc:chapters of an item counts (as in the Podlove spec and feedparser).
    if (el.name !== 'chapters' || ep.inlineChapters !== undefined) return;
    const chapters: InlineChapter[] = [];
    for (const c of el.children) {
      if (c.name !== 'chapter' || c.ns !== NS.psc) continue;
      const start = c.attrs.start === undefined ? undefined : parseNpt(c.attrs.start);
      const title = c.attrs.title?.trim();
      if (start === undefined || title === undefined || title.length === 0) {
        ctx.problem(
          'invalid-value',
          `psc:chapter needs a start time and a title (start "${short(c.attrs.start ?? '')}")`,
        );
        continue;
      }
      const chapter: InlineChapter = { startSeconds: start, title };
      const href = c.attrs.href === undefined ? undefined : ctx.resolveUrl(c.attrs.href, c.base);
      if (href !== undefined) chapter.href = href;
      const image = c.attrs.image === undefined ? undefined : ctx.resolveUrl(c.attrs.image, c.base);
      if (image !== undefined) chapter.image = image;
      chapters.push(chapter);
    }
    if (chapters.length > 0) ep.inlineChapters = chapters.sort((a, b) => a.startSeconds - b.startSeconds);
  },
};
