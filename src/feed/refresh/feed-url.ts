// One spelling per feed URL, so that the same feed added twice (from OPML, the CLI, a sync client) is one feed.

export class FeedUrlError extends Error {
  override readonly name = 'FeedUrlError';
  constructor(
    readonly code: 'bad-url' | 'unsupported-scheme',
    message: string,
  ) {
    super(message);
  }
}

const PODCAST_SCHEMES = /^(feed|itpc|pcast|podcast|podcasts|rss):(\/\/)?/i;

/**
 * Trims, maps podcast-app schemes (`feed://`, `itpc://`, `pcast://`, `feed:https://…`) to http(s), lowercases
 * scheme and host, drops the fragment and default port. Query strings are kept: many feeds need them.
 * Throws FeedUrlError for anything that is not an http(s) URL afterwards.
 */
export function normalizeFeedUrl(input: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stray control characters from copy-paste are dropped
  let raw = input.trim().replace(/[\s\u0000-\u001f]+/g, '');
  if (raw === '') throw new FeedUrlError('bad-url', 'empty feed URL');
  const scheme = PODCAST_SCHEMES.exec(raw);
  if (scheme !== null) {
    const rest = raw.slice(scheme[0].length);
    raw = /^https?:\/\//i.test(rest) ? rest : `http://${rest}`;
  } else if (!/^[a-z][a-z0-9+.-]*:/i.test(raw)) {
    raw = `http://${raw.replace(/^\/\//, '')}`;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FeedUrlError('bad-url', `not a URL: ${JSON.stringify(input.trim().slice(0, 200))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FeedUrlError(
      'unsupported-scheme',
      `only http and https feeds can be fetched, not ${url.protocol}`,
    );
  }
  if (url.hostname === '') throw new FeedUrlError('bad-url', `no host in ${JSON.stringify(input.trim())}`);
  url.hash = '';
  return url.href;
}
