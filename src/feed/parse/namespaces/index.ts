// The namespace registry: which handlers see an element, by canonical namespace URI. A new namespace is one new
// file plus one entry here. Built on first use so that handlers may import the item helpers without a cycle.
import { atomHandler } from './atom.ts';
import { contentHandler } from './content.ts';
import { dcHandler, dctermsHandler } from './dc.ts';
import type { NamespaceHandler } from './handler.ts';
import { itunesHandler } from './itunes.ts';
import { mediaHandler } from './media.ts';
import { podcastHandler } from './podcast.ts';
import { pscHandler } from './psc.ts';
import { rssHandler } from './rss.ts';

let registry: Map<string, NamespaceHandler[]> | undefined;

function build(): Map<string, NamespaceHandler[]> {
  const all = [
    rssHandler,
    atomHandler,
    contentHandler,
    mediaHandler,
    pscHandler,
    dcHandler,
    dctermsHandler,
    itunesHandler,
    podcastHandler,
  ];
  const map = new Map<string, NamespaceHandler[]>();
  for (const h of all) {
    for (const ns of h.namespaces) {
      const list = map.get(ns);
      if (list === undefined) map.set(ns, [h]);
      else list.push(h);
    }
  }
  return map;
}

const NONE: readonly NamespaceHandler[] = [];

let readers: { item: Set<string>; channel: Set<string> } | undefined;

/**
 * Whether any handler reads direct children of an item (`inItem`) or of the channel in this namespace: the elements
 * of other namespaces there are never built into RawElements.
 */
export function readsChildrenIn(ns: string, inItem: boolean): boolean {
  if (readers === undefined) {
    readers = { item: new Set(), channel: new Set() };
    registry ??= build();
    for (const [uri, handlers] of registry) {
      if (handlers.some((h) => h.item !== undefined)) readers.item.add(uri);
      if (handlers.some((h) => h.channel !== undefined)) readers.channel.add(uri);
    }
  }
  return (inItem ? readers.item : readers.channel).has(ns);
}

/** The handlers registered for a canonical namespace URI (empty for namespaces nobody handles). */
export function handlersFor(ns: string): readonly NamespaceHandler[] {
  registry ??= build();
  return registry.get(ns) ?? NONE;
}

/** Whether a handler of this namespace keeps the text of item children with this local name for later. */
export function readsLater(ns: string, local: string): boolean {
  for (const h of handlersFor(ns)) if (h.readLater?.has(local) === true) return true;
  return false;
}
