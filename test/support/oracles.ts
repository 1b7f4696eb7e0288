// Readers for the oracles in the shared corpus (MANIFEST.tsv, PEER_SUITES.tsv, feedparser's EXPECTATIONS.tsv)
// and a one-call way to run a corpus file through the parser. Tests import these; nothing here asserts.
import { readFileSync } from 'node:fs';
import { NotAFeedError, type ParseResult, type ProblemCode, parseFeed } from '../../src/feed/parse/index.ts';
import { corpusPath } from './corpus.ts';

/** One row of MANIFEST.tsv. */
export interface ManifestRow {
  /** Path relative to the corpus directory, e.g. `feeds/gofeed/parser/rss/x.xml`. */
  path: string;
  sourceRepo: string;
  bytes: number;
  /** rss, atom, rdf, json, opml, srt, vtt, txt, xml, html, gzip, … */
  kind: string;
  items: number;
  notes: string;
}

function readTsv(relative: string): string[][] {
  const text = readFileSync(corpusPath(relative), 'utf8');
  const lines = text.split('\n').filter((l) => l.length > 0);
  return lines.slice(1).map((l) => l.split('\t'));
}

export function readManifest(): ManifestRow[] {
  return readTsv('MANIFEST.tsv').map((c) => ({
    path: c[0] ?? '',
    sourceRepo: c[1] ?? '',
    bytes: Number(c[5] ?? 0),
    kind: c[6] ?? '',
    items: Number(c[7] ?? 0),
    notes: c[9] ?? '',
  }));
}

/** One row of PEER_SUITES.tsv. */
export interface PeerCase {
  suite: 'gofeed' | 'feed-rs' | 'partytime' | 'critrolesync';
  input: string;
  expected: string;
  comparison: string;
  options: string;
}

export function readPeerSuites(): PeerCase[] {
  return readTsv('PEER_SUITES.tsv').map((c) => ({
    // The file only holds these four suites; the peer test fails loudly on anything else.
    suite: (c[0] ?? '') as PeerCase['suite'],
    input: c[1] ?? '',
    expected: c[2] ?? '',
    comparison: c[3] ?? '',
    options: c[4] ?? '',
  }));
}

/** One row of feeds/feedparser/EXPECTATIONS.tsv. */
export interface FeedparserCase {
  path: string;
  description: string;
  expect: string;
  /** Simulated HTTP headers as written upstream, e.g. `Content-type: text/xml`. */
  headers: string;
  skipUnless: string;
}

export function readFeedparserExpectations(): FeedparserCase[] {
  return readTsv('feeds/feedparser/EXPECTATIONS.tsv').map((c) => ({
    path: c[0] ?? '',
    description: c[1] ?? '',
    expect: c[2] ?? '',
    headers: c[3] ?? '',
    skipUnless: c[4] ?? '',
  }));
}

/** The Content-Type header value among simulated headers, if any. */
export function contentTypeOf(headers: string): string | undefined {
  for (const line of headers.split(/\r?\n|\\n/)) {
    const m = /^\s*content-type\s*:\s*(.*)$/i.exec(line);
    if (m?.[1] !== undefined) return m[1].trim();
  }
  return undefined;
}

export function readCorpusBytes(relative: string): Uint8Array {
  return readFileSync(corpusPath(relative));
}

/** A stable, fake but plausible URL for a corpus file: the base for relative links. */
export function corpusUrl(relative: string): string {
  return `https://corpus.example/${relative}`;
}

export type Outcome =
  | { kind: 'parsed'; result: ParseResult }
  | { kind: 'rejected'; error: NotAFeedError }
  | { kind: 'crashed'; error: unknown };

/** Parse a corpus file; a NotAFeedError is an outcome, any other throw is a crash. */
export function parseCorpusFile(relative: string, contentType?: string): Outcome {
  const body = readCorpusBytes(relative);
  try {
    const input =
      contentType === undefined
        ? { body, url: corpusUrl(relative) }
        : { body, url: corpusUrl(relative), contentType };
    return { kind: 'parsed', result: parseFeed(input) };
  } catch (error) {
    if (error instanceof NotAFeedError) return { kind: 'rejected', error };
    return { kind: 'crashed', error };
  }
}

/**
 * Problem codes that mean the document was not well-formed XML: what feedparser calls `bozo`.
 * Problems about content (missing guid, bad date, …) are not bozo.
 */
export const BOZO_CODES: ReadonlySet<ProblemCode> = new Set<ProblemCode>([
  'undefined-entity',
  'bare-ampersand',
  'truncated',
  'bad-encoding',
  'encoding-mismatch',
  'junk-before-root',
  'junk-after-root',
  'unclosed-element',
]);

export function isBozo(result: ParseResult): boolean {
  return result.problems.some((p) => BOZO_CODES.has(p.code));
}
