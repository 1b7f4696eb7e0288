// `earshot import-opml <file>`: subscribes to every feed of an OPML export (AntennaPod, gPodder, Overcast, Pocket Casts…).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CONFIG_FLAGS_USAGE } from '../../config/flags.ts';
import { FeedUrlError } from '../../domain/feed-url.ts';
import { OpmlError, parseOpml } from '../../opml/import.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../command.ts';
import { fail, prepare, refreshWithProgress, withApp } from './lib/app.ts';

export const importOpml: Command = {
  name: 'import-opml',
  summary: 'subscribe to every feed in an OPML file',
  usage: `Usage: earshot import-opml <file|-> [--no-refresh] [--json]

Reads an OPML subscription list (nested folders, xmlUrl/xmlurl/url, a BOM and raw & are fine), adds every feed
once and fetches them with the crawler's limits. One bad entry never stops the import; exit status 1 when any
entry could not be added or fetched.

${CONFIG_FLAGS_USAGE}`,

  async run(args, io) {
    const prepared = prepare(args, io, { 'no-refresh': { type: 'boolean' } });
    if (!prepared.ok) return prepared.code;
    const { ctx } = prepared;
    const [file, ...extra] = ctx.args.positionals;
    if (file === undefined || extra.length > 0)
      return fail(io, 'import-opml needs exactly one file (or - for stdin)', EXIT.usage);

    let bytes: Uint8Array;
    try {
      bytes = file === '-' ? await readAll(io.stdin) : await readFile(resolve(io.cwd, file));
    } catch (error) {
      const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
      return fail(
        io,
        `${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : 'cannot read it'}`,
      );
    }
    let opml: ReturnType<typeof parseOpml>;
    try {
      opml = parseOpml(bytes);
    } catch (error) {
      if (error instanceof OpmlError) return fail(io, `${file}: ${error.message}`);
      throw error;
    }
    for (const p of opml.problems)
      if (p.code === 'bad-url') io.stderr.write(`earshot: ${file}: ${p.message}\n`);
    if (opml.entries.length === 0) return fail(io, `${file}: no feeds in this OPML file`);

    return withApp(ctx, async (app) => {
      const feeds: { id: number; url: string }[] = [];
      let created = 0;
      let bad = opml.problems.filter((p) => p.code === 'bad-url').length;
      for (const entry of opml.entries) {
        try {
          const r = await app.addFeed(entry.url);
          if (r.created) created++;
          feeds.push({ id: r.feedId, url: r.url });
        } catch (error) {
          if (!(error instanceof FeedUrlError)) throw error;
          bad++;
          io.stderr.write(`earshot: ${entry.url}: ${error.message}\n`);
        }
      }
      if (!ctx.json) {
        io.stdout.write(
          `${opml.title ?? file}: ${opml.entries.length} feeds, ${created} new, ${opml.entries.length - created - bad} already subscribed\n`,
        );
      }
      if (ctx.args.values['no-refresh'] === true) return bad > 0 ? EXIT.failure : EXIT.ok;
      const { failed } = await refreshWithProgress(app, ctx, feeds, 'imported');
      return bad + failed > 0 ? EXIT.failure : EXIT.ok;
    });
  },
};

async function readAll(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
