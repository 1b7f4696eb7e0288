// Dublin Core elements used by feeds (mostly RSS 1.0): creator, date, language, rights. They fill gaps only.
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
      default:
        return;
    }
  },

  item(el, ep, ctx) {
    switch (el.name) {
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
