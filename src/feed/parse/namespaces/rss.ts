// Core RSS elements (RSS 2.0 and 0.9x have no namespace; RSS 1.0 uses its own; RSS 0.90 the Netscape one).
import { parseNonNegativeInt } from '../values/number.ts';
import type { NamespaceHandler } from './handler.ts';
import { NS } from './handler.ts';
import { child, dateOf, isPlayable, lineOf, makeEnclosure, short, textOf } from './util.ts';

export const RSS090_NS = 'http://my.netscape.com/rdf/simple/0.9/';

const DAYS = new Set(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']);

export const rssHandler: NamespaceHandler = {
  namespaces: [NS.none, NS.rss1, RSS090_NS],

  channel(el, feed, ctx) {
    switch (el.name) {
      case 'title': {
        const t = lineOf(el);
        if (t !== undefined) feed.title = t;
        return;
      }
      case 'link': {
        const url = ctx.resolveUrl(el.text, el.base);
        if (url !== undefined && feed.link === undefined) feed.link = url;
        return;
      }
      case 'description': {
        if (el.text.trim().length > 0) feed.descriptionHtml = el.text;
        return;
      }
      case 'language': {
        const t = textOf(el);
        if (t !== undefined) feed.language = t;
        return;
      }
      case 'copyright': {
        const t = lineOf(el);
        if (t !== undefined) feed.copyright = t;
        return;
      }
      case 'managingEditor':
      case 'webMaster': {
        const t = lineOf(el);
        if (t !== undefined && feed.author === undefined && el.name === 'managingEditor') feed.author = t;
        return;
      }
      case 'image': {
        const u = child(el, 'url');
        const url = u === undefined ? undefined : ctx.resolveUrl(u.text, u.base);
        if (url !== undefined && feed.imageUrl === undefined) feed.imageUrl = url;
        return;
      }
      case 'lastBuildDate': {
        const d = dateOf(el, ctx);
        if (d !== undefined) feed.lastBuildDate = d;
        return;
      }
      case 'ttl': {
        const t = textOf(el);
        if (t === undefined) return;
        const n = parseNonNegativeInt(t);
        if (n === undefined) ctx.problem('bad-number', `<ttl> "${short(t)}" is not a number of minutes`);
        else feed.ttlMinutes = n;
        return;
      }
      case 'skipHours': {
        const hours: number[] = [];
        for (const h of el.children) {
          if (h.name !== 'hour') continue;
          const n = parseNonNegativeInt(h.text);
          if (n !== undefined && n <= 24) hours.push(n % 24);
          else ctx.problem('invalid-value', `<skipHours> hour "${short(h.text.trim())}" is not 0–23`);
        }
        if (hours.length > 0) feed.skipHours = hours;
        return;
      }
      case 'skipDays': {
        const days: string[] = [];
        for (const d of el.children) {
          if (d.name !== 'day') continue;
          const t = d.text.trim();
          const lower = t.toLowerCase();
          if (DAYS.has(lower)) days.push(lower.charAt(0).toUpperCase() + lower.slice(1));
          else ctx.problem('invalid-value', `<skipDays> day "${short(t)}" is not a weekday`);
        }
        if (days.length > 0) feed.skipDays = days;
        return;
      }
      case 'category': {
        const t = lineOf(el);
        if (t !== undefined) feed.rssCategories = [...(feed.rssCategories ?? []), t];
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
        if (t !== undefined) ep.title = t;
        return;
      }
      case 'link': {
        const url = ctx.resolveUrl(el.text, el.base);
        if (url !== undefined && ep.link === undefined) ep.link = url;
        return;
      }
      case 'description': {
        if (el.text.trim().length > 0) ep.descriptionHtml = el.text;
        return;
      }
      case 'pubDate': {
        const d = dateOf(el, ctx);
        if (d !== undefined) ep.publishedAt = d;
        return;
      }
      case 'guid': {
        ep.rawGuid = el.text;
        const permalink = el.attrs.isPermaLink;
        ep.guidIsPermaLink = permalink === undefined || permalink.trim().toLowerCase() !== 'false';
        return;
      }
      case 'enclosure': {
        const e = makeEnclosure(el.attrs.url, el.attrs.type, el.attrs.length, el.base, ctx);
        if (e === undefined) return;
        // Keep the first audio/video enclosure; a later one replaces an earlier non-playable one.
        if (ep.enclosure === undefined || (!isPlayable(ep.enclosure) && isPlayable(e))) ep.enclosure = e;
        return;
      }
      case 'author': {
        const t = lineOf(el);
        if (t !== undefined && ep.author === undefined) ep.author = t;
        return;
      }
      default:
        return;
    }
  },
};
