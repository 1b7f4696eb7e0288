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

/** The handlers registered for a canonical namespace URI (empty for namespaces nobody handles). */
export function handlersFor(ns: string): readonly NamespaceHandler[] {
  registry ??= build();
  return registry.get(ns) ?? NONE;
}
