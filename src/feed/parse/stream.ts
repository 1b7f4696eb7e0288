// The streaming core: bytes → text (decode.ts) → tokens (tokenizer.ts) → one small RawElement tree per direct child
// of <channel>/<feed> and of each <item>/<entry> → namespace handlers → ParsedFeed + ParsedEpisode, each episode
// emitted as its item closes. No whole-document tree is ever built.

import { isAscii } from 'node:buffer';
import { MAX_MARKUP_DEPTH } from '../../domain/limits.ts';
import { ByteDecoder } from './decode.ts';
import { cleanText, DeferredText, decodeEntities, type EntitySink, stripControlChars } from './entities.ts';
import type { EpisodeBuilder, FeedBuilder, HandlerContext, RawElement } from './namespaces/handler.ts';
import { canonicalNamespace, NS } from './namespaces/handler.ts';
import { readsChildrenIn, readsLater } from './namespaces/index.ts';
import { dispatchChannel, dispatchItem, finaliseEpisode, fixTitle, IdentitySet } from './namespaces/item.ts';
import { RSS090_NS } from './namespaces/rss.ts';
import { ProblemLog } from './problems.ts';
import { type Attributes, type TokenHandler, XmlTokenizer } from './tokenizer.ts';
import {
  type FeedFormat,
  type FeedProblem,
  NotAFeedError,
  type ParsedEpisode,
  type ParsedFeed,
  type ParseOptions,
  type ProblemCode,
} from './types.ts';
import { cleanUrl, usableBase } from './url.ts';
import { htmlToText } from './values/text.ts';

export interface FeedStreamInit {
  /** The feed's URL (after redirects): the base for relative URLs. */
  url: string;
  /** The HTTP Content-Type header value, if any. */
  contentType?: string;
  options?: ParseOptions;
  /** Called with each episode as soon as its item has been read. */
  onEpisode: (episode: ParsedEpisode) => void;
}

export interface FeedStreamResult {
  feed: ParsedFeed;
  problems: FeedProblem[];
  episodeCount: number;
}

// ---- Namespaces ------------------------------------------------------------------------------------------------

/** Prefixes real feeds use without declaring them; recognised anyway. */
const WELL_KNOWN_PREFIXES: Readonly<Record<string, string>> = {
  itunes: NS.itunes,
  podcast: NS.podcast,
  content: NS.content,
  media: NS.media,
  atom: NS.atom,
  atom10: NS.atom,
  dc: NS.dc,
  dcterms: NS.dcterms,
  psc: NS.psc,
  rdf: NS.rdf,
  googleplay: NS.googleplay,
  xml: NS.xml,
};

interface QName {
  ns: string;
  local: string;
  /** Its children are HTML to be kept as markup text (see RAW_MARKUP). */
  raw: boolean;
  /** As an item child, its handler may keep its text undecoded (`NamespaceHandler.readLater`). */
  later: boolean;
  /** Some handler reads elements of its namespace as direct children of an item / of the channel. */
  readInItem: boolean;
  readInChannel: boolean;
}

/** A resolved name with what the registry says about it, worked out once per name and scope. */
function qName(ns: string, local: string): QName {
  return {
    ns,
    local,
    raw: isRawMarkup(ns, local),
    later: readsLater(ns, local),
    readInItem: readsChildrenIn(ns, true),
    readInChannel: readsChildrenIn(ns, false),
  };
}

/** The namespace bindings in force for an element, with a cache of resolved qualified names. */
class Scope {
  private readonly names = new Map<string, QName>();
  /** Scopes of child elements that declare namespaces, by their declarations (feeds repeat them on every item). */
  private children: Map<string, Scope> | undefined;
  /**
   * The same for elements with one declaration (`<dc:creator xmlns:dc="…">` on every item), by attribute name, then
   * value: found without building the key string.
   */
  private declaring:
    | Map<string, { lastValue: string; lastScope: Scope; byValue: Map<string, Scope> }>
    | undefined;
  constructor(readonly prefixes: ReadonlyMap<string, string>) {}

  resolve(qname: string): QName {
    let r = this.names.get(qname);
    if (r !== undefined) return r;
    const colon = qname.indexOf(':');
    if (colon < 0) {
      const ns = this.prefixes.get('') ?? '';
      r = qName(ns, qname);
    } else {
      const prefix = qname.slice(0, colon);
      const local = qname.slice(colon + 1);
      const ns =
        this.prefixes.get(prefix) ??
        WELL_KNOWN_PREFIXES[prefix.toLowerCase()] ??
        `urn:undeclared-prefix:${prefix}`;
      r = qName(ns, local);
    }
    this.names.set(qname, r);
    return r;
  }

  /**
   * The scope of a child element whose attributes declare namespaces; `key` is those declarations (`prefix=uri`
   * pairs, in order) as one string.
   */
  child(key: string, attrs: Attributes): Scope {
    let scope = this.children?.get(key);
    if (scope !== undefined) return scope;
    const map = new Map(this.prefixes);
    for (let i = 0; i < attrs.length; i++) {
      const prefix = declaredPrefix(attrs.names[i] ?? '');
      if (prefix !== undefined) map.set(prefix, canonicalNamespace(attrs.values[i] ?? ''));
    }
    scope = new Scope(map);
    this.children ??= new Map();
    // A hostile feed could declare a new namespace on every element: only the first few are remembered.
    if (this.children.size < 64) this.children.set(key, scope);
    return scope;
  }

  /** `child` for an element whose one declaration is the attribute `name="value"`. */
  childDeclaring(name: string, value: string, attrs: Attributes): Scope {
    let byName = this.declaring?.get(name);
    // The value compared with the last one seen under this name first: no hash of a string sliced anew each time.
    if (byName !== undefined && byName.lastValue === value) return byName.lastScope;
    const known = byName?.byValue.get(value);
    const scope = known ?? this.child(`${declaredPrefix(name) ?? ''}\u0000${value}\u0000`, attrs);
    if (byName === undefined) {
      this.declaring ??= new Map();
      if (this.declaring.size >= 64) return scope;
      byName = { lastValue: value, lastScope: scope, byValue: new Map() };
      this.declaring.set(name, byName);
    }
    byName.lastValue = value;
    byName.lastScope = scope;
    if (known === undefined && byName.byValue.size < 64) byName.byValue.set(value, scope);
    return scope;
  }
}

/** The prefix an attribute declares (`xmlns` → '', `xmlns:p` → 'p'), or undefined when it declares none. */
function declaredPrefix(key: string): string | undefined {
  if (key.length === 5 && key === 'xmlns') return '';
  if (key.startsWith('xmlns:')) return key.slice(6);
  return undefined;
}

/**
 * A new scope when the element declares namespaces, else the parent's. `xml:base`, being the other attribute that
 * starts with "xml", is picked up in the same pass (into `found.base`).
 */
function scopeFor(parent: Scope, attrs: Attributes, found: { base: string | undefined }): Scope {
  let declarations = 0;
  let first = 0;
  found.base = undefined;
  for (let i = 0; i < attrs.length; i++) {
    const name = attrs.names[i] ?? '';
    if (name.charCodeAt(0) !== 0x78 || name.charCodeAt(1) !== 0x6d || name.charCodeAt(2) !== 0x6c) continue;
    if (name === 'xml:base') {
      found.base = attrs.values[i];
      continue;
    }
    if ((name === 'xmlns' || name.startsWith('xmlns:')) && declarations++ === 0) first = i;
  }
  if (declarations === 0) return parent;
  if (declarations === 1)
    return parent.childDeclaring(attrs.names[first] ?? '', attrs.values[first] ?? '', attrs);
  let key = '';
  for (let i = 0; i < attrs.length; i++) {
    const prefix = declaredPrefix(attrs.names[i] ?? '');
    if (prefix !== undefined) key += `${prefix}\u0000${attrs.values[i] ?? ''}\u0000`;
  }
  // (No callback for the declarations: a closure over `attrs` would cost an allocation on every element.)
  return parent.child(key, attrs);
}

// ---- Frames ----------------------------------------------------------------------------------------------------

const JUNK = 0; // an element before the root (a PHP warning's <b>)
const ROOT = 1; // <rss>, <rdf:RDF>, <feed> (for Atom the root is also the channel)
const CHANNEL = 2;
const ITEM = 3;
const CHILD = 4; // an element inside a channel child or item child: part of a RawElement tree
const GHOST = 5; // closed by us early (an unclosed element before the next <item>); the tokenizer closes it later

interface Frame {
  kind: number;
  scope: Scope;
  base: string;
  /** CHILD: the element being built; undefined for an element nothing reads (see `pushChild`). */
  el: RawElement | undefined;
  /** CHILD: the element's local name. */
  name: string;
  /** CHILD: raw character data not yet entity-decoded. */
  pending: string;
  /** CHILD: inner markup is collected as text (descriptions, content:encoded). */
  rawMarkup: boolean;
  /** CHILD: a direct child of an item whose handler may keep its text undecoded (`NamespaceHandler.readLater`). */
  later: boolean;
  /** ITEM: the episode being built. */
  ep: EpisodeBuilder | undefined;
  /** ITEM: problems raised while it is read, attached to its identity once that is known. */
  problems: [ProblemCode, string][] | undefined;
  /** ITEM: how many child elements it had (an item with none is feedburner's `<item/>` junk). */
  childCount: number;
}

/** Elements whose children are HTML, not XML structure: their inner markup is kept as text. */
const RAW_MARKUP = new Map<string, ReadonlySet<string>>([
  [NS.none, new Set(['description'])],
  [NS.rss1, new Set(['description'])],
  [NS.content, new Set(['encoded'])],
  [NS.itunes, new Set(['summary', 'subtitle'])],
  [NS.media, new Set(['description'])],
  [NS.atom, new Set(['content', 'summary', 'subtitle', 'tagline', 'title', 'rights'])],
]);

function isRawMarkup(ns: string, local: string): boolean {
  return RAW_MARKUP.get(ns)?.has(local) === true;
}

const CORE_NS = new Set<string>([NS.none, NS.rss1, RSS090_NS, NS.atom]);
const EMPTY_ATTRS: Readonly<Record<string, string>> = Object.freeze({});
/** Shared by every element without children until its first child arrives (never mutated). */
const NO_CHILDREN: RawElement[] = [];
const NON_WHITESPACE = /\S/;

function anyValueHasAmpersand(attrs: Attributes): boolean {
  for (let i = 0; i < attrs.length; i++) if (attrs.values[i]?.includes('&') === true) return true;
  return false;
}

/** The tag's attributes written back as markup (valueless ones as `=""`), for HTML kept as text. */
function markupAttrs(attrs: Attributes): string {
  let s = '';
  for (let i = 0; i < attrs.length; i++) {
    const key = attrs.names[i] ?? '';
    const v = attrs.values[i] ?? '';
    s += v.includes('"') ? ` ${key}='${v}'` : ` ${key}="${v}"`;
  }
  return s;
}

/** Whether src[start, end) has a character other than whitespace (JavaScript's `\s`). */
function hasNonWhitespace(src: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = src.charCodeAt(i);
    if (c > 0x20 || (c !== 0x20 && (c < 0x09 || c > 0x0d))) {
      if (c < 0x80 || NON_WHITESPACE.test(src[i] ?? '')) return true;
    }
  }
  return false;
}
/**
 * An attribute's key in RawElement.attrs: its local name (`xml:` ones keep the prefix); '' for namespace declarations
 * and for `__proto__` (attribute names are untrusted keys: never let one reach the prototype).
 */
function attrKey(name: string): string {
  let local = name;
  const colon = name.indexOf(':');
  if (colon >= 0) {
    const prefix = name.slice(0, colon);
    if (prefix === 'xmlns') return '';
    if (prefix !== 'xml') local = name.slice(colon + 1);
  } else if (name === 'xmlns') return '';
  return local === '__proto__' ? '' : local;
}

// ---- The collector: tokenizer events ------------------------------------------------------------------------

class Collector implements EntitySink, TokenHandler {
  readonly problems = new ProblemLog();
  readonly feed: FeedBuilder = {};
  format: FeedFormat | undefined;
  episodeCount = 0;
  /** Set just before the tokenizer is told the input ended: implied closes from then on mean truncation. */
  ending = false;
  /** False while the input decoded so far cannot hold U+0000 (the decoder says so): long texts need no search. */
  mayContainNul = true;

  private readonly stack: Frame[] = [];
  private readonly rootScope = new Scope(new Map());
  private readonly feedBase: string;
  private readonly seen = new IdentitySet();
  private readonly maxItems: number;
  private readonly onEpisode: (e: ParsedEpisode) => void;

  private state: 'prolog' | 'root' | 'after' = 'prolog';
  private rootClosed = false;
  private channelSeen = false;
  private firstJunkElement: string | undefined;
  private sawHtml = false;
  private sawText = false;
  private sawAnyElement = false;
  /** Depth inside an element we ignore entirely (after the root, excess items, unknown root-level elements). */
  private skipDepth = 0;
  /** Depth inside HTML markup collected as text, and the frame collecting it. */
  private rawDepth = 0;
  private rawOwner: Frame | undefined;
  private inCdata = false;
  private inInternalSubset = false;
  /** True between an open tag and the next event: an implied close right then is a self-closing tag (`<x/>`). */
  private justOpened = false;
  private itemsSkipped = 0;
  private partialItemDropped = false;
  private unclosedReported = false;
  /** The items being read, innermost last (an item can open inside an unclosed one). */
  private readonly openItems: Frame[] = [];
  private emptyItems = 0;

  readonly ctx: HandlerContext;
  /** Out-parameter of scopeFor (one object, not one per element). */
  private readonly found: { base: string | undefined } = { base: undefined };
  /** Finished CHILD frames, reused: one fewer allocation per element. */
  private readonly pool: Frame[] = [];
  /** attrKey() of the attribute names seen so far. */
  private readonly attrKeys = new Map<string, string>();

  constructor(url: string, maxItems: number | undefined, onEpisode: (e: ParsedEpisode) => void) {
    this.feedBase = usableBase(url);
    this.maxItems = maxItems ?? Number.POSITIVE_INFINITY;
    this.onEpisode = onEpisode;
    const feed = this.feed;
    this.ctx = {
      resolveUrl: (raw, base) => {
        if (raw === undefined) return undefined;
        const r = cleanUrl(raw, base);
        if (r.reason !== undefined) this.problem('bad-url', r.reason);
        return r.url;
      },
      problem: (code, message, episode) => this.problem(code, message, episode),
      get feedLanguage() {
        return feed.language;
      },
      repeat: { keywords: new Map() },
    };
  }

  problem(code: ProblemCode, message: string, episode?: string): void {
    const item = episode === undefined ? this.openItems[this.openItems.length - 1] : undefined;
    if (item?.problems !== undefined) item.problems.push([code, message]);
    else this.problems.add(code, message, episode);
  }

  // EntitySink
  undefinedEntity(name: string, decoded: boolean): void {
    this.problems.once(
      `entity:${name}`,
      'undefined-entity',
      decoded
        ? `&${name}; is an HTML entity XML does not define; decoded as HTML would`
        : `&${name}; is not a known entity; kept as written`,
    );
  }
  bareAmpersand(): void {
    this.problems.once('bare-amp', 'bare-ampersand', 'a bare "&" that starts no entity; kept as "&"');
  }

  // ---- tokenizer events ----

  ontoodeep(): void {
    this.problems.once(
      'too-deep',
      'too-deep',
      `elements nested deeper than ${MAX_MARKUP_DEPTH} were flattened (read as empty, their content kept in the element around them)`,
    );
  }

  onopentag(name: string, attrs: Attributes): void {
    this.justOpened = true;
    if (this.skipDepth > 0) {
      this.skipDepth++;
      return;
    }
    let top = this.stack[this.stack.length - 1];
    if ((name === 'item' || name === 'entry') && top !== undefined && top.kind >= ITEM) {
      // An <item> inside an item's or the channel's child means something before it was never closed.
      if (this.recoverBeforeItem()) top = this.stack[this.stack.length - 1];
    }
    if (this.rawDepth > 0 || top?.rawMarkup === true) {
      this.openRawMarkup(top, name, attrs);
      return;
    }
    while (top?.kind === GHOST) top = this.stack[this.stack.indexOf(top) - 1];
    this.sawAnyElement = true;
    const scope = scopeFor(top?.scope ?? this.rootScope, attrs, this.found);
    const q = scope.resolve(name);
    let base = top?.base ?? this.feedBase;
    const xmlBase = this.found.base;
    if (xmlBase !== undefined) base = usableBase(xmlBase) || (cleanUrl(xmlBase, base).url ?? base);

    if (top === undefined || top.kind === JUNK) {
      this.openInProlog(q, name, scope, base, attrs);
      return;
    }
    switch (top.kind) {
      case ROOT:
        if (this.format === 'atom') this.openInChannel(q, scope, base, attrs);
        else this.openInRoot(q, scope, base, attrs);
        return;
      case CHANNEL:
        this.openInChannel(q, scope, base, attrs);
        return;
      case ITEM:
        // An item inside an item: an unclosed previous item, or feedburner's empty `<item/>` junk. Read it as an
        // item of its own; the outer one goes on (an empty one is dropped when it closes).
        if ((q.local === 'item' || q.local === 'entry') && CORE_NS.has(q.ns))
          this.openItem(scope, base, attrs);
        else this.pushChild(top, q, scope, base, attrs);
        return;
      case CHILD:
        this.pushChild(top, q, scope, base, attrs);
        return;
      default:
        this.skipDepth = 1;
    }
  }

  /**
   * Ends every open element above the nearest item, channel or feed root early, turning them into ghosts that the
   * tokenizer's own implied closes will pop later. Returns false when there is nothing to return to.
   */
  private recoverBeforeItem(): boolean {
    let channelAt = -1;
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const k = this.stack[i]?.kind;
      if (k === CHANNEL || k === ITEM || (k === ROOT && this.format !== undefined)) {
        channelAt = i;
        break;
      }
    }
    if (channelAt < 0) return false;
    const top = this.stack[this.stack.length - 1];
    if (top === undefined || top.kind === CHANNEL || top.kind === ROOT || top.kind === ITEM) return false;
    // Raw markup elements still open in the tokenizer become ghosts too.
    const ghosts: Frame[] = [];
    for (; this.rawDepth > 0; this.rawDepth--) ghosts.push(frame(GHOST, this.rootScope, ''));
    this.rawOwner = undefined;
    while (this.stack.length - 1 > channelAt) {
      const f = this.stack[this.stack.length - 1];
      if (f === undefined) break;
      if (f.kind === GHOST) {
        this.stack.pop();
        ghosts.push(f);
        continue;
      }
      // Close it as the tokenizer would have, had the close tag been there.
      this.justOpened = false;
      this.onclosetag(f.kind === CHILD ? f.name : 'item', true);
      ghosts.push(frame(GHOST, f.scope, f.base));
    }
    this.stack.push(...ghosts);
    this.justOpened = true;
    return true;
  }

  private openInProlog(q: QName, name: string, scope: Scope, base: string, attrs: Attributes): void {
    if (this.state === 'after') {
      this.problems.once('after-element', 'junk-after-root', `<${name}> after the end of the feed ignored`);
      this.skipDepth = 1;
      return;
    }
    const local = q.local;
    let format: FeedFormat | undefined;
    if (local === 'rss' || local === 'RSS') format = 'rss';
    else if (local === 'RDF' && (q.ns === NS.rdf || q.ns.startsWith('urn:undeclared'))) format = 'rdf';
    else if (local === 'feed') format = 'atom'; // also pre-1.0 drafts in other namespaces (purl.org/echo, …)
    if (format === undefined) {
      const lower = local.toLowerCase();
      if (lower === 'html') {
        this.sawHtml = true;
        throw new NotAFeedError('html', 'this is an HTML page, not a feed (its root element is <html>)');
      }
      this.firstJunkElement ??= name;
      this.stack.push(frame(JUNK, scope, base));
      return;
    }
    if (this.firstJunkElement !== undefined || this.sawText) {
      this.problems.once('before', 'junk-before-root', 'content before the feed\u2019s root element ignored');
    }
    this.format = format;
    this.state = 'root';
    // An Atom <feed> without its namespace (or in a draft's): its children in the root's namespace are Atom.
    if (format === 'atom' && q.ns !== NS.atom) {
      const colon = name.indexOf(':');
      scope = new Scope(new Map([...scope.prefixes, [colon < 0 ? '' : name.slice(0, colon), NS.atom]]));
    }
    if (format === 'atom') {
      const lang = attrs.get('xml:lang')?.trim();
      if (lang) this.feed.language = lang;
    }
    this.stack.push(frame(ROOT, scope, base));
  }

  private openInRoot(q: QName, scope: Scope, base: string, attrs: Attributes): void {
    if (CORE_NS.has(q.ns)) {
      if (q.local === 'channel') {
        this.channelSeen = true;
        this.stack.push(frame(CHANNEL, scope, base));
        return;
      }
      if (q.local === 'item') {
        this.openItem(scope, base, attrs);
        return;
      }
      if (this.format === 'rdf' && (q.local === 'image' || q.local === 'textinput')) {
        this.pushChild(undefined, q, scope, base, attrs);
        return;
      }
    }
    this.skipDepth = 1;
  }

  private openInChannel(q: QName, scope: Scope, base: string, attrs: Attributes): void {
    if ((q.local === 'item' || q.local === 'entry') && CORE_NS.has(q.ns)) {
      this.openItem(scope, base, attrs);
      return;
    }
    this.pushChild(undefined, q, scope, base, attrs);
  }

  private openItem(scope: Scope, base: string, attrs: Attributes): void {
    if (this.episodeCount >= this.maxItems) {
      this.itemsSkipped++;
      this.skipDepth = 1;
      return;
    }
    const f = frame(ITEM, scope, base);
    f.ep = {};
    f.problems = [];
    this.openItems.push(f);
    this.stack.push(f);
    // RSS 1.0: the item's rdf:about is its URI, the link when there is no <link>.
    const about = attrs.get('rdf:about');
    if (about !== undefined) {
      const url = this.ctx.resolveUrl(decodeEntities(about, this), base);
      if (url !== undefined) f.ep.link = url;
    }
  }

  private pushChild(
    parent: Frame | undefined,
    q: QName,
    scope: Scope,
    base: string,
    attrs: Attributes,
  ): void {
    // An element no handler reads (a namespace no handler knows, feedburner's or wfw's, and everything inside it) is
    // not built: no attribute object, no text. What it holds is still reported (entities XML does not define, bare
    // `&`, an implied close), exactly as when it was built.
    const unread =
      parent?.kind === CHILD
        ? parent.el === undefined
        : !(parent?.kind === ITEM ? q.readInItem : q.readInChannel);
    let el: RawElement | undefined;
    if (!unread) {
      el = { ns: q.ns, name: q.local, attrs: this.attrsOf(attrs), text: '', children: NO_CHILDREN, base };
    } else if (anyValueHasAmpersand(attrs)) {
      this.attrsOf(attrs);
    }
    if (parent?.kind === CHILD) {
      this.flushText(parent);
      const p = parent.el;
      if (p !== undefined && el !== undefined) {
        if (p.children === NO_CHILDREN) p.children = [el];
        else p.children.push(el);
      }
    }
    let f = this.pool.pop();
    if (f === undefined) f = frame(CHILD, scope, base);
    else {
      f.scope = scope;
      f.base = base;
    }
    f.el = el;
    f.name = q.local;
    f.rawMarkup = q.raw;
    f.later = q.later && el !== undefined && parent?.kind === ITEM;
    this.stack.push(f);
  }

  private attrsOf(attrs: Attributes): Readonly<Record<string, string>> {
    let out: Record<string, string> | undefined;
    for (let i = 0; i < attrs.length; i++) {
      const name = attrs.names[i] ?? '';
      let key = this.attrKeys.get(name);
      if (key === undefined) {
        key = attrKey(name);
        // Names repeat on every item; a hostile feed's endless distinct names are not all remembered.
        if (this.attrKeys.size < 1024) this.attrKeys.set(name, key);
      }
      if (key.length === 0) continue;
      out ??= {};
      if (Object.hasOwn(out, key)) continue;
      const v = attrs.values[i] ?? '';
      out[key] = v.length === 0 ? v : stripControlChars(decodeEntities(v, this));
    }
    return out ?? EMPTY_ATTRS;
  }

  private openRawMarkup(top: Frame | undefined, name: string, attrs: Attributes): void {
    if (this.rawDepth === 0) {
      if (top === undefined) return;
      this.flushText(top);
      this.rawOwner = top;
    }
    const owner = this.rawOwner;
    this.rawDepth++;
    if (owner?.el === undefined) return;
    owner.el.text += `<${name}${markupAttrs(attrs)}>`;
  }

  ontext(src: string, start: number, end: number): void {
    this.justOpened = false;
    if (this.rawDepth > 0) {
      const el = this.rawOwner?.el;
      const data = src.slice(start, end);
      if (el !== undefined) el.text += data;
      // HTML inside the markup keeps its entities for the HTML reader, but XML-undefined ones are still reported.
      if (!this.inCdata && data.includes('&')) decodeEntities(data, this);
      return;
    }
    if (this.skipDepth > 0) {
      if (this.state === 'after' && hasNonWhitespace(src, start, end)) this.junkAfterRoot();
      return;
    }
    const top = this.stack[this.stack.length - 1];
    if (top === undefined || top.kind === JUNK) {
      if (this.state === 'after') {
        if (hasNonWhitespace(src, start, end)) this.junkAfterRoot();
      } else if (this.inInternalSubset) {
        // `]>` closing a DTD internal subset (the tokenizer ends the DOCTYPE at its first `>`).
        const bracket = src.indexOf(']', start);
        if (bracket >= 0 && bracket < end) this.inInternalSubset = false;
      } else if (hasNonWhitespace(src, start, end)) {
        this.sawText = true;
      }
      return;
    }
    // Text between the children of a channel or an item (whitespace, mostly) is never sliced.
    if (top.kind !== CHILD) return;
    if (this.inCdata) {
      this.flushText(top);
      if (top.el !== undefined) top.el.text += src.slice(start, end);
    } else {
      top.pending += src.slice(start, end);
    }
  }

  oncdatastart(): void {
    this.inCdata = true;
  }
  oncdataend(): void {
    this.inCdata = false;
  }

  onprocessinginstruction(name: string, data: string): void {
    const lower = name.toLowerCase();
    if (lower === '?xml') {
      if (this.state === 'prolog' && (this.sawText || this.firstJunkElement !== undefined)) {
        this.problems.once('before', 'junk-before-root', 'content before the XML declaration ignored');
      }
      return;
    }
    if (lower === '!doctype') {
      // An HTML doctype alone decides nothing (feeds carry stray ones); the root element decides.
      if (/^!doctype\s+html/i.test(data) && this.state === 'prolog') this.sawHtml = true;
      if (data.includes('[') && !data.includes(']')) this.inInternalSubset = true;
      this.problems.once(
        'dtd',
        'dtd-ignored',
        data.includes('[')
          ? 'the document type declaration and its internal subset were ignored (entities defined there are not expanded)'
          : 'the document type declaration was ignored (no DTD is ever loaded)',
      );
      return;
    }
    if (lower === '!entity' || lower === '!element' || lower === '!attlist') {
      if (data.includes('[') && !data.includes(']')) this.inInternalSubset = true;
      this.problems.once(
        'dtd',
        'dtd-ignored',
        'DTD declarations were ignored (entities defined there are not expanded)',
      );
    }
  }

  onclosetag(name: string, isImplied: boolean): void {
    // The tokenizer reports `<x/>` as an implied close right after the open tag (htmlparser2's convention).
    const implied = isImplied && !this.justOpened;
    this.justOpened = false;
    if (this.skipDepth > 0) {
      this.skipDepth--;
      return;
    }
    if (this.rawDepth > 0) {
      this.rawDepth--;
      const el = this.rawOwner?.el;
      // Only a close tag that is really there is copied: not `<br>`'s implied one, nor that of `<img/>`.
      if (!isImplied && el !== undefined) el.text += `</${name}>`;
      if (this.rawDepth === 0) this.rawOwner = undefined;
      return;
    }
    const f = this.stack.pop();
    if (f === undefined) return;
    switch (f.kind) {
      case GHOST:
        return;
      case CHILD:
        this.closeChild(f, implied);
        return;
      case ITEM:
        this.closeItem(f, implied);
        return;
      case ROOT:
        this.rootClosed = !implied;
        this.state = 'after';
        return;
      default:
        return;
    }
  }

  private closeChild(f: Frame, implied: boolean): void {
    let el = f.el;
    // Text its handler reads later, all of it character data still to decode (no CDATA, no markup): left undecoded
    // when decoding has nothing to report.
    const later =
      f.later && el !== undefined && el.text.length === 0 && f.pending.length > 0
        ? DeferredText.of(f.pending, this.mayContainNul)
        : undefined;
    if (later !== undefined && el !== undefined) {
      f.pending = '';
      el = new LaterElement(el, later);
    } else {
      this.flushText(f);
      if (el !== undefined && el.text.length > 0) el.text = cleanText(el.text, this.mayContainNul);
    }
    const name = f.name;
    f.el = undefined;
    f.rawMarkup = false;
    f.later = false;
    this.pool.push(f);
    if (implied && !this.ending) this.reportUnclosed(name);
    let at = this.stack.length - 1;
    while (this.stack[at]?.kind === GHOST) at--;
    const parent = this.stack[at];
    if (parent === undefined || parent.kind === CHILD) return;
    if (parent.kind === ITEM) {
      parent.childCount++;
      if (el !== undefined && parent.ep !== undefined) dispatchItem(el, parent.ep, this.ctx);
    } else if (el !== undefined) {
      dispatchChannel(el, this.feed, this.ctx);
    }
  }

  private closeItem(f: Frame, implied: boolean): void {
    const pending = f.problems ?? [];
    this.openItems.pop();
    const ep = f.ep;
    if (ep === undefined) return;
    if (implied && this.ending) {
      this.partialItemDropped = true;
      return;
    }
    if (f.childCount === 0 && ep.link === undefined) {
      this.emptyItems++;
      return;
    }
    if (implied) this.reportUnclosed('item');
    const episode = finaliseEpisode(ep, this.ctx, this.seen);
    for (const [code, message] of pending) this.problems.add(code, message, episode.guid);
    this.episodeCount++;
    this.onEpisode(episode);
  }

  private reportUnclosed(name: string): void {
    if (this.unclosedReported) return;
    this.unclosedReported = true;
    this.problems.add('unclosed-element', `<${name}> is never closed; it ends where its parent ends`);
  }

  private junkAfterRoot(): void {
    this.problems.once('after-text', 'junk-after-root', 'text after the end of the feed ignored');
  }

  private flushText(f: Frame): void {
    if (f.pending.length === 0) return;
    // Decoded for the problems it reports even when no element keeps the text.
    const text = decodeEntities(f.pending, this);
    if (f.el !== undefined) f.el.text += text;
    f.pending = '';
  }

  // ---- end of input ----

  finish(): { feed: ParsedFeed; problems: FeedProblem[] } {
    if (this.format === undefined) {
      if (this.sawHtml) throw new NotAFeedError('html', 'this is an HTML page, not a feed');
      if (this.firstJunkElement !== undefined) {
        throw new NotAFeedError(
          'unknown-root',
          `the root element <${this.firstJunkElement}> is not a feed (expected <rss>, <feed> or <rdf:RDF>)`,
        );
      }
      if (!this.sawText && !this.sawAnyElement) throw new NotAFeedError('empty', 'the body is empty');
      throw new NotAFeedError('not-xml', 'the body is not XML (no elements found)');
    }
    if (!this.rootClosed) {
      const root = this.format === 'atom' ? '</feed>' : this.format === 'rdf' ? '</rdf:RDF>' : '</rss>';
      this.problems.add(
        'truncated',
        `the document ends before ${root}: ${this.episodeCount} complete item(s) kept` +
          (this.partialItemDropped ? ', the unfinished last item dropped' : ''),
      );
    }
    if (
      this.format === 'rss' &&
      !this.channelSeen &&
      this.episodeCount === 0 &&
      this.feed.title === undefined
    ) {
      this.problems.add('invalid-value', 'the <rss> element has no <channel>');
    }
    if (this.emptyItems > 0) {
      this.problems.add('invalid-value', `${this.emptyItems} empty <item> element(s) ignored`);
    }
    if (this.itemsSkipped > 0) {
      this.problems.add(
        'too-many-items',
        `only the first ${this.episodeCount} items were read; ${this.itemsSkipped} more were skipped`,
      );
    }
    return { feed: this.finishFeed(this.format), problems: this.problems.finish() };
  }

  private finishFeed(format: FeedFormat): ParsedFeed {
    const { descriptionHtml, summaryHtml, rssCategories, ...rest } = this.feed;
    const feed: ParsedFeed = { format, ...rest };
    const title = fixTitle(rest.title, this.ctx);
    if (title !== undefined) feed.title = title;
    else this.problems.add('missing-title', 'the feed has no title');
    const html = descriptionHtml ?? summaryHtml;
    const description = html === undefined ? rest.description : htmlToText(html).trim() || rest.description;
    if (description !== undefined && description.length > 0) feed.description = description;
    else delete feed.description;
    if (feed.categories === undefined && rssCategories !== undefined) {
      feed.categories = [...new Set(rssCategories)].map((name) => ({ name }));
    }
    return feed;
  }
}

/** An element whose text is decoded when first read (see `RawElement.later`). */
class LaterElement implements RawElement {
  readonly ns: string;
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: RawElement[];
  readonly base: string;

  constructor(
    el: RawElement,
    readonly later: DeferredText,
  ) {
    this.ns = el.ns;
    this.name = el.name;
    this.attrs = el.attrs;
    this.children = el.children;
    this.base = el.base;
  }

  get text(): string {
    return this.later.value;
  }
}

function frame(kind: number, scope: Scope, base: string): Frame {
  return {
    kind,
    scope,
    base,
    el: undefined,
    pending: '',
    rawMarkup: false,
    later: false,
    name: '',
    ep: undefined,
    problems: undefined,
    childCount: 0,
  };
}

/** The granularity at which FeedStreamParser.write tells ASCII from non-ASCII input. */
const ASCII_PIECE = 16 * 1024;

// ---- Public streaming parser -------------------------------------------------------------------------------------

/**
 * Parses a feed from bytes written chunk by chunk. `onEpisode` is called as each item closes; `end()` returns the
 * feed-level data and the problems. Throws NotAFeedError (from `write` or `end`) for input that is not a feed.
 */
export class FeedStreamParser {
  private readonly collector: Collector;
  private readonly decoder: ByteDecoder;
  private readonly tokenizer: XmlTokenizer;
  private ended = false;

  constructor(init: FeedStreamInit) {
    this.collector = new Collector(init.url, init.options?.maxItems, init.onEpisode);
    const collector = this.collector;
    this.decoder = new ByteDecoder(init.contentType, (code, message) =>
      collector.problems.add(code, message),
    );
    this.tokenizer = new XmlTokenizer(collector);
  }

  write(chunk: Uint8Array): void {
    if (this.ended) throw new Error('FeedStreamParser.write() after end()');
    // Decoded in runs of pieces that are all ASCII or all not. V8 stores a string one byte per character only when
    // all of it is ASCII, so one curly quote would make a whole chunk two bytes per character, and every later scan
    // and slice of it slower; and the runs stay large, so that strings the episodes keep (slices pin their whole
    // string) are big enough for V8's large-object space, which the young-generation GC never copies.
    const n = chunk.length;
    for (let start = 0; start < n; ) {
      let end = Math.min(n, start + ASCII_PIECE);
      const ascii = isAscii(chunk.subarray(start, end));
      while (end < n) {
        const next = Math.min(n, end + ASCII_PIECE);
        if (isAscii(chunk.subarray(end, next)) !== ascii) break;
        end = next;
      }
      const text = this.decoder.write(start === 0 && end === n ? chunk : chunk.subarray(start, end));
      this.collector.mayContainNul = this.decoder.mayContainNul;
      if (text.length > 0) this.tokenizer.write(text);
      start = end;
    }
  }

  end(): FeedStreamResult {
    if (this.ended) throw new Error('FeedStreamParser.end() called twice');
    this.ended = true;
    const text = this.decoder.end();
    this.collector.mayContainNul = this.decoder.mayContainNul;
    if (text.length > 0) this.tokenizer.write(text);
    this.collector.ending = true;
    this.tokenizer.end();
    const { feed, problems } = this.collector.finish();
    return { feed, problems, episodeCount: this.collector.episodeCount };
  }
}
