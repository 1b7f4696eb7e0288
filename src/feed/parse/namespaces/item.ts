// Dispatching elements to the namespace handlers, and turning a finished item into a ParsedEpisode (identity per
// protocols.md §2.5, plain-text description, show-notes HTML, fallbacks). Exported for podcast:liveItem too.
import { createHash } from 'node:crypto';
import type { DeferredText } from '../entities.ts';
import type { ParsedEpisode } from '../types.ts';
import { decodeDoubleEscaped, htmlToText } from '../values/text.ts';
import type { EpisodeBuilder, FeedBuilder, HandlerContext, RawElement } from './handler.ts';
import { handlersFor } from './index.ts';
import { detachedCopy, short } from './util.ts';

function failed(ctx: HandlerContext, el: RawElement, err: unknown): void {
  const why = err instanceof Error ? err.message : String(err);
  ctx.problem(
    'invalid-value',
    `<${el.name}> (${el.ns || 'no namespace'}) could not be read: ${short(why, 120)}`,
  );
}

/** Runs every handler registered for the element's namespace on one direct child of an item. */
export function dispatchItem(el: RawElement, ep: EpisodeBuilder, ctx: HandlerContext): void {
  for (const h of handlersFor(el.ns)) {
    if (h.item === undefined) continue;
    try {
      h.item(el, ep, ctx);
    } catch (err) {
      failed(ctx, el, err);
    }
  }
}

/** Runs every handler registered for the element's namespace on one direct child of a channel/feed. */
export function dispatchChannel(el: RawElement, feed: FeedBuilder, ctx: HandlerContext): void {
  for (const h of handlersFor(el.ns)) {
    if (h.channel === undefined) continue;
    try {
      h.channel(el, feed, ctx);
    } catch (err) {
      failed(ctx, el, err);
    }
  }
}

/** Runs all item handlers over the children of an item-like element (e.g. podcast:liveItem). */
export function parseItemChildren(children: readonly RawElement[], ctx: HandlerContext): EpisodeBuilder {
  const ep: EpisodeBuilder = {};
  for (const el of children) dispatchItem(el, ep, ctx);
  return ep;
}

/** The identities given out so far in one feed (a `Set<string>` will do). */
export interface SeenIdentities {
  has(id: string): boolean;
  add(id: string): unknown;
}

/**
 * The identities of one feed. A guid is usually a slice of the decoded text it was read from, and a slice keeps that
 * whole string alive: the set holds copies, so that a feed streamed without keeping its episodes does not keep its
 * whole document either. (It used to hold them as property names, which V8 stores as their own flat copies too; but
 * looking up a sliced string as a property name goes through the process-wide table of internalised strings, which
 * cost ~0.5 µs per episode on the Giant Bombcast archive, 4% of its parse.)
 */
export class IdentitySet implements SeenIdentities {
  private readonly ids = new Set<string>();
  has(id: string): boolean {
    return this.ids.has(id);
  }
  add(id: string): this {
    this.ids.add(detachedCopy(id));
    return this;
  }
}

/**
 * The EpisodeBuilder fields that are working values of the core, never part of a ParsedEpisode. A Record of all of
 * them, so that an internal field added to EpisodeBuilder and not listed here fails to compile.
 */
const INTERNAL: Record<Exclude<keyof EpisodeBuilder, keyof ParsedEpisode>, true> = {
  rawGuid: true,
  guidIsPermaLink: true,
  descriptionHtml: true,
  summaryHtml: true,
  mediaEnclosure: true,
  mediaThumbnail: true,
  updatedAt: true,
};
const INTERNAL_FIELDS: ReadonlySet<string> = new Set(Object.keys(INTERNAL));

/**
 * `{ guid, guidSource, ...b }` without the internal fields, in b's order: one copy per episode, where destructuring
 * the internal fields off into a rest object and spreading that would make two.
 */
function publicPart(b: EpisodeBuilder, guid: string, guidSource: ParsedEpisode['guidSource']): ParsedEpisode {
  const ep: ParsedEpisode = { guid, guidSource };
  // Both are plain objects with string keys; the loop copies b's own fields but the internal ones, which is what
  // `const { rawGuid, …, ...rest } = b` would have kept (for-in and spread visit own keys in the same order, and
  // EpisodeBuilder objects are object literals with nothing inherited).
  const from = b as Record<string, unknown>;
  const to = ep as unknown as Record<string, unknown>;
  for (const key in from) if (!INTERNAL_FIELDS.has(key)) to[key] = from[key];
  return ep;
}

/** Markup or entities that make a description worth keeping as HTML. */
const LOOKS_HTML = /<[a-zA-Z!/]|&[#a-zA-Z]/;

function hash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

/** Titles double-escaped by the publisher (`&amp;amp;`, `&amp;#039;`) are decoded once more. */
export function fixTitle(
  title: string | undefined,
  ctx: HandlerContext,
  episode?: string,
): string | undefined {
  if (title === undefined || !title.includes('&')) return title;
  const { text, changed } = decodeDoubleEscaped(title);
  if (!changed) return title;
  ctx.problem('double-escaped', `title "${short(title)}" was escaped twice; decoded once more`, episode);
  return text;
}

/** Text a handler may have kept undecoded (`RawElement.later`), decoded. */
function decodedText(text: string | DeferredText | undefined): string | undefined {
  return text === undefined || typeof text === 'string' ? text : text.value;
}

function plainText(html: string | undefined): string | undefined {
  if (html === undefined) return undefined;
  const t = htmlToText(html).trim();
  return t.length > 0 ? t : undefined;
}

/**
 * Applies the identity rules and fallbacks to a finished item. `seen` holds the identities already given out in
 * this feed; duplicates are told apart by enclosure URL (then link, then content hash), deterministically.
 */
export function finaliseEpisode(b: EpisodeBuilder, ctx: HandlerContext, seen: SeenIdentities): ParsedEpisode {
  const {
    rawGuid,
    guidIsPermaLink,
    descriptionHtml,
    summaryHtml: summary,
    mediaEnclosure,
    mediaThumbnail,
    updatedAt,
  } = b;
  const enclosure = b.enclosure ?? mediaEnclosure;
  const publishedAt = b.publishedAt ?? updatedAt;
  let link = b.link;
  const trimmedGuid = rawGuid?.trim();
  if (
    link === undefined &&
    trimmedGuid !== undefined &&
    guidIsPermaLink === true &&
    /^https?:\/\//i.test(trimmedGuid)
  ) {
    link = ctx.resolveUrl(trimmedGuid, '');
  }

  // Identity (protocols.md §2.5).
  let guid: string;
  let guidSource: ParsedEpisode['guidSource'];
  let deferred: [Parameters<HandlerContext['problem']>[0], string][] | undefined;
  if (trimmedGuid !== undefined && trimmedGuid.length > 0) {
    guid = trimmedGuid;
    guidSource = 'guid';
  } else {
    if (enclosure !== undefined) {
      guid = enclosure.url;
      guidSource = 'enclosure';
    } else if (link !== undefined) {
      guid = link;
      guidSource = 'link';
    } else {
      guid = hash(
        b.title ?? '',
        publishedAt ?? '',
        descriptionHtml ?? decodedText(summary) ?? b.contentHtml ?? '',
      );
      guidSource = 'hash';
    }
    deferred = [
      rawGuid === undefined
        ? [
            'missing-guid',
            `item has no guid; identified by its ${guidSource === 'hash' ? 'title and date' : guidSource}`,
          ]
        : [
            'blank-guid',
            `item has a blank guid; identified by its ${guidSource === 'hash' ? 'title and date' : guidSource}`,
          ],
    ];
  }
  if (seen.has(guid)) {
    const original = guid;
    const apart = enclosure?.url ?? link ?? hash(b.title ?? '', publishedAt ?? '');
    guid = `${original}#${apart}`;
    for (let i = 2; seen.has(guid); i++) guid = `${original}#${apart}#${i}`;
    deferred ??= [];
    deferred.push([
      'duplicate-guid',
      `guid "${short(original)}" is used by more than one item; told apart by ${enclosure !== undefined ? 'enclosure URL' : 'link or content'}`,
    ]);
  }
  seen.add(guid);
  if (deferred !== undefined) for (const [code, message] of deferred) ctx.problem(code, message, guid);

  const ep = publicPart(b, guid, guidSource);
  if (link !== undefined) ep.link = link;
  if (enclosure !== undefined) ep.enclosure = enclosure;
  else ctx.problem('missing-enclosure', 'item has no enclosure (nothing to play)', guid);
  if (publishedAt !== undefined) ep.publishedAt = publishedAt;
  const title = fixTitle(b.title, ctx, guid);
  if (title !== undefined) ep.title = title;
  else ctx.problem('missing-title', 'item has no title', guid);

  const description = plainText(descriptionHtml) ?? b.description ?? plainText(decodedText(summary));
  if (description !== undefined) ep.description = description;
  else delete ep.description;
  if (ep.contentHtml === undefined) {
    const html = descriptionHtml ?? decodedText(summary);
    // (`<` and `&` looked for natively first: plain-text descriptions are scanned by no regex.)
    if (html !== undefined && (html.includes('<') || html.includes('&')) && LOOKS_HTML.test(html)) {
      ep.contentHtml = html.trim();
    }
  }
  if (ep.imageUrl === undefined && mediaThumbnail !== undefined) ep.imageUrl = mediaThumbnail;
  return ep;
}
