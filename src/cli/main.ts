// The `earshot` command: dispatches to one subcommand. Every command lives in ./commands/<name>.ts and is loaded only
// when it runs, so `earshot --help` (and every command) loads nothing it does not use: no web server, no database
// driver, no HTTP client.
import type { CliIo, Command } from './command.ts';
import { EXIT } from './command.ts';

/** One line per command: what `earshot help` prints, and how to load the command. */
export interface CommandEntry {
  readonly name: string;
  /** The same text as the command's own `summary` (a test keeps the two equal). */
  readonly summary: string;
  load(): Promise<Command>;
}

// To add a command: write ./commands/<name>.ts exporting a `Command`, then add one line here.
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'parse',
    summary: 'parse a feed file or URL and print what Earshot reads from it as JSON',
    load: async () => (await import('./commands/parse.ts')).parseCommand,
  },
  {
    name: 'serve',
    summary: 'run the web server and the crawler (what `npm start` runs)',
    load: async () => (await import('./commands/serve.ts')).serve,
  },
  {
    name: 'web',
    summary: 'run the web server only: pages, API and sync, no crawler (a cluster on PostgreSQL)',
    load: async () => (await import('./commands/web.ts')).web,
  },
  {
    name: 'crawl',
    summary: 'run the crawler only, no web server (a cluster on PostgreSQL)',
    load: async () => (await import('./commands/crawl.ts')).crawl,
  },
  {
    name: 'add',
    summary: 'add feeds by URL and fetch them',
    load: async () => (await import('./commands/add.ts')).add,
  },
  {
    name: 'directory',
    summary: 'search podcast directories (Podcast Index, Apple) for shows to add',
    load: async () => (await import('./commands/directory.ts')).directory,
  },
  {
    name: 'import-opml',
    summary: 'subscribe to every feed in an OPML file',
    load: async () => (await import('./commands/import-opml.ts')).importOpml,
  },
  {
    name: 'refresh',
    summary: 'fetch feeds now (--all, or the given URLs)',
    load: async () => (await import('./commands/refresh.ts')).refresh,
  },
  {
    name: 'feeds',
    summary: 'list feeds with their health; remove, pause, resume, refresh, publish or unpublish one',
    load: async () => (await import('./commands/feeds.ts')).feeds,
  },
  {
    name: 'users',
    summary: 'manage listener accounts (users add <name> [--admin])',
    load: async () => (await import('./commands/users.ts')).users,
  },
  {
    name: 'export-opml',
    summary: "print a listener's subscriptions as OPML 2.0",
    load: async () => (await import('./commands/export-opml.ts')).exportOpml,
  },
  {
    name: 'backup',
    summary: 'copy the SQLite database to a file while it runs (PostgreSQL: prints the pg_dump command)',
    load: async () => (await import('./commands/backup.ts')).backup,
  },
  {
    name: 'doctor',
    summary: 'check configuration, database, disk, clock and outbound reachability',
    load: async () => (await import('./commands/doctor.ts')).doctor,
  },
];

function helpText(): string {
  const width = Math.max(0, ...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: earshot <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `earshot <command> --help` for details.',
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(helpText());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (entry === undefined) {
    io.stderr.write(`earshot: unknown command '${name}'\n\n${helpText()}`);
    return EXIT.usage;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage.trimEnd()}\n`);
    return EXIT.ok;
  }
  return command.run(rest, io);
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  };
}
