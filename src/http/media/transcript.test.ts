import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJsonChapters } from './chapters.ts';
import { parseTranscript, transcriptFormat } from './transcript.ts';

test('VTT cues with voice tags', () => {
  const cues = parseTranscript(
    'WEBVTT\n\n00:00:01.000 --> 00:00:04.500\n<v Tracy>Hello &amp; welcome.\n\n01:02:03.250 --> 01:02:05.000\nBye',
    'vtt',
  );
  assert.deepEqual(cues, [
    { start: 1, end: 4.5, speaker: 'Tracy', text: 'Hello & welcome.' },
    { start: 3723.25, end: 3725, text: 'Bye' },
  ]);
});

test('SRT cues with comma milliseconds and Name: prefixes', () => {
  const cues = parseTranscript(
    '1\r\n00:00:02,500 --> 00:00:03,000\r\nHolly: Hi there\r\n\r\n2\r\n00:00:04,000 --> 00:00:05,000\r\nplain',
    'srt',
  );
  assert.deepEqual(cues, [
    { start: 2.5, end: 3, speaker: 'Holly', text: 'Hi there' },
    { start: 4, end: 5, text: 'plain' },
  ]);
});

test('Podcasting 2.0 JSON: word segments merge into sentences', () => {
  const json = JSON.stringify({
    version: '1.0.0',
    segments: [
      { speaker: 'A', startTime: 0, endTime: 0.5, body: 'Hello' },
      { speaker: 'A', startTime: 0.5, endTime: 1, body: 'world.' },
      { speaker: 'B', startTime: 1.2, endTime: 2, body: 'Hi.' },
    ],
  });
  assert.deepEqual(parseTranscript(json, 'json'), [
    { start: 0, end: 1, speaker: 'A', text: 'Hello world.' },
    { start: 1.2, end: 2, speaker: 'B', text: 'Hi.' },
  ]);
});

test('HTML and plain text transcripts; malformed input gives no cues rather than an error', () => {
  const html = '<cite>Tracy:</cite><time>0:05</time><p>First line</p><time>0:09</time><p>Second</p>';
  assert.deepEqual(parseTranscript(html, 'html'), [
    { start: 5, speaker: 'Tracy', text: 'First line' },
    { start: 9, speaker: 'Tracy', text: 'Second' },
  ]);
  assert.equal(parseTranscript('One.\n\nTwo.', 'text').length, 2);
  assert.deepEqual(parseTranscript('{not json', 'json'), []);
  assert.equal(transcriptFormat('application/x-subrip', 'x'), 'srt');
  assert.equal(transcriptFormat('', 'https://a.example/t.vtt?x=1'), 'vtt');
});

test('JSON chapters: sorted, hidden ones dropped, only web links kept', () => {
  const chapters = parseJsonChapters(
    JSON.stringify({
      version: '1.2.0',
      chapters: [
        { startTime: 60, title: 'Second', img: 'https://a.example/2.jpg', url: 'javascript:alert(1)' },
        { startTime: 0, title: 'First', url: 'https://a.example/' },
        { startTime: 30, toc: false, img: 'https://a.example/art.jpg' },
      ],
    }),
  );
  assert.deepEqual(chapters, [
    { startSeconds: 0, title: 'First', url: 'https://a.example/' },
    { startSeconds: 60, title: 'Second', imageUrl: 'https://a.example/2.jpg' },
  ]);
  assert.deepEqual(parseJsonChapters('nope'), []);
});
