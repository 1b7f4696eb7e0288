// One CLI subcommand. `run` gets the arguments after the command name and returns the exit code;
// it writes through `io` (never to process.stdout directly) so tests can capture output.

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

export interface Command {
  readonly name: string;
  /** One line for `earshot help`. */
  readonly summary: string;
  /** Full usage text for `earshot <name> --help`. */
  readonly usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, failure: 1, notAFeed: 2, usage: 64 } as const;
