// THE feed-URL rule: one spelling per feed, so that the same feed added from the web, the CLI, an OPML file or a
// phone is one feed row. Used by every way in (web, CLI, OPML, sync) and by the fetcher and the refresh.
//
// Built on the WHATWG URL parser (which already lowercases the scheme and host, turns IDN hosts into punycode, drops
// a default port and percent-encodes what must be), plus what podcast apps do before it:
// - podcast-app schemes become http(s) as AntennaPod (`URLChecker.prepareUrl`: feed://, pcast://, pcast:, itpc://)
//   and gPodder (`util.normalize_feed_url`: feed, itpc, itms → http) do; `feed:https://host/x` (the prefix form)
//   and `feed://https://host/x` keep the inner scheme;
// - a URL with no scheme (`example.com/feed`) is http, as both clients assume;
// - an empty `?` and the fragment are dropped; a non-empty query is kept byte for byte (tokens of private feeds live
//   there);
// - credentials (`https://user:token@host/feed`) are KEPT, as gPodder keeps them (its bug 1942): premium feeds need
//   them to be fetched. They must never be rendered; that is the views' concern, not this rule's.
// Anything that is not http or https afterwards is refused with a FeedUrlError. Messages never repeat the input: it
// may hold credentials.

export type FeedUrlErrorCode = 'bad-url' | 'unsupported-scheme';

/** Why a string cannot be a feed URL; `message` says so in words a user understands. */
export class FeedUrlError extends Error {
  override readonly name = 'FeedUrlError';
  constructor(
    readonly code: FeedUrlErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Podcast-app schemes and the scheme each one stands for (the `s` forms are Apple's secure variants). */
const APP_SCHEMES: Readonly<Record<string, 'http' | 'https'>> = {
  feed: 'http',
  itpc: 'http',
  pcast: 'http',
  podcast: 'http',
  podcasts: 'http',
  rss: 'http',
  itms: 'http',
  itmss: 'https',
  'itms-pcast': 'https',
  'itms-podcasts': 'https',
  // AntennaPod's own subscribe links.
  'antennapod-subscribe': 'http',
};

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
/** `host:8080/…`: what looks like a scheme is a host followed by a port. */
const HOST_AND_PORT = /^[^/?#@:]+:\d+(?:[/?#]|$)/;
/** Longest URL accepted; longer is not a feed URL anyone typed or a client sent. */
export const MAX_FEED_URL_LENGTH = 4000;

/** Maps podcast-app schemes and a missing scheme to http(s); leaves everything else for the URL parser. */
function withWebScheme(text: string): string {
  const scheme = SCHEME.exec(text);
  if (scheme === null || HOST_AND_PORT.test(text)) {
    return `http://${text.replace(/^\/\//, '')}`;
  }
  const mapped = APP_SCHEMES[(scheme[1] ?? '').toLowerCase()];
  if (mapped === undefined) return text;
  const rest = text.slice(scheme[0].length).replace(/^\/\//, '');
  // `feed:https://host/x` and `feed://https://host/x` name the real scheme inside.
  if (/^https?:\/\//i.test(rest)) return rest;
  return `${mapped}://${rest}`;
}

/**
 * The feed URL `input` stands for, parsed: http or https, lowercased scheme and host (punycode for IDN), no default
 * port, no fragment, no empty `?`, credentials and query kept. Throws FeedUrlError (`bad-url` for what is not a
 * URL, `unsupported-scheme` for ftp:, file:, mailto: …).
 */
export function parseFeedUrl(input: string): URL {
  const text = input.trim();
  if (text === '') throw new FeedUrlError('bad-url', 'The feed URL is empty.');
  if (text.length > MAX_FEED_URL_LENGTH) {
    throw new FeedUrlError('bad-url', `A feed URL is at most ${MAX_FEED_URL_LENGTH} characters long.`);
  }
  let url: URL;
  try {
    url = new URL(withWebScheme(text));
  } catch {
    throw new FeedUrlError(
      'bad-url',
      'Not a valid feed URL (expected one like https://example.com/feed.xml).',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FeedUrlError(
      'unsupported-scheme',
      `Only http:// and https:// feed URLs can be followed, not ${url.protocol}.`,
    );
  }
  if (url.hostname === '') throw new FeedUrlError('bad-url', 'The feed URL has no host name.');
  // Setting either re-serialises the URL even to the same value, so only when there is something to drop.
  if (url.hash !== '' || url.href.endsWith('#')) url.hash = '';
  if (url.search === '' && url.href.endsWith('?')) url.search = '';
  return url;
}

/** `parseFeedUrl(input).href`: the one spelling stored, compared and sent to clients. */
export function normalizeFeedUrl(input: string): string {
  return parseFeedUrl(input).href;
}
