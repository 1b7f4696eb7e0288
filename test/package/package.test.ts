// The package as someone installs it: `npm pack` on a clean clone built as `npm ci` builds it, installed into a fresh
// project, then used by name: `import … from 'earshot'`, its TypeScript types, and its `earshot` executable. The
// install is offline: the project's dependencies are links to this checkout's installed copies, so npm installs only
// the tarball itself. The same clone then answers the README's start command (`npm ci && npm start`) on an empty data
// directory: one clean build serves both checks. That build is the checkout's own `dist/` when it is current (as
// `npm ci` just left it, in CI) and `prepare` run in the clone otherwise (see `cleanClone`).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { generateFeed } from '../../bench/lib/generate.ts';
import { parseFeed } from '../../src/feed/parse/index.ts';
import { cleanClone, npm, repoRoot, type Served, serveFrom } from '../support/package.ts';

const FEED = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Packaged Show</title>
<item><title>One</title><guid>p-1</guid><enclosure url="https://cdn.example/1.mp3" type="audio/mpeg"/></item>
</channel></rss>`;

/** Reports the process's peak RSS (KiB) on fd 3 as it exits; loaded with `--import` ahead of the command. */
const REPORT_PEAK_RSS = `data:text/javascript,${encodeURIComponent(
  "import { writeSync } from 'node:fs'; process.on('exit', () => writeSync(3, String(process.resourceUsage().maxRSS)));",
)}`;

interface Run {
  code: number | null;
  stdoutHash: string;
  stdout: string;
  stderr: string;
  peakRssMiB: number;
}

/** Runs the installed `earshot` executable with `args`, its stdout read as it comes (a pipe, as in a shell). */
async function earshot(project: string, args: string[], keepStdout = true): Promise<Run> {
  const bin = join(project, 'node_modules', '.bin', 'earshot');
  const child = spawn(process.execPath, ['--import', REPORT_PEAK_RSS, bin, ...args], {
    cwd: project,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  const hash = createHash('sha256');
  let stdout = '';
  let stderr = '';
  let rss = '';
  child.stdout?.on('data', (c: Buffer) => {
    hash.update(c);
    if (keepStdout) stdout += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  child.stdio[3]?.on('data', (c: Buffer) => {
    rss += c.toString();
  });
  const code = await new Promise<number | null>((ok) => child.on('close', (c) => ok(c)));
  return { code, stdoutHash: hash.digest('hex'), stdout, stderr, peakRssMiB: Number(rss) / 1024 };
}

describe('the packed package, installed by name in another project', () => {
  let tmp: string;
  let clone: string;
  let project: string;

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'earshot-pack-'));
    // dist/ is built as `npm ci` builds it (or is the checkout's own, when that is current), so `npm pack` need not
    // run `prepare` a second time.
    clone = cleanClone(tmp).dir;
    const tarball =
      npm(clone, ['pack', '--ignore-scripts', '--pack-destination', tmp]).trim().split('\n').at(-1) ?? '';
    project = join(tmp, 'project');
    mkdirSync(join(project, 'node_modules'), { recursive: true });
    writeFileSync(
      join(project, 'package.json'),
      '{ "name": "uses-earshot", "private": true, "type": "module" }\n',
    );
    const runtime = Object.keys(
      (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { dependencies: object })
        .dependencies,
    );
    for (const name of runtime)
      symlinkSync(join(repoRoot, 'node_modules', name), join(project, 'node_modules', name), 'dir');
    npm(project, ['install', join(tmp, tarball), '--offline', '--ignore-scripts', '--no-package-lock']);
  });

  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('ships the built code, the web assets and the demo catalogue, and no TypeScript sources or tests', () => {
    const installed = join(project, 'node_modules', 'earshot');
    const top = readdirSync(installed).sort();
    assert.ok(top.includes('dist') && top.includes('public'), top.join(', '));
    assert.deepEqual(readdirSync(join(installed, 'src')), ['demo']);
    assert.ok(readdirSync(join(installed, 'src', 'demo', 'assets')).includes('tone-1.wav'));
    const files = (readdirSync(join(installed, 'dist'), { recursive: true }) as string[]).map(String);
    assert.ok(files.includes('index.js') && files.includes('index.d.ts'));
    assert.deepEqual(
      files.filter((f) => f.endsWith('.test.js') || (f.endsWith('.ts') && !f.endsWith('.d.ts'))),
      [],
    );
  });

  it("imports { parseFeed } from 'earshot' with plain Node and parses a feed", async () => {
    writeFileSync(join(project, 'feed.xml'), FEED);
    writeFileSync(
      join(project, 'use.mjs'),
      `import { readFileSync } from 'node:fs';
import { parseFeed } from 'earshot';
const r = parseFeed({ body: readFileSync('feed.xml'), url: 'https://example.com/feed.xml' });
console.log(JSON.stringify({ title: r.feed.title, episodes: r.episodes.map((e) => e.title) }));
`,
    );
    const child = spawn(process.execPath, ['use.mjs'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr?.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const code = await new Promise<number | null>((ok) => child.on('close', ok));
    assert.equal(code, 0, out);
    assert.deepEqual(JSON.parse(out), { title: 'Packaged Show', episodes: ['One'] });
  });

  it('gives TypeScript its types from the package', () => {
    writeFileSync(
      join(project, 'typed.ts'),
      `import { type ParsedFeed, parseFeed } from 'earshot';
const feed: ParsedFeed = parseFeed({ body: new Uint8Array(), url: 'https://example.com/' }).feed;
export const title: string | undefined = feed.title;
// @ts-expect-error: a ParsedFeed has no such field
export const nothing = feed.noSuchField;
`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          target: 'ES2023',
          strict: true,
          noEmit: true,
          // The declarations' own consistency is checked where they are written (the build); checking every library's
          // declarations again here cost ~6 s of CPU. What a consumer sees is still checked: were `ParsedFeed` not
          // resolved, it would be `any` and the @ts-expect-error below unused, which fails.
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [join(repoRoot, 'node_modules', '@types')],
        },
        files: ['typed.ts'],
      }),
    );
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  it('runs `earshot --help` without loading any command, in under 60 MB', async () => {
    const run = await earshot(project, ['--help']);
    assert.equal(run.code, 0, run.stderr);
    for (const command of ['parse', 'serve', 'add', 'feeds', 'users'])
      assert.match(run.stdout, new RegExp(`\\n  ${command} `));
    assert.ok(run.peakRssMiB > 0 && run.peakRssMiB < 60, `peak RSS ${run.peakRssMiB.toFixed(1)} MiB`);
  });

  it('parses a 25 MB feed with `earshot parse` in under 100 MB, printing what parseFeed returns', async () => {
    const path = join(tmp, 'big.xml');
    await generateFeed(path, 25 * 1024 * 1024);
    const run = await earshot(project, ['parse', path], false);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.peakRssMiB > 0 && run.peakRssMiB < 100, `peak RSS ${run.peakRssMiB.toFixed(1)} MiB`);
    const expected = `${JSON.stringify(parseFeed({ body: readFileSync(path), url: pathToFileURL(path).href }), null, 2)}\n`;
    assert.equal(run.stdoutHash, createHash('sha256').update(expected).digest('hex'));
  });

  describe('`earshot serve` from the installed package', () => {
    let served: Served;
    before(async () => {
      served = await serveFrom(
        project,
        [join('node_modules', '.bin', 'earshot'), 'serve', '--no-crawl'],
        join(tmp, 'data'),
      );
    });
    after(() => {
      if (served !== undefined && served.child.exitCode === null) served.child.kill('SIGKILL');
    });

    it('serves the demo catalogue, its audio and the stylesheet from the package', async () => {
      const home = await fetch(`${served.base}/`);
      assert.equal(home.status, 200);
      const html = await home.text();
      assert.match(html, /Stuff You Missed in History Class/);
      const css = html.match(/href="(\/assets\/app\.css\?v=[^"]+)"/)?.[1];
      assert.ok(css !== undefined, 'the page links the stylesheet');
      assert.equal((await fetch(`${served.base}${css}`)).status, 200);
      const tone = await fetch(`${served.base}/demo-assets/tone-1.wav`);
      assert.equal(tone.status, 200);
      assert.equal(Buffer.from(await tone.arrayBuffer()).toString('ascii', 0, 4), 'RIFF');
      served.child.kill('SIGTERM');
      assert.equal(await served.exit, 0, served.output());
    });
  });

  describe('`npm start` on the clean clone, built as `npm ci` builds it, with an empty data directory', () => {
    let served: Served;
    before(async () => {
      const pkg = JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8')) as {
        scripts: { start: string };
      };
      const [command, ...args] = pkg.scripts.start.split(' ');
      assert.equal(command, 'node');
      served = await serveFrom(clone, args, join(tmp, 'start-data'));
    });
    after(() => {
      if (served !== undefined && served.child.exitCode === null) served.child.kill('SIGKILL');
    });

    it('answers /healthz with 200', async () => {
      const r = await fetch(`${served.base}/healthz`);
      assert.equal(r.status, 200);
    });

    it('serves the home page with the demo shows', async () => {
      const r = await fetch(`${served.base}/`);
      assert.equal(r.status, 200);
      const html = await r.text();
      assert.match(html, /Stuff You Missed in History Class/);
      assert.match(html, /Podcasting 2\.0 Namespace Example/);
    });

    it('serves the demo audio itself, with no network', async () => {
      const r = await fetch(`${served.base}/demo-assets/tone-1.wav`);
      assert.equal(r.status, 200);
      assert.equal(Buffer.from(await r.arrayBuffer()).toString('ascii', 0, 4), 'RIFF');
    });

    it('stops cleanly on SIGTERM', async () => {
      served.child.kill('SIGTERM');
      assert.equal(await served.exit, 0, served.output());
    });
  });
});
