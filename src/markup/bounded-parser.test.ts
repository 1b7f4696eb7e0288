import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_MARKUP_DEPTH } from '../domain/limits.ts';
import { BoundedParser } from './bounded-parser.ts';

/** Parses `markup`, returning the deepest nesting the handler saw, the text, and the tags it saw kept. */
function read(markup: string, options: { xmlMode?: boolean; reserved?: ReadonlySet<string> } = {}) {
  let depth = 0;
  let deepest = 0;
  let text = '';
  const kept: string[] = [];
  const parser: BoundedParser = new BoundedParser(
    {
      onopentag(name) {
        if (parser.flattening) return;
        kept.push(name);
        depth++;
        deepest = Math.max(deepest, depth);
      },
      onclosetag() {
        if (!parser.flattening) depth--;
      },
      ontext(data) {
        text += data;
      },
    },
    { xmlMode: options.xmlMode === true },
    options.reserved === undefined ? {} : { reserved: options.reserved },
  );
  parser.end(markup);
  return { deepest, text, kept, flattened: parser.flattened };
}

describe('BoundedParser', () => {
  it('keeps at most MAX_MARKUP_DEPTH elements open, flattening the rest and keeping all the text', () => {
    const n = 20_000;
    const r = read(`${'<span>'.repeat(n)}bottom${'</span>'.repeat(n)} after`);
    assert.equal(r.deepest, MAX_MARKUP_DEPTH);
    assert.equal(r.flattened, n - MAX_MARKUP_DEPTH);
    assert.equal(r.text, 'bottom after');
  });

  it('changes nothing for markup within the limit', () => {
    const r = read(`${'<div>'.repeat(MAX_MARKUP_DEPTH)}x${'</div>'.repeat(MAX_MARKUP_DEPTH)}<p>y</p>`);
    assert.equal(r.flattened, 0);
    assert.equal(r.kept.length, MAX_MARKUP_DEPTH + 1);
  });

  it('never lets a flattened <x/> close the open element of the same name (XML mode)', () => {
    const deep = `${'<outline>'.repeat(MAX_MARKUP_DEPTH)}<outline/><outline/>x${'</outline>'.repeat(MAX_MARKUP_DEPTH)}`;
    const r = read(deep, { xmlMode: true });
    assert.equal(r.flattened, 2);
    assert.equal(r.deepest, MAX_MARKUP_DEPTH);
    assert.equal(r.text, 'x');
  });

  it('still reads a <script> past the limit as raw text (its body is never markup)', () => {
    const r = read(`${'<div>'.repeat(MAX_MARKUP_DEPTH)}<script>if (a < b) x()</script>after`);
    assert.ok(r.kept.includes('script'));
    assert.equal(r.text, 'if (a < b) x()after');
  });

  it('opens reserved elements a few levels past the limit, and no further', () => {
    const r = read(`${'<span>'.repeat(1000)}<p>${'<cite>'.repeat(50)}who</p>`, {
      reserved: new Set(['p', 'cite']),
    });
    assert.ok(r.kept.includes('p'));
    assert.ok(r.deepest > MAX_MARKUP_DEPTH && r.deepest <= MAX_MARKUP_DEPTH + 8, `${r.deepest}`);
  });
});
