// Media RSS: media:content as the enclosure when there is no <enclosure>, media:thumbnail as an image fallback,
// media:group wrapping either.
import { parseDuration } from '../values/duration.ts';
import type { EpisodeBuilder, HandlerContext, NamespaceHandler, RawElement } from './handler.ts';
import { NS } from './handler.ts';
import { isPlayable, makeEnclosure } from './util.ts';

function content(el: RawElement, ep: EpisodeBuilder, ctx: HandlerContext): void {
  const { url, type, fileSize, duration } = el.attrs;
  if (url === undefined) return;
  const e = makeEnclosure(url, type, fileSize, el.base, ctx, 'media:content');
  if (e === undefined) return;
  const current = ep.mediaEnclosure;
  if (current === undefined || (!isPlayable(current) && isPlayable(e))) {
    ep.mediaEnclosure = e;
    if (duration !== undefined && ep.durationSeconds === undefined) {
      const d = parseDuration(duration);
      if (d !== undefined) ep.durationSeconds = d;
    }
  }
}

function thumbnail(el: RawElement, ctx: HandlerContext): string | undefined {
  return el.attrs.url === undefined ? undefined : ctx.resolveUrl(el.attrs.url, el.base);
}

export const mediaHandler: NamespaceHandler = {
  namespaces: [NS.media],

  channel(el, feed, ctx) {
    if (el.name === 'thumbnail') {
      const url = thumbnail(el, ctx);
      if (url !== undefined) feed.imageUrl ??= url;
    } else if (el.name === 'content' && feed.imageUrl === undefined) {
      const { url, type, medium } = el.attrs;
      const isImage = medium === 'image' || type?.startsWith('image/') === true;
      if (url !== undefined && isImage) {
        const resolved = ctx.resolveUrl(url, el.base);
        if (resolved !== undefined) feed.imageUrl = resolved;
      }
    }
  },

  item(el, ep, ctx) {
    switch (el.name) {
      case 'content':
        content(el, ep, ctx);
        return;
      case 'thumbnail': {
        const url = thumbnail(el, ctx);
        if (url !== undefined) ep.mediaThumbnail ??= url;
        return;
      }
      case 'description': {
        if (el.text.trim().length > 0) ep.summaryHtml ??= el.text;
        return;
      }
      case 'group':
        for (const c of el.children) if (c.ns === NS.media) mediaHandler.item?.(c, ep, ctx);
        return;
      default:
        return;
    }
  },
};
