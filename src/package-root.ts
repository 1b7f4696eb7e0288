// Where the package's own files are: package.json, public/ and the demo catalogue's feeds and media. This module is
// one folder below the package root both as source (src/package-root.ts: tests) and as built code
// (dist/package-root.js: `earshot`, `npm start`), so the files shipped beside the code are found from here rather
// than from each module's own depth.
import { join, resolve } from 'node:path';

/** The directory that holds package.json. */
export const PACKAGE_ROOT: string = resolve(import.meta.dirname, '..');

/** An absolute path to a file or folder shipped with the package, given relative to its root. */
export function packagePath(...segments: string[]): string {
  return join(PACKAGE_ROOT, ...segments);
}
