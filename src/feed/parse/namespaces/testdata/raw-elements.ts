// Test support for the namespace handler tests: turns a small, well-formed fixture into RawElements (namespaces
// resolved by URI through canonicalNamespace, entities decoded, xml:base ignored) and runs one handler over the
// channel's and each item's direct children with a recording HandlerContext. Only for fixtures written for tests;
// the real parser is the streaming core.
import type { FeedProblem } from '../../types.ts';
import type { EpisodeBuilder, FeedBuilder, HandlerContext, NamespaceHandler, RawElement } from '../handler.ts';
import { canonicalNamespace } from '../handler.ts';

const TOKEN =
  /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<(\/?)([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
const ATTR = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (_m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[e.toLowerCase()] ?? '';
  });
}

export function parseXml(xml: string, base: string): RawElement {
  const root: RawElement = { ns: '', name: '#document', attrs: {}, text: '', children: [], base };
  const stack: { el: RawElement; scope: Map<string, string> }[] = [{ el: root, scope: new Map() }];
  for (const m of xml.matchAll(TOKEN)) {
    const top = stack[stack.length - 1];
    if (top === undefined) break;
    if (m[1] !== undefined) top.el.text += m[1];
    else if (m[6] !== undefined) top.el.text += decode(m[6]);
    else if (m[3] !== undefined) {
      if (m[2] === '/') {
        stack.pop();
        continue;
      }
      const scope = new Map(top.scope);
      const raw: [string, string][] = [];
      for (const a of (m[4] ?? '').matchAll(ATTR)) {
        const name = a[1] ?? '';
        const value = decode(a[2] ?? a[3] ?? '');
        if (name === 'xmlns') scope.set('', canonicalNamespace(value));
        else if (name.startsWith('xmlns:')) scope.set(name.slice(6), canonicalNamespace(value));
        else raw.push([name, value]);
      }
      const attrs: Record<string, string> = {};
      for (const [name, value] of raw) {
        const colon = name.indexOf(':');
        attrs[colon >= 0 && !name.startsWith('xml:') ? name.slice(colon + 1) : name] = value;
      }
      const qname = m[3];
      const colon = qname.indexOf(':');
      const prefix = colon >= 0 ? qname.slice(0, colon) : '';
      const el: RawElement = {
        ns: scope.get(prefix) ?? '',
        name: colon >= 0 ? qname.slice(colon + 1) : qname,
        attrs,
        text: '',
        children: [],
        base,
      };
      top.el.children.push(el);
      if (m[5] !== '/') stack.push({ el, scope });
    }
  }
  return root;
}

export interface HandlerRun {
  feed: FeedBuilder;
  items: EpisodeBuilder[];
  problems: FeedProblem[];
}

/** Runs `handler` over every direct child of <channel> and of each <item>, as the core would. */
export function runHandler(handler: NamespaceHandler, xml: string, base = 'https://feed.example/feed.xml'): HandlerRun {
  const problems: FeedProblem[] = [];
  const feed: FeedBuilder = {};
  const ctx: HandlerContext = {
    resolveUrl(raw, b) {
      const s = raw?.trim().replace(/^(?:itpc|feed):\/\//i, 'http://');
      if (s === undefined || s.length === 0) return undefined;
      try {
        const u = new URL(s, b);
        if (u.protocol === 'http:' || u.protocol === 'https:') return u.href;
      } catch {
        // reported below
      }
      problems.push({ code: 'bad-url', message: `"${s}" is not an http(s) URL` });
      return undefined;
    },
    problem(code, message, episode) {
      problems.push(episode === undefined ? { code, message } : { code, message, episode });
    },
    get feedLanguage() {
      return feed.language;
    },
  };
  const doc = parseXml(xml, base);
  const channel = doc.children[0]?.children.find((c) => c.name === 'channel');
  const items: EpisodeBuilder[] = [];
  for (const el of channel?.children ?? []) {
    if (el.ns === '' && el.name === 'language') feed.language = el.text.trim();
    if (el.ns === '' && el.name === 'item') {
      const ep: EpisodeBuilder = {};
      for (const c of el.children) if (handler.namespaces.includes(c.ns)) handler.item?.(c, ep, ctx);
      items.push(ep);
    } else if (handler.namespaces.includes(el.ns)) handler.channel?.(el, feed, ctx);
  }
  return { feed, items, problems };
}
