// Limits on what untrusted input (feeds, show notes, transcripts, OPML files) may make Earshot store, parse or render.
// One place for all of them, so the documentation (docs/security.md) and the code cannot drift apart. Each limit is
// well above anything a real feed uses; what goes past it is cut, kept as far as the limit, and reported.

/**
 * Elements open at once in any markup Earshot parses (feed XML, show-notes HTML, HTML transcripts, OPML). An
 * element opened deeper is flattened: its tags are dropped (an XML element deeper is read as empty) and its text
 * goes to the nearest element still open. Parsing stays linear in the input's size whatever its nesting.
 */
export const MAX_MARKUP_DEPTH = 256;

/** Titles: of a show, an episode, a season, a chapter, a soundbite, a link's text. */
export const MAX_TITLE_CHARS = 1_000;

/** Long texts: a show's or an episode's description, and its show notes (HTML, before and after sanitising). */
export const MAX_DESCRIPTION_CHARS = 256 * 1024;

/** Names of people and roles: `podcast:person`, authors, owners, credits' roles and groups. */
export const MAX_NAME_CHARS = 500;

/** Any other stored text (URLs, guids, keywords, categories, `podcast:txt`, …). */
export const MAX_FIELD_CHARS = 4_096;

/** Entries in any one list of a show or an episode (persons, keywords, categories, transcripts, chapters, …). */
export const MAX_LIST_ENTRIES = 1_000;

/**
 * Markup parsed on the server's event loop (an HTML transcript, an uploaded OPML file) is handed to the parser in
 * pieces of this many characters, and the parse waits for the event loop's next turn whenever it has held it for
 * MARKUP_TURN_MS, so that other requests are answered meanwhile.
 */
export const MARKUP_PIECE_CHARS = 4 * 1024;
export const MARKUP_TURN_MS = 10;

/** Wall-clock time an HTML transcript may take to parse before it is given up as `too-complex`. */
export const TRANSCRIPT_PARSE_BUDGET_MS = 5_000;

/** The first `length` characters of `text`, one fewer when the cut would split a surrogate pair. */
export function cutAt(text: string, length: number): string {
  if (text.length <= length) return text;
  const last = text.charCodeAt(length - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? length - 1 : length);
}

/** Entries read from one episode's show notes as citations (all its source lists together); later ones are left out. */
export const MAX_CITATIONS_PER_EPISODE = 200;

/** Characters of one citation entry the citation parser reads; a longer entry is not a citation and is skipped. */
export const MAX_CITATION_CHARS = 1_000;
