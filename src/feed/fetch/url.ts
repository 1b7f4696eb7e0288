// Turning what a user pastes (feed://, itpc://, pcast://, podcast://) into an http(s) URL the fetcher may request.
import { FeedFetchError } from './errors.ts';

const PODCAST_SCHEME = /^(?:feed|itpc|pcast|podcast)s?:/i;

/**
 * Normalises a feed URL: trims it, maps the podcast-app schemes to http(s)
 * (`feed://host/x` → `http://host/x`, `feed:https://host/x` → `https://host/x`, `pcast://` and `itpc://` likewise)
 * and refuses anything that is not http or https afterwards with a `bad-url` error.
 */
export function normaliseFeedUrl(input: string): URL {
  let text = input.trim();
  const scheme = PODCAST_SCHEME.exec(text);
  if (scheme !== null) {
    const rest = text.slice(scheme[0].length);
    if (/^\/\/https?:\/\//i.test(rest)) text = rest.slice(2);
    else if (/^https?:\/\//i.test(rest)) text = rest;
    else if (rest.startsWith('//')) text = `http:${rest}`;
    else text = `http://${rest}`;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw new FeedFetchError('bad-url', `not a URL: ${JSON.stringify(input)}`, { url: input, cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FeedFetchError('bad-url', `only http and https feeds can be fetched, not ${url.protocol}`, {
      url: input,
    });
  }
  if (url.hash !== '') url.hash = ''; // setting it re-serialises the URL, even to the same value
  return url;
}
