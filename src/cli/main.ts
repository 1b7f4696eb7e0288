// The `earshot` command: dispatches to one subcommand. Every command lives in ./commands/<name>.ts.
import type { CliIo, Command } from './command.ts';
import { EXIT } from './command.ts';
import { add } from './commands/add.ts';
import { backup } from './commands/backup.ts';
import { doctor } from './commands/doctor.ts';
import { exportOpml } from './commands/export-opml.ts';
import { feeds } from './commands/feeds.ts';
import { importOpml } from './commands/import-opml.ts';
import { parseCommand } from './commands/parse.ts';
import { refresh } from './commands/refresh.ts';
import { serve } from './commands/serve.ts';
import { users } from './commands/users.ts';

const commands: readonly Command[] = [
  parseCommand,
  serve,
  add,
  importOpml,
  refresh,
  feeds,
  users,
  exportOpml,
  backup,
  doctor,
];

function helpText(): string {
  const width = Math.max(0, ...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
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
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    io.stderr.write(`earshot: unknown command '${name}'\n\n${helpText()}`);
    return EXIT.usage;
  }
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
