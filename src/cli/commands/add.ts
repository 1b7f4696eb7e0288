// `earshot add <url>…`: subscribes to feeds and fetches them once right away.
import { CONFIG_FLAGS_USAGE } from '../../config/flags.ts';
import { FeedUrlError } from '../../domain/feed-url.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../command.ts';
import { fail, prepare, refreshWithProgress, withApp } from './lib/app.ts';
import { createProgress } from './lib/progress.ts';

export const add: Command = {
  name: 'add',
  summary: 'add feeds by URL and fetch them',
  usage: `Usage: earshot add <url>… [--no-refresh] [--json]

Adds each feed (feed://, itpc:// and bare host/path forms are accepted) and fetches it once. A URL that is already
a feed (or one of its old URLs) is not added twice. Exit status 1 when any feed could not be added or fetched.

  --no-refresh   only add; the crawler fetches them later
  --json         one JSON object per feed, then a summary

${CONFIG_FLAGS_USAGE}`,

  async run(args, io) {
    const prepared = prepare(args, io, { 'no-refresh': { type: 'boolean' } });
    if (!prepared.ok) return prepared.code;
    const { ctx } = prepared;
    const urls = ctx.args.positionals;
    if (urls.length === 0) return fail(io, 'add needs at least one feed URL', EXIT.usage);

    return withApp(ctx, async (app) => {
      const added: { id: number; url: string }[] = [];
      let bad = 0;
      const refresh = ctx.args.values['no-refresh'] !== true;
      const listing = refresh
        ? undefined
        : createProgress({ stream: io.stdout, json: ctx.json, total: urls.length, verb: 'added' });
      for (const url of urls) {
        try {
          const r = await app.addFeed(url);
          added.push({ id: r.feedId, url: r.url });
          listing?.item({
            label: r.url,
            ok: true,
            detail: r.created ? 'added' : 'already there',
            data: { feedId: r.feedId, created: r.created },
          });
        } catch (error) {
          if (!(error instanceof FeedUrlError)) throw error;
          bad++;
          if (listing === undefined) io.stderr.write(`earshot: ${url}: ${error.message}\n`);
          else listing.item({ label: url, ok: false, detail: error.message });
        }
      }
      if (listing !== undefined) {
        listing.done();
        return bad > 0 ? EXIT.failure : EXIT.ok;
      }
      if (added.length === 0) return EXIT.failure;
      const { failed } = await refreshWithProgress(app, ctx, added, 'added');
      return bad + failed > 0 ? EXIT.failure : EXIT.ok;
    });
  },
};
