// Reading the few response headers the crawler acts on.

/** `Retry-After` as an absolute time: either delta-seconds or an HTTP date. Undefined when absent or unparseable. */
export function parseRetryAfter(value: string | undefined, now: Date): Date | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return new Date(now.getTime() + Number(text) * 1000);
  const when = Date.parse(text);
  return Number.isNaN(when) ? undefined : new Date(when);
}

/** `max-age` from `Cache-Control`, in seconds. */
export function parseMaxAge(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /(?:^|[,\s])max-age\s*=\s*"?(\d+)"?/i.exec(value);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** One header value from undici's header record (joined when repeated). */
export function headerValue(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : value;
}
