// Where the shared real-feed corpus lives, if it is beside this clone. Tests that need it skip when absent.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '..', '..');

/** Absolute path of `../shared` beside the repository, or undefined when a fresh clone does not have it. */
export const sharedDir: string | undefined = (() => {
  const dir = resolve(repoRoot, '..', 'shared');
  return existsSync(join(dir, 'corpus', 'MANIFEST.tsv')) ? dir : undefined;
})();

export const corpusDir: string | undefined = sharedDir === undefined ? undefined : join(sharedDir, 'corpus');

/** The reason given by tests that skip for want of the corpus. */
export const NO_CORPUS =
  'the shared corpus (../shared/corpus beside the clone) is absent; skipping real-feed tests';

export function corpusPath(relative: string): string {
  if (corpusDir === undefined) throw new Error(NO_CORPUS);
  return join(corpusDir, relative);
}
