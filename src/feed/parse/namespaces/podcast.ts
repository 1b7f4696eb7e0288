// The Podcasting 2.0 namespace (protocols.md §2.3): every tag, channel and item level, plus podcast:liveItem.
// Values are validated: a bad one leaves its field absent and reports `invalid-value`, `bad-number` or `bad-url`
// (the URL resolver reports that one itself). Repeatable tags (person, transcript, funding, image, …) are appended
// in document order. Precedence: podcast:season/episode overwrite itunes:season/episode (they carry decimals and
// names); podcast:block without id and podcast:complete only fill what itunes:block/complete left unset.
import type {
  AlternateEnclosure,
  Funding,
  License,
  Location,
  ParsedLiveItem,
  Person,
  PodcastImage,
  RemoteItem,
  SocialInteract,
  Soundbite,
  Transcript,
  Txt,
  UpdateFrequency,
  Value,
  ValueRecipient,
  ValueTimeSplit,
} from '../types.ts';
import { parseDate } from '../values/date.ts';
import { parseBoolean, parseDecimal, parseNonNegativeInt, parsePositiveInt } from '../values/number.ts';
import type { EpisodeBuilder, FeedBuilder, HandlerContext, NamespaceHandler, RawElement } from './handler.ts';
import { NS } from './handler.ts';
import { finaliseEpisode, parseItemChildren } from './item.ts';
import { lineOf, short, textOf } from './util.ts';

// ---- small readers ---------------------------------------------------------------------------------------------

function attr(el: RawElement, name: string): string | undefined {
  const v = el.attrs[name];
  if (v === undefined) return undefined;
  const t = v.trim();
  return t.length > 0 ? t : undefined;
}

function invalid(ctx: HandlerContext, el: RawElement, why: string): void {
  ctx.problem('invalid-value', `<podcast:${el.name}> ${why}`);
}

/** An http(s) URL attribute, resolved against the element's base (bad ones are reported by the resolver). */
function urlAttr(el: RawElement, name: string, ctx: HandlerContext): string | undefined {
  const raw = attr(el, name);
  return raw === undefined ? undefined : ctx.resolveUrl(raw, el.base);
}

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
/** Non-web schemes the namespace uses on purpose (alternate sources, social posts). Never javascript:, data:, file:. */
const DECENTRALISED_SCHEMES = new Set(['ipfs', 'ipns', 'magnet', 'at', 'ar', 'dat', 'hyper', 'nostr']);

/** A URI that may legitimately be non-web (`ipfs://…`, `at://…`, `magnet:?…`): kept as written; others resolved. */
function uriAttr(el: RawElement, name: string, ctx: HandlerContext): string | undefined {
  const raw = attr(el, name);
  if (raw === undefined) return undefined;
  const scheme = SCHEME.exec(raw)?.[1]?.toLowerCase();
  if (scheme !== undefined && DECENTRALISED_SCHEMES.has(scheme) && !/\s/.test(raw)) return raw;
  return ctx.resolveUrl(raw, el.base);
}

function numberAttr(
  el: RawElement,
  name: string,
  ctx: HandlerContext,
  parse: (s: string) => number | undefined,
  min = 0,
): number | undefined {
  const raw = attr(el, name);
  if (raw === undefined) return undefined;
  const n = parse(raw);
  if (n === undefined || n < min) {
    ctx.problem('bad-number', `<podcast:${el.name}> ${name}="${short(raw)}" is not a valid number`);
    return undefined;
  }
  return n;
}

const decimal = (s: string): number | undefined => parseDecimal(s);
const wholeNumber = (s: string): number | undefined => parseNonNegativeInt(s);

function yesNo(raw: string | undefined): boolean | undefined {
  return parseBoolean(raw);
}

function children(el: RawElement, name: string): RawElement[] {
  return el.children.filter((c) => c.ns === NS.podcast && c.name === name);
}

function set<T, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

// ---- tag readers (shared by channel, item and liveItem) ------------------------------------------------------

function personOf(el: RawElement, ctx: HandlerContext): Person | undefined {
  const name = lineOf(el);
  if (name === undefined) {
    invalid(ctx, el, 'has no name');
    return undefined;
  }
  const p: Person = {
    name: name.length > 128 ? name.slice(0, 128) : name,
    role: attr(el, 'role')?.toLowerCase() ?? 'host',
    group: attr(el, 'group')?.toLowerCase() ?? 'cast',
  };
  set(p, 'img', urlAttr(el, 'img', ctx));
  set(p, 'href', urlAttr(el, 'href', ctx));
  return p;
}

function fundingOf(el: RawElement, ctx: HandlerContext): Funding | undefined {
  if (attr(el, 'url') === undefined) {
    invalid(ctx, el, 'has no url');
    return undefined;
  }
  const url = urlAttr(el, 'url', ctx);
  if (url === undefined) return undefined;
  const f: Funding = { url };
  set(f, 'label', lineOf(el));
  return f;
}

function locationOf(el: RawElement, ctx: HandlerContext): Location | undefined {
  const name = lineOf(el);
  if (name === undefined) {
    invalid(ctx, el, 'has no name');
    return undefined;
  }
  const loc: Location = { name };
  set(loc, 'rel', attr(el, 'rel')?.toLowerCase());
  const geo = attr(el, 'geo');
  if (geo !== undefined) {
    if (/^geo:-?\d+(\.\d+)?,-?\d+(\.\d+)?/i.test(geo)) loc.geo = geo;
    else invalid(ctx, el, `geo="${short(geo)}" is not a geo: URI`);
  }
  set(loc, 'osm', attr(el, 'osm'));
  const country = attr(el, 'country');
  if (country !== undefined) {
    if (/^[a-z]{2}$/i.test(country)) loc.country = country.toUpperCase();
    else invalid(ctx, el, `country="${short(country)}" is not an ISO 3166 code`);
  }
  return loc;
}

function licenseOf(el: RawElement, ctx: HandlerContext): License | undefined {
  const name = lineOf(el);
  if (name === undefined) {
    invalid(ctx, el, 'has no license name');
    return undefined;
  }
  const l: License = { name };
  set(l, 'url', urlAttr(el, 'url', ctx));
  return l;
}

function socialInteractOf(el: RawElement, ctx: HandlerContext): SocialInteract | undefined {
  const protocol = attr(el, 'protocol')?.toLowerCase();
  if (protocol === undefined) {
    invalid(ctx, el, 'has no protocol');
    return undefined;
  }
  const s: SocialInteract = { protocol };
  set(s, 'uri', uriAttr(el, 'uri', ctx));
  set(s, 'accountId', attr(el, 'accountId'));
  set(s, 'accountUrl', urlAttr(el, 'accountUrl', ctx));
  set(s, 'priority', numberAttr(el, 'priority', ctx, wholeNumber));
  return s;
}

function txtOf(el: RawElement, ctx: HandlerContext): Txt | undefined {
  const text = textOf(el);
  if (text === undefined) {
    invalid(ctx, el, 'is empty');
    return undefined;
  }
  const t: Txt = { text: text.length > 4000 ? text.slice(0, 4000) : text };
  set(t, 'purpose', attr(el, 'purpose'));
  return t;
}

function imageOf(el: RawElement, ctx: HandlerContext): PodcastImage | undefined {
  if (attr(el, 'href') === undefined) {
    invalid(ctx, el, 'has no href');
    return undefined;
  }
  const href = urlAttr(el, 'href', ctx);
  if (href === undefined) return undefined;
  const img: PodcastImage = { href };
  set(img, 'alt', attr(el, 'alt'));
  set(img, 'aspectRatio', attr(el, 'aspect-ratio'));
  set(img, 'width', numberAttr(el, 'width', ctx, wholeNumber, 1));
  set(img, 'height', numberAttr(el, 'height', ctx, wholeNumber, 1));
  set(img, 'type', attr(el, 'type')?.toLowerCase());
  set(img, 'purpose', attr(el, 'purpose'));
  return img;
}

/** Deprecated `<podcast:images srcset="url 1500w, url2 600w">`: each candidate becomes an image with its width. */
function srcsetImages(el: RawElement, ctx: HandlerContext): PodcastImage[] {
  const srcset = attr(el, 'srcset');
  if (srcset === undefined) {
    invalid(ctx, el, 'has no srcset');
    return [];
  }
  const out: PodcastImage[] = [];
  for (const candidate of srcset.split(/,\s+|,(?=\s*https?:)/)) {
    const [rawUrl, descriptor] = candidate.trim().split(/\s+/);
    if (rawUrl === undefined || rawUrl.length === 0) continue;
    const href = ctx.resolveUrl(rawUrl, el.base);
    if (href === undefined) continue;
    const img: PodcastImage = { href };
    const w = descriptor === undefined ? undefined : /^(\d+)w$/.exec(descriptor)?.[1];
    if (w !== undefined) img.width = Number(w);
    out.push(img);
  }
  return out;
}

function addImages(list: PodcastImage[] | undefined, add: PodcastImage[]): PodcastImage[] | undefined {
  if (add.length === 0) return list;
  const out = list ?? [];
  for (const img of add) if (!out.some((i) => i.href === img.href)) out.push(img);
  return out;
}

function remoteItemOf(el: RawElement, ctx: HandlerContext): RemoteItem | undefined {
  const feedGuid = attr(el, 'feedGuid');
  if (feedGuid === undefined) {
    invalid(ctx, el, 'has no feedGuid');
    return undefined;
  }
  const r: RemoteItem = { feedGuid };
  set(r, 'feedUrl', urlAttr(el, 'feedUrl', ctx));
  set(r, 'itemGuid', attr(el, 'itemGuid'));
  set(r, 'medium', attr(el, 'medium'));
  set(r, 'title', attr(el, 'title') ?? lineOf(el));
  return r;
}

function remoteItemsIn(el: RawElement, ctx: HandlerContext): RemoteItem[] {
  const out: RemoteItem[] = [];
  for (const c of children(el, 'remoteItem')) {
    const r = remoteItemOf(c, ctx);
    if (r !== undefined) out.push(r);
  }
  return out;
}

function recipientOf(el: RawElement, ctx: HandlerContext): ValueRecipient | undefined {
  const type = attr(el, 'type');
  const address = attr(el, 'address');
  const splitRaw = attr(el, 'split');
  if (type === undefined || address === undefined || splitRaw === undefined) {
    invalid(
      ctx,
      el,
      `needs type, address and split (${address === undefined ? 'no address' : `address ${short(address, 24)}`})`,
    );
    return undefined;
  }
  const split = parseDecimal(splitRaw);
  if (split === undefined || split < 0) {
    ctx.problem(
      'bad-number',
      `<podcast:valueRecipient> split="${short(splitRaw)}" is not a non-negative number`,
    );
    return undefined;
  }
  const r: ValueRecipient = { type: type.toLowerCase(), address, split };
  set(r, 'name', attr(el, 'name'));
  set(r, 'customKey', attr(el, 'customKey'));
  set(r, 'customValue', attr(el, 'customValue'));
  const fee = attr(el, 'fee');
  if (fee !== undefined) {
    const b = yesNo(fee);
    if (b === undefined) invalid(ctx, el, `fee="${short(fee)}" is not true or false`);
    else r.fee = b;
  }
  return r;
}

function recipientsIn(el: RawElement, ctx: HandlerContext): ValueRecipient[] {
  const out: ValueRecipient[] = [];
  for (const c of children(el, 'valueRecipient')) {
    const r = recipientOf(c, ctx);
    if (r !== undefined) out.push(r);
  }
  return out;
}

function timeSplitOf(el: RawElement, ctx: HandlerContext): ValueTimeSplit | undefined {
  const startTime = numberAttr(el, 'startTime', ctx, decimal);
  const duration = numberAttr(el, 'duration', ctx, decimal);
  if (startTime === undefined || duration === undefined) {
    if (attr(el, 'startTime') === undefined || attr(el, 'duration') === undefined)
      invalid(ctx, el, 'needs startTime and duration');
    return undefined;
  }
  const s: ValueTimeSplit = { startTime, duration };
  set(s, 'remoteStartTime', numberAttr(el, 'remoteStartTime', ctx, decimal));
  const pct = numberAttr(el, 'remotePercentage', ctx, decimal);
  if (pct !== undefined) {
    if (pct <= 100) s.remotePercentage = pct;
    else ctx.problem('bad-number', `<podcast:valueTimeSplit> remotePercentage="${pct}" is above 100`);
  }
  const remote = children(el, 'remoteItem')[0];
  if (remote !== undefined) set(s, 'remoteItem', remoteItemOf(remote, ctx));
  const recipients = recipientsIn(el, ctx);
  if (recipients.length > 0) s.recipients = recipients;
  return s;
}

function valueBlockOf(el: RawElement, ctx: HandlerContext): Value | undefined {
  const type = attr(el, 'type')?.toLowerCase();
  const method = attr(el, 'method')?.toLowerCase();
  if (type === undefined || method === undefined) {
    invalid(ctx, el, 'needs type and method');
    return undefined;
  }
  const v: Value = { type, method, recipients: recipientsIn(el, ctx) };
  set(v, 'suggested', attr(el, 'suggested'));
  const splits: ValueTimeSplit[] = [];
  for (const c of children(el, 'valueTimeSplit')) {
    const s = timeSplitOf(c, ctx);
    if (s !== undefined) splits.push(s);
  }
  if (splits.length > 0) v.timeSplits = splits;
  if (v.recipients.length === 0 && splits.length === 0) {
    invalid(ctx, el, 'has no usable valueRecipient');
    return undefined;
  }
  return v;
}

const TRANSCRIPT_TYPES: Readonly<Record<string, string>> = {
  vtt: 'text/vtt',
  srt: 'application/x-subrip',
  json: 'application/json',
  html: 'text/html',
  htm: 'text/html',
  txt: 'text/plain',
};

function transcriptOf(el: RawElement, ctx: HandlerContext): Transcript | undefined {
  if (attr(el, 'url') === undefined) {
    invalid(ctx, el, 'has no url');
    return undefined;
  }
  const url = urlAttr(el, 'url', ctx);
  if (url === undefined) return undefined;
  let type = attr(el, 'type')?.toLowerCase();
  if (type === undefined) {
    const ext = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase();
    type = ext === undefined ? undefined : TRANSCRIPT_TYPES[ext];
    if (type === undefined) {
      invalid(ctx, el, `has no type and "${short(url)}" does not imply one`);
      return undefined;
    }
  }
  const t: Transcript = { url, type };
  set(t, 'language', attr(el, 'language') ?? ctx.feedLanguage);
  set(t, 'rel', attr(el, 'rel')?.toLowerCase());
  return t;
}

function alternateEnclosureOf(el: RawElement, ctx: HandlerContext): AlternateEnclosure | undefined {
  const type = attr(el, 'type')?.toLowerCase();
  if (type === undefined) {
    invalid(ctx, el, 'has no type');
    return undefined;
  }
  const sources: AlternateEnclosure['sources'] = [];
  for (const s of children(el, 'source')) {
    const uri = uriAttr(s, 'uri', ctx);
    if (uri === undefined) {
      if (attr(s, 'uri') === undefined) invalid(ctx, s, 'has no uri');
      continue;
    }
    const src: AlternateEnclosure['sources'][number] = { uri };
    set(src, 'contentType', attr(s, 'contentType')?.toLowerCase());
    sources.push(src);
  }
  if (sources.length === 0) {
    invalid(ctx, el, 'has no usable podcast:source');
    return undefined;
  }
  const a: AlternateEnclosure = { type, sources };
  const length = numberAttr(el, 'length', ctx, wholeNumber);
  if (length !== undefined && length > 0) a.length = length;
  set(a, 'bitrate', numberAttr(el, 'bitrate', ctx, decimal));
  set(a, 'height', numberAttr(el, 'height', ctx, wholeNumber, 1));
  set(a, 'lang', attr(el, 'lang'));
  set(a, 'title', attr(el, 'title'));
  set(a, 'rel', attr(el, 'rel'));
  set(a, 'codecs', attr(el, 'codecs'));
  const def = attr(el, 'default');
  if (def !== undefined) {
    const b = yesNo(def);
    if (b === undefined) invalid(ctx, el, `default="${short(def)}" is not true or false`);
    else a.default = b;
  }
  const integrity = children(el, 'integrity')[0];
  if (integrity !== undefined) {
    const itype = attr(integrity, 'type')?.toLowerCase();
    const value = attr(integrity, 'value');
    if (itype !== undefined && value !== undefined) a.integrity = { type: itype, value };
    else invalid(ctx, integrity, 'needs type and value');
  }
  return a;
}

function soundbiteOf(el: RawElement, ctx: HandlerContext): Soundbite | undefined {
  const startTime = numberAttr(el, 'startTime', ctx, decimal);
  const duration = numberAttr(el, 'duration', ctx, decimal);
  if (startTime === undefined || duration === undefined || duration <= 0) {
    if (attr(el, 'startTime') === undefined || attr(el, 'duration') === undefined)
      invalid(ctx, el, 'needs startTime and duration');
    else if (duration !== undefined && duration <= 0)
      ctx.problem('bad-number', '<podcast:soundbite> duration must be above 0');
    return undefined;
  }
  const s: Soundbite = { startTime, duration };
  set(s, 'title', lineOf(el));
  return s;
}

const MEDIUMS = new Map(
  ['podcast', 'music', 'video', 'film', 'audiobook', 'newsletter', 'blog', 'publisher', 'course']
    .flatMap((m) => [m, `${m}L`])
    .concat('mixed')
    .map((m) => [m.toLowerCase(), m]),
);

// ---- liveItem -------------------------------------------------------------------------------------------------

const LIVE_STATUS = new Set<ParsedLiveItem['status']>(['pending', 'live', 'ended']);

function isLiveStatus(s: string): s is ParsedLiveItem['status'] {
  return (LIVE_STATUS as ReadonlySet<string>).has(s);
}

function liveItemOf(el: RawElement, ctx: HandlerContext): ParsedLiveItem | undefined {
  const status = attr(el, 'status')?.toLowerCase();
  if (status === undefined || !isLiveStatus(status)) {
    invalid(ctx, el, `status="${short(status ?? '')}" is not pending, live or ended`);
    return undefined;
  }
  const builder = parseItemChildren(el.children, ctx);
  const episode = finaliseEpisode(builder, ctx, new Set());
  const live: ParsedLiveItem = { ...episode, status };
  for (const key of ['start', 'end'] as const) {
    const raw = attr(el, key);
    if (raw === undefined) continue;
    const d = parseDate(raw);
    if (d === undefined) ctx.problem('bad-date', `<podcast:liveItem> ${key}="${short(raw)}" is not a date`);
    else live[key] = d;
  }
  return live;
}

// ---- the handler ------------------------------------------------------------------------------------------------

function push<T>(list: T[] | undefined, value: T | undefined): T[] | undefined {
  if (value === undefined) return list;
  if (list === undefined) return [value];
  list.push(value);
  return list;
}

/** Tags valid on both channel and item: the ones whose field has the same name on both builders. */
function common(el: RawElement, b: FeedBuilder | EpisodeBuilder, ctx: HandlerContext): boolean {
  switch (el.name) {
    case 'person':
      set(b, 'persons', push(b.persons, personOf(el, ctx)));
      return true;
    case 'funding':
      set(b, 'funding', push(b.funding, fundingOf(el, ctx)));
      return true;
    case 'location': {
      const loc = locationOf(el, ctx);
      if (loc !== undefined && b.location === undefined) b.location = loc;
      return true;
    }
    case 'license':
      set(b, 'license', licenseOf(el, ctx));
      return true;
    case 'value':
      set(b, 'value', valueBlockOf(el, ctx));
      return true;
    case 'socialInteract':
      set(b, 'socialInteract', push(b.socialInteract, socialInteractOf(el, ctx)));
      return true;
    case 'txt':
      set(b, 'txt', push(b.txt, txtOf(el, ctx)));
      return true;
    case 'image':
      set(
        b,
        'images',
        addImages(
          b.images,
          [imageOf(el, ctx)].filter((i) => i !== undefined),
        ),
      );
      return true;
    case 'images':
      set(b, 'images', addImages(b.images, srcsetImages(el, ctx)));
      return true;
    default:
      return false;
  }
}

export const podcastHandler: NamespaceHandler = {
  namespaces: [NS.podcast],

  channel(el, feed, ctx) {
    if (common(el, feed, ctx)) return;
    switch (el.name) {
      case 'guid': {
        const t = textOf(el);
        if (t !== undefined) feed.podcastGuid = t;
        return;
      }
      case 'locked': {
        const t = textOf(el);
        const locked = yesNo(t);
        if (locked === undefined) {
          invalid(ctx, el, `"${short(t ?? '')}" is neither yes nor no`);
          return;
        }
        feed.locked = { locked };
        set(feed.locked, 'owner', attr(el, 'owner') ?? attr(el, 'email'));
        return;
      }
      case 'block': {
        const t = textOf(el);
        const blocked = yesNo(t);
        if (blocked === undefined) {
          invalid(ctx, el, `"${short(t ?? '')}" is neither yes nor no`);
          return;
        }
        const id = attr(el, 'id')?.toLowerCase();
        if (id === undefined) {
          if (blocked || feed.block === undefined) feed.block = blocked;
        } else if (blocked && !(feed.blockedServices ?? []).includes(id)) {
          feed.blockedServices = [...(feed.blockedServices ?? []), id];
        }
        return;
      }
      case 'complete': {
        const done = yesNo(textOf(el));
        if (done !== undefined && feed.complete === undefined) feed.complete = done;
        return;
      }
      case 'medium': {
        const t = textOf(el);
        if (t === undefined) return;
        const m = MEDIUMS.get(t.toLowerCase());
        if (m !== undefined) feed.medium = m;
        else invalid(ctx, el, `"${short(t)}" is not a known medium`);
        return;
      }
      case 'trailer': {
        const title = lineOf(el);
        if (attr(el, 'url') === undefined || title === undefined) {
          invalid(ctx, el, 'needs a url and a title');
          return;
        }
        const url = urlAttr(el, 'url', ctx);
        if (url === undefined) return;
        const t: NonNullable<FeedBuilder['trailers']>[number] = { title, url };
        const pub = attr(el, 'pubdate') ?? attr(el, 'pubDate');
        if (pub !== undefined) {
          const d = parseDate(pub);
          if (d === undefined)
            ctx.problem('bad-date', `<podcast:trailer> pubdate="${short(pub)}" is not a date`);
          else t.pubdate = d;
        }
        const length = numberAttr(el, 'length', ctx, wholeNumber);
        if (length !== undefined && length > 0) t.length = length;
        set(t, 'type', attr(el, 'type')?.toLowerCase());
        set(
          t,
          'season',
          numberAttr(el, 'season', ctx, (s) => parsePositiveInt(s), 1),
        );
        set(feed, 'trailers', push(feed.trailers, t));
        return;
      }
      case 'podroll': {
        const items = remoteItemsIn(el, ctx);
        if (items.length > 0) feed.podroll = [...(feed.podroll ?? []), ...items];
        return;
      }
      case 'remoteItem':
        set(feed, 'remoteItems', push(feed.remoteItems, remoteItemOf(el, ctx)));
        return;
      case 'publisher': {
        const r = remoteItemsIn(el, ctx)[0];
        if (r !== undefined) feed.publisher = r;
        else invalid(ctx, el, 'has no remoteItem');
        return;
      }
      case 'updateFrequency': {
        const u: UpdateFrequency = {};
        set(u, 'text', lineOf(el));
        set(u, 'rrule', attr(el, 'rrule'));
        const start = attr(el, 'dtstart');
        if (start !== undefined) {
          const d = parseDate(start);
          if (d === undefined)
            ctx.problem('bad-date', `<podcast:updateFrequency> dtstart="${short(start)}" is not a date`);
          else u.dtstart = d;
        }
        const complete = attr(el, 'complete');
        if (complete !== undefined) set(u, 'complete', yesNo(complete));
        if (Object.keys(u).length > 0) feed.updateFrequency = u;
        return;
      }
      case 'podping': {
        const uses = yesNo(attr(el, 'usesPodping') ?? textOf(el));
        if (uses !== undefined) feed.podping = uses;
        return;
      }
      case 'chat': {
        const server = attr(el, 'server');
        const protocol = attr(el, 'protocol')?.toLowerCase();
        if (server === undefined || protocol === undefined) {
          invalid(ctx, el, 'needs server and protocol');
          return;
        }
        const chat: NonNullable<FeedBuilder['chat']> = { server, protocol };
        set(chat, 'accountId', attr(el, 'accountId'));
        set(chat, 'space', attr(el, 'space'));
        feed.chat = chat;
        return;
      }
      case 'liveItem':
        set(feed, 'liveItems', push(feed.liveItems, liveItemOf(el, ctx)));
        return;
      default:
        return;
    }
  },

  item(el, ep, ctx) {
    if (common(el, ep, ctx)) return;
    switch (el.name) {
      case 'transcript':
        set(ep, 'transcripts', push(ep.transcripts, transcriptOf(el, ctx)));
        return;
      case 'chapters': {
        if (attr(el, 'url') === undefined) {
          invalid(ctx, el, 'has no url');
          return;
        }
        const url = urlAttr(el, 'url', ctx);
        if (url === undefined) return;
        ep.chapters = { url, type: attr(el, 'type')?.toLowerCase() ?? 'application/json+chapters' };
        return;
      }
      case 'soundbite':
        set(ep, 'soundbites', push(ep.soundbites, soundbiteOf(el, ctx)));
        return;
      case 'season': {
        const t = textOf(el);
        if (t === undefined) return;
        const n = parsePositiveInt(t);
        if (n === undefined) {
          ctx.problem('bad-number', `<podcast:season> "${short(t)}" is not a whole number from 1`);
          return;
        }
        ep.season = n;
        set(ep, 'seasonName', attr(el, 'name'));
        return;
      }
      case 'episode': {
        const t = textOf(el);
        if (t === undefined) return;
        const n = parseDecimal(t);
        if (n === undefined || n < 0) {
          ctx.problem('bad-number', `<podcast:episode> "${short(t)}" is not a number`);
          return;
        }
        ep.episode = n;
        set(ep, 'episodeDisplay', attr(el, 'display'));
        return;
      }
      case 'alternateEnclosure':
        set(ep, 'alternateEnclosures', push(ep.alternateEnclosures, alternateEnclosureOf(el, ctx)));
        return;
      case 'contentLink': {
        if (attr(el, 'href') === undefined) {
          invalid(ctx, el, 'has no href');
          return;
        }
        const href = urlAttr(el, 'href', ctx);
        if (href === undefined) return;
        const link: { href: string; text?: string } = { href };
        set(link, 'text', lineOf(el));
        set(ep, 'contentLinks', push(ep.contentLinks, link));
        return;
      }
      default:
        return;
    }
  },
};
