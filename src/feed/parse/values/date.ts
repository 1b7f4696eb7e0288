// Feed dates → ISO 8601 UTC (`2024-01-22T08:00:00.000Z`). Pure; runs for every item, so the common shapes take a
// fast path (the usual RFC 822 form read by character codes, then one regex each for RFC 822 and ISO 8601) and
// everything else goes through a lenient tokeniser.
//
// Lenient path, in words: strip HTML and quotes; read tokens left to right; a month word (English, German,
// French, Spanish, Italian, Portuguese, Dutch, Scandinavian, Romanian, Turkish, common misspellings) sets the
// month; a `h:m[:s[.f]]` group sets the time; numbers fill day then year (4 digits or > 31 is always the year,
// two-digit years pivot at 50); `a/b/yyyy` is US month/day unless the first part is > 12, `d.m.yyyy` and
// `d-m-yyyy` are day/month; weekday names are ignored (they are often wrong); a named zone, military letter,
// `GMT+2` or numeric offset sets the offset; no zone means UTC. Anything without a day, month and year is
// undefined.
import { isAsciiLetter, isAsciiUpper } from './chars.ts';

const MONTHS: Readonly<Record<string, number>> = buildMonths();

function buildMonths(): Record<string, number> {
  const names: string[][] = [
    // English, German, French, Spanish, Italian, Portuguese, Dutch, Scandinavian, Romanian, Turkish, misspellings
    [
      'jan',
      'january',
      'januar',
      'janner',
      'jan',
      'janvier',
      'janv',
      'enero',
      'ene',
      'gennaio',
      'gen',
      'janeiro',
      'januari',
      'ianuarie',
      'ian',
      'ocak',
      'oca',
      'januaary',
      'jenuary',
      'janurary',
      'jen',
    ],
    [
      'feb',
      'february',
      'februar',
      'fevrier',
      'fevr',
      'fev',
      'febrero',
      'febbraio',
      'fevereiro',
      'februari',
      'februarie',
      'subat',
      'sub',
      'febr',
      'febuary',
      'febaury',
      'feburary',
      'februrary',
      'febraury',
      'febb',
      'fed',
      'fvr',
    ],
    ['mar', 'march', 'marz', 'mrz', 'mars', 'marzo', 'marco', 'maart', 'mrt', 'martie', 'mart', 'marca'],
    ['apr', 'april', 'avril', 'avr', 'abril', 'abr', 'aprile', 'aprilie', 'nisan', 'nis', 'aprl', 'apl'],
    ['may', 'mai', 'mayo', 'maggio', 'mag', 'maio', 'mei', 'maj', 'mayis'],
    ['jun', 'june', 'juni', 'juin', 'junio', 'giugno', 'giu', 'junho', 'iunie', 'iun', 'haziran', 'haz'],
    [
      'jul',
      'july',
      'juli',
      'juillet',
      'juil',
      'julio',
      'luglio',
      'lug',
      'julho',
      'iulie',
      'iul',
      'temmuz',
      'tem',
      'jly',
      'juy',
    ],
    [
      'aug',
      'august',
      'aout',
      'aou',
      'agosto',
      'ago',
      'augustus',
      'augusti',
      'aug',
      'agu',
      'agustos',
      'ags',
      'auguest',
      'augest',
      'aot',
    ],
    [
      'sep',
      'sept',
      'september',
      'septembre',
      'septiembre',
      'setiembre',
      'set',
      'settembre',
      'setembro',
      'septembrie',
      'eylul',
      'eyl',
      'spt',
      'septermber',
    ],
    [
      'oct',
      'october',
      'oktober',
      'okt',
      'octobre',
      'octubre',
      'ottobre',
      'ott',
      'outubro',
      'out',
      'octombrie',
      'ekim',
      'eki',
    ],
    [
      'nov',
      'november',
      'novembre',
      'noviembre',
      'novembro',
      'noiembrie',
      'kasim',
      'kas',
      'nove',
      'novr',
      'novt',
    ],
    [
      'dec',
      'december',
      'dezember',
      'dez',
      'decembre',
      'diciembre',
      'dic',
      'dicembre',
      'dezembro',
      'desember',
      'des',
      'decembrie',
      'aralik',
      'ara',
      'decr',
      'decv',
      'dc',
    ],
  ];
  const out: Record<string, number> = {};
  names.forEach((list, i) => {
    for (const n of list) out[n] = i + 1;
  });
  return out;
}

/** Weekday words that would otherwise read as a month (Spanish/French `mar`, Romanian `mar`). */
const WEEKDAY_NOT_MONTH = new Set(['mardi', 'martes', 'marti', 'martedi', 'mercredi', 'mer']);

/** English month prefixes for misspellings not in the table (`Septmber`, `Octobe`). */
const EN_PREFIX = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Offsets in minutes. */
const ZONES: Readonly<Record<string, number>> = {
  gmt: 0,
  ut: 0,
  utc: 0,
  z: 0,
  wet: 0,
  gtm: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
  akst: -540,
  akdt: -480,
  hst: -600,
  hast: -600,
  hadt: -540,
  ast: -240,
  adt: -180,
  nst: -210,
  ndt: -150,
  brt: -180,
  brst: -120,
  art: -180,
  clt: -240,
  clst: -180,
  bst: 60,
  ist: 330,
  cet: 60,
  cest: 120,
  met: 60,
  mest: 120,
  mez: 60,
  mesz: 120,
  west: 60,
  eet: 120,
  eest: 180,
  msk: 180,
  sast: 120,
  cat: 120,
  eat: 180,
  gst: 240,
  pkt: 300,
  wib: 420,
  ict: 420,
  sgt: 480,
  hkt: 480,
  pht: 480,
  awst: 480,
  cct: 480,
  jst: 540,
  kst: 540,
  acst: 570,
  acdt: 630,
  aest: 600,
  aedt: 660,
  nzst: 720,
  nzdt: 780,
};

const RFC822 =
  /^(?:[A-Za-z]{3},?\s+)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(GMT|UT|UTC|Z|[A-Z]{3}|[+-]\d{4})$/;
const ISO8601 =
  /^(\d{4})(?:-?(\d{2})(?:-?(\d{2})(?:[T\s]+(\d{1,2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Longer than this, a value is not a date (the longest real ones, with a spelled-out zone, are about 60). */
const MAX_DATE_CHARS = 200;

export function parseDate(raw: string): string | undefined {
  const s = raw.trim();
  // No date is written in more than a few dozen characters; the lenient patterns below cost quadratic time on a long
  // enough string (300 KB of `&lt;a ` took 40 s).
  if (s === '' || s.length > MAX_DATE_CHARS) return undefined;
  const common = commonRfc822(s);
  if (common !== undefined) return common;
  const fast = RFC822.exec(s);
  if (fast !== null) {
    const [, d, mon = '', y, h, mi, sec, zone = ''] = fast;
    const month = MONTHS[mon.toLowerCase()];
    const offset = zoneOffset(zone);
    if (month !== undefined && offset !== undefined) {
      const r = build(Number(y), month, Number(d), Number(h), Number(mi), Number(sec ?? 0), 0, offset);
      if (r !== undefined) return r;
    }
  }
  const iso = ISO8601.exec(s);
  if (iso !== null) return fromIso(iso);
  return lenient(s);
}

/** Whether s from z on is one of the RFC822 pattern's named zones: `Z`, `UT`, or three capitals (GMT, UTC, PST …). */
function isNamedZone(s: string, z: number): boolean {
  switch (s.length - z) {
    case 1:
      return s.charCodeAt(z) === 0x5a;
    case 2:
      return s.charCodeAt(z) === 0x55 && s.charCodeAt(z + 1) === 0x54;
    case 3:
      return (
        isAsciiUpper(s.charCodeAt(z)) &&
        isAsciiUpper(s.charCodeAt(z + 1)) &&
        isAsciiUpper(s.charCodeAt(z + 2))
      );
    default:
      return false;
  }
}

/** The number the two digits at s[i], s[i + 1] make; -1 when they are not both digits. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 0x30;
  const b = s.charCodeAt(i + 1) - 0x30;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * The form nearly every feed writes, `Tue, 19 May 2015 00:00:00 -0000` (or `GMT`, `PST` …; the day may have one
 * digit), read by character codes: about a third of the cost of the RFC822 pattern and its captures. It accepts
 * only strings that pattern matches with the same captures, and gives the same result; for anything else, or a date
 * that does not build, it gives undefined and parseDate goes on as before.
 */
function commonRfc822(s: string): string | undefined {
  const n = s.length;
  if (n < 25 || s.charCodeAt(3) !== 0x2c || s.charCodeAt(4) !== 0x20) return undefined;
  if (!isAsciiLetter(s.charCodeAt(0)) || !isAsciiLetter(s.charCodeAt(1)) || !isAsciiLetter(s.charCodeAt(2)))
    return undefined;
  let i = 5;
  let day = s.charCodeAt(i) - 0x30;
  if (day < 0 || day > 9) return undefined;
  const d2 = s.charCodeAt(i + 1) - 0x30;
  if (d2 >= 0 && d2 <= 9) {
    day = day * 10 + d2;
    i++;
  }
  i++;
  // ` Mmm YYYY HH:MM:SS ` is 19 characters, then the zone.
  if (
    n < i + 20 ||
    s.charCodeAt(i) !== 0x20 ||
    s.charCodeAt(i + 4) !== 0x20 ||
    s.charCodeAt(i + 9) !== 0x20
  ) {
    return undefined;
  }
  if (
    !isAsciiLetter(s.charCodeAt(i + 1)) ||
    !isAsciiLetter(s.charCodeAt(i + 2)) ||
    !isAsciiLetter(s.charCodeAt(i + 3))
  ) {
    return undefined;
  }
  const centuries = twoDigits(s, i + 5);
  const years = twoDigits(s, i + 7);
  const hour = twoDigits(s, i + 10);
  const minute = twoDigits(s, i + 13);
  const second = twoDigits(s, i + 16);
  if (centuries < 0 || years < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
  if (s.charCodeAt(i + 12) !== 0x3a || s.charCodeAt(i + 15) !== 0x3a || s.charCodeAt(i + 18) !== 0x20) {
    return undefined;
  }
  const z = i + 19;
  let offset: number | undefined;
  const sign = s.charCodeAt(z);
  if (n - z === 5 && (sign === 0x2b || sign === 0x2d)) {
    const hh = twoDigits(s, z + 1);
    const mm = twoDigits(s, z + 3);
    if (hh < 0 || mm < 0) return undefined;
    if (hh > 14 || mm > 59) return undefined; // as zoneOffset
    offset = (sign === 0x2d ? -1 : 1) * (hh * 60 + mm);
  } else {
    if (!isNamedZone(s, z)) return undefined;
    offset = zoneOffset(s.slice(z));
  }
  const month = MONTHS[s.slice(i + 1, i + 4).toLowerCase()];
  if (month === undefined || offset === undefined) return undefined;
  return build(centuries * 100 + years, month, day, hour, minute, second, 0, offset);
}

function fromIso(m: RegExpExecArray): string | undefined {
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const ms = frac === undefined ? 0 : Math.round(Number(`0.${frac}`) * 1000);
  const offset = zone === undefined ? 0 : zoneOffset(zone);
  if (offset === undefined) return undefined;
  return build(
    Number(y),
    Number(mo ?? 1),
    Number(d ?? 1),
    Number(h ?? 0),
    Number(mi ?? 0),
    Number(sec ?? 0),
    ms,
    offset,
  );
}

const NUMERIC_ZONE = /^([+-])(\d{1,2})(?::?(\d{2}))?$/;
const MILITARY_ZONE = /^[a-ik-y]$/;

/** Minutes east of UTC for `GMT`, `EST`, `+0530`, `+05:30`, `-5`, a military letter; undefined if unknown. */
function zoneOffset(zone: string): number | undefined {
  const z = zone.toLowerCase();
  const named = ZONES[z];
  if (named !== undefined) return named;
  const m = NUMERIC_ZONE.exec(z);
  if (m !== null) {
    const [, sign, hh = '0', mm = '0'] = m;
    const h = Number(hh);
    const mins = Number(mm);
    if (h > 14 || mins > 59) return undefined;
    return (sign === '-' ? -1 : 1) * (h * 60 + mins);
  }
  // Military zones as used by the military (A = UTC+1 … M = +12, N = −1 … Y = −12), not RFC 822's inverted table.
  if (MILITARY_ZONE.test(z)) {
    const c = z.charCodeAt(0);
    if (c <= 105) return (c - 96) * 60; // a..i → 1..9
    if (c <= 109) return (c - 97) * 60; // k..m → 10..12
    return -(c - 109) * 60; // n..y → -1..-12
  }
  return undefined;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysIn(year: number, month: number): number {
  return month === 2 && isLeap(year) ? 29 : (MONTH_DAYS[month - 1] ?? 0);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/**
 * The same string as `new Date(ms).toISOString()` for years 1000–9999, by integer arithmetic (civil_from_days):
 * this runs for every item, and the Date round trip is several times slower.
 */
function isoFromMs(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  let rem = ms - days * 86_400_000;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const h = Math.floor(rem / 3_600_000);
  rem -= h * 3_600_000;
  const mi = Math.floor(rem / 60_000);
  rem -= mi * 60_000;
  const sec = Math.floor(rem / 1000);
  const milli = rem - sec * 1000;
  if (y >= 1000 && y <= 9999) {
    // One flat string from its character codes: a template literal would make a tree of a dozen string pieces
    // (~500 bytes), and every episode keeps its dates.
    return String.fromCharCode(
      digit(y / 1000),
      digit(y / 100),
      digit(y / 10),
      digit(y),
      0x2d, // -
      digit(m / 10),
      digit(m),
      0x2d,
      digit(d / 10),
      digit(d),
      0x54, // T
      digit(h / 10),
      digit(h),
      0x3a, // :
      digit(mi / 10),
      digit(mi),
      0x3a,
      digit(sec / 10),
      digit(sec),
      0x2e, // .
      digit(milli / 100),
      digit(milli / 10),
      digit(milli),
      0x5a, // Z
    );
  }
  const msText = milli < 10 ? `00${milli}` : milli < 100 ? `0${milli}` : `${milli}`;
  return `${y}-${pad2(m)}-${pad2(d)}T${pad2(h)}:${pad2(mi)}:${pad2(sec)}.${msText}Z`;
}

/** The character code of the last decimal digit of the integer part of a non-negative n. */
function digit(n: number): number {
  return 0x30 + (Math.floor(n) % 10);
}

function build(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
  offsetMinutes: number,
): string | undefined {
  if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month))
    return undefined;
  if (hour > 24 || minute > 59 || second > 60) return undefined;
  const t =
    daysFromCivil(year, month, day) * 86_400_000 +
    ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 +
    ms;
  return Number.isFinite(t) ? isoFromMs(t) : undefined;
}

const TOKEN =
  /(\d{1,4})([./-])(\d{1,2})\2(\d{2,4})(?!\d)|(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,](\d+))?)?|([+-])(\d{1,2}(?::?\d{2})?)(?!\d)|(\d+)(?:st|nd|rd|th|er|e|º|°)?|([\p{L}]+)/gu;

function lenient(input: string): string | undefined {
  let s = input;
  if (s.includes('<')) {
    // Drupal's `<span … content="2017-04-02T00:00:00-04:00">` carries a machine-readable date: prefer it.
    const attr = /content="([^"]+)"/.exec(s);
    if (attr?.[1] !== undefined) {
      const iso = ISO8601.exec(attr[1].trim());
      if (iso !== null) {
        const r = fromIso(iso);
        if (r !== undefined) return r;
      }
    }
    s = s.replace(/<[^>]*>/g, ' ');
  }
  s = s
    .replace(/^\uFEFF|^ï»¿/, '')
    .replace(/\uFFFD/g, '')
    .replace(/["'«»]/g, ' ')
    // RFC 850 `17-Jul-2010`: a dash between a number and a word separates, it is no sign.
    .replace(/(\d)-(\p{L}+)-(?=\d)/gu, '$1 $2 ')
    .trim();
  if (/^\d{9,10}$/.test(s)) return unix(Number(s) * 1000);
  if (/^\d{12,13}$/.test(s)) return unix(Number(s));
  const iso = ISO8601.exec(s);
  if (iso !== null) return fromIso(iso);

  let year: number | undefined;
  let month: number | undefined;
  let monthAtStart = false;
  let day: number | undefined;
  let hour: number | undefined;
  let minute = 0;
  let second = 0;
  let ms = 0;
  let offset: number | undefined;
  let sawZoneWord = false;
  // `GMT+2`: the numeric part refines a preceding GMT/UTC word.
  let offsetIsGmt = false;
  let afterAmPm = false;
  let index = 0;
  let pendingNumbers: number[] = [];

  for (const m of s.matchAll(TOKEN)) {
    const first = index === 0;
    index++;
    if (m[1] !== undefined) {
      // a/b/c numeric date
      const a = Number(m[1]);
      const sep = m[2];
      const b = Number(m[3]);
      let c = Number(m[4]);
      if (m[4] !== undefined && m[4].length === 2) c += c < 50 ? 2000 : 1900;
      if ((m[1] ?? '').length === 4) {
        year = a;
        month = b;
        day = Number(m[4]);
      } else if (sep === '/' && a <= 12 && b <= 31) {
        month = a;
        day = b;
        year = c;
      } else {
        day = a;
        month = b;
        year = c;
      }
      continue;
    }
    if (m[5] !== undefined && hour === undefined) {
      hour = Number(m[5]);
      minute = Number(m[6]);
      second = m[7] === undefined ? 0 : Number(m[7]);
      ms = m[8] === undefined ? 0 : Math.round(Number(`0.${m[8]}`) * 1000);
      continue;
    }
    if (m[9] !== undefined) {
      // A signed number is an offset once the date or time is known (`GMT+2`, `-0500`, `+05:30`).
      if (
        (hour !== undefined || year !== undefined || sawZoneWord) &&
        (offset === undefined || offsetIsGmt)
      ) {
        const o = zoneOffset(`${m[9]}${m[10] ?? ''}`);
        if (o !== undefined) {
          offset = o;
          offsetIsGmt = false;
        }
      }
      continue;
    }
    if (m[11] !== undefined) {
      const digits = m[11];
      const n = Number(digits);
      if (digits.length === 4) {
        if (year === undefined) year = n;
      } else if (n > 31) {
        if (year === undefined && digits.length === 2) year = n + 1900;
      } else pendingNumbers.push(n);
      continue;
    }
    const word = m[12];
    if (word === undefined) continue;
    const w = word.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');
    // `pm`, `p.m.` (the `m` of `p.m.` is no military zone); a lone `A`/`P` is a zone letter.
    const dotted = s[(m.index ?? 0) + word.length] === '.';
    if (w === 'pm' || (w === 'p' && dotted)) {
      if (hour !== undefined && hour < 12) hour += 12;
      afterAmPm = w === 'p';
      continue;
    }
    if (w === 'am' || (w === 'a' && dotted)) {
      if (hour === 12) hour = 0;
      afterAmPm = w === 'a';
      continue;
    }
    if (afterAmPm && w === 'm') {
      afterAmPm = false;
      continue;
    }
    afterAmPm = false;
    const mon = lookupMonth(w);
    if (mon !== undefined && !(first && WEEKDAY_NOT_MONTH.has(w))) {
      if (month === undefined || monthAtStart) {
        month = mon;
        monthAtStart = first;
      }
      continue;
    }
    if (hour !== undefined || year !== undefined) {
      const z = zoneOffset(w);
      if (z !== undefined && offset === undefined && (w.length > 1 || hour !== undefined)) {
        offset = z;
        sawZoneWord = true;
        offsetIsGmt = z === 0;
      }
    }
  }

  // Numbers without a role: day first, then a two-digit year.
  for (const n of pendingNumbers) {
    if (day === undefined && n >= 1) day = n;
    else if (year === undefined) year = n + (n < 50 ? 2000 : 1900);
  }
  pendingNumbers = [];
  if (year === undefined || month === undefined || day === undefined) return undefined;
  // An impossible time (`10:60:00`, `28:11:25`) does not make the day wrong: carry minute and second overflow,
  // and drop an hour past 24 rather than the whole date.
  let h = hour ?? 0;
  if (h > 24) {
    h = 0;
    minute = 0;
    second = 0;
  }
  if (minute > 59 || second > 60) {
    const total = minute * 60 + second;
    minute = Math.floor(total / 60);
    second = total % 60;
    h += Math.floor(minute / 60);
    minute %= 60;
  }
  return build(year, month, day, h, minute, second, ms, offset ?? 0);
}

function lookupMonth(w: string): number | undefined {
  const exact = MONTHS[w];
  if (exact !== undefined) return exact;
  if (w.length >= 4 && !WEEKDAY_NOT_MONTH.has(w)) {
    const i = EN_PREFIX.indexOf(w.slice(0, 3));
    if (i >= 0) return i + 1;
  }
  return undefined;
}

function unix(ms: number): string | undefined {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  return y >= 1990 && y <= 2200 ? d.toISOString() : undefined;
}
