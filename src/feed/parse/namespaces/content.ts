// RSS content module: content:encoded carries the full show notes as HTML.
import type { NamespaceHandler } from './handler.ts';
import { NS } from './handler.ts';

export const contentHandler: NamespaceHandler = {
  namespaces: [NS.content],
  item(el, ep) {
    if (el.name !== 'encoded') return;
    const html = el.text.trim();
    if (html.length > 0) ep.contentHtml = html;
  },
};
