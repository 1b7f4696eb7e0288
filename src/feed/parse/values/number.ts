// Lenient number parsing for attribute and text values (lengths, sizes, seasons, splits). These only answer
// `undefined` for unusable input; the caller decides whether that is worth a problem.

const INT = /^\+?(\d+)(?:\.0*)?$/;
const DECIMAL = /^([+-]?)(\d*)(?:[.,](\d+))?$/;

/** `"123"`, `" 123 "`, `"+123"`, `"123.0"` → 123; negatives, fractions, junk and unsafe integers → undefined. */
export function parseNonNegativeInt(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = INT.exec(raw.trim());
  if (m === null) return undefined;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Like `parseNonNegativeInt` but 0 is also rejected (itunes:season/episode start at 1). */
export function parsePositiveInt(raw: string | undefined): number | undefined {
  const n = parseNonNegativeInt(raw);
  return n === undefined || n === 0 ? undefined : n;
}

/** `"100.5"`, `"-3"`, `".5"`, `"1,5"` → a finite number; empty or junk → undefined. */
export function parseDecimal(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = DECIMAL.exec(raw.trim());
  if (m === null) return undefined;
  const [, sign = '', whole = '', frac] = m;
  if (whole === '' && frac === undefined) return undefined;
  const n = Number(`${sign}${whole === '' ? '0' : whole}${frac === undefined ? '' : `.${frac}`}`);
  return Number.isFinite(n) ? n : undefined;
}

/** A boolean attribute: `true|yes|1` and `false|no|0`, any case; else undefined. */
export function parseBoolean(raw: string | undefined): boolean | undefined {
  if (raw === undefined) return undefined;
  switch (raw.trim().toLowerCase()) {
    case 'true':
    case 'yes':
    case '1':
      return true;
    case 'false':
    case 'no':
    case '0':
      return false;
    default:
      return undefined;
  }
}
