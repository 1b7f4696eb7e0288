import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseTranscript, parseTranscriptBytes, TranscriptFormatError } from './index.ts';

const testdata = (name: string): string => readFileSync(join(import.meta.dirname, 'testdata', name), 'utf8');
const bytes = (name: string): Uint8Array => readFileSync(join(import.meta.dirname, 'testdata', name));

function formatError(code: string): (error: unknown) => boolean {
  return (error) => error instanceof TranscriptFormatError && error.code === code;
}

describe('WebVTT', () => {
  const parsed = parseTranscript(testdata('styled.vtt'), { type: 'text/vtt' });

  it('skips the header, NOTE and STYLE blocks and cue identifiers, and drops cues with no text', () => {
    assert.equal(parsed.format, 'vtt');
    assert.equal(parsed.timed, true);
    assert.deepEqual(
      parsed.cues.map((c) => c.start),
      [5.25, 9, 3723.004],
    );
  });

  it('reads <v> voices (with classes) as speakers and strips every other tag, entities decoded', () => {
    assert.deepEqual(parsed.cues[0], {
      start: 5.25,
      end: 9,
      speaker: 'Ana María',
      text: 'Welcome back to Harbour & Hills.',
    });
    assert.deepEqual(parsed.cues[1], {
      start: 9,
      end: 13.5,
      speaker: 'Ben',
      text: 'Thanks, Ana. Glad to be here.',
    });
  });

  it('joins multi-line cues, reads hours with one digit, keeps literal text after &lt;', () => {
    assert.deepEqual(parsed.cues[2], {
      start: 3723.004,
      end: 3727.5,
      text: 'A cue with no voice over two lines <verbatim>',
    });
  });

  it('reads a file without the WEBVTT line and with CRLF line ends', () => {
    const sloppy =
      '00:00:01.000 --> 00:00:02.500\r\n<v Kim>One\r\n\r\n00:00:02.500 --> 00:00:04.000\r\nTwo\r\n';
    const { cues } = parseTranscript(sloppy, { type: 'text/vtt' });
    assert.deepEqual(cues, [
      { start: 1, end: 2.5, speaker: 'Kim', text: 'One' },
      { start: 2.5, end: 4, text: 'Two' },
    ]);
  });
});

describe('SRT', () => {
  const parsed = parseTranscriptBytes(bytes('sloppy.srt'), { type: 'application/x-subrip' });

  it('reads numbered cues through a BOM and CRLF, strips <i> and {\\an8} styling', () => {
    assert.equal(parsed.format, 'srt');
    assert.equal(parsed.cues.length, 4);
    assert.deepEqual(parsed.cues[0], {
      start: 1.2,
      end: 3.4,
      speaker: 'Dr. Jane Doe',
      text: 'Hello and welcome.',
    });
    assert.equal(parsed.cues[1]?.text, 'Today we talk about tides.');
  });

  it('a Name: prefix names the speaker until the next prefix; "Note:" is not a speaker', () => {
    assert.deepEqual(
      parsed.cues.map((c) => c.speaker),
      ['Dr. Jane Doe', 'Dr. Jane Doe', 'SAM', 'SAM'],
    );
    assert.equal(parsed.cues[2]?.text, 'Right.');
    assert.equal(parsed.cues[3]?.text, 'Note: a sloppy cue with dots and no blank line before it');
  });

  it('a cue whose index follows the previous cue without a blank line still starts on time', () => {
    assert.deepEqual(
      parsed.cues.map((c) => [c.start, c.end]),
      [
        [1.2, 3.4],
        [3.4, 6],
        [6.5, 8],
        [8, 10],
      ],
    );
  });
});

describe('Podcasting 2.0 JSON', () => {
  it('merges word-level segments into cues by sentence, speaker and pause; punctuation attaches', () => {
    const parsed = parseTranscript(testdata('words.json'), { type: 'application/json' });
    assert.equal(parsed.format, 'json');
    assert.deepEqual(parsed.cues, [
      { start: 1, end: 2, speaker: 'Ana', text: 'So tides matter.' },
      { start: 2.1, end: 3, speaker: 'Ana', text: 'Really they do' },
      { start: 3.2, end: 3.8, speaker: 'Ben', text: 'Sure, okay' },
      { start: 9, speaker: 'Ben', text: 'Anyway onwards' },
    ]);
  });

  it('keeps sentence-level segments as they are, sorted by start', () => {
    const json = JSON.stringify({
      version: '1.0.0',
      segments: [
        { startTime: 4, endTime: 6, body: 'Second sentence here.' },
        { speaker: 'Ana', startTime: '0.5', body: 'First sentence here.' },
      ],
    });
    assert.deepEqual(parseTranscript(json).cues, [
      { start: 0.5, speaker: 'Ana', text: 'First sentence here.' },
      { start: 4, end: 6, text: 'Second sentence here.' },
    ]);
  });

  it('garbage JSON is a typed error, not an empty transcript', () => {
    assert.throws(
      () => parseTranscript('{"segments": [', { type: 'application/json' }),
      formatError('bad-json'),
    );
    assert.throws(() => parseTranscript('{"version":"1.0.0"}'), formatError('bad-structure'));
    assert.throws(() => parseTranscript('{"segments":[{"body":"no time"}]}'), formatError('empty'));
    assert.throws(
      () => parseTranscript('Service unavailable', { type: 'application/json' }),
      formatError('bad-json'),
    );
  });
});

describe('HTML', () => {
  it('reads <cite> speakers and <time> starts inside each <p>; untimed paragraphs keep the last start', () => {
    const parsed = parseTranscript(testdata('nested.html'), { type: 'text/html' });
    assert.equal(parsed.format, 'html');
    assert.equal(parsed.timed, true);
    assert.deepEqual(parsed.cues, [
      { start: 5, speaker: 'Ana', text: 'Welcome back to Harbour & Hills.' },
      { start: 3723, speaker: 'Ben', text: 'Thanks, Ana.' },
      { start: 3723, text: 'Music plays.' },
    ]);
  });

  it('reads cite/time/p written as siblings', () => {
    const html =
      '<cite>Ana:</cite>\n<time>0:53</time>\n<p>It&#39;s here.</p>\n<cite>Ben:</cite><time>1:42</time><p>Yes.</p>';
    assert.deepEqual(parseTranscript(html).cues, [
      { start: 53, speaker: 'Ana', text: "It's here." },
      { start: 102, speaker: 'Ben', text: 'Yes.' },
    ]);
  });

  it('a <cite> before its paragraphs names the speaker until the next <cite>', () => {
    const html = '<cite>Tracy:</cite><time>0:05</time><p>First line</p><time>0:09</time><p>Second</p>';
    assert.deepEqual(parseTranscript(html, { type: 'text/html' }).cues, [
      { start: 5, speaker: 'Tracy', text: 'First line' },
      { start: 9, speaker: 'Tracy', text: 'Second' },
    ]);
  });

  it('HTML without <p> falls back to paragraphs of text, untimed', () => {
    const parsed = parseTranscript(testdata('untimed.html'), { type: 'text/html' });
    assert.equal(parsed.timed, false);
    assert.deepEqual(
      parsed.cues.map((c) => c.text),
      ['Ana Welcome back.', 'Second paragraph — no times anywhere.'],
    );
    assert.ok(parsed.cues.every((c) => c.start === 0));
  });
});

describe('plain text', () => {
  it('reads paragraphs with Name: prefixes and leading [hh:mm:ss] times', () => {
    const parsed = parseTranscript(testdata('plain.txt'), { type: 'text/plain' });
    assert.equal(parsed.format, 'text');
    assert.equal(parsed.timed, true);
    assert.deepEqual(parsed.cues, [
      {
        start: 0,
        speaker: 'Ana',
        text: "Welcome back to Harbour and Hills. This line continues Ana's paragraph.",
      },
      { start: 65, speaker: 'Ben', text: 'Thanks, Ana.' },
      { start: 65, text: 'Music plays for a while.' },
    ]);
  });

  it('one paragraph per line when the file has no blank lines, untimed', () => {
    const parsed = parseTranscript('First line.\nSecond line.\n', { type: 'text/plain' });
    assert.equal(parsed.timed, false);
    assert.deepEqual(parsed.cues, [
      { start: 0, text: 'First line.' },
      { start: 0, text: 'Second line.' },
    ]);
  });
});

describe('choosing the parser', () => {
  it('content that plainly is VTT/SRT/JSON wins over a wrong or generic declared type', () => {
    assert.equal(parseTranscript(testdata('styled.vtt'), { type: 'text/plain' }).format, 'vtt');
    assert.equal(
      parseTranscriptBytes(bytes('sloppy.srt'), { type: 'application/octet-stream' }).format,
      'srt',
    );
    assert.equal(parseTranscript(testdata('words.json'), { type: 'text/html' }).format, 'json');
    assert.equal(parseTranscript(testdata('nested.html'), { type: 'text/plain' }).format, 'html');
  });

  it('without a type, the URL extension decides prose between html and text', () => {
    assert.equal(parseTranscript('Just words.', { url: 'https://x.test/t.html?x=1' }).format, 'html');
    assert.equal(parseTranscript('Just words.', { url: 'https://x.test/t.txt' }).format, 'text');
    assert.equal(parseTranscript('[00:00:05] Ana: hi').format, 'text');
  });

  it('application/srt, text/srt, text/vtt with parameters are recognised', () => {
    const srt = '1\n00:00:01,000 --> 00:00:02,000\nHi\n';
    assert.equal(parseTranscript(srt, { type: 'application/srt' }).format, 'srt');
    assert.equal(parseTranscript(srt, { type: 'text/srt' }).format, 'srt');
    assert.equal(
      parseTranscript('WEBVTT\n\n00:01.000 --> 00:02.000\nHi', { type: 'text/vtt; charset=utf-8' }).format,
      'vtt',
    );
  });

  it('garbage gets a typed error with a code', () => {
    assert.throws(() => parseTranscript(''), formatError('empty'));
    assert.throws(() => parseTranscript('  \n\n '), formatError('empty'));
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48]);
    assert.throws(() => parseTranscriptBytes(png, { type: 'text/vtt' }), formatError('binary'));
    assert.throws(
      () => parseTranscript('this is not a caption file', { type: 'text/vtt' }),
      formatError('empty'),
    );
    const errorPage = '<!DOCTYPE html><html><body><p>Access denied</p></body></html>';
    assert.throws(() => parseTranscript(errorPage, { type: 'text/vtt' }), formatError('html-page'));
    assert.throws(() => parseTranscript(errorPage, { type: 'application/json' }), formatError('html-page'));
    assert.equal(parseTranscript(errorPage, { type: 'text/html' }).cues[0]?.text, 'Access denied');
  });

  it('decodes Latin-1 when the Content-Type says so', () => {
    const latin1 = new Uint8Array([...Buffer.from('Caf'), 0xe9, ...Buffer.from(' ouvert.')]);
    const parsed = parseTranscriptBytes(latin1, { contentType: 'text/plain; charset=iso-8859-1' });
    assert.equal(parsed.cues[0]?.text, 'Café ouvert.');
  });
});

describe('the cases the web stopgap parser was tested on (src/http/media, now removed)', () => {
  it('VTT voice tags and hours, SRT CRLF with a Name: prefix, JSON words merged, the format from a URL', () => {
    assert.deepEqual(
      parseTranscript(
        'WEBVTT\n\n00:00:01.000 --> 00:00:04.500\n<v Tracy>Hello &amp; welcome.\n\n01:02:03.250 --> 01:02:05.000\nBye',
        { type: 'text/vtt' },
      ).cues,
      [
        { start: 1, end: 4.5, speaker: 'Tracy', text: 'Hello & welcome.' },
        { start: 3723.25, end: 3725, text: 'Bye' },
      ],
    );
    const srt = parseTranscript(
      '1\r\n00:00:02,500 --> 00:00:03,000\r\nHolly: Hi there\r\n\r\n2\r\n00:00:04,000 --> 00:00:05,000\r\nplain',
      { type: 'application/x-subrip' },
    );
    assert.deepEqual(srt.cues[0], { start: 2.5, end: 3, speaker: 'Holly', text: 'Hi there' });
    assert.deepEqual([srt.cues[1]?.start, srt.cues[1]?.text], [4, 'plain']);
    const json = JSON.stringify({
      version: '1.0.0',
      segments: [
        { speaker: 'A', startTime: 0, endTime: 0.5, body: 'Hello' },
        { speaker: 'A', startTime: 0.5, endTime: 1, body: 'world.' },
        { speaker: 'B', startTime: 1.2, endTime: 2, body: 'Hi.' },
      ],
    });
    assert.deepEqual(parseTranscript(json, { type: 'application/json' }).cues, [
      { start: 0, end: 1, speaker: 'A', text: 'Hello world.' },
      { start: 1.2, end: 2, speaker: 'B', text: 'Hi.' },
    ]);
    assert.equal(parseTranscript('One.\n\nTwo.', { type: 'text/plain' }).cues.length, 2);
    assert.equal(
      parseTranscript('WEBVTT\n\n00:01.000 --> 00:02.000\nHi', { url: 'https://a.example/t.vtt?x=1' }).format,
      'vtt',
    );
    // The stopgap returned no cues for broken JSON; here it is a typed error the page shows as "unavailable".
    assert.throws(() => parseTranscript('{not json', { type: 'application/json' }), formatError('bad-json'));
  });
});
