import assert from 'node:assert/strict';
import { test } from 'node:test';
import { enhanceShowNotes, NotesCache } from './show-notes.ts';

test('bare URLs in text become links, trailing punctuation stays outside', () => {
  const out = enhanceShowNotes(
    '<li>Encyclopedia Britannica, 2 Jan. 2024, https://www.britannica.com/event/Holodomor.</li>',
  );
  assert.ok(
    out.includes(
      '<a href="https://www.britannica.com/event/Holodomor" rel="nofollow noopener ugc" target="_blank">https://www.britannica.com/event/Holodomor</a>.</li>',
    ),
  );
});

test('URLs already inside links are left alone', () => {
  const input =
    '<p>See <a href="https://omnystudio.com/listener">https://omnystudio.com/listener</a> for privacy.</p>';
  assert.equal(enhanceShowNotes(input), input);
});

test('URLs with parentheses and query strings', () => {
  const out = enhanceShowNotes(
    '<p>(see https://en.wikipedia.org/wiki/Foo_(bar)) and https://x.org/?a=1&amp;b=2</p>',
  );
  assert.ok(out.includes('href="https://en.wikipedia.org/wiki/Foo_(bar)"'));
  assert.ok(out.includes('href="https://x.org/?a=1&amp;b=2"'));
});

test('timestamps become seek links with seconds', () => {
  const out = enhanceShowNotes('<p>12:34 Intro, 1:02:03 Outro</p>');
  assert.ok(out.includes('<a href="?t=754" class="seek" data-seek="754">12:34</a>'));
  assert.ok(out.includes('<a href="?t=3723" class="seek" data-seek="3723">1:02:03</a>'));
});

test('numbers that are not clock times stay text', () => {
  const input = '<p>1935-1941, pp. 259–92, 3.14, 12:345, version 1.2:30</p>';
  assert.equal(enhanceShowNotes(input), input);
});

test('enhancing twice changes nothing more', () => {
  const once = enhanceShowNotes('<p>At 5:10 see https://a.example/x</p>');
  assert.equal(enhanceShowNotes(once), once);
});

test('the cache returns the enhanced notes and stays bounded', () => {
  const cache = new NotesCache(2);
  assert.ok(cache.get('a', '<p>1:00</p>').includes('data-seek="60"'));
  cache.get('b', 'x');
  cache.get('c', 'y');
  assert.equal(cache.get('a', '<p>2:00</p>').includes('data-seek="120"'), true);
});
