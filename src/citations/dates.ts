// Dates as citations write them: "2 Jan. 2024", "Nov. 15, 2006", "June 29, 2021", "Augst 31, 1985", "1988",
// "2002-06-01". A misspelt month is read when its first three letters are a month's and it is within two edits.

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

export interface FoundDate {
  /** As written. */
  text: string;
  /** Where in the searched text. */
  index: number;
  /** `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. */
  iso: string;
}

const WORD = '(\\p{L}{3,10})\\.?';
const YEAR = '((?:1[5-9]|20)\\d\\d)';
const DAY = '(\\d{1,2})(?:st|nd|rd|th)?';
const DAY_MONTH_YEAR = new RegExp(`(?<![\\p{L}\\d])${DAY}\\s+${WORD},?\\s+${YEAR}(?!\\d)`, 'u');
const MONTH_DAY_YEAR = new RegExp(`(?<![\\p{L}\\d])${WORD}\\s+${DAY},?\\s+${YEAR}(?!\\d)`, 'u');
const MONTH_YEAR = new RegExp(`(?<![\\p{L}\\d])${WORD},?\\s+${YEAR}(?!\\d)`, 'u');
const NUMERIC = /(?<![\d/-])((?:1[5-9]|20)\d\d)-(\d\d)(?:-(\d\d))?(?![\d/-])/;
const YEAR_ALONE = new RegExp(`(?<![\\p{L}\\d–/-])${YEAR}(?![\\p{L}\\d–/-])`, 'u');

/** The first date in `text`, the fullest form first. */
export function findDate(text: string): FoundDate | undefined {
  const dmy = firstWith(text, DAY_MONTH_YEAR, (m) => ymd(m[3], monthNumber(m[2]), m[1]));
  const mdy = firstWith(text, MONTH_DAY_YEAR, (m) => ymd(m[3], monthNumber(m[1]), m[2]));
  const full = [dmy, mdy].filter((d): d is FoundDate => d !== undefined).sort((a, b) => a.index - b.index)[0];
  if (full !== undefined) return full;
  const numeric = NUMERIC.exec(text);
  if (numeric?.[1] !== undefined && numeric[2] !== undefined) {
    const month = Number(numeric[2]);
    const day = numeric[3] === undefined ? undefined : Number(numeric[3]);
    if (month >= 1 && month <= 12 && (day === undefined || (day >= 1 && day <= 31)))
      return { text: numeric[0], index: numeric.index, iso: numeric[0] };
  }
  const my = firstWith(text, MONTH_YEAR, (m) => ymd(m[2], monthNumber(m[1])));
  if (my !== undefined) return my;
  const year = YEAR_ALONE.exec(text);
  if (year?.[1] !== undefined) return { text: year[1], index: year.index, iso: year[1] };
  return undefined;
}

/** Scans every match of a sticky-free pattern until `read` accepts one. */
function firstWith(
  text: string,
  pattern: RegExp,
  read: (m: RegExpExecArray) => string | undefined,
): FoundDate | undefined {
  const global = new RegExp(pattern.source, `${pattern.flags}g`);
  for (let m = global.exec(text); m !== null; m = global.exec(text)) {
    const iso = read(m);
    if (iso !== undefined) return { text: m[0], index: m.index, iso };
    global.lastIndex = m.index + 1;
  }
  return undefined;
}

function ymd(year: string | undefined, month: number | undefined, day?: string): string | undefined {
  if (year === undefined || month === undefined) return undefined;
  const mm = String(month).padStart(2, '0');
  if (day === undefined) return `${year}-${mm}`;
  const d = Number(day);
  if (d < 1 || d > 31) return undefined;
  return `${year}-${mm}-${String(d).padStart(2, '0')}`;
}

/** 1–12 for a month's name, abbreviation or near miss ("Augst", "Sept", "Febuary"); undefined otherwise. */
export function monthNumber(word: string | undefined): number | undefined {
  if (word === undefined) return undefined;
  const w = word.toLowerCase().replace(/\.$/, '');
  if (w.length < 3) return undefined;
  for (let i = 0; i < MONTHS.length; i++) {
    const name = MONTHS[i] ?? '';
    if (!name.startsWith(w.slice(0, 3))) continue;
    if (name.startsWith(w) || distance(w, name) <= 2) return i + 1;
  }
  return undefined;
}

/** Levenshtein distance of two short words. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(
        Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
