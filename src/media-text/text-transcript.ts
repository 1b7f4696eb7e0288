// Plain-text transcripts: paragraphs (blank-line separated; one per line when the file has no blank lines),
// optional `Name:` speaker prefixes and optional leading `[00:12:34]` / `00:12` times.

import { normaliseNewlines, parseClock, speakerPrefix, squash } from './text-util.ts';
import type { Cue } from './types.ts';

const LEADING_TIME = /^[[(]?((?:\d+:)?\d{1,2}:\d{2}(?:[.,]\d+)?)[\])]?\s+(?:[-–—]\s+)?/;

export function parsePlainText(input: string): { cues: Cue[]; timed: boolean } {
  const text = normaliseNewlines(input).trim();
  if (text === '') return { cues: [], timed: false };
  const paragraphs = /\n\s*\n/.test(text) ? text.split(/\n\s*\n/) : text.split('\n');
  const cues: Cue[] = [];
  let timed = false;
  let lastStart = 0;
  for (const raw of paragraphs) {
    let body = squash(raw);
    if (body === '') continue;
    let start: number | undefined;
    const time = LEADING_TIME.exec(body);
    if (time?.[1] !== undefined) {
      start = parseClock(time[1]);
      if (start !== undefined) body = body.slice(time[0].length);
    }
    let speaker: string | undefined;
    const prefixed = speakerPrefix(body);
    if (prefixed !== undefined) {
      speaker = prefixed.speaker;
      body = prefixed.text;
    }
    if (start !== undefined) {
      timed = true;
      lastStart = start;
    }
    cues.push({ start: start ?? lastStart, ...(speaker === undefined ? {} : { speaker }), text: body });
  }
  return { cues, timed };
}
