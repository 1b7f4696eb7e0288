// `earshot refresh [--all | <url>…]`: fetches feeds now, politely, with progress.
import { CONFIG_FLAGS_USAGE } from '../../config/flags.ts';
import { isDemoUrl } from '../../demo/catalogue.ts';
import { FeedUrlError, normalizeFeedUrl } from '../../domain/feed-url.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../command.ts';
import { fail, prepare, refreshWithProgress, withApp } from './lib/app.ts';

export const refresh: Command = {
  name: 'refresh',
  summary: 'fetch feeds now (--all, or the given URLs)',
  usage: `Usage: earshot refresh (--all | <url>…) [--force] [--json]

Fetches the feeds now with conditional GET and the crawler's limits, and stores what changed. A URL may be a feed's
current URL or an old one it moved from. Exit status 1 when any feed failed.

  --all     every feed (the demo catalogue excepted)
  --force   also feeds marked gone (410)
  --json    one JSON object per feed, then a summary

${CONFIG_FLAGS_USAGE}`,

  async run(args, io) {
    const prepared = prepare(args, io, { all: { type: 'boolean' }, force: { type: 'boolean' } });
    if (!prepared.ok) return prepared.code;
    const { ctx } = prepared;
    const all = ctx.args.values.all === true;
    const urls = ctx.args.positionals;
    if (all === urls.length > 0) return fail(io, 'refresh needs either --all or feed URLs', EXIT.usage);

    return withApp(ctx, async (app) => {
      const feeds: { id: number; url: string }[] = [];
      if (all) {
        for (let offset = 0; ; offset += 1000) {
          const page = await app.store.feeds.list({ limit: 1000, offset });
          for (const { feed } of page) if (!isDemoUrl(feed.url)) feeds.push({ id: feed.id, url: feed.url });
          if (page.length < 1000) break;
        }
        if (feeds.length === 0) {
          io.stdout.write(
            'No feeds yet: add some with `earshot add <url>` or `earshot import-opml <file>`\n',
          );
          return EXIT.ok;
        }
      } else {
        for (const url of urls) {
          let normalised: string;
          try {
            normalised = normalizeFeedUrl(url);
          } catch (error) {
            if (error instanceof FeedUrlError) return fail(io, `${url}: ${error.message}`, EXIT.usage);
            throw error;
          }
          const feed =
            (await app.store.feeds.findByUrl(normalised)) ?? (await app.store.feeds.findByUrl(url.trim()));
          if (feed === undefined)
            return fail(io, `${url}: not subscribed (add it with \`earshot add ${url}\`)`);
          feeds.push({ id: feed.id, url: feed.url });
        }
      }
      const { failed } = await refreshWithProgress(app, ctx, feeds, 'refreshed');
      return failed > 0 ? EXIT.failure : EXIT.ok;
    });
  },
};
