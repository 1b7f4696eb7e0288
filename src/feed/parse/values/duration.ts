// itunes:duration (and other media durations) → seconds. Pure; runs once per item.
//
// Accepted (protocols.md §2.2):
//   `3723`, `3723.5` (seconds; `,` also accepted as the decimal separator)
//   `MM:SS`, `H:MM:SS`, `HH:MM:SS`, the first field may exceed 59 (`75:30`), fractional seconds (`01:02:03.250`)
//   surrounding whitespace, and a leading `Duration:` label (seen in real feeds: `Duration: 01:02:50`)
//   unit forms that cannot be misread: `45 min`, `1h 2m 3s`, `1 hr 30 mins`, `90 minutes`, and ISO 8601 `PT1H2M3S`
// Everything else (empty, `0`, negatives, `xx:xx`, words, URLs) is unknown: `undefined`, never 0.

const PLAIN = /^\d+(?:[.,]\d+)?$/;
const CLOCK = /^(\d+):(\d{1,2})(?::(\d{1,2}))?(?:[.,](\d+))?$/;
const ISO =
  /^P(?:(\d+(?:[.,]\d+)?)D)?T?(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?$/i;
const UNIT_PART =
  /(\d+(?:[.,]\d+)?)\s*(hours?|hrs?|h|std\.?|stunden?|minutes?|minuten?|mins?|m|seconds?|secs?|sek\.?|s)(?![a-z])/giy;
const LABEL = /^duration\s*:?\s*/i;

function num(s: string): number {
  return Number(s.replace(',', '.'));
}

function positive(n: number): number | undefined {
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

export function parseDuration(raw: string): number | undefined {
  let s = raw.trim();
  if (s === '') return undefined;
  if (PLAIN.test(s)) return positive(num(s));
  if (s.length > 64) return undefined;
  s = s.replace(LABEL, '');

  const clock = CLOCK.exec(s);
  if (clock !== null) {
    const [, a = '0', b = '0', c, frac] = clock;
    const fraction = frac === undefined ? 0 : Number(`0.${frac}`);
    const seconds =
      c === undefined
        ? Number(a) * 60 + Number(b) + fraction
        : Number(a) * 3600 + Number(b) * 60 + Number(c) + fraction;
    return positive(seconds);
  }
  if (PLAIN.test(s)) return positive(num(s));

  const iso = ISO.exec(s);
  if (iso !== null && /\d/.test(s)) {
    const [, d, h, m, sec] = iso;
    return positive(
      (d === undefined ? 0 : num(d) * 86400) +
        (h === undefined ? 0 : num(h) * 3600) +
        (m === undefined ? 0 : num(m) * 60) +
        (sec === undefined ? 0 : num(sec)),
    );
  }
  return parseUnits(s);
}

/** `1h 2m 3s`, `45 min`, `1 hr, 30 mins` — the whole string must be number+unit pairs. */
function parseUnits(s: string): number | undefined {
  let total = 0;
  let pos = 0;
  let parts = 0;
  const seen = new Set<string>();
  while (pos < s.length) {
    const sep = /[\s,]*(?:and\s+|und\s+|et\s+)?/y;
    sep.lastIndex = pos;
    sep.exec(s);
    pos = sep.lastIndex;
    if (pos >= s.length) break;
    UNIT_PART.lastIndex = pos;
    const m = UNIT_PART.exec(s);
    if (m === null) return undefined;
    const unit = (m[2] ?? '').toLowerCase();
    const kind = unit.startsWith('h') || unit.startsWith('st') ? 'h' : unit.startsWith('m') ? 'm' : 's';
    if (seen.has(kind)) return undefined;
    seen.add(kind);
    const n = num(m[1] ?? '');
    total += kind === 'h' ? n * 3600 : kind === 'm' ? n * 60 : n;
    pos = UNIT_PART.lastIndex;
    parts++;
  }
  return parts === 0 ? undefined : positive(total);
}
