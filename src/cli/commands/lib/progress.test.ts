import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { createProgress } from './progress.ts';

function capture(isTTY: boolean) {
  const stream = Object.assign(new PassThrough(), { isTTY, columns: 80 });
  let text = '';
  stream.on('data', (c: Buffer) => {
    text += c.toString('utf8');
  });
  return { stream, text: () => text };
}

describe('progress', () => {
  it('prints one plain line per item and a summary when not on a terminal', () => {
    const c = capture(false);
    const p = createProgress({ stream: c.stream, total: 2, verb: 'refreshed' });
    p.item({ label: 'https://a.example/feed', ok: true, detail: '3 new episodes' });
    p.item({ label: 'https://b.example/feed', ok: false, detail: 'timeout' });
    assert.deepEqual(p.done(), { ok: 1, failed: 1 });
    assert.equal(
      c.text(),
      'ok   https://a.example/feed  3 new episodes\nFAIL https://b.example/feed  timeout\nrefreshed 1, 1 failed\n',
    );
    assert.ok(!c.text().includes('\u001b'), 'no terminal escapes');
  });

  it('writes one JSON object per line with --json', () => {
    const c = capture(true);
    const p = createProgress({ stream: c.stream, json: true });
    p.item({ label: 'u1', ok: true, data: { newEpisodes: 3 } });
    p.done({ episodes: 3 });
    const lines = c
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    assert.deepEqual(lines, [
      { label: 'u1', ok: true, newEpisodes: 3 },
      { summary: true, ok: 1, failed: 0, episodes: 3 },
    ]);
  });

  it('draws a bar on a terminal, keeps failures on screen, and clears the bar at the end', () => {
    const c = capture(true);
    let t = 0;
    const p = createProgress({ stream: c.stream, total: 4, verb: 'added', now: () => (t += 1000) });
    p.item({ label: 'one', ok: true });
    p.item({ label: 'two', ok: false, detail: 'not a feed' });
    p.item({ label: 'three', ok: true });
    p.done();
    assert.match(c.text(), /\[#{6}\.{18}\] 1\/4 one/);
    assert.match(c.text(), /FAIL two {2}not a feed\n/);
    assert.match(c.text(), /\[#{18}\.{6}\] 3\/4 \(1 failed\) three/);
    assert.ok(c.text().endsWith('\r\u001b[2Kadded 2, 1 failed\n'));
  });
});
