// Generates the demo's media: short tones as WAV (playable by every browser, no encoder needed) and a cover
// image as PNG. Run `node --import tsx src/demo/generate-assets.ts` to rewrite src/demo/assets/; the files are
// committed so that a fresh clone serves them with no build step and no network.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

export interface ToneOptions {
  /** Frequencies in Hz sounded together. */
  frequencies: readonly number[];
  seconds: number;
  sampleRate?: number;
}

/** 8-bit unsigned mono PCM WAV of a soft chord with fade-in and fade-out. */
export function toneWav({ frequencies, seconds, sampleRate = 11025 }: ToneOptions): Buffer {
  const samples = Math.round(seconds * sampleRate);
  const fade = Math.min(samples / 4, sampleRate * 0.3);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + samples, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate, 28); // byte rate: 1 byte per sample
  header.writeUInt16LE(1, 32); // block align
  header.writeUInt16LE(8, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(samples, 40);
  const data = Buffer.alloc(samples);
  for (let i = 0; i < samples; i++) {
    const t = i / sampleRate;
    let v = 0;
    for (const f of frequencies) v += Math.sin(2 * Math.PI * f * t);
    const envelope = Math.min(1, i / fade, (samples - i) / fade);
    data[i] = Math.round(128 + 90 * envelope * (v / frequencies.length));
  }
  return Buffer.concat([header, data]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, body: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([len, typed, crc]);
}

/** A square RGB PNG: a dusk gradient with concentric "sound wave" rings — recognisable, a few kB. */
export function coverPng(size = 600): Buffer {
  const raw = Buffer.alloc((size * 3 + 1) * size);
  const cx = size / 2;
  const cy = size * 0.58;
  for (let y = 0; y < size; y++) {
    const row = y * (size * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const g = y / size;
      let r = 40 + 120 * g;
      let gr = 30 + 40 * g;
      let b = 90 - 30 * g;
      const d = Math.hypot(x - cx, y - cy) / size;
      const ring = Math.abs(((d * 14) % 1) - 0.5) < 0.08 && d > 0.07 && d < 0.42 && y < cy;
      if (d < 0.05 || ring) {
        r = 250;
        gr = 200;
        b = 120;
      }
      const i = row + 1 + x * 3;
      raw[i] = Math.round(r);
      raw[i + 1] = Math.round(gr);
      raw[i + 2] = Math.round(b);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The tones the demo feeds' enclosures point at. */
export const DEMO_TONES: Record<string, ToneOptions> = {
  'tone-1.wav': { frequencies: [440, 554.37], seconds: 4 },
  'tone-2.wav': { frequencies: [392, 493.88], seconds: 4 },
  'tone-3.wav': { frequencies: [349.23, 440], seconds: 4 },
};

export function writeDemoAssets(dir: string): void {
  for (const [name, tone] of Object.entries(DEMO_TONES)) writeFileSync(join(dir, name), toneWav(tone));
  writeFileSync(join(dir, 'cover.png'), coverPng());
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  writeDemoAssets(join(import.meta.dirname, 'assets'));
}
