// Citations: the entries of a research list in show notes, read into fields, and the sources they name.

/**
 * One entry of a show's source list as the parser read it. `text` is the entry as written; every other field is
 * present only when the entry says it (nothing is guessed from the URL or filled in).
 */
export interface Citation {
  /** The entry as written (whitespace collapsed), the link's target added when the entry links elsewhere. */
  text: string;
  /** In reading order, as "First Last" (an inverted first author, "Applebaum, Anne", is turned round). */
  authors?: string[];
  title?: string;
  /** What holds the work: the site, newspaper, journal, encyclopedia, or a book's publisher. */
  container?: string;
  /** A second publisher or institution after the container ("Michigan State University"). */
  publisher?: string;
  /** The date as written ("Augst 31, 1985"). */
  dateText?: string;
  /** The same date as far as it goes: `1985`, `1985-08` or `1985-08-31`. */
  date?: string;
  volume?: string;
  issue?: string;
  pages?: string;
  url?: string;
  doi?: string;
  isbn?: string;
}

/** A work cited by one or more episodes, identified across shows (see `citationKeys`). */
export interface Source {
  id: number;
  /** The fullest citation seen for it. */
  citation: Citation;
}

/** An episode's citation, with the source it was matched to. */
export interface EpisodeCitation {
  position: number;
  sourceId: number;
  citation: Citation;
}

/** One episode that cites a source, as far as the reader may see it. */
export interface SourceCitingEpisode {
  episodeId: number;
  showId: number;
  episodeTitle?: string;
  showTitle?: string;
  publishedAt?: string;
}

/** The URL as an identity: scheme and `www.` dropped, host lower-cased, trailing slash, fragment and tracking gone. */
export function normalizeSourceUrl(url: string): string {
  let rest = url.trim().replace(/^https?:\/\//i, '');
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const slash = rest.search(/[/?]/);
  const host = (slash < 0 ? rest : rest.slice(0, slash)).toLowerCase().replace(/^www\./, '');
  let path = slash < 0 ? '' : rest.slice(slash);
  const q = path.indexOf('?');
  if (q >= 0) {
    const params = path
      .slice(q + 1)
      .split('&')
      .filter((p) => p !== '' && !/^(utm_[a-z]+|fbclid|gclid|ref)=/i.test(p));
    path = path.slice(0, q) + (params.length > 0 ? `?${params.join('&')}` : '');
  }
  return host + path.replace(/\/+$/, '');
}

/** Text as an identity: case, accents, quotes and punctuation folded away. */
export function foldForIdentity(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * The keys under which a citation's source is known, strongest first: DOI, ISBN, URL (normalised), then title +
 * container. Two citations sharing any key name the same source. Empty when the entry names nothing identifiable.
 */
export function citationKeys(citation: Citation): string[] {
  const keys: string[] = [];
  if (citation.doi !== undefined) keys.push(`doi:${citation.doi.toLowerCase()}`);
  if (citation.isbn !== undefined) keys.push(`isbn:${citation.isbn.replace(/[^0-9Xx]/g, '').toUpperCase()}`);
  if (citation.url !== undefined) {
    const url = normalizeSourceUrl(citation.url);
    if (url.includes('.')) keys.push(`url:${url}`);
  }
  if (citation.title !== undefined && citation.container !== undefined) {
    const title = foldForIdentity(citation.title);
    const container = foldForIdentity(citation.container);
    if (title !== '' && container !== '') keys.push(`title:${title}|${container}`);
  }
  return keys;
}
