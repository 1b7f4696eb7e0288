// Apple's podcast tags (protocols.md §2.2). Precedence with the RSS core, the same whatever the element order:
// - itunes:author and itunes:image overwrite `author`/`imageUrl` (a display name and square artwork beat
//   managingEditor e-mails and <image>); itunes:title only fills `title` when the RSS <title> is missing.
// - itunes:summary goes to the internal `summaryHtml` (the core prefers the RSS description); itunes:subtitle is
//   used there only when there is no summary.
// - itunes:season/episode only fill gaps: podcast:season/episode (decimals, names) overwrite them.
// Bad values leave the field absent and report a problem; nothing here throws.
import type { Category, EpisodeType, FeedType } from '../types.ts';
import { parseDuration } from '../values/duration.ts';
import { parseExplicit } from '../values/explicit.ts';
import { parsePositiveInt } from '../values/number.ts';
import { decodeDoubleEscaped } from '../values/text.ts';
import type { HandlerContext, NamespaceHandler, RawElement } from './handler.ts';
import { NS } from './handler.ts';
import { detachedCopy, lineOf, short, textOf } from './util.ts';

/** href (Apple), url (a common mistake) or the text content. */
function imageOf(el: RawElement, ctx: HandlerContext): string | undefined {
  const raw = el.attrs.href ?? el.attrs.url ?? el.attrs.HREF ?? textOf(el);
  if (raw === undefined || raw.trim() === '') return undefined;
  return ctx.resolveUrl(raw, el.base);
}

function linkImageOf(el: RawElement, ctx: HandlerContext): string | undefined {
  const href = el.attrs.href;
  if (el.attrs.rel?.trim().toLowerCase() !== 'image' || href === undefined) return undefined;
  return ctx.resolveUrl(href, el.base);
}

function explicitOf(el: RawElement, ctx: HandlerContext): boolean | undefined {
  const t = textOf(el);
  if (t === undefined) return undefined;
  const v = parseExplicit(t);
  if (v === undefined)
    ctx.problem(
      'invalid-value',
      `<itunes:explicit> "${short(t)}" is neither yes/true/explicit nor no/false/clean`,
    );
  return v;
}

/**
 * itunes:block / itunes:complete: only `Yes` (any case) has an effect, so every other value means false; values
 * other than yes/no are also reported, since the publisher probably meant something by them (`true`).
 */
function yesOf(el: RawElement, ctx: HandlerContext): boolean | undefined {
  const t = textOf(el);
  if (t === undefined) return undefined;
  const lower = t.toLowerCase();
  if (lower === 'yes') return true;
  if (lower !== 'no')
    ctx.problem('invalid-value', `<itunes:${el.name}> "${short(t)}" has no effect (only "Yes" does)`);
  return false;
}

/** Distinct keyword lists remembered per feed; a feed with more (a different list on every item) stops adding. */
const KEYWORD_LISTS_REMEMBERED = 128;

/** Keywords of an itunes:keywords element; a fresh array each time (callers own it), the split done once per text. */
function keywordsOf(el: RawElement, ctx: HandlerContext): string[] | undefined {
  const t = textOf(el);
  if (t === undefined) return undefined;
  const repeat = ctx.repeat;
  if (repeat === undefined) return splitKeywords(t);
  const lists = repeat.keywords;
  const known = lists.get(t);
  if (known !== undefined || lists.has(t)) return known?.slice();
  if (lists.size >= KEYWORD_LISTS_REMEMBERED) return splitKeywords(t);
  // The text is usually a slice of a whole decoded chunk, and keywords split from it slices of that: what is
  // remembered comes from a copy, so that it does not keep the chunk alive after its episodes have gone.
  const key = detachedCopy(t);
  const k = splitKeywords(key);
  lists.set(key, k);
  return k?.slice();
}

const KEYWORD_SEPARATOR = /[,;]/;
const WHITESPACE_RUN = /\s+/g;
/** Whitespace that `replace(WHITESPACE_RUN, ' ')` would change in a trimmed keyword. */
const ODD_WHITESPACE = /\s\s|[^\S ]/;

function oneLine(k: string): string {
  return ODD_WHITESPACE.test(k) ? k.replace(WHITESPACE_RUN, ' ') : k;
}

function splitKeywords(t: string): string[] | undefined {
  if (!t.includes(',') && !t.includes(';')) return [oneLine(t)];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of t.split(KEYWORD_SEPARATOR)) {
    const k = oneLine(part.trim());
    if (k.length === 0) continue;
    const folded = k.toLowerCase();
    if (seen.has(folded)) continue;
    seen.add(folded);
    out.push(k);
  }
  return out.length > 0 ? out : undefined;
}

function categoryName(el: RawElement): string | undefined {
  const raw = (el.attrs.text ?? el.text).trim();
  if (raw.length === 0) return undefined;
  // `&amp;amp;` in the feed leaves `&amp;` after XML decoding: decode once more (`Kids &amp; Family`).
  return decodeDoubleEscaped(raw).text;
}

/** Adds one itunes:category (with nested subcategories) to the list, merging repeated top-level names. */
function addCategory(list: Category[], el: RawElement): void {
  const name = categoryName(el);
  if (name === undefined) return;
  const subs: string[] = [];
  for (const c of el.children) {
    if (c.ns !== NS.itunes || c.name !== 'category') continue;
    const sub = categoryName(c);
    if (sub !== undefined && !subs.includes(sub)) subs.push(sub);
  }
  const existing = list.find((c) => c.name === name);
  if (existing === undefined) {
    const cat: Category = { name };
    if (subs.length > 0) cat.subcategories = subs;
    list.push(cat);
    return;
  }
  for (const s of subs) {
    if (existing.subcategories === undefined) existing.subcategories = [s];
    else if (!existing.subcategories.includes(s)) existing.subcategories.push(s);
  }
}

function positiveIntOf(el: RawElement, ctx: HandlerContext): number | undefined {
  const t = textOf(el);
  if (t === undefined) return undefined;
  const n = parsePositiveInt(t);
  if (n === undefined)
    ctx.problem('bad-number', `<itunes:${el.name}> "${short(t)}" is not a whole number from 1`);
  return n;
}

const EPISODE_TYPES: ReadonlySet<string> = new Set<EpisodeType>(['full', 'trailer', 'bonus']);
const FEED_TYPES: ReadonlySet<string> = new Set<FeedType>(['episodic', 'serial']);

export const itunesHandler: NamespaceHandler = {
  readLater: new Set(['summary']),
  namespaces: [NS.itunes],

  channel(el, feed, ctx) {
    switch (el.name) {
      case 'author': {
        const t = lineOf(el);
        if (t !== undefined) feed.author = t;
        return;
      }
      case 'owner': {
        const owner: { name?: string; email?: string } = {};
        for (const c of el.children) {
          if (c.ns !== NS.itunes) continue;
          const t = lineOf(c);
          if (t === undefined) continue;
          if (c.name === 'name') owner.name = t;
          else if (c.name === 'email') owner.email = t;
        }
        if (owner.name !== undefined || owner.email !== undefined) feed.owner = owner;
        return;
      }
      case 'image': {
        const url = imageOf(el, ctx);
        if (url !== undefined) feed.imageUrl = url;
        return;
      }
      case 'link': {
        // Obsolete `<itunes:link rel="image" href="…">`: artwork only when nothing better is given.
        const url = linkImageOf(el, ctx);
        if (url !== undefined && feed.imageUrl === undefined) feed.imageUrl = url;
        return;
      }
      case 'category': {
        const list = feed.categories ?? [];
        addCategory(list, el);
        if (list.length > 0) feed.categories = list;
        return;
      }
      case 'explicit': {
        const v = explicitOf(el, ctx);
        if (v !== undefined) feed.explicit = v;
        return;
      }
      case 'type': {
        const t = textOf(el);
        if (t === undefined) return;
        const lower = t.toLowerCase();
        // A narrowing the Set membership has just proven.
        if (FEED_TYPES.has(lower)) feed.type = lower as FeedType;
        else ctx.problem('invalid-value', `<itunes:type> "${short(t)}" is neither episodic nor serial`);
        return;
      }
      case 'new-feed-url': {
        const url = ctx.resolveUrl(el.text, el.base);
        if (url !== undefined) feed.newFeedUrl = url;
        return;
      }
      case 'block': {
        const v = yesOf(el, ctx);
        if (v !== undefined) feed.block = v;
        return;
      }
      case 'complete': {
        const v = yesOf(el, ctx);
        if (v !== undefined) feed.complete = v;
        return;
      }
      case 'summary': {
        if (el.text.trim().length > 0) feed.summaryHtml = el.text;
        return;
      }
      case 'subtitle': {
        if (feed.summaryHtml === undefined && el.text.trim().length > 0) feed.summaryHtml = el.text;
        return;
      }
      case 'keywords': {
        const k = keywordsOf(el, ctx);
        if (k !== undefined) feed.keywords = k;
        return;
      }
      case 'title': {
        const t = lineOf(el);
        if (t !== undefined && feed.title === undefined) feed.title = t;
        return;
      }
      default:
        return;
    }
  },

  item(el, ep, ctx) {
    switch (el.name) {
      case 'duration': {
        const t = textOf(el);
        if (t === undefined) return;
        const d = parseDuration(t);
        if (d === undefined) ctx.problem('bad-duration', `<itunes:duration> "${short(t)}" is not a duration`);
        else ep.durationSeconds = d;
        return;
      }
      case 'episode': {
        const n = positiveIntOf(el, ctx);
        if (n !== undefined && ep.episode === undefined) ep.episode = n;
        return;
      }
      case 'season': {
        const n = positiveIntOf(el, ctx);
        if (n !== undefined && ep.season === undefined) ep.season = n;
        return;
      }
      case 'episodeType': {
        const t = textOf(el);
        if (t === undefined) return;
        const lower = t.toLowerCase();
        // A narrowing the Set membership has just proven.
        if (EPISODE_TYPES.has(lower)) ep.episodeType = lower as EpisodeType;
        else ctx.problem('invalid-value', `<itunes:episodeType> "${short(t)}" is not full, trailer or bonus`);
        return;
      }
      case 'image': {
        const url = imageOf(el, ctx);
        if (url !== undefined) ep.imageUrl = url;
        return;
      }
      case 'explicit': {
        const v = explicitOf(el, ctx);
        if (v !== undefined) ep.explicit = v;
        return;
      }
      case 'link': {
        const url = linkImageOf(el, ctx);
        if (url !== undefined && ep.imageUrl === undefined) ep.imageUrl = url;
        return;
      }
      case 'title': {
        const t = lineOf(el);
        if (t !== undefined && ep.title === undefined) ep.title = t;
        return;
      }
      case 'summary': {
        // Usually a second copy of the description, every tag escaped: kept undecoded until it is needed.
        const later = el.later;
        if (later === undefined) {
          if (el.text.trim().length > 0) ep.summaryHtml = el.text;
        } else if (later.hasContent()) ep.summaryHtml = later;
        return;
      }
      case 'subtitle': {
        if (ep.summaryHtml === undefined && el.text.trim().length > 0) ep.summaryHtml = el.text;
        return;
      }
      case 'author': {
        const t = lineOf(el);
        if (t !== undefined) ep.author = t;
        return;
      }
      case 'block': {
        const v = yesOf(el, ctx);
        if (v !== undefined) ep.block = v;
        return;
      }
      case 'keywords': {
        const k = keywordsOf(el, ctx);
        if (k !== undefined) ep.keywords = k;
        return;
      }
      default:
        return;
    }
  },
};
