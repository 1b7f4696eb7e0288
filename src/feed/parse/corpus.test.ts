// Every file of the shared real-feed corpus through parseFeed, in one test. What a user would notice: a feed
// that crashes the parser, hangs it, loses episodes, or a non-feed that is "parsed" into an empty show.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { corpusDir, NO_CORPUS } from '../../../test/support/corpus.ts';
import { type ManifestRow, parseCorpusFile, readManifest } from '../../../test/support/oracles.ts';

/** Kinds the manifest gives to feeds: each must parse and yield the manifest's item count. */
const FEED_KINDS = new Set(['rss', 'atom', 'rdf']);
/**
 * Kinds that are not feeds: each must be rejected with NotAFeedError (none is skipped by kind).
 * json = JSON Feed and oracle files (Earshot reads XML feeds only), opml = subscription lists (src/opml reads
 * them), srt/vtt = transcripts, txt = raw value lists, html = web pages, gzip = compressed bytes (the fetcher
 * decompresses; the parser gets bytes as received and must call them binary, not guess).
 */
const NOT_FEED_KINDS = new Set(['json', 'opml', 'srt', 'vtt', 'txt', 'html', 'gzip']);
/**
 * kind `xml` = the manifest's XML sniffing could not classify the root (CDF, UTF-16/32 test files, empty
 * documents, XML samples that are not feeds). Either outcome is accepted (no crash); the manifest's item count
 * (0 for all of them, as it could not classify the root) is not compared.
 */

/**
 * Feeds whose episode count legitimately differs from the manifest's item count, each with its reason.
 * `expected` is the number of episodes Earshot yields.
 */
const COUNT_EXCEPTIONS: ReadonlyMap<string, { expected: number; reason: string }> = new Map([
  [
    'feeds/node-feedparser/illegally-nested.xml',
    {
      expected: 10,
      reason:
        'each of the 10 items contains an empty `<item />` that the manifest counts; it has nothing in it',
    },
  ],
  [
    'feeds/feedparser/illformed/rss_incomplete_cdata.xml',
    {
      expected: 0,
      reason:
        "the document ends inside the only item's `<title><![CD`: nothing usable; reported as truncated",
    },
  ],
  ...[
    'feeds/feedparser/wellformed/namespace/rss1.0withModulesNoDefNS.xml',
    'feeds/feedparser/wellformed/namespace/rss1.0withModulesNoDefNSLocalNameClash.xml',
    'feeds/node-feedparser/complexNamespaceFeed.xml',
    'feeds/node-feedparser/nondefaultnamespace.atom',
  ].map((p): [string, { expected: number; reason: string }] => [
    p,
    {
      expected: 1,
      reason:
        'the manifest counts only unprefixed <item>/<entry>; this one is prefixed (rdf:item, atom:entry)',
    },
  ]),
]);

/**
 * rss/atom/rdf files that may rightly be rejected as not a feed, each with its reason (parsing them is fine too).
 */
const REJECT_EXCEPTIONS: ReadonlyMap<string, string> = new Map([
  ['feeds/lukaswhite-podcast-feed-parser/not-xml.rss', 'named .rss but the body is the text "i am not xml"'],
  ['feeds/feed-rs/atom/atom_entry_1.xml', 'an Atom Entry Document (root <entry>), not a feed'],
  ...[2, 3, 4, 5].map((n): [string, string] => [
    `feeds/feedparser/wellformed/atom/atom_namespace_${n}.xml`,
    '<feed> in a pre-Atom draft namespace (Echo/Necho/Pie, 2003, or a made-up one): not Atom; no podcast feed uses it',
  ]),
]);

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

test('every corpus file: no crash, no hang, every feed yields its items, non-feeds are rejected', {
  skip: corpusDir === undefined ? NO_CORPUS : false,
  // A guard against a hang (an infinite loop on some input), not a speed assertion: the run takes seconds.
  timeout: 120_000,
}, () => {
  const root = corpusDir;
  if (root === undefined) throw new Error('unreachable: skipped without the corpus');
  const manifest = new Map<string, ManifestRow>(readManifest().map((r) => [r.path, r]));
  const files = walk(join(root, 'feeds'))
    .map((f) => relative(root, f))
    .sort();
  assert.ok(files.length > 3000, `expected the whole corpus, found ${files.length} files`);

  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  let clean = 0;
  let withProblems = 0;
  let rejected = 0;
  const failures: string[] = [];
  const problemCounts = new Map<string, number>();
  const seenExceptions = new Set<string>();

  for (const path of files) {
    const row = manifest.get(path);
    const kind = row?.kind ?? 'unlisted';
    const outcome = parseCorpusFile(path);
    if (outcome.kind === 'crashed') {
      const e = outcome.error;
      failures.push(`${path}: threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
      continue;
    }
    if (outcome.kind === 'rejected') {
      rejected++;
      if (FEED_KINDS.has(kind)) {
        if (REJECT_EXCEPTIONS.has(path)) seenExceptions.add(path);
        else
          failures.push(
            `${path}: ${kind} with ${row?.items} items rejected: ${outcome.error.code} ${outcome.error.message}`,
          );
      }
      continue;
    }
    const { result } = outcome;
    if (result.problems.length === 0) clean++;
    else withProblems++;
    for (const p of result.problems) problemCounts.set(p.code, (problemCounts.get(p.code) ?? 0) + 1);

    if (NOT_FEED_KINDS.has(kind)) {
      failures.push(
        `${path}: a ${kind} file was accepted as a ${result.feed.format} feed (${result.episodes.length} episodes)`,
      );
      continue;
    }
    if (row === undefined) continue;
    const exception = COUNT_EXCEPTIONS.get(path);
    if (FEED_KINDS.has(kind)) {
      if (exception !== undefined) {
        seenExceptions.add(path);
        if (result.episodes.length !== exception.expected)
          failures.push(
            `${path}: listed exception expects ${exception.expected} episodes, got ${result.episodes.length}`,
          );
      } else if (result.episodes.length !== row.items) {
        failures.push(`${path}: manifest says ${row.items} items, parsed ${result.episodes.length} episodes`);
      }
    }
  }

  const cpu = process.cpuUsage(cpu0);
  const timing = `${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU, ${((performance.now() - wall0) / 1000).toFixed(1)} s wall`;
  const codes = [...problemCounts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => `${c}×${n}`)
    .join(' ');
  console.log(
    `corpus: ${files.length} files; ${clean} parsed clean, ${withProblems} parsed with problems, ${rejected} rejected as not a feed, ${failures.length} failures (${timing}) [problems: ${codes}]`,
  );
  // Count exceptions are exact, so one that no longer applies is reported; an allowed rejection may also parse.
  for (const p of COUNT_EXCEPTIONS.keys())
    if (!seenExceptions.has(p)) failures.push(`${p}: listed count exception no longer applies: remove it`);
  assert.ok(
    failures.length === 0,
    `${failures.length} corpus failures:\n${failures.slice(0, 60).join('\n')}`,
  );
});
