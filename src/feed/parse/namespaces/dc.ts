// Dublin Core elements and terms used by feeds (mostly RSS 1.0): creator, date, language, rights, title,
// description; dcterms dates. They only fill gaps the core elements left.
import type { NamespaceHandler } from './handler.ts';
import { NS } from './handler.ts';
import { dateOf, lineOf, textOf } from './util.ts';

export const dcHandler: NamespaceHandler = {
  namespaces: [NS.dc],

  channel(el, feed, ctx) {
    switch (el.name) {
      case 'creator':
      case 'publisher': {
        const t = lineOf(el);
        if (t !== undefined && feed.author === undefined) feed.author = t;
        return;
      }
      case 'date': {
        const d = dateOf(el, ctx);
        if (d !== undefined && feed.lastBuildDate === undefined) feed.lastBuildDate = d;
        return;
      }
      case 'language': {
        const t = textOf(el);
        if (t !== undefined && feed.language === undefined) feed.language = t;
        return;
      }
      case 'rights': {
        const t = lineOf(el);
        if (t !== undefined && feed.copyright === undefined) feed.copyright = t;
        return;
      }
      case 'title': {
        const t = lineOf(el);
        if (t !== undefined && feed.title === undefined) feed.title = t;
        return;
      }
      case 'description': {
        if (el.text.trim().length > 0) feed.descriptionHtml ??= el.text;
        return;
      }
      default:
        return;
    }
  },

  item(el, ep, ctx) {
    switch (el.name) {
      case 'title': {
        const t = lineOf(el);
        if (t !== undefined && ep.title === undefined) ep.title = t;
        return;
      }
      case 'description': {
        if (el.text.trim().length > 0) ep.descriptionHtml ??= el.text;
        return;
      }
      case 'creator': {
        const t = lineOf(el);
        if (t !== undefined && ep.author === undefined) ep.author = t;
        return;
      }
      case 'date': {
        const d = dateOf(el, ctx);
        if (d !== undefined && ep.publishedAt === undefined) ep.publishedAt = d;
        return;
      }
      default:
        return;
    }
  },
};

/** DCMI terms: only the dates feeds use. */
export const dctermsHandler: NamespaceHandler = {
  namespaces: [NS.dcterms],

  channel(el, feed, ctx) {
    if (el.name === 'modified' || el.name === 'date') {
      const d = dateOf(el, ctx);
      if (d !== undefined && feed.lastBuildDate === undefined) feed.lastBuildDate = d;
    }
  },

  item(el, ep, ctx) {
    switch (el.name) {
      case 'issued':
      case 'created':
      case 'date': {
        const d = dateOf(el, ctx);
        if (d !== undefined && ep.publishedAt === undefined) ep.publishedAt = d;
        return;
      }
      case 'modified': {
        const d = dateOf(el, ctx);
        if (d !== undefined) ep.updatedAt ??= d;
        return;
      }
      default:
        return;
    }
  },
};
