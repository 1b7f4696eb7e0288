// Transcript and chapter parsing on generated two-hour episodes, and a cached episode-page lookup through the
// media-text service over SQLite. Run: node --import tsx bench/media-text.bench.ts
// Figures are CPU time per run (median), see bench/lib/timing.ts for why on this shared machine.
import { createFetcher } from '../src/feed/fetch/index.ts';
import { parseJsonChapters, parseTranscript } from '../src/media-text/index.ts';
import { createMediaTextService } from '../src/services/media-text.ts';
import { openStore } from '../src/store/index.ts';
import { feedRoute, startFeedServer } from '../test/support/feed-server.ts';
import { measure } from './lib/timing.ts';

const SECONDS = 2 * 3600;
const clock = (s: number, sep: string): string => {
  const ms = Math.round((s % 1) * 1000);
  const whole = Math.floor(s);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(Math.floor(whole / 3600))}:${p(Math.floor(whole / 60) % 60)}:${p(whole % 60)}${sep}${p(ms, 3)}`;
};
const sentence = (i: number): string =>
  `This is sentence number ${i}, spoken at a steady pace about tides, harbours & hills.`;

const cues = Array.from({ length: SECONDS / 4 }, (_, i) => ({ start: i * 4, end: i * 4 + 3.9, i }));
const vtt = `WEBVTT\n\n${cues.map((c) => `${clock(c.start, '.')} --> ${clock(c.end, '.')}\n<v Speaker ${c.i % 2}>${sentence(c.i)}`).join('\n\n')}\n`;
const srt = cues
  .map(
    (c, n) =>
      `${n + 1}\n${clock(c.start, ',')} --> ${clock(c.end, ',')}\n${c.i % 7 === 0 ? 'Ana: ' : ''}${sentence(c.i)}`,
  )
  .join('\n\n');
const words = JSON.stringify({
  version: '1.0.0',
  segments: Array.from({ length: SECONDS * 2.5 }, (_, i) => ({
    speaker: Math.floor(i / 400) % 2 === 0 ? 'Ana' : 'Ben',
    startTime: i * 0.4,
    endTime: i * 0.4 + 0.35,
    body: i % 14 === 13 ? 'end.' : 'word',
  })),
});
const html = cues
  .filter((c) => c.i % 10 === 0)
  .map(
    (c) =>
      `<cite>Speaker ${c.i % 2}:</cite>\n<time>${clock(c.start, '.').slice(0, 8)}</time>\n<p>${sentence(c.i).repeat(10)}</p>`,
  )
  .join('\n');
const chapters = JSON.stringify({
  version: '1.2.0',
  chapters: Array.from({ length: 120 }, (_, i) => ({
    startTime: 7200 - i * 60,
    title: `Chapter ${i}`,
    img: `https://x.test/${i}.jpg`,
  })),
});

const opts = { warmups: 2, minRuns: 5, maxRuns: 30, cpuBudgetMs: 3000 };
const rows: string[] = [];
const row = (
  name: string,
  bytes: number,
  cueCount: number,
  t: { medianCpuMs: number; minCpuMs: number; maxCpuMs: number; runs: number },
) =>
  rows.push(
    `| ${name} | ${(bytes / 1024).toFixed(0)} KB | ${cueCount} | ${t.medianCpuMs.toFixed(1)} ms (${t.minCpuMs.toFixed(1)}–${t.maxCpuMs.toFixed(1)}, ${t.runs} runs) |`,
  );

for (const [name, text, type] of [
  ['WebVTT, 1,800 cues', vtt, 'text/vtt'],
  ['SRT, 1,800 cues', srt, 'application/x-subrip'],
  ['JSON, 18,000 words', words, 'application/json'],
  ['HTML, 180 paragraphs', html, 'text/html'],
] as const) {
  const count = parseTranscript(text, { type }).cues.length;
  row(
    name,
    Buffer.byteLength(text),
    count,
    await measure(Buffer.byteLength(text), () => parseTranscript(text, { type }), opts),
  );
}
row(
  'JSON chapters, 120',
  Buffer.byteLength(chapters),
  parseJsonChapters(chapters).chapters.length,
  await measure(Buffer.byteLength(chapters), () => parseJsonChapters(chapters), opts),
);

// The service: first view (fetch + parse + store) and cached views, SQLite in memory, loopback HTTP.
const server = await startFeedServer({ log: false });
server.route('/t.json', feedRoute(words, { contentType: 'application/json' }));
const fetcher = createFetcher({
  userAgent: 'Earshot-bench/0 (+https://earshot.invalid)',
  allowPrivate: true,
});
const store = await openStore({ databaseUrl: ':memory:', dataDir: '/nonexistent' });
const episode = { transcripts: [{ url: server.url('/t.json'), type: 'application/json' }] };
const first = createMediaTextService({ fetcher, store, now: () => new Date() });
const t0 = process.cpuUsage();
await first.transcriptFor(episode);
const firstCpu = process.cpuUsage(t0);
const firstMs = (firstCpu.user + firstCpu.system) / 1000;
const fromDb = createMediaTextService({ fetcher, store, now: () => new Date(), memoryEntries: 0 });
const dbHit = await measure(0, () => fromDb.transcriptFor(episode), opts);
const memHit = await measure(0, () => first.transcriptFor(episode), { ...opts, minRuns: 200, maxRuns: 2000 });
rows.push(`| service: first view (fetch + parse + store) | | | ${firstMs.toFixed(1)} ms |`);
rows.push(`| service: cached view from SQLite | | | ${dbHit.medianCpuMs.toFixed(2)} ms |`);
rows.push(`| service: cached view from memory | | | ${memHit.medianCpuMs.toFixed(3)} ms |`);
await fetcher.close();
await server.close();
await store.close();

console.log('| What | Size | Cues | CPU per run (median, min–max) |\n|---|---|---|---|');
console.log(rows.join('\n'));
