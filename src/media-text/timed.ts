// WebVTT and SRT: cue blocks with `start --> end` timing lines. One lenient line-based reader serves both;
// the differences (VTT header, NOTE/STYLE/REGION blocks, `<v Name>` voices; SRT `Name:` prefixes) are switches.

import { decodeEntities, normaliseNewlines, parseClock, speakerPrefix, squash } from './text-util.ts';
import type { Cue } from './types.ts';

// Lenient: `-->` or `->`, `.` or `,` before the milliseconds, hours optional; anything after the end time is
// VTT cue settings (`align:left size:50%`), ignored.
const TIMING =
  /^\s*((?:\d+:)?\d{1,2}:\d{1,2}(?:[.,]\d+)?)\s*-{1,2}>\s*((?:\d+:)?\d{1,2}:\d{1,2}(?:[.,]\d+)?)(?:\s.*)?$/;

interface Pending {
  start: number;
  end: number;
  lines: string[];
}

export interface TimedOptions {
  /** VTT: skip the header and NOTE/STYLE/REGION blocks, read `<v>` voices. SRT: read `Name:` prefixes. */
  dialect: 'vtt' | 'srt';
}

/** True when the text has at least one timing line (`00:00:01.000 --> 00:00:02.000`). */
export function hasTimingLine(text: string): boolean {
  return normaliseNewlines(text)
    .split('\n', 200)
    .some((line) => TIMING.test(line));
}

export function parseTimed(input: string, options: TimedOptions): Cue[] {
  const lines = normaliseNewlines(input).split('\n');
  const vtt = options.dialect === 'vtt';
  const cues: Cue[] = [];
  let current: Pending | undefined;
  let skipping = false;
  let i = 0;

  // The VTT header: the first line (`WEBVTT`, `WEBVTT - title`) and any header lines up to the first blank line.
  if (vtt && /^\s*WEBVTT/.test(lines[0] ?? '')) {
    while (i < lines.length && (lines[i] ?? '').trim() !== '') i++;
  }

  let lastSpeaker: string | undefined;
  const finish = (): void => {
    if (current === undefined) return;
    const cue = vtt ? vttCue(current) : srtCue(current, lastSpeaker);
    if (cue !== undefined) {
      cues.push(cue);
      if (!vtt && cue.speaker !== undefined) lastSpeaker = cue.speaker;
    }
    current = undefined;
  };

  for (; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const timing = TIMING.exec(line);
    if (timing !== null && !skipping) {
      const start = parseClock(timing[1] ?? '');
      const end = parseClock(timing[2] ?? '');
      if (current !== undefined) {
        // No blank line before this cue (sloppy SRT): a lone number on the line before was its index.
        if (/^\s*\d+\s*$/.test(current.lines.at(-1) ?? '')) current.lines.pop();
        finish();
      }
      if (start !== undefined && end !== undefined) current = { start, end, lines: [] };
      continue;
    }
    if (line.trim() === '') {
      finish();
      skipping = false;
      continue;
    }
    if (current !== undefined) {
      current.lines.push(line);
    } else if (vtt && /^(NOTE|STYLE|REGION)(\s|$)/.test(line)) {
      skipping = true;
    }
    // Any other line outside a cue is a cue identifier or an SRT index: ignored.
  }
  finish();
  return cues;
}

function vttCue(pending: Pending): Cue | undefined {
  const raw = pending.lines.join('\n');
  // `<v Name>` or `<v.loud Name>`: the annotation after the class list is the speaker.
  const voice = /<v(?:\.[^\s>]*)?\s+([^>]+)>/.exec(raw);
  const speaker = voice?.[1] === undefined ? undefined : squash(decodeEntities(voice[1]));
  const text = squash(decodeEntities(raw.replace(/<[^>]*>/g, '')));
  return makeCue(pending, text, speaker);
}

function srtCue(pending: Pending, lastSpeaker: string | undefined): Cue | undefined {
  // SRT files carry HTML-ish styling (<i>, <font>) and ASS overrides ({\an8}).
  const stripped = pending.lines
    .join('\n')
    .replace(/<[^>]*>/g, '')
    .replace(/\{\\[^}]*\}/g, '');
  const text = squash(decodeEntities(stripped));
  const prefixed = speakerPrefix(text);
  if (prefixed !== undefined) return makeCue(pending, prefixed.text, prefixed.speaker);
  // A `Name:` prefix marks a change of speaker: the following cues are still theirs.
  return makeCue(pending, text, lastSpeaker);
}

function makeCue(pending: Pending, text: string, speaker: string | undefined): Cue | undefined {
  if (text === '') return undefined;
  return {
    start: pending.start,
    ...(pending.end > pending.start ? { end: pending.end } : {}),
    ...(speaker === undefined || speaker === '' ? {} : { speaker }),
    text,
  };
}
