// Podcasting 2.0 JSON transcripts: {"version","segments":[{speaker?,startTime,endTime?,body}]}. Segments may be
// whole sentences (kept as they are) or single words (merged into readable cues by speaker, sentence and gap).

import { roundMs, secondsFrom, squash } from './text-util.ts';
import { type Cue, TranscriptFormatError } from './types.ts';

interface Segment {
  start: number;
  end?: number;
  speaker?: string;
  body: string;
}

/** A pause longer than this (seconds) between two words starts a new cue. */
const GAP_SECONDS = 1.5;
/** A word-level cue is closed after this many words even mid-sentence, so the highlight keeps moving. */
const MAX_WORDS = 40;
/** …or after this many seconds. */
const MAX_SECONDS = 20;

export function parseJsonTranscript(text: string): Cue[] {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new TranscriptFormatError(
      'bad-json',
      `the transcript is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const list = Array.isArray(data) ? data : isRecord(data) ? data.segments : undefined;
  if (!Array.isArray(list)) {
    throw new TranscriptFormatError('bad-structure', 'the JSON transcript has no "segments" list');
  }
  const segments: Segment[] = [];
  for (const raw of list) {
    if (!isRecord(raw)) continue;
    const start = secondsFrom(raw.startTime);
    const body = typeof raw.body === 'string' ? squash(raw.body) : '';
    if (start === undefined || body === '') continue;
    const end = secondsFrom(raw.endTime);
    const speaker = typeof raw.speaker === 'string' ? squash(raw.speaker) : '';
    segments.push({
      start,
      ...(end !== undefined && end > start ? { end } : {}),
      ...(speaker === '' ? {} : { speaker }),
      body,
    });
  }
  segments.sort((a, b) => a.start - b.start);
  const single = segments.filter((s) => !/\s/.test(s.body)).length;
  const wordLevel = segments.length > 1 && single / segments.length > 0.6;
  return wordLevel ? mergeWords(segments) : segments.map(toCue);
}

function toCue(s: Segment): Cue {
  return {
    start: s.start,
    ...(s.end === undefined ? {} : { end: s.end }),
    ...(s.speaker === undefined ? {} : { speaker: s.speaker }),
    text: s.body,
  };
}

function mergeWords(segments: Segment[]): Cue[] {
  const cues: Cue[] = [];
  let cue: { start: number; end?: number; speaker?: string; words: string[]; last: number } | undefined;
  const flush = (): void => {
    if (cue === undefined) return;
    cues.push({
      start: cue.start,
      ...(cue.end === undefined ? {} : { end: cue.end }),
      ...(cue.speaker === undefined ? {} : { speaker: cue.speaker }),
      text: joinWords(cue.words),
    });
    cue = undefined;
  };
  for (const s of segments) {
    if (cue !== undefined) {
      const previous = cue.words.at(-1) ?? '';
      const sentenceEnded = /[.!?…]["'”’)\]]*$/.test(previous);
      const attaches = /^[,.;:!?%)\]}…]/.test(s.body);
      const newSpeaker = s.speaker !== cue.speaker;
      const gap = s.start - cue.last > GAP_SECONDS;
      const long = cue.words.length >= MAX_WORDS || s.start - cue.start >= MAX_SECONDS;
      if (newSpeaker || gap || (!attaches && (sentenceEnded || long))) flush();
    }
    if (cue === undefined) {
      cue = { start: s.start, words: [], last: s.start };
      if (s.speaker !== undefined) cue.speaker = s.speaker;
    }
    cue.words.push(s.body);
    cue.last = s.end ?? s.start;
    if (s.end !== undefined) cue.end = s.end;
    else delete cue.end;
  }
  flush();
  return cues.map((c) => ({ ...c, start: roundMs(c.start) }));
}

/** Joins words with spaces, except before punctuation that belongs to the previous word. */
function joinWords(words: string[]): string {
  let out = '';
  for (const word of words) {
    out += out === '' || /^[,.;:!?%)\]}…]/.test(word) ? word : ` ${word}`;
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
