// Runs the `earshot` dispatcher in-process with captured output, as the CLI tests do.
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.ts';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** `earshot <args>` with this environment and working directory; `stdin` is what standard input holds. */
export async function runCli(
  args: string[],
  options: { env: Record<string, string>; cwd: string; stdin?: string },
): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  stdin.end(options.stdin ?? '');
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  stderr.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const code = await main(args, { stdout, stderr, stdin, env: options.env, cwd: options.cwd });
  return { code, out, err };
}
