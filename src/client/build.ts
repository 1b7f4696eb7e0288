// Bundles the browser script into public/app.js (one minified file: htmx + the player). The output is committed,
// so a server needs no build step at start; `node --import tsx src/client/build.ts` rebuilds it, and
// src/client/build.test.ts fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const ENTRY = fileURLToPath(new URL('./main.ts', import.meta.url));
export const OUTPUT = fileURLToPath(new URL('../../public/app.js', import.meta.url));

export async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['chrome110', 'firefox115', 'safari16'],
    write: false,
    legalComments: 'none',
    charset: 'utf8',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no output');
  return file.text;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const code = await bundle();
  writeFileSync(OUTPUT, code);
  console.log(`public/app.js: ${code.length} bytes`);
}
