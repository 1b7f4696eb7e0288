// The container files cannot be built here (no container daemon), so this checks that they stay in step with the
// package: the image builds with the commands CI runs, holds what the package ships, and starts as `npm start` does.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../support/package.ts';

const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8').replace(/\s*\\\n\s*/g, ' ');
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  files: string[];
  scripts: Record<string, string>;
};
const [buildStage = '', runtimeStage = ''] = dockerfile.split(/^FROM /m).slice(1);
const instructions = (stage: string, name: string): string[] =>
  stage
    .split('\n')
    .filter((l) => l.startsWith(`${name} `))
    .map((l) => l.slice(name.length + 1).trim());
const trim = (p: string): string => p.replace(/^\.\//, '').replace(/\/$/, '');

describe('Dockerfile', () => {
  it('builds in a Debian slim Node 20 stage with `npm ci` (which runs prepare), then drops dev dependencies', () => {
    assert.match(dockerfile, /ARG NODE_IMAGE=node:20-bookworm-slim/);
    assert.match(buildStage, /\$\{NODE_IMAGE\} AS build/);
    const run = instructions(buildStage, 'RUN').join(' && ');
    assert.match(run, /npm ci --no-audit --no-fund && npm prune --omit=dev/);
    assert.match(readFileSync(join(repoRoot, '.ci', 'run'), 'utf8'), /^npm ci --no-audit --no-fund$/m);
    // Everything `prepare` compiles is in the build stage.
    const copied = instructions(buildStage, 'COPY').flatMap((c) => c.split(/\s+/).slice(0, -1));
    for (const needed of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src'])
      assert.ok(copied.includes(needed), `the build stage copies ${needed}`);
  });

  it('copies into the runtime image every path the package ships, its production node_modules and package.json', () => {
    const copied = instructions(runtimeStage, 'COPY')
      .filter((c) => c.startsWith('--from=build '))
      .map((c) => trim(c.split(/\s+/)[1]?.replace(/^\/app\//, '') ?? ''));
    for (const path of [...pkg.files.map(trim), 'node_modules', 'package.json'])
      assert.ok(copied.includes(path), `the runtime stage copies ${path}`);
  });

  it('runs the `start` script as the node user, with /data as a volume and a health check on /healthz', () => {
    const cmd = JSON.parse(instructions(runtimeStage, 'CMD')[0] ?? '[]') as string[];
    assert.deepEqual(cmd, pkg.scripts.start?.split(' '));
    assert.deepEqual(instructions(runtimeStage, 'USER'), ['node']);
    assert.deepEqual(instructions(runtimeStage, 'VOLUME'), ['/data']);
    assert.match(runtimeStage, /EARSHOT_DATA=\/data/);
    assert.match(instructions(runtimeStage, 'HEALTHCHECK')[0] ?? '', /\/healthz/);
  });
});

describe('compose.yaml', () => {
  const compose = readFileSync(join(repoRoot, 'compose.yaml'), 'utf8');
  it('runs the image with its data volume on PostgreSQL', () => {
    assert.match(compose, /build: \.\n/);
    assert.match(compose, /- earshot-data:\/data\n/);
    assert.match(compose, /EARSHOT_DATABASE_URL: postgres:\/\/earshot:[^@]+@db:5432\/earshot\n/);
    assert.match(compose, /image: postgres:/);
  });
});
