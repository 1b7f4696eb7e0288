// Transcripts in every format feeds use (protocols.md §2.4) → one list of cues {start, end?, speaker?, text}.
import type { TranscriptCue } from '../../views/models.ts';

export type TranscriptFormat = 'vtt' | 'srt' | 'json' | 'html' | 'text';

export function transcriptFormat(type: string, url: string): TranscriptFormat {
  const t = type.toLowerCase();
  if (t.includes('vtt')) return 'vtt';
  if (t.includes('srt') || t.includes('subrip')) return 'srt';
  if (t.includes('json')) return 'json';
  if (t.includes('html')) return 'html';
  const ext = url.toLowerCase().split(/[?#]/)[0]?.split('.').pop();
  if (ext === 'vtt' || ext === 'srt' || ext === 'json' || ext === 'html') return ext;
  return 'text';
}

/** Preference when a feed offers several: timed formats first. */
export const FORMAT_RANK: Record<TranscriptFormat, number> = { vtt: 0, json: 1, srt: 2, html: 3, text: 4 };

function clock(text: string): number | undefined {
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?$/.exec(text.trim());
  if (!m) return undefined;
  const [, h, mm, ss, frac] = m;
  return (
    Number(h ?? 0) * 3600 + Number(mm) * 60 + Number(ss) + (frac ? Number(frac.padEnd(3, '0')) / 1000 : 0)
  );
}

function stripTags(text: string): string {
  return text
    .replace(/<[^>]*>/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ');
}

function timedBlocks(body: string, srt: boolean): TranscriptCue[] {
  const cues: TranscriptCue[] = [];
  const blocks = body.replace(/\r\n?/g, '\n').split(/\n{2,}/);
  for (const block of blocks) {
    const lines = block.split('\n').filter((l) => l.trim() !== '');
    const timeIndex = lines.findIndex((l) => l.includes('-->'));
    if (timeIndex < 0) continue;
    const [from, to] = (lines[timeIndex] ?? '').split('-->');
    const start = clock(from ?? '');
    const end = clock((to ?? '').trim().split(/\s+/)[0] ?? '');
    if (start === undefined) continue;
    let text = lines.slice(timeIndex + 1).join(' ');
    let speaker: string | undefined;
    const voice = /^<v(?:\.[^\s>]*)?\s+([^>]+)>/.exec(text);
    if (voice?.[1]) speaker = voice[1].trim();
    text = stripTags(text).trim();
    if (srt && !speaker) {
      const named = /^([A-Z][\w .'-]{0,40}):\s+(.*)$/.exec(text);
      if (named?.[1] && named[2]) {
        speaker = named[1];
        text = named[2];
      }
    }
    if (!text) continue;
    cues.push({ start, text, ...(end !== undefined ? { end } : {}), ...(speaker ? { speaker } : {}) });
  }
  return cues;
}

function jsonCues(body: string): TranscriptCue[] {
  const data: unknown = JSON.parse(body);
  const segments =
    data && typeof data === 'object' && 'segments' in data && Array.isArray(data.segments)
      ? data.segments
      : [];
  const cues: TranscriptCue[] = [];
  for (const s of segments as unknown[]) {
    if (!s || typeof s !== 'object') continue;
    const seg = s as Record<string, unknown>; // a JSON object; each field is checked below
    const start = Number(seg.startTime);
    const text = typeof seg.body === 'string' ? seg.body.trim() : '';
    if (!Number.isFinite(start) || !text) continue;
    const end = Number(seg.endTime);
    const speaker = typeof seg.speaker === 'string' && seg.speaker.trim() ? seg.speaker.trim() : undefined;
    const last = cues.at(-1);
    // Word-level segments from the same speaker are merged into sentences of up to ~30 s.
    if (last && last.speaker === speaker && start - last.start < 30 && !/[.!?]$/.test(last.text)) {
      last.text += ` ${text}`;
      if (Number.isFinite(end)) last.end = end;
      continue;
    }
    cues.push({ start, text, ...(Number.isFinite(end) ? { end } : {}), ...(speaker ? { speaker } : {}) });
  }
  return cues;
}

function htmlCues(body: string): TranscriptCue[] {
  const cues: TranscriptCue[] = [];
  let speaker: string | undefined;
  let start: number | undefined;
  for (const m of body.matchAll(/<cite>([\s\S]*?)<\/cite>|<time>([\s\S]*?)<\/time>|<p>([\s\S]*?)<\/p>/gi)) {
    if (m[1] !== undefined) speaker = stripTags(m[1]).replace(/:$/, '').trim() || undefined;
    else if (m[2] !== undefined) start = clock(stripTags(m[2]));
    else if (m[3] !== undefined) {
      const text = stripTags(m[3]).trim();
      if (text) cues.push({ start: start ?? 0, text, ...(speaker ? { speaker } : {}) });
    }
  }
  return cues;
}

function textCues(body: string): TranscriptCue[] {
  return body
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .map((text) => ({ start: 0, text }));
}

/** Parses a transcript; malformed input yields the cues that could be read (possibly none). */
export function parseTranscript(body: string, format: TranscriptFormat): TranscriptCue[] {
  try {
    switch (format) {
      case 'vtt':
        return timedBlocks(body.replace(/^\uFEFF?WEBVTT[^\n]*\n/, ''), false);
      case 'srt':
        return timedBlocks(body, true);
      case 'json':
        return jsonCues(body);
      case 'html':
        return htmlCues(body);
      case 'text':
        return textCues(body);
    }
  } catch {
    return [];
  }
}
