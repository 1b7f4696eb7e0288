import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { generateFeed } from '../../../bench/lib/generate.ts';
import { parseFeed } from '../../feed/parse/index.ts';
import type { CliIo } from '../command.ts';
import { main } from '../main.ts';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

function io(cwd: string): CliIo & { stdout: Capture; stderr: Capture } {
  return { stdout: new Capture(), stderr: new Capture(), stdin: new PassThrough(), env: {}, cwd };
}

const dir = mkdtempSync(join(tmpdir(), 'earshot-parse-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const FEED = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
  <channel>
    <title>CLI Show</title>
    <item>
      <title>First &nbsp;episode</title>
      <guid>cli-1</guid>
      <enclosure url="media/1.mp3" type="audio/mpeg" length="1234"/>
      <pubDate>Wed, 03 Jan 2024 12:00:00 GMT</pubDate>
    </item>
  </channel>
</rss>`;

writeFileSync(join(dir, 'feed.xml'), FEED);
writeFileSync(join(dir, 'page.html'), '<!DOCTYPE html><html><body>Not here</body></html>');
writeFileSync(
  join(dir, 'latin.xml'),
  Buffer.from('<rss><channel><title>Caf\xe9</title></channel></rss>', 'latin1'),
);

describe('earshot parse', () => {
  it('prints {feed, episodes, problems} as indented JSON and exits 0 even with problems', async () => {
    const cli = io(dir);
    const code = await main(['parse', 'feed.xml', '--base-url', 'https://cdn.example/show/feed.xml'], cli);
    assert.equal(code, 0);
    assert.ok(cli.stdout.text.startsWith('{\n  "feed": {'), 'two-space indented JSON');
    const out = JSON.parse(cli.stdout.text) as {
      feed: { title?: string };
      episodes: { guid: string; publishedAt?: string; enclosure?: { url: string; length?: number } }[];
      problems: { code: string }[];
    };
    assert.deepEqual(Object.keys(out), ['feed', 'episodes', 'problems']);
    assert.equal(out.feed.title, 'CLI Show');
    assert.equal(out.episodes[0]?.enclosure?.url, 'https://cdn.example/show/media/1.mp3');
    assert.equal(out.episodes[0]?.publishedAt, '2024-01-03T12:00:00.000Z');
    assert.ok(out.problems.some((p) => p.code === 'undefined-entity'));
    assert.equal(cli.stderr.text, '');
  });

  it('never prints empty placeholders for absent values', async () => {
    const cli = io(dir);
    await main(['parse', 'feed.xml'], cli);
    assert.doesNotMatch(cli.stdout.text, /: (""|null)/);
  });

  it('uses --content-type for the charset', async () => {
    const cli = io(dir);
    assert.equal(
      await main(['parse', 'latin.xml', '--content-type', 'text/xml; charset=iso-8859-1'], cli),
      0,
    );
    assert.equal((JSON.parse(cli.stdout.text) as { feed: { title: string } }).feed.title, 'Café');
  });

  it('exits 2 with a message on stderr for something that is not a feed', async () => {
    const cli = io(dir);
    assert.equal(await main(['parse', 'page.html'], cli), 2);
    assert.equal(cli.stdout.text, '');
    assert.match(cli.stderr.text, /not a feed.*HTML page/);
  });

  it('exits 1 when the file cannot be read', async () => {
    const cli = io(dir);
    assert.equal(await main(['parse', 'missing.xml'], cli), 1);
    assert.match(cli.stderr.text, /cannot read missing\.xml: no such file/);
  });

  it('explains its usage when the argument is missing', async () => {
    const cli = io(dir);
    assert.equal(await main(['parse'], cli), 64);
    assert.match(cli.stderr.text, /missing <file-or-url>/);
  });

  it("prints exactly what JSON.stringify prints of parseFeed's result, for every parser fixture and a 3 MB feed", async () => {
    // The big one is read in many pieces and its episodes go through the spool file.
    const big = join(dir, 'big.xml');
    await generateFeed(big, 3 * 1024 * 1024);
    const fixtures = join(import.meta.dirname, '..', '..', 'feed', 'parse', 'testdata');
    const files = [big, join(dir, 'feed.xml'), ...readdirSync(fixtures).map((f) => join(fixtures, f))];
    for (const file of files) {
      let expected: string;
      try {
        expected = `${JSON.stringify(parseFeed({ body: readFileSync(file), url: pathToFileURL(file).href }), null, 2)}\n`;
      } catch {
        continue; // not a feed: covered above
      }
      const cli = io(dir);
      assert.equal(await main(['parse', file], cli), 0, cli.stderr.text);
      assert.ok(cli.stdout.text === expected, `the output for ${file} differs`);
    }
  });

  it('prints an empty episode list as []', async () => {
    writeFileSync(join(dir, 'empty.xml'), '<rss><channel><title>Nothing yet</title></channel></rss>');
    const cli = io(dir);
    assert.equal(await main(['parse', 'empty.xml'], cli), 0);
    assert.match(cli.stdout.text, /"episodes": \[\],\n/);
  });
});
