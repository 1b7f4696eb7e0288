// OPML 2.0 export (protocols.md §3): UTF-8, flat, one `type="rss"` outline per feed with text = title.

export interface OpmlExportFeed {
  url: string;
  title?: string;
  htmlUrl?: string;
  description?: string;
}

export interface OpmlExportOptions {
  title?: string;
  dateCreated?: Date;
  ownerName?: string;
}

export function writeOpml(feeds: readonly OpmlExportFeed[], options: OpmlExportOptions = {}): string {
  const head = [`    <title>${escapeText(options.title ?? 'Earshot subscriptions')}</title>`];
  if (options.dateCreated !== undefined)
    head.push(`    <dateCreated>${options.dateCreated.toUTCString()}</dateCreated>`);
  if (options.ownerName !== undefined)
    head.push(`    <ownerName>${escapeText(options.ownerName)}</ownerName>`);
  const outlines = feeds.map((f) => {
    const title = f.title ?? f.url;
    const attrs: [string, string][] = [
      ['type', 'rss'],
      ['text', title],
      ['title', title],
      ['xmlUrl', f.url],
    ];
    if (f.htmlUrl !== undefined) attrs.push(['htmlUrl', f.htmlUrl]);
    if (f.description !== undefined) attrs.push(['description', f.description]);
    return `    <outline ${attrs.map(([k, v]) => `${k}="${escapeAttr(v)}"`).join(' ')}/>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<opml version="2.0">',
    '  <head>',
    ...head,
    '  </head>',
    '  <body>',
    ...outlines,
    '  </body>',
    '</opml>',
    '',
  ].join('\n');
}

/** Characters XML 1.0 cannot carry at all (C0 controls other than tab, newline, carriage return). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

function escapeText(s: string): string {
  return s.replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttr(s: string): string {
  return escapeText(s)
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}
