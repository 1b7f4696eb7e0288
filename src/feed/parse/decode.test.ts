import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FeedStreamParser, type ParseResult, parseFeed } from './index.ts';

const URL_ = 'https://example.com/feed.xml';
const TITLE = 'Café “Ñandú” – 日本 €';

function rss(encodingDecl: string | undefined, title = TITLE): string {
  const decl =
    encodingDecl === undefined ? '<?xml version="1.0"?>' : `<?xml version="1.0" encoding="${encodingDecl}"?>`;
  return `${decl}\n<rss version="2.0"><channel><title>${title}</title><item><title>${title}</title><guid>1</guid><enclosure url="https://example.com/1.mp3" type="audio/mpeg"/></item></channel></rss>`;
}

function utf16le(s: string, bom: boolean): Uint8Array {
  const out = new Uint8Array((bom ? 2 : 0) + s.length * 2);
  let o = 0;
  if (bom) {
    out[o++] = 0xff;
    out[o++] = 0xfe;
  }
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[o++] = c & 0xff;
    out[o++] = c >> 8;
  }
  return out;
}

function utf16be(s: string): Uint8Array {
  const le = utf16le(s, false);
  const out = new Uint8Array(le.length + 2);
  out[0] = 0xfe;
  out[1] = 0xff;
  for (let i = 0; i < le.length; i += 2) {
    out[i + 2] = le[i + 1] ?? 0;
    out[i + 3] = le[i] ?? 0;
  }
  return out;
}

function utf32le(s: string): Uint8Array {
  const cps = [0xfeff, ...Array.from(s, (c) => c.codePointAt(0) ?? 0)];
  const out = new Uint8Array(cps.length * 4);
  const view = new DataView(out.buffer);
  for (const [i, cp] of cps.entries()) view.setUint32(i * 4, cp, true);
  return out;
}

/** windows-1252 bytes for a string of Latin-1 and cp1252 punctuation characters. */
function cp1252(s: string): Uint8Array {
  const high: Record<string, number> = { '€': 0x80, '“': 0x93, '”': 0x94, '–': 0x96, '’': 0x92 };
  return Uint8Array.from(s, (c) => high[c] ?? c.charCodeAt(0));
}

function parseBytes(body: Uint8Array, contentType?: string): ParseResult {
  return parseFeed({ body, url: URL_, ...(contentType === undefined ? {} : { contentType }) });
}

function codes(r: ParseResult): string[] {
  return r.problems.map((p) => p.code);
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const LATIN_TITLE = 'Café “Ñandú” – €';

describe('decoding', () => {
  it('reads UTF-8 with and without a BOM, silently', () => {
    for (const body of [utf8(rss('UTF-8')), Uint8Array.of(0xef, 0xbb, 0xbf, ...utf8(rss('utf-8')))]) {
      const r = parseBytes(body);
      assert.equal(r.feed.title, TITLE);
      assert.deepEqual(codes(r), []);
    }
  });

  it('reads UTF-16LE and UTF-16BE with a BOM', () => {
    assert.equal(parseBytes(utf16le(rss('UTF-16'), true)).feed.title, TITLE);
    assert.equal(parseBytes(utf16be(rss('UTF-16'))).feed.title, TITLE);
  });

  it('reads UTF-16LE without a BOM from the zero-byte pattern', () => {
    assert.equal(parseBytes(utf16le(rss('UTF-16'), false)).feed.title, TITLE);
  });

  it('reads UTF-32LE with a BOM', () => {
    assert.equal(parseBytes(utf32le(rss('UTF-32'))).feed.title, TITLE);
  });

  it('reads windows-1252 bytes without any declaration, reporting bad-encoding', () => {
    const r = parseBytes(cp1252(rss(undefined, LATIN_TITLE)));
    assert.equal(r.feed.title, LATIN_TITLE);
    assert.ok(codes(r).includes('bad-encoding'));
  });

  it('reads windows-1252 bytes declared as ISO-8859-1 without complaint', () => {
    const r = parseBytes(cp1252(rss('ISO-8859-1', LATIN_TITLE)));
    assert.equal(r.feed.title, LATIN_TITLE);
    assert.deepEqual(codes(r), []);
  });

  it('reads UTF-8 bytes under a wrong ISO-8859-1 declaration as UTF-8, reporting encoding-mismatch', () => {
    const r = parseBytes(utf8(rss('ISO-8859-1')));
    assert.equal(r.feed.title, TITLE);
    assert.ok(codes(r).includes('encoding-mismatch'));
  });

  it('lets the HTTP charset win over the XML declaration', () => {
    const body = new TextEncoder().encode(rss('windows-1251', 'Привет'));
    // The bytes are UTF-8; the header says so; the declaration is wrong.
    assert.equal(parseBytes(body, 'application/rss+xml; charset=utf-8').feed.title, 'Привет');
  });

  it('uses a declared single-byte encoding other than Latin-1 (windows-1251)', () => {
    const cyr = 'Привет';
    const bytes = Uint8Array.from(rss('windows-1251', cyr), (c) => {
      const code = c.charCodeAt(0);
      return code >= 0x410 && code <= 0x44f ? code - 0x410 + 0xc0 : code;
    });
    assert.equal(parseBytes(bytes).feed.title, cyr);
  });

  it('decodes a UTF-8 feed with one stray windows-1252 byte: the byte as cp1252, the rest as UTF-8', () => {
    const before = utf8('<?xml version="1.0" encoding="utf-8"?><rss><channel><title>Ünïcode ');
    const stray = Uint8Array.of(0x92); // cp1252 right single quote
    const after = utf8('s</title></channel></rss>');
    const r = parseBytes(Uint8Array.from([...before, ...stray, ...after]));
    assert.equal(r.feed.title, 'Ünïcode ’s');
    assert.ok(codes(r).includes('bad-encoding'));
  });

  it('decodes multi-byte characters split across stream writes', () => {
    const body = utf8(rss('utf-8'));
    const seen: string[] = [];
    const p = new FeedStreamParser({ url: URL_, onEpisode: (e) => seen.push(e.title ?? '') });
    for (let o = 0; o < body.length; o += 3) p.write(body.subarray(o, o + 3));
    const { feed, problems } = p.end();
    assert.equal(feed.title, TITLE);
    assert.deepEqual(seen, [TITLE]);
    assert.deepEqual(problems, []);
  });

  it('strips control characters that XML forbids', () => {
    const r = parseBytes(utf8('<rss><channel><title>Bell\u0007 and\u001b escape</title></channel></rss>'));
    assert.equal(r.feed.title, 'Bell and escape');
    // A NUL after the first kilobyte (one in the first would mean binary data).
    const padded = `<rss><channel><!--${' '.repeat(2000)}--><title>Nul\u0000 here</title></channel></rss>`;
    assert.equal(parseBytes(utf8(padded)).feed.title, 'Nul here');
  });

  it('decodes large non-ASCII runs (transcoded natively) to the same text as small writes', () => {
    // Every kind of UTF-8 sequence, 2 to 4 bytes, a BOM-like U+FEFF mid-text, and pieces cut anywhere. parseFeed's
    // write is one run of 330 KB (a heap string) or of 1.3 MB (over EXTERN_APEX characters: an external string).
    const words = 'Café “Ñandú” – 日本 € 🎧 \ufeff ok ';
    for (const count of [1000, 4000]) {
      const items = Array.from(
        { length: count },
        (_, i) =>
          `<item><guid>${i}</guid><title>${i} ${words}</title><description>${words.repeat(6)}</description></item>`,
      ).join('');
      const body = utf8(`<rss><channel><title>${words}</title>${items}</channel></rss>`);
      assert.ok(body.length > count * 320 && body.length < 2048 * 1024, `${body.length} bytes`);
      const whole = parseFeed({ body, url: URL_ });
      const episodes: unknown[] = [];
      const p = new FeedStreamParser({ url: URL_, onEpisode: (e) => episodes.push(e) });
      for (let o = 0; o < body.length; o += 4099) p.write(body.subarray(o, o + 4099));
      const streamed = p.end();
      assert.equal(whole.episodes.length, count);
      assert.deepEqual(whole.episodes, episodes);
      assert.deepEqual(whole.feed, streamed.feed);
      const last = count - 1;
      assert.equal(whole.episodes[last]?.title, `${last} Café “Ñandú” – 日本 € 🎧 ok`); // U+FEFF is whitespace to lineOf
    }
  });

  it('removes NULs from long texts, also when the first one arrives in a later write', () => {
    const notes = `${'show notes '.repeat(200)}\u0000end`;
    const body = utf8(
      `<rss><channel><!--${' '.repeat(2000)}--><title>T</title><item><guid>g</guid><description>${notes}</description></item></channel></rss>`,
    );
    const whole: string[] = [];
    const streamed: string[] = [];
    for (const [out, step] of [
      [whole, body.length],
      [streamed, 1500],
    ] as const) {
      const p = new FeedStreamParser({ url: URL_, onEpisode: (e) => out.push(e.description ?? '') });
      for (let o = 0; o < body.length; o += step) p.write(body.subarray(o, o + step));
      p.end();
    }
    assert.equal(whole[0]?.endsWith('notes end'), true);
    assert.equal(whole[0]?.includes('\u0000'), false);
    assert.deepEqual(streamed, whole);
  });
});
