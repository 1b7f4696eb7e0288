// Splitting an entry at the full stops that end its parts ("Penguin. 2017."), not at those of abbreviations and
// initials ("U.S. Department of State", "Lewis H. Siegelbaum", "2 Jan. 2024", "vol. 13").

const ABBREVIATIONS = new Set([
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
  'vol',
  'vols',
  'no',
  'nos',
  'pp',
  'p',
  'ed',
  'eds',
  'trans',
  'jr',
  'sr',
  'st',
  'dr',
  'mr',
  'mrs',
  'ms',
  'inc',
  'co',
  'ltd',
  'univ',
  'dept',
  'rev',
  'prof',
  'gen',
  'col',
  'capt',
  'mt',
  'ft',
  'vs',
  'etc',
  'al',
  'ca',
  'c',
  'iss',
  'ch',
  'chap',
]);

/**
 * The parts of `text` between sentence-ending full stops, each trimmed, the stops dropped. A question or exclamation
 * mark ends no part: in a link list's headline ("Who is Bing Liu? Chinese researcher …") it is the title's own.
 */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  const stop = /([.])(?=\s+\S|\s*$)/g;
  for (let m = stop.exec(text); m !== null; m = stop.exec(text)) {
    const end = m.index;
    if (m[1] === '.' && isAbbreviation(text.slice(Math.max(start, end - 16), end))) continue;
    push(out, text.slice(start, m[1] === '.' ? end : end + 1));
    start = end + 1;
  }
  push(out, text.slice(start));
  return out;
}

function push(out: string[], part: string): void {
  const trimmed = part.trim();
  if (trimmed !== '') out.push(trimmed);
}

/** Whether the word before a full stop makes it an abbreviation's: an initial, "U.S", or a known short word. */
function isAbbreviation(before: string): boolean {
  const word = /([\p{L}.]+)$/u.exec(before)?.[1] ?? '';
  if (word === '') return false;
  if (/^\p{Lu}$/u.test(word)) return true;
  if (/^(?:\p{L}\.)+\p{L}$/u.test(word)) return true;
  return ABBREVIATIONS.has(word.toLowerCase());
}
