// The `?t=` start position of an episode page: `h:mm:ss`, `mm:ss` or whole seconds. Anything else is ignored
// (a shared link with a typo still opens the episode), never a 400.

const MAX_SECONDS = 7 * 86400;

/** Seconds from a `?t=` value, or undefined when it is absent, malformed, negative or absurdly large. */
export function parseStartTime(raw: unknown): number | undefined {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  let seconds: number;
  if (/^\d{1,9}$/.test(s)) {
    seconds = Number(s);
  } else {
    const m = /^(?:(\d{1,3}):)?(\d{1,2}):(\d{2})$/.exec(s);
    if (!m) return undefined;
    const [, h, mm, ss] = m;
    if (Number(ss) > 59 || (h !== undefined && Number(mm) > 59)) return undefined;
    seconds = Number(h ?? 0) * 3600 + Number(mm) * 60 + Number(ss);
  }
  return seconds <= MAX_SECONDS ? seconds : undefined;
}
