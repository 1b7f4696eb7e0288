// HTML transcripts: `<cite>` names the speaker, `<time>` gives the start, `<p>` holds the text (protocols.md §2.4).
// Both layouts seen in the wild are read: cite/time/p as siblings, and cite/time inside the p. HTML without any
// <p> falls back to its text, paragraph by block element.
import { BoundedParser } from '../markup/bounded-parser.ts';
import { parsePlainText } from './text-transcript.ts';
import { parseClock, squash } from './text-util.ts';
import type { Cue } from './types.ts';

const BLOCKS = new Set([
  'p',
  'div',
  'li',
  'blockquote',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'tr',
  'section',
  'article',
  'br',
  'dd',
  'dt',
]);
/** What a cue is made of: read as usual even below wrappers nested past MAX_MARKUP_DEPTH. */
const CUE_ELEMENTS = new Set(['p', 'cite', 'time']);
const SKIP = new Set(['script', 'style', 'head', 'title', 'template', 'noscript']);

export interface HtmlTranscript {
  cues: Cue[];
  timed: boolean;
}

/** Reads an HTML transcript given in pieces (so a caller can serve other work between two). */
export interface HtmlTranscriptReader {
  write(html: string): void;
  end(): HtmlTranscript;
}

export function parseHtmlTranscript(html: string): HtmlTranscript {
  const reader = htmlTranscriptReader();
  reader.write(html);
  return reader.end();
}

/**
 * An HTML transcript reader. Linear in the input's length whatever its nesting: elements nested deeper than
 * MAX_MARKUP_DEPTH are flattened (their text belongs to the nearest element still open).
 */
export function htmlTranscriptReader(): HtmlTranscriptReader {
  const cues: Cue[] = [];
  let timed = false;
  let lastStart = 0;
  let pendingSpeaker: string | undefined;
  // A <cite> written before its <p> names the speaker of the following paragraphs until the next <cite>.
  let carriedSpeaker: string | undefined;
  let pendingStart: number | undefined;
  let skipDepth = 0;
  let inP = 0;
  let paragraph = '';
  let pSpeaker: string | undefined;
  let pStart: number | undefined;
  let capture: { tag: 'cite' | 'time'; text: string; datetime?: string } | undefined;
  let sawP = false;
  // Text with block boundaries as blank lines, for the no-<p> fallback.
  let plain = '';

  const parser = new BoundedParser(
    {
      onopentag(name, attributes) {
        if (SKIP.has(name)) {
          skipDepth++;
          return;
        }
        if (skipDepth > 0) return;
        if (BLOCKS.has(name)) plain += '\n\n';
        if (name === 'p') {
          // A <p> inside a <p> cannot happen in HTML; the parser closes the first one.
          sawP = true;
          inP++;
          paragraph = '';
          pSpeaker = undefined;
          pStart = undefined;
        } else if (name === 'cite' || name === 'time') {
          capture = { tag: name, text: '' };
          if (name === 'time' && attributes.datetime !== undefined) capture.datetime = attributes.datetime;
        } else if (name === 'br' && inP > 0) {
          paragraph += ' ';
        }
      },
      ontext(text) {
        if (skipDepth > 0) return;
        plain += text;
        if (capture !== undefined) capture.text += text;
        else if (inP > 0) paragraph += text;
      },
      onclosetag(name) {
        if (SKIP.has(name)) {
          skipDepth = Math.max(0, skipDepth - 1);
          return;
        }
        if (skipDepth > 0) return;
        if (BLOCKS.has(name)) plain += '\n\n';
        if ((name === 'cite' || name === 'time') && capture?.tag === name) {
          const value = squash(capture.text);
          if (name === 'cite') {
            const speaker = value.replace(/\s*:$/, '');
            if (inP > 0) pSpeaker = speaker;
            else {
              pendingSpeaker = speaker;
              carriedSpeaker = speaker;
            }
          } else {
            const start = parseClock(value) ?? durationAttribute(capture.datetime);
            if (start !== undefined) {
              if (inP > 0) pStart = start;
              else pendingStart = start;
            }
          }
          capture = undefined;
        } else if (name === 'p' && inP > 0) {
          inP--;
          const text = squash(paragraph);
          const speaker = pSpeaker ?? pendingSpeaker ?? carriedSpeaker;
          const start = pStart ?? pendingStart;
          pendingSpeaker = undefined;
          pendingStart = undefined;
          if (text === '') return;
          if (start !== undefined) {
            timed = true;
            lastStart = start;
          }
          cues.push({
            start: start ?? lastStart,
            ...(speaker === undefined || speaker === '' ? {} : { speaker }),
            text,
          });
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
    { reserved: CUE_ELEMENTS },
  );
  return {
    write: (html) => parser.write(html),
    end: () => {
      parser.end();
      if (!sawP) return { cues: parsePlainText(plain).cues, timed: false };
      return { cues, timed };
    },
  };
}

/** `<time datetime="PT1M42S">` or `datetime="00:01:42"`. */
function durationAttribute(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const clock = parseClock(value);
  if (clock !== undefined) return clock;
  const m = /^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$/i.exec(value.trim());
  if (m === null || (m[1] === undefined && m[2] === undefined && m[3] === undefined)) return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}
