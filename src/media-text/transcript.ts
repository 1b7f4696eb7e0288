// Choosing the parser: by the declared type first, by the URL's extension when the type says nothing, and by the
// content when it plainly disagrees with both (servers label VTT as text/plain, SRT as application/octet-stream…).
import { TRANSCRIPT_PARSE_BUDGET_MS } from '../domain/limits.ts';
import { type Turns, writeInTurns } from '../markup/next-turn.ts';
import { htmlTranscriptReader, parseHtmlTranscript } from './html-transcript.ts';
import { parseJsonTranscript } from './json-transcript.ts';
import { parsePlainText } from './text-transcript.ts';
import { byStart, decodeText, looksBinary } from './text-util.ts';
import { hasTimingLine, parseTimed } from './timed.ts';
import { type Cue, type ParsedTranscript, type TranscriptFormat, TranscriptFormatError } from './types.ts';

const TYPES: Record<string, TranscriptFormat> = {
  'text/vtt': 'vtt',
  'text/webvtt': 'vtt',
  'application/x-subrip': 'srt',
  'application/srt': 'srt',
  'application/x-srt': 'srt',
  'text/srt': 'srt',
  'text/x-srt': 'srt',
  'application/json': 'json',
  'text/json': 'json',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'text/plain': 'text',
};

const EXTENSIONS: Record<string, TranscriptFormat> = {
  vtt: 'vtt',
  webvtt: 'vtt',
  srt: 'srt',
  json: 'json',
  html: 'html',
  htm: 'html',
  txt: 'text',
};

/** The format a declared media type names (parameters ignored; `…+json` is JSON); undefined when it names none. */
export function formatFromType(type: string | undefined): TranscriptFormat | undefined {
  if (type === undefined) return undefined;
  const bare = type.split(';')[0]?.trim().toLowerCase() ?? '';
  if (bare in TYPES) return TYPES[bare];
  if (bare.endsWith('+json')) return 'json';
  if (bare.includes('vtt')) return 'vtt';
  if (bare.includes('srt') || bare.includes('subrip')) return 'srt';
  return undefined;
}

/** The format a URL's file extension names; undefined when it names none. */
export function formatFromUrl(url: string | undefined): TranscriptFormat | undefined {
  if (url === undefined) return undefined;
  const path = url.split(/[?#]/)[0] ?? '';
  const ext = /\.([a-z]+)$/i.exec(path)?.[1]?.toLowerCase();
  return ext === undefined ? undefined : EXTENSIONS[ext];
}

/** The format the content itself announces; undefined when it looks like nothing in particular (prose). */
export function sniffFormat(text: string): TranscriptFormat | undefined {
  const head = text
    .replace(/^\uFEFF/, '')
    .trimStart()
    .slice(0, 2048);
  if (/^WEBVTT(?:[ \t\r\n]|$)/.test(head)) return 'vtt';
  if (/^(?:\{|\[\s*[{\]])/.test(head)) return 'json';
  if (/^\d+\s*\r?\n\s*(?:\d+:)?\d{1,2}:\d{1,2}[.,]\d+\s*-{1,2}>/.test(head)) return 'srt';
  if (hasTimingLine(head)) return /-->\s*(?:\d+:)?\d{1,2}:\d{1,2},/.test(head) ? 'srt' : 'vtt';
  if (
    /^<(?:!doctype|html|head|body|p|div|cite|time|\?xml)\b/i.test(head) ||
    /<\/p>|<cite\b|<time\b/i.test(head)
  )
    return 'html';
  return undefined;
}

/**
 * The format to read `text` as. A declared (or extension-implied) timed/JSON/HTML format stands unless the content
 * plainly is something else; `text/plain` and unknown types defer to the content.
 */
export function chooseFormat(text: string, hints: { type?: string; url?: string } = {}): TranscriptFormat {
  const declared = formatFromType(hints.type) ?? formatFromUrl(hints.url);
  // Content that plainly is VTT, SRT, JSON or HTML is read as such whatever the label says.
  const sniffed = sniffFormat(text);
  if (sniffed !== undefined) return sniffed;
  // Prose: declared VTT/SRT/JSON then finds no cues (a typed error); HTML and text read it as paragraphs.
  return declared ?? 'text';
}

export interface TranscriptHints {
  /** The declared media type (the feed's `type`, else the response's Content-Type). */
  type?: string;
  /** The transcript's URL (its extension is a hint). */
  url?: string;
}

/**
 * Parses a transcript in any format into cues. Sloppy input gives what can be read; input that is no transcript
 * at all throws TranscriptFormatError (`empty`, `binary`, `bad-json`, `bad-structure`).
 */
export function parseTranscript(input: string, hints: TranscriptHints = {}): ParsedTranscript {
  const { text, format } = readable(input, hints);
  if (format === 'html') return finished(format, parseHtmlTranscript(text));
  return parseAs(text, format);
}

/**
 * parseTranscript for a caller that must stay responsive (a web server): an HTML transcript is parsed in pieces,
 * waiting for `turns.pause()` whenever a turn has taken MARKUP_TURN_MS, and given up as `too-complex` once it has
 * taken TRANSCRIPT_PARSE_BUDGET_MS. The result is the same as parseTranscript's.
 */
export async function parseTranscriptInTurns(
  input: string,
  hints: TranscriptHints,
  turns: Turns,
): Promise<ParsedTranscript> {
  const { text, format } = readable(input, hints);
  if (format !== 'html') return parseAs(text, format);
  const reader = htmlTranscriptReader();
  await writeInTurns(
    text,
    (piece) => reader.write(piece),
    turns,
    (elapsed) => {
      if (elapsed > TRANSCRIPT_PARSE_BUDGET_MS) {
        throw new TranscriptFormatError(
          'too-complex',
          `the HTML transcript took more than ${TRANSCRIPT_PARSE_BUDGET_MS} ms to read`,
        );
      }
    },
  );
  return finished(format, reader.end());
}

/** The text without its BOM, and the format to read it as; throws for what is no transcript at all. */
function readable(input: string, hints: TranscriptHints): { text: string; format: TranscriptFormat } {
  const text = input.replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new TranscriptFormatError('empty', 'the transcript is empty');
  if (looksBinary(text)) throw new TranscriptFormatError('binary', 'the transcript is not text');
  const format = chooseFormat(text, hints);
  const declared = formatFromType(hints.type);
  if (format === 'html' && (declared === 'vtt' || declared === 'srt' || declared === 'json')) {
    // A captions or JSON URL answering with a web page is a login wall or an error page, not a transcript.
    throw new TranscriptFormatError(
      'html-page',
      `declared ${hints.type ?? declared} but the server sent an HTML page`,
    );
  }
  return { text, format };
}

function parseAs(text: string, format: TranscriptFormat): ParsedTranscript {
  switch (format) {
    case 'vtt':
    case 'srt':
      return finished(format, { cues: parseTimed(text, { dialect: format }), timed: true });
    case 'json':
      return finished(format, { cues: parseJsonTranscript(text), timed: true });
    case 'html':
      return finished(format, parseHtmlTranscript(text));
    case 'text':
      return finished(format, parsePlainText(text));
  }
}

function finished(format: TranscriptFormat, read: { cues: Cue[]; timed: boolean }): ParsedTranscript {
  const { cues, timed } = read;
  if (cues.length === 0) throw new TranscriptFormatError('empty', `the ${format} transcript holds no cues`);
  return { format, timed, cues: timed ? byStart(cues) : cues };
}

/** Decodes bytes (BOM, then the Content-Type charset, else UTF-8) and parses them. */
export function parseTranscriptBytes(
  body: Uint8Array,
  hints: TranscriptHints & { contentType?: string } = {},
): ParsedTranscript {
  const { contentType, ...rest } = hints;
  return parseTranscript(decodeText(body, contentType), {
    ...rest,
    ...(rest.type === undefined && contentType !== undefined ? { type: contentType } : {}),
  });
}

/** The cue text of a transcript as one searchable string. */
export function transcriptPlainText(cues: readonly Cue[]): string {
  return cues.map((c) => c.text).join(' ');
}
