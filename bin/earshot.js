#!/usr/bin/env node
// `./bin/earshot.js` in a checkout: the same as the package's `earshot` executable, dist/cli/bin.js, which
// `npm ci` builds (the `prepare` script; `npm run build` rebuilds it after a change).
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/bin.js', import.meta.url);
if (!existsSync(built)) {
  process.stderr.write('earshot: dist/ is not built yet: run `npm run build` (`npm ci` builds it)\n');
  process.exit(1);
}
await import(built.href);
