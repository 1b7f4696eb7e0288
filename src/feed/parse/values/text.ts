// Text helpers that run on every item: HTML show notes → a plain-text summary, HTML entity decoding, and the
// second decoding pass for double-escaped titles (`&amp;amp;`, `&amp;#039;`).
import { isAsciiLetter } from './chars.ts';

/** HTML named entities feeds actually use (the Latin-1 set plus typography), by name without `&`/`;`. */
export const HTML_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  iexcl: '¡',
  cent: '¢',
  pound: '£',
  curren: '¤',
  yen: '¥',
  brvbar: '¦',
  sect: '§',
  uml: '¨',
  copy: '©',
  ordf: 'ª',
  laquo: '«',
  not: '¬',
  shy: '\u00ad',
  reg: '®',
  macr: '¯',
  deg: '°',
  plusmn: '±',
  sup2: '²',
  sup3: '³',
  acute: '´',
  micro: 'µ',
  para: '¶',
  middot: '·',
  cedil: '¸',
  sup1: '¹',
  ordm: 'º',
  raquo: '»',
  frac14: '¼',
  frac12: '½',
  frac34: '¾',
  iquest: '¿',
  Agrave: 'À',
  Aacute: 'Á',
  Acirc: 'Â',
  Atilde: 'Ã',
  Auml: 'Ä',
  Aring: 'Å',
  AElig: 'Æ',
  Ccedil: 'Ç',
  Egrave: 'È',
  Eacute: 'É',
  Ecirc: 'Ê',
  Euml: 'Ë',
  Igrave: 'Ì',
  Iacute: 'Í',
  Icirc: 'Î',
  Iuml: 'Ï',
  ETH: 'Ð',
  Ntilde: 'Ñ',
  Ograve: 'Ò',
  Oacute: 'Ó',
  Ocirc: 'Ô',
  Otilde: 'Õ',
  Ouml: 'Ö',
  times: '×',
  Oslash: 'Ø',
  Ugrave: 'Ù',
  Uacute: 'Ú',
  Ucirc: 'Û',
  Uuml: 'Ü',
  Yacute: 'Ý',
  THORN: 'Þ',
  szlig: 'ß',
  agrave: 'à',
  aacute: 'á',
  acirc: 'â',
  atilde: 'ã',
  auml: 'ä',
  aring: 'å',
  aelig: 'æ',
  ccedil: 'ç',
  egrave: 'è',
  eacute: 'é',
  ecirc: 'ê',
  euml: 'ë',
  igrave: 'ì',
  iacute: 'í',
  icirc: 'î',
  iuml: 'ï',
  eth: 'ð',
  ntilde: 'ñ',
  ograve: 'ò',
  oacute: 'ó',
  ocirc: 'ô',
  otilde: 'õ',
  ouml: 'ö',
  divide: '÷',
  oslash: 'ø',
  ugrave: 'ù',
  uacute: 'ú',
  ucirc: 'û',
  uuml: 'ü',
  yacute: 'ý',
  thorn: 'þ',
  yuml: 'ÿ',
  OElig: 'Œ',
  oelig: 'œ',
  Scaron: 'Š',
  scaron: 'š',
  Yuml: 'Ÿ',
  fnof: 'ƒ',
  circ: 'ˆ',
  tilde: '˜',
  ensp: '\u2002',
  emsp: '\u2003',
  thinsp: '\u2009',
  zwnj: '\u200c',
  zwj: '\u200d',
  lrm: '\u200e',
  rlm: '\u200f',
  ndash: '–',
  mdash: '—',
  lsquo: '‘',
  rsquo: '’',
  sbquo: '‚',
  ldquo: '“',
  rdquo: '”',
  bdquo: '„',
  dagger: '†',
  Dagger: '‡',
  bull: '•',
  hellip: '…',
  permil: '‰',
  prime: '′',
  Prime: '″',
  lsaquo: '‹',
  rsaquo: '›',
  oline: '‾',
  euro: '€',
  trade: '™',
  larr: '←',
  uarr: '↑',
  rarr: '→',
  darr: '↓',
  harr: '↔',
  hearts: '♥',
  spades: '♠',
  clubs: '♣',
  diams: '♦',
  check: '✓',
  star: '☆',
  starf: '★',
  Alpha: 'Α',
  alpha: 'α',
  Beta: 'Β',
  beta: 'β',
  Gamma: 'Γ',
  gamma: 'γ',
  Delta: 'Δ',
  delta: 'δ',
  pi: 'π',
  Omega: 'Ω',
  omega: 'ω',
  mu: 'μ',
  infin: '∞',
  ne: '≠',
  le: '≤',
  ge: '≥',
  minus: '−',
  asymp: '≈',
  frasl: '⁄',
  loz: '◊',
};

const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/g;

function codePoint(n: number): string | undefined {
  if (n === 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return undefined;
  // Numeric references in the C1 range are windows-1252 in practice (`&#146;` means ’).
  if (n >= 0x80 && n <= 0x9f) return CP1252_C1[n - 0x80] ?? undefined;
  return String.fromCodePoint(n);
}

const CP1252_C1: readonly (string | undefined)[] = [
  '€',
  undefined,
  '‚',
  'ƒ',
  '„',
  '…',
  '†',
  '‡',
  'ˆ',
  '‰',
  'Š',
  '‹',
  'Œ',
  undefined,
  'Ž',
  undefined,
  undefined,
  '‘',
  '’',
  '“',
  '”',
  '•',
  '–',
  '—',
  '˜',
  '™',
  'š',
  '›',
  'œ',
  undefined,
  'ž',
  'Ÿ',
];

/** Decode HTML character references (numeric and the named ones above); unknown ones are left as written. */
export function decodeHtmlEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(
    ENTITY,
    (whole, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
      if (dec !== undefined) return codePoint(Number.parseInt(dec, 10)) ?? whole;
      if (hex !== undefined) return codePoint(Number.parseInt(hex, 16)) ?? whole;
      if (name !== undefined) return HTML_ENTITIES[name] ?? HTML_ENTITIES[name.toLowerCase()] ?? whole;
      return whole;
    },
  );
}

const HAS_ENTITY = /&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/;

/**
 * A title that still holds character references after XML decoding was escaped twice (`&amp;amp;` → `&amp;`,
 * `&amp;#039;` → `&#039;`): decode once more. `changed` says whether anything was decoded (for a problem).
 */
export function decodeDoubleEscaped(s: string): { text: string; changed: boolean } {
  if (!s.includes('&') || !HAS_ENTITY.test(s)) return { text: s, changed: false };
  const text = decodeHtmlEntities(s);
  return { text, changed: text !== s };
}

// Markup dropped with its content (script, style, …), comments, and the CDATA markers (their content is kept).
/**
 * What is dropped before tags are stripped: script-like elements with their content, comments, CDATA markers. As a
 * regex, `s.replace(DROP, '')` — exported for the test that dropNonText gives the same — but that regex is quadratic
 * when a construct never ends (100,000 `<!--` without a `-->` took 17 s), so dropNonText does the same in one pass.
 */
export const DROP =
  /<(script|style|noscript|template|head)\b[^>]*>[\s\S]*?<\/\1\s*>|<!--[\s\S]*?-->|<!\[CDATA\[|\]\]>/gi;
const DROPPED_ELEMENTS = ['script', 'style', 'noscript', 'template', 'head'];

/** `s.replace(DROP, '')`, linear in `s`: where each construct's end is, is searched once and remembered. */
export function dropNonText(s: string): string {
  // The next `>`, `-->` and close tag of each element at or after where they were last looked for (-1: none left).
  // Matches are tried left to right, so each is looked for from ever later positions: a remembered one still holds.
  let gt = -2;
  let commentEnd = -2;
  const closes = new Map<string, { at: number; end: number }>();
  const nextGt = (from: number): number => {
    if (gt === -1 || gt >= from) return gt;
    gt = s.indexOf('>', from);
    return gt;
  };
  const nextCommentEnd = (from: number): number => {
    if (commentEnd === -1 || commentEnd >= from) return commentEnd;
    commentEnd = s.indexOf('-->', from);
    return commentEnd;
  };
  const nextClose = (name: string, from: number): number => {
    let found = closes.get(name);
    if (found === undefined || (found.at !== -1 && found.at < from)) {
      const re = new RegExp(`</${name}\\s*>`, 'gi');
      re.lastIndex = from;
      const m = re.exec(s);
      found = m === null ? { at: -1, end: -1 } : { at: m.index, end: m.index + m[0].length };
      closes.set(name, found);
    }
    return found.end;
  };
  let out = '';
  let kept = 0;
  let i = 0;
  let brackets = -2;
  for (;;) {
    const lt = s.indexOf('<', i);
    if (brackets !== -1 && brackets < i) brackets = s.indexOf(']]>', i);
    if (lt === -1 && brackets === -1) break;
    const p = lt === -1 || (brackets !== -1 && brackets < lt) ? brackets : lt;
    let end = -1;
    if (p === brackets) end = p + 3;
    else end = dropAt(p);
    if (end === -1) {
      i = p + 1;
      continue;
    }
    out += s.slice(kept, p);
    kept = end;
    i = end;
  }
  return kept === 0 ? s : out + s.slice(kept);

  /** Where what DROP matches at `<` position `p` ends, or -1. */
  function dropAt(p: number): number {
    const c = s.charCodeAt(p + 1);
    if (c === 0x21) {
      // `<!`
      if (s.startsWith('--', p + 2)) {
        const close = nextCommentEnd(p + 4);
        return close === -1 ? -1 : close + 3;
      }
      return s.slice(p, p + 9).toUpperCase() === '<![CDATA[' ? p + 9 : -1;
    }
    const first = c | 0x20;
    // s(cript, tyle), n(oscript), t(emplate), h(ead)
    if (first !== 0x73 && first !== 0x6e && first !== 0x74 && first !== 0x68) return -1;
    for (const name of DROPPED_ELEMENTS) {
      const after = p + 1 + name.length;
      if (s.slice(p + 1, after).toLowerCase() !== name) continue;
      if (after < s.length && /\w/.test(s.charAt(after))) continue;
      const open = nextGt(after);
      if (open === -1) continue;
      const end = nextClose(name, open + 1);
      if (end !== -1) return end;
    }
    return -1;
  }
}
// A tag: quoted attribute values may hold `>`; when quotes do not balance (`title=Don't`), up to the next `>`.
// Every alternative is bounded and starts differently, so text full of `<word` without any `>` stays linear.
const TAG =
  /<(\/?)([A-Za-z][A-Za-z0-9:-]{0,40})\b(?:[^>"']|"[^"]{0,1024}"|'[^']{0,1024}'){0,256}>|<(\/?)([A-Za-z][A-Za-z0-9:-]{0,40})[^>]{0,2048}>|<[!?][^>]{0,1024}>/g;
const PARAGRAPH = new Set([
  'p',
  'div',
  'section',
  'article',
  'header',
  'footer',
  'aside',
  'blockquote',
  'pre',
  'ul',
  'ol',
  'dl',
  'table',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'figure',
  'main',
  'nav',
  'address',
  'center',
]);
const LINE = new Set(['br', 'li', 'tr', 'dt', 'dd', 'figcaption', 'caption']);

function tagReplacement(
  _whole: string,
  close1: string | undefined,
  name1: string | undefined,
  close2: string | undefined,
  name2: string | undefined,
): string {
  const name = name1 ?? name2;
  if (name === undefined) return ' ';
  const n = name.toLowerCase();
  if (PARAGRAPH.has(n)) return '\n\n';
  if (LINE.has(n)) return (close1 ?? close2) === '/' && n !== 'br' ? '' : '\n';
  return n === 'td' || n === 'th' ? ' ' : '';
}

// Only whitespace runs that need changing: single spaces between words (the common case) are never visited.
const WHITESPACE = / ?[^\S ]\s*| {2,}\s*/g;

const CRLF = /\r\n?/g;

function collapse(run: string): string {
  const first = run.indexOf('\n');
  const lf = first < 0 ? run.indexOf('\r') : first;
  if (lf < 0) return ' ';
  const normalised = run.includes('\r') ? run.replace(CRLF, '\n') : run;
  const at = normalised.indexOf('\n');
  return normalised.indexOf('\n', at + 1) < 0 ? '\n' : '\n\n';
}

const NEEDS_WORK = /[<&\t\n\r\f\v\u00a0\u2028\u2029\ufeff]| {2}/;

/**
 * Plain text from HTML (or from text that may contain some): tags stripped, script/style/comments dropped,
 * entities decoded, whitespace collapsed (a line break stays a newline, two or more a blank line), `<p>`-like
 * blocks become a blank line and `<br>`/list items a newline. Runs for every item: plain one-line text returns at
 * once; ordinary show notes take one pass over their characters (`fastHtmlToText`); anything that pass is not sure
 * about (comments, script/style, CDATA markers, odd tags) goes through the regex steps (`htmlToTextByRegex`), which
 * define the result: both give the same text for every input the fast pass accepts.
 */
export function htmlToText(html: string): string {
  // NEEDS_WORK, with its two commonest characters looked for natively first.
  if (!html.includes('<') && !html.includes('&') && !NEEDS_WHITESPACE_WORK.test(html)) return html.trim();
  return fastHtmlToText(html) ?? htmlToTextByRegex(html);
}

/** NEEDS_WORK without `<` and `&`. */
const NEEDS_WHITESPACE_WORK = /[\t\n\r\f\v\u00a0\u2028\u2029\ufeff]| {2}/;

/** The reference: one native regex pass per step. Exported for the equivalence test. */
export function htmlToTextByRegex(html: string): string {
  let s = html;
  if (!NEEDS_WORK.test(s)) return s.trim();
  if (s.includes('<')) {
    s = dropNonText(s);
    if (s.includes('>')) s = stripTags(s);
  }
  if (s.includes('&')) s = decodeHtmlEntities(s);
  return s.replace(WHITESPACE, collapse).trim();
}

/** TAG, matched only where a search is started (sticky). */
const TAG_AT = new RegExp(TAG.source, 'y');

/**
 * `s.replace(TAG, tagReplacement)`. TAG's `<!…>` alternative looks up to 1,026 characters ahead for its `>`, at every
 * `<!` and `<?`: text made of such openings with no `>` near (100,000 unclosed `<!--`) cost 10⁸ steps. Here TAG is
 * tried only at the `<` where it can match (every match starts at one), in order, as the global replace tries them,
 * and not at a `<!` or `<?` whose next `>` is out of reach (looked for once, and remembered).
 */
export function stripTags(s: string): string {
  let out = '';
  let kept = 0;
  let gt = -2;
  for (let lt = s.indexOf('<'); lt !== -1; lt = s.indexOf('<', lt + 1)) {
    const c = s.charCodeAt(lt + 1);
    if (c === 0x21 || c === 0x3f) {
      // `!`, `?`
      if (gt !== -1 && gt < lt) gt = s.indexOf('>', lt);
      if (gt === -1 || gt - lt > 1026) continue;
    }
    TAG_AT.lastIndex = lt;
    const m = TAG_AT.exec(s);
    if (m === null) continue;
    out += s.slice(kept, lt) + tagReplacement(m[0], m[1], m[2], m[3], m[4]);
    kept = TAG_AT.lastIndex;
    lt = kept - 1;
  }
  return kept === 0 ? s : out + s.slice(kept);
}

/** The reference for stripTags (exported for the test that they agree). */
export function stripTagsByRegex(s: string): string {
  return s.replace(TAG, tagReplacement);
}

// ---- The single pass ----------------------------------------------------------------------------------------------

/**
 * What the single pass leaves to the regex steps: anything DROP could remove, and `<!`/`<?` constructs; that is, any
 * match of `/<(?:script|style|noscript|template|head)|<[!?]|\]\]>/i`. The pass looks for these itself, at each `<` it
 * visits (a `<` inside a tag makes it unsure too), and with one search for `]]>`. These names, lower case, are
 * matched as a prefix of an opening tag's name.
 */
const UNSURE_NAMES = ['script', 'style', 'noscript', 'template', 'head'];

/** Whether an opening tag's name html[nameStart, +nameLen) begins with one of UNSURE_NAMES, in any case. */
function unsureName(html: string, nameStart: number, nameLen: number): boolean {
  if (nameLen < 4) return false;
  const first = html.charCodeAt(nameStart) | 0x20;
  if (first !== 0x73 && first !== 0x6e && first !== 0x74 && first !== 0x68) return false; // s n t h
  const lower = html.slice(nameStart, nameStart + Math.min(nameLen, 8)).toLowerCase();
  for (const name of UNSURE_NAMES) if (lower.startsWith(name)) return true;
  return false;
}

function isTagNameChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x3a ||
    c === 0x2d
  );
}

/** Characters an entity name or number can be made of (a text run ending in `&` plus these may continue past a tag). */
function isEntityChar(c: number): boolean {
  return isAsciiLetter(c) || (c >= 0x30 && c <= 0x39) || c === 0x23;
}

/**
 * The regex steps in one pass over the characters, for the HTML show notes are made of. Returns undefined for input
 * whose result it cannot be sure of; the caller then uses the regex steps.
 */
export function fastHtmlToText(html: string): string | undefined {
  if (html.includes(']]>')) return undefined;
  // Tags become their replacements and text runs are entity-decoded, one piece at a time; whitespace is then collapsed
  // in one native pass over the whole (the regex steps' last step, so runs that span pieces collapse the same way).
  let out = '';
  const n = html.length;
  let text = 0; // start of the pending text segment
  let amp = html.indexOf('&'); // the first `&` from `text` on (once looked for again), -1 when there is none
  let lt = html.indexOf('<');
  while (lt >= 0) {
    let i = lt + 1;
    const after = html.charCodeAt(i);
    if (after === 0x21 || after === 0x3f) return undefined; // `<!`, `<?`: comments, CDATA, declarations
    const close = after === 0x2f;
    if (close) i++;
    if (!isAsciiLetter(html.charCodeAt(i))) {
      lt = html.indexOf('<', lt + 1);
      continue; // a literal `<` (no pattern starts a tag here)
    }
    const nameStart = i;
    while (i < n && isTagNameChar(html.charCodeAt(i))) i++;
    const nameLen = i - nameStart;
    const last = html.charCodeAt(i - 1);
    // Cases where the pattern's backtracking could pick another name or another alternative: not ours.
    if (nameLen > 41 || last === 0x3a || last === 0x2d || html.charCodeAt(i) === 0x5f) return undefined;
    if (!close && unsureName(html, nameStart, nameLen)) return undefined;
    const nextLt = html.indexOf('<', i);
    let reps = 0;
    for (;;) {
      if (i >= n || reps > 256) return undefined;
      const c = html.charCodeAt(i);
      if (c === 0x3e) break;
      if (c === 0x22 || c === 0x27) {
        const q = html.indexOf(c === 0x22 ? '"' : "'", i + 1);
        if (q < 0 || q - i - 1 > 1024) return undefined;
        i = q + 1;
      } else i++;
      reps++;
    }
    if (reps > 256) return undefined;
    // A `<` inside the tag (in a quoted value): not looked at above, so not ours.
    if (nextLt >= 0 && nextLt < i) return undefined;
    // The tag is html[lt..i]; the text before it is html[text..lt].
    const replacement = replacementFor(html, nameStart, nameLen, close);
    if (lt > text) {
      if (amp >= 0 && amp < text) amp = html.indexOf('&', text);
      if (amp >= 0 && amp < lt) {
        const seg = html.slice(text, lt);
        if (replacement === '' && endsInEntityStart(seg)) return undefined;
        out += decodeHtmlEntities(seg);
      } else {
        out += html.slice(text, lt);
      }
    }
    out += replacement;
    text = i + 1;
    lt = nextLt;
  }
  if (text < n) {
    const seg = text === 0 ? html : html.slice(text);
    out += seg.includes('&') ? decodeHtmlEntities(seg) : seg;
  }
  return out.replace(WHITESPACE, collapse).trim();
}

/** Whether the text ends in `&` followed only by entity characters (a reference that a removed tag could split). */
function endsInEntityStart(seg: string): boolean {
  const amp = seg.lastIndexOf('&');
  if (amp < 0) return false;
  for (let j = amp + 1; j < seg.length; j++) if (!isEntityChar(seg.charCodeAt(j))) return false;
  return true;
}

/**
 * Tag names of one or two characters, lower-cased, by their character codes (`a << 16 | b`, `b` 0 for one letter):
 * the same classification as replacementForName, read off its sets once, so the names show notes are mostly made of
 * need no lower-cased copy.
 */
const SHORT_NAMES = new Map<number, string>();
for (const name of [...PARAGRAPH, ...LINE, 'td', 'th']) {
  if (name.length <= 2) SHORT_NAMES.set(shortKey(name, 0, name.length), name);
}

function shortKey(s: string, start: number, length: number): number {
  // ASCII letters to lower case; the other characters a name may hold (digits, `:`, `-`) have that bit set already.
  const a = s.charCodeAt(start) | 0x20;
  return length === 1 ? a << 16 : (a << 16) | (s.charCodeAt(start + 1) | 0x20);
}

/** The replacement of the tag named html[start, start + length), any case. */
function replacementFor(html: string, start: number, length: number, close: boolean): string {
  if (length <= 2) {
    const name = SHORT_NAMES.get(shortKey(html, start, length));
    return name === undefined ? '' : replacementForName(name, close);
  }
  return replacementForName(html.slice(start, start + length).toLowerCase(), close);
}

function replacementForName(n: string, close: boolean): string {
  if (PARAGRAPH.has(n)) return '\n\n';
  if (LINE.has(n)) return close && n !== 'br' ? '' : '\n';
  return n === 'td' || n === 'th' ? ' ' : '';
}
