// Atom 1.0 (RFC 4287): the elements of <feed> and <entry>, and atom:link inside RSS (self, hub, next).
import { htmlToText } from '../values/text.ts';
import type { FeedBuilder, HandlerContext, NamespaceHandler, RawElement } from './handler.ts';
import { NS } from './handler.ts';
import { child, dateOf, isPlayable, lineOf, makeEnclosure } from './util.ts';

/** The content of a text construct: Atom 0.3 `mode="base64"` decoded, everything else as written. */
function contentOf(el: RawElement): string {
  if (el.attrs.mode?.trim().toLowerCase() === 'base64') {
    return Buffer.from(el.text.replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  return el.text;
}

/** type="html"/"xhtml" (Atom 1.0) or an HTML media type (Atom 0.3: text/html, application/xhtml+xml). */
function isHtml(el: RawElement): boolean {
  const type = (el.attrs.type ?? 'text').trim().toLowerCase();
  return type === 'html' || type === 'xhtml' || type.endsWith('/html') || type.endsWith('+xml');
}

/** Text of an Atom text construct (type text, html or xhtml) as plain text. */
function plain(el: RawElement): string | undefined {
  const content = contentOf(el);
  const t = (isHtml(el) ? htmlToText(content) : content).trim();
  return t.length > 0 ? t.replace(/\s+/g, ' ') : undefined;
}

function relOf(el: RawElement): string {
  return (el.attrs.rel ?? 'alternate').trim().toLowerCase();
}

/** Feed-level links, shared by Atom feeds and atom:link inside RSS channels. */
function feedLink(el: RawElement, feed: FeedBuilder, ctx: HandlerContext): void {
  const rel = relOf(el);
  const href = el.attrs.href;
  if (href === undefined) return;
  switch (rel) {
    case 'self': {
      const url = ctx.resolveUrl(href, el.base);
      if (url !== undefined && feed.selfUrl === undefined) feed.selfUrl = url;
      return;
    }
    case 'hub': {
      const url = ctx.resolveUrl(href, el.base);
      if (url !== undefined && feed.hubUrl === undefined) feed.hubUrl = url;
      return;
    }
    case 'next': {
      const url = ctx.resolveUrl(href, el.base);
      if (url !== undefined && feed.nextPageUrl === undefined) feed.nextPageUrl = url;
      return;
    }
    case 'alternate': {
      const type = el.attrs.type?.trim().toLowerCase();
      if (type !== undefined && type !== 'text/html' && type !== 'application/xhtml+xml') return;
      const url = ctx.resolveUrl(href, el.base);
      if (url !== undefined && feed.link === undefined) feed.link = url;
      return;
    }
    default:
      return;
  }
}

function authorName(el: RawElement): string | undefined {
  const name = child(el, 'name');
  return name === undefined ? lineOf(el) : lineOf(name);
}

export const atomHandler: NamespaceHandler = {
  namespaces: [NS.atom],

  channel(el, feed, ctx) {
    switch (el.name) {
      case 'link':
        feedLink(el, feed, ctx);
        return;
      case 'title': {
        const t = plain(el);
        if (t !== undefined && feed.title === undefined) feed.title = t;
        return;
      }
      case 'subtitle':
      case 'tagline': {
        if (el.text.trim().length === 0) return;
        if (isHtml(el)) feed.descriptionHtml ??= contentOf(el);
        else feed.description ??= contentOf(el).trim();
        return;
      }
      case 'updated':
      case 'modified': {
        const d = dateOf(el, ctx);
        if (d !== undefined && feed.lastBuildDate === undefined) feed.lastBuildDate = d;
        return;
      }
      case 'author': {
        const name = authorName(el);
        if (name !== undefined && feed.author === undefined) feed.author = name;
        return;
      }
      case 'logo':
      case 'icon': {
        const url = ctx.resolveUrl(el.text, el.base);
        if (url !== undefined && (feed.imageUrl === undefined || el.name === 'logo')) feed.imageUrl ??= url;
        return;
      }
      case 'rights':
      case 'copyright': {
        const t = plain(el);
        if (t !== undefined && feed.copyright === undefined) feed.copyright = t;
        return;
      }
      case 'category': {
        const name = el.attrs.label?.trim() || el.attrs.term?.trim();
        if (name) feed.rssCategories = [...(feed.rssCategories ?? []), name];
        return;
      }
      default:
        return;
    }
  },

  item(el, ep, ctx) {
    switch (el.name) {
      case 'id':
        ep.rawGuid ??= el.text;
        return;
      case 'title': {
        const t = plain(el);
        if (t !== undefined) ep.title = t;
        return;
      }
      case 'link': {
        const rel = relOf(el);
        const href = el.attrs.href;
        if (href === undefined) return;
        if (rel === 'enclosure') {
          const e = makeEnclosure(href, el.attrs.type, el.attrs.length, el.base, ctx);
          if (
            e !== undefined &&
            (ep.enclosure === undefined || (!isPlayable(ep.enclosure) && isPlayable(e)))
          ) {
            ep.enclosure = e;
          }
        } else if (rel === 'alternate') {
          const url = ctx.resolveUrl(href, el.base);
          if (url !== undefined && ep.link === undefined) ep.link = url;
        }
        return;
      }
      case 'summary': {
        if (el.text.trim().length === 0) return;
        if (isHtml(el)) ep.descriptionHtml = contentOf(el);
        else ep.description = contentOf(el).trim();
        return;
      }
      case 'content': {
        if (el.attrs.src !== undefined || el.text.trim().length === 0) return;
        if (isHtml(el)) ep.contentHtml ??= contentOf(el).trim();
        else ep.description ??= contentOf(el).trim();
        return;
      }
      case 'published':
      case 'issued': {
        const d = dateOf(el, ctx);
        if (d !== undefined) ep.publishedAt = d;
        return;
      }
      case 'updated':
      case 'modified': {
        const d = dateOf(el, ctx);
        if (d !== undefined) ep.updatedAt = d;
        return;
      }
      case 'author': {
        const name = authorName(el);
        if (name !== undefined && ep.author === undefined) ep.author = name;
        return;
      }
      default:
        return;
    }
  },
};
