// URL clean-up for values found in feeds: whitespace trimmed, podcast-app schemes (feed://, itpc://, pcast://)
// turned into http(s), relative references resolved against xml:base or the feed URL. Only http(s) survive.

const APP_SCHEME = /^(?:feed|itpc|itms|pcast|podcast|itms-pcast|itms-podcasts)(?::\/\/|:)(?=.)/i;

/**
 * Resolves `raw` against `base`. Returns undefined for blank input (`reason` unset) and for an unusable URL
 * (`reason` set: the caller reports it).
 */
/**
 * Absolute http(s) URLs that WHATWG parsing would return unchanged: lowercase host whose last label starts with a
 * letter (no IPv4 renumbering), no default port, a path without dot segments or characters that get encoded.
 * Most enclosure and link URLs are like this; they skip `new URL()` (the parser's single most frequent allocation).
 */
const CANONICAL =
  /^https?:\/\/(?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*(?::[1-9][0-9]{0,3})?\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*(?:\?[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*)?$/;
/**
 * The same host and port with no path at all (`https://www.example.com`, the <link> of many feeds' every item): WHATWG
 * parsing only adds the `/`. (Ports of five digits, which may be out of range, are left to the URL parser.)
 */
const BARE_ORIGIN = /^https?:\/\/(?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*(?::[1-9][0-9]{0,3})?$/;
const DOT_SEGMENT = /\/\.\.?(?:\/|$|\?)/;
const DEFAULT_PORT = /^(?:http:\/\/[^/]*:80|https:\/\/[^/]*:443)\//;

function isCanonical(s: string): boolean {
  // (A dot segment needs a `/.`, looked for natively first.)
  return CANONICAL.test(s) && !(s.includes('/.') && DOT_SEGMENT.test(s)) && !DEFAULT_PORT.test(s);
}

export function cleanUrl(raw: string, base: string): { url?: string; reason?: string } {
  let s = raw.trim();
  if (s.length === 0) return {};
  if (isCanonical(s)) return { url: s };
  if (BARE_ORIGIN.test(s)) {
    const url = `${s}/`;
    if (!DEFAULT_PORT.test(url)) return { url };
  }
  // Inner spaces are percent-encoded and line breaks/tabs dropped by the URL parser itself (WHATWG rules).
  const app = APP_SCHEME.exec(s);
  if (app !== null) {
    s = s.slice(app[0].length);
    // feed:https://example.com/x keeps its scheme; feed://example.com/x becomes http://example.com/x
    if (!/^https?:\/\//i.test(s)) s = `http://${s}`;
  }
  let url: URL;
  try {
    url = base.length > 0 ? new URL(s, base) : new URL(s);
  } catch {
    return { reason: `"${truncate(raw.trim())}" is not a usable URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { reason: `"${truncate(raw.trim())}" is not an http(s) URL` };
  }
  return { url: url.href };
}

function truncate(s: string): string {
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}

/** A base URL suitable for `new URL(x, base)`, or '' when the given one is not absolute. */
export function usableBase(raw: string): string {
  try {
    return new URL(raw).href;
  } catch {
    return '';
  }
}
