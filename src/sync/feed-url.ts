// Feed URL normalisation for subscription uploads, reported back to clients as `update_urls`.

/**
 * Normalises a subscription URL the way mygpo does, minus the `:` → `%3A` path quirk: trims it, maps `feed:`,
 * `itpc:`, `itms:` and `pcast:` to http, lowercases scheme and host, drops `user:pass@`, an empty `?`, a default port
 * and the fragment, and percent-encodes what must be. Answers undefined for what is not an http(s) URL.
 */
export function normaliseFeedUrl(input: string): string | undefined {
  let text = input.trim();
  if (text === '') return undefined;
  // `feed:https://host/x` (the "feed:" prefix form) and `feed://host/x` (the scheme form).
  const prefixed = /^(?:feed|itpc|pcast|podcast):(https?:\/\/.*)$/i.exec(text);
  if (prefixed?.[1] !== undefined) text = prefixed[1];
  else text = text.replace(/^(?:feed|itpc|itms|itmss|pcast|podcast):\/\//i, 'http://');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.hostname === '') return undefined;
  url.username = '';
  url.password = '';
  url.hash = '';
  let out = url.href;
  if (out.endsWith('?')) out = out.slice(0, -1);
  return out;
}

/** The enclosure URL without its query string and fragment (PodFetch's fallback for tracking parameters). */
export function withoutQuery(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}
