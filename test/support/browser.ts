// What the Chromium tests share: Debian's Chromium (never downloaded), its launch flags, axe-core run in the page,
// and generated audio. The tests skip with SKIP_NO_CHROMIUM's message when Chromium is not installed.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
export const SKIP_NO_CHROMIUM = CHROMIUM
  ? undefined
  : 'Chromium is not installed (apt-get install -y chromium); skipping browser tests';
/** Screenshots of the pages, for people to look at (not compared). */
export const ARTIFACTS = resolve(import.meta.dirname, '..', '..', 'test-artifacts', 'web');

/** Chromium's flags, shared with the test runner (scripts/run-tests.mjs), which starts one Chromium for a run. */
export const CHROMIUM_FLAGS: string[] = JSON.parse(
  readFileSync(resolve(import.meta.dirname, 'chromium-flags.json'), 'utf8'),
);

/**
 * A Chromium for this file's tests. Under the test runner, a connection to the one Chromium it started for the run
 * (EARSHOT_TEST_CHROMIUM names its endpoint): each file's pages live in that connection's own contexts, which close
 * with it, and the browser's start-up (~2 s of CPU) is paid once, not once per file. Alone, a Chromium of its own.
 */
export function launchChromium(): Promise<Browser> {
  const shared = process.env.EARSHOT_TEST_CHROMIUM;
  if (shared) return chromium.connect(shared);
  return chromium.launch({ executablePath: CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_FLAGS });
}

/** A mono 8 kHz 8-bit WAV of a soft tone: small, real, playable. */
export function toneWav(seconds: number, hz = 440): Buffer {
  const rate = 8000;
  const n = rate * seconds;
  const b = Buffer.alloc(44 + n);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + n, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate, 28);
  b.writeUInt16LE(1, 32);
  b.writeUInt16LE(8, 34);
  b.write('data', 36);
  b.writeUInt32LE(n, 40);
  for (let i = 0; i < n; i++) b[44 + i] = 128 + Math.round(20 * Math.sin((2 * Math.PI * hz * i) / rate));
  return b;
}

/** Runs axe-core in the page; fails on any serious or critical violation. */
export async function axeCheck(page: Page, name: string): Promise<void> {
  const source = readFileSync(
    resolve(import.meta.dirname, '..', '..', 'node_modules', 'axe-core', 'axe.min.js'),
    'utf8',
  );
  const violations = await page.evaluate(async (src) => {
    // Indirect eval runs axe-core's source in the page's global scope; it is injected by the test, not the page.
    // biome-ignore lint/security/noGlobalEval: see above.
    const globalEval = eval;
    globalEval(src);
    const w = window as unknown as {
      axe: {
        run(
          ctx: Document,
          o: object,
        ): Promise<{ violations: { id: string; impact: string | null; nodes: unknown[] }[] }>;
      };
    };
    const r = await w.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, count: v.nodes.length }));
  }, source);
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `${name}: ${JSON.stringify(bad)}`);
}

/** Serves `body` as a media file does: `Accept-Ranges` and 206 answers to a range (a browser can seek only then). */
export function mediaRoute(body: Buffer, type: string): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (m) {
      const start = Math.min(Number(m[1]), body.length - 1);
      const end = m[2] ? Math.min(Number(m[2]), body.length - 1) : body.length - 1;
      res.writeHead(206, {
        'content-type': type,
        'accept-ranges': 'bytes',
        'content-range': `bytes ${start}-${end}/${body.length}`,
        'content-length': end - start + 1,
      });
      res.end(body.subarray(start, end + 1));
      return;
    }
    res.writeHead(200, { 'content-type': type, 'accept-ranges': 'bytes', 'content-length': body.length });
    res.end(body);
  };
}
