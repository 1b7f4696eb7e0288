// A SQLite database migrated to the end, made once and copied for every test that wants a fresh one: replaying the
// ~30 migrations cost about half a second of CPU per store, more than most tests that use it. The image is made once
// per test process, or once per run when scripts/run-tests.mjs names a folder for it in EARSHOT_TEST_RUN_DIR (a new
// folder per run, so an image never outlives the migrations it was made from). The migrations themselves are still
// replayed on empty databases by the tests that are about them (src/store/sqlite.test.ts, the migration tests).
import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { migratedSqliteImage, openStore, type Store } from '../../src/store/index.ts';
import { inCallerContext } from './caller-context.ts';

let image: Promise<Buffer> | undefined;

/** The serialized image of a SQLite database migrated to the end. */
export function sqliteImage(): Promise<Buffer> {
  image ??= (async () => {
    const dir = process.env.EARSHOT_TEST_RUN_DIR;
    if (dir === undefined || dir === '') return migratedSqliteImage();
    const file = join(dir, 'migrated.sqlite');
    const shared = await readFile(file).catch(() => undefined);
    if (shared !== undefined) return shared;
    const made = await migratedSqliteImage();
    const partial = `${file}.${randomBytes(4).toString('hex')}`;
    await writeFile(partial, made);
    await rename(partial, file);
    return made;
  })();
  return inCallerContext(image);
}

/** A fresh SQLite store in memory, migrated to the end (a copy of the image). */
export async function freshMemoryStore(dataDir = '/nonexistent'): Promise<Store> {
  return openStore({ databaseUrl: ':memory:', dataDir, sqliteImage: await sqliteImage() });
}

/** Writes a migrated database to `file` (a SQLite file that `openStore` then opens as it is). */
export async function writeMigratedFile(file: string): Promise<void> {
  await writeFile(file, await sqliteImage());
}
