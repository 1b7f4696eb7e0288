// `earshot users add <name> [--admin] [--password-stdin]`: creates a listener account from the command line.
import { CONFIG_FLAGS_USAGE } from '../../config/flags.ts';
import { checkNewUserName } from '../../domain/user-name.ts';
import { createAccount } from '../../services/passwords.ts';
import { StoreError } from '../../store/ports.ts';
import type { CliIo, Command } from '../command.ts';
import { EXIT } from '../command.ts';
import { fail, prepare, withApp } from './lib/app.ts';

const MIN_PASSWORD = 8;

export const users: Command = {
  name: 'users',
  summary: 'manage listener accounts (users add <name> [--admin])',
  usage: `Usage: earshot users add <name> [--admin] [--password-stdin]

Creates an account. The password is asked for on the terminal (not echoed), or read from the first line of
standard input with --password-stdin (for scripts). It must be at least ${MIN_PASSWORD} characters. The first account
ever created is the admin whatever --admin says.

${CONFIG_FLAGS_USAGE}`,

  async run(args, io) {
    const prepared = prepare(args, io, { admin: { type: 'boolean' }, 'password-stdin': { type: 'boolean' } });
    if (!prepared.ok) return prepared.code;
    const { ctx } = prepared;
    const [action, name, ...extra] = ctx.args.positionals;
    if (action !== 'add' || name === undefined || extra.length > 0) {
      return fail(io, 'usage: earshot users add <name> [--admin] [--password-stdin]', EXIT.usage);
    }
    const checked = checkNewUserName(name);
    if (!checked.ok) return fail(io, `${checked.message} (got ${JSON.stringify(name)})`, EXIT.usage);
    let password: string;
    if (ctx.args.values['password-stdin'] === true) {
      password = (await firstLine(io.stdin)).replace(/\r$/, '');
    } else if ((io.stdin as { isTTY?: boolean }).isTTY === true) {
      // stdin of a terminal is a tty.ReadStream (isTTY is only set there); reading it hidden needs raw mode.
      password = await promptHidden(io, `Password for ${name}: `);
    } else {
      return fail(io, 'no terminal to ask for a password: pipe it in with --password-stdin', EXIT.usage);
    }
    if (password.length < MIN_PASSWORD)
      return fail(io, `the password must be at least ${MIN_PASSWORD} characters`);

    return withApp(ctx, async (app) => {
      try {
        const user = await createAccount(
          app.store.listeners.users,
          { name: checked.name, password, isAdmin: ctx.args.values.admin === true },
          new Date(),
        );
        io.stdout.write(`created ${user.name}${user.isAdmin ? ' (admin)' : ''}\n`);
        return EXIT.ok;
      } catch (error) {
        if (error instanceof StoreError && error.code === 'conflict') {
          const taken = await app.store.listeners.users.findByName(checked.name);
          return fail(io, taken === undefined ? error.message : `the name ${name} is taken`);
        }
        throw error;
      }
    });
  },
};

async function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const nl = text.indexOf('\n');
    if (nl !== -1) return text.slice(0, nl);
  }
  return text;
}

function promptHidden(io: CliIo, question: string): Promise<string> {
  const stdin = io.stdin as NodeJS.ReadStream; // checked isTTY above: a tty.ReadStream
  io.stderr.write(question);
  return new Promise((resolve) => {
    let answer = '';
    stdin.setRawMode(true);
    stdin.resume();
    const onData = (data: Buffer): void => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          io.stderr.write('\n');
          resolve(answer);
          return;
        }
        if (ch === '\u0003') {
          stdin.setRawMode(false);
          process.exit(130);
        }
        if (ch === '\u007f') answer = answer.slice(0, -1);
        else answer += ch;
      }
    };
    stdin.on('data', onData);
  });
}
