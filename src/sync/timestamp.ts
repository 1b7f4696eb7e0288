// Episode-action timestamps: what clients send, and the one form every client accepts.

/**
 * Parses the timestamp forms clients send: `YYYY-MM-DDTHH:MM:SS` (UTC, the gPodder form), optionally with
 * fractional seconds, a `Z` or a numeric offset (`+00:00`, `+0000`), a space instead of `T`, or Unix seconds
 * (number or digit string). Answers epoch milliseconds, or undefined when the text is none of these.
 */
export function parseActionTimestamp(value: string | number): number | undefined {
  if (typeof value === 'number')
    return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : undefined;
  const text = value.trim();
  if (/^\d{1,12}$/.test(text)) return Number(text) * 1000;
  const m =
    /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(
      text,
    );
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s = '0', frac = '', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return undefined;
  let ms = Date.UTC(year, month - 1, day, hour, minute, second, Number(`0.${frac || '0'}`) * 1000);
  // Date.UTC rolls 31 February over into March: refuse dates that do not exist.
  if (new Date(ms).getUTCDate() !== day) return undefined;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return Math.floor(ms);
}

/** The emitted form: `YYYY-MM-DDTHH:MM:SS`, UTC, whole seconds, no zone (mygpoclient and AntennaPod parse it). */
export function formatActionTimestamp(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().slice(0, 19);
}

/** Integer Unix seconds, the unit of `since` and `timestamp` in every sync response. */
export function toUnixSeconds(epochMs: number): number {
  return Math.floor(epochMs / 1000);
}
