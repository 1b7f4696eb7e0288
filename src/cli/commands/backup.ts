// `earshot backup <file>`: a consistent copy of the SQLite database while the server keeps running (SQLite's online
// backup API, through the store). PostgreSQL is backed up with pg_dump: the command says how and exits 1, so that a
// backup script never mistakes "nothing written" for success.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CONFIG_FLAGS_USAGE } from '../../config/flags.ts';
import { pgDumpHint, StoreError } from '../../store/index.ts';
import type { CliIo, Command } from '../command.ts';
import { EXIT } from '../command.ts';
import { fail, prepare, withApp } from './lib/app.ts';

export const backup: Command = {
  name: 'backup',
  summary: 'copy the SQLite database to a file while it runs (PostgreSQL: prints the pg_dump command)',
  usage: `Usage: earshot backup <file> [--force]

Writes a consistent copy of the SQLite database to <file> with SQLite's online backup, while \`earshot serve\` keeps
running. The copy is a complete database: start Earshot on it with EARSHOT_DATA pointing at its folder (renamed to
earshot.sqlite) to restore. An existing <file> is refused unless --force is given.

With PostgreSQL (EARSHOT_DATABASE_URL) nothing is written: the command prints the pg_dump command line to use and
exits with status 1.

${CONFIG_FLAGS_USAGE}`,

  async run(args, io) {
    const prepared = prepare(args, io, { force: { type: 'boolean' } });
    if (!prepared.ok) return prepared.code;
    const { ctx } = prepared;
    const [target, ...extra] = ctx.args.positionals;
    if (target === undefined || extra.length > 0)
      return fail(io, 'usage: earshot backup <file> [--force]', EXIT.usage);
    const file = resolve(io.cwd, target);
    const { database } = ctx.config;
    // Answered without opening the database: opening it would migrate a server's schema just to print a hint.
    if (database.kind === 'postgres') return pgDump(io, pgDumpHint(file));
    if (resolve(database.path) === file)
      return fail(io, `${file} is the database itself: choose another file`, EXIT.usage);
    if (existsSync(file) && ctx.args.values.force !== true)
      return fail(io, `${file} exists: choose another name, or --force to overwrite it`);
    return withApp(ctx, async (app) => {
      try {
        const result = await app.store.maintenance.backup(file);
        if (result.kind === 'use-pg-dump') return pgDump(io, result.hint);
        io.stdout.write(`backed up the SQLite database to ${result.file} (${formatBytes(result.bytes)})\n`);
        return EXIT.ok;
      } catch (error) {
        if (error instanceof StoreError) return fail(io, error.message);
        throw error;
      }
    });
  },
};

function pgDump(io: CliIo, hint: string): number {
  io.stderr.write(
    `earshot: PostgreSQL is backed up with pg_dump, not by Earshot; nothing was written. Run:\n  ${hint}\n`,
  );
  return EXIT.failure;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
