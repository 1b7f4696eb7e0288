// Lenient number parsing for attribute and text values (lengths, sizes, seasons, splits). These only answer
// `undefined` for unusable input; the caller decides whether that is worth a problem.
import { isAsciiDigit } from './chars.ts';

// Read with char codes rather than regex matches: these run on several values of every item, and each match would
// allocate its result array. What they accept, as patterns: /^\+?(\d+)(?:\.0*)?$/ and /^([+-]?)(\d*)(?:[.,](\d+))?$/.

/** The end of the run of ASCII digits in s from i. */
function digitsEnd(s: string, i: number): number {
  while (i < s.length && isAsciiDigit(s.charCodeAt(i))) i++;
  return i;
}

/** `"123"`, `" 123 "`, `"+123"`, `"123.0"` → 123; negatives, fractions, junk and unsafe integers → undefined. */
export function parseNonNegativeInt(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const s = raw.trim();
  const start = s.charCodeAt(0) === 0x2b ? 1 : 0; // +
  const end = digitsEnd(s, start);
  if (end === start) return undefined;
  if (end < s.length) {
    // Only `.` and zeros may follow.
    if (s.charCodeAt(end) !== 0x2e) return undefined;
    for (let i = end + 1; i < s.length; i++) if (s.charCodeAt(i) !== 0x30) return undefined;
  }
  const n = Number(s.slice(start, end));
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
  const s = raw.trim();
  const c0 = s.charCodeAt(0);
  const start = c0 === 0x2b || c0 === 0x2d ? 1 : 0; // + -
  const wholeEnd = digitsEnd(s, start);
  let frac: string | undefined;
  if (wholeEnd < s.length) {
    const c = s.charCodeAt(wholeEnd);
    if ((c !== 0x2e && c !== 0x2c) || wholeEnd + 1 === s.length) return undefined; // . ,
    if (digitsEnd(s, wholeEnd + 1) !== s.length) return undefined;
    frac = s.slice(wholeEnd + 1);
  }
  const whole = s.slice(start, wholeEnd);
  if (whole === '' && frac === undefined) return undefined;
  const sign = start === 1 ? s.charAt(0) : '';
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
