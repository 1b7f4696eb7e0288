// `earshot feeds`: every feed with its health.
import { CONFIG_FLAGS_USAGE } from '../../config/flags.ts';
import { notModifiedShare, withoutCredentials } from '../../domain/feed.ts';
import { type FeedListing, StoreError } from '../../store/ports.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../command.ts';
import { fail, prepare, withApp } from './lib/app.ts';

export const feeds: Command = {
  name: 'feeds',
  summary: 'list feeds with their health',
  usage: `Usage: earshot feeds [--json]
       earshot feeds --publish <id> | --unpublish <id>

One line per feed: status, episodes, last fetch, next check, error streak and last error, share of 304 answers,
and whether it is public. A feed a listener added from a phone or an OPML import is private to the listeners who
follow it until it is published.

  --publish <id>     put the feed (and its show) in the public catalogue
  --unpublish <id>   make it private again: only its followers and admins see it

${CONFIG_FLAGS_USAGE}`,

  async run(args, io) {
    const prepared = prepare(args, io, { publish: { type: 'string' }, unpublish: { type: 'string' } });
    if (!prepared.ok) return prepared.code;
    const { ctx } = prepared;
    const { publish, unpublish } = ctx.args.values;
    if (publish !== undefined || unpublish !== undefined) {
      const raw = publish ?? unpublish;
      if (publish !== undefined && unpublish !== undefined)
        return fail(io, 'give --publish or --unpublish, not both', EXIT.usage);
      if (typeof raw !== 'string' || !/^[1-9]\d{0,14}$/.test(raw))
        return fail(io, `not a feed id: ${String(raw)}`, EXIT.usage);
      const visibility = publish !== undefined ? 'public' : 'private';
      return withApp(ctx, async (app) => {
        try {
          const feed = await app.store.feeds.setVisibility(Number(raw), visibility);
          io.stdout.write(`feed ${feed.id} is ${visibility} now: ${withoutCredentials(feed.url)}\n`);
          return EXIT.ok;
        } catch (error) {
          if (error instanceof StoreError && error.code === 'not-found') return fail(io, `no feed ${raw}`);
          throw error;
        }
      });
    }
    return withApp(ctx, async (app) => {
      const all: FeedListing[] = [];
      for (let offset = 0; ; offset += 1000) {
        const page = await app.store.feeds.list({ limit: 1000, offset });
        all.push(...page);
        if (page.length < 1000) break;
      }
      if (ctx.json) {
        for (const l of all) {
          io.stdout.write(
            `${JSON.stringify({ ...l.feed, ...(l.problems.length === 0 ? {} : { problems: l.problems }), showTitle: l.showTitle, episodeCount: l.episodeCount, notModifiedShare: notModifiedShare(l.feed) })}\n`,
          );
        }
        return EXIT.ok;
      }
      if (all.length === 0) {
        io.stdout.write('No feeds yet: add some with `earshot add <url>` or `earshot import-opml <file>`\n');
        return EXIT.ok;
      }
      const rows = all.map((l) => {
        const f = l.feed;
        const health =
          f.status === 'gone'
            ? `gone${f.httpStatus === undefined ? '' : ` (${f.httpStatus})`}`
            : f.status === 'failing'
              ? `failing ×${f.errorStreak}: ${f.lastErrorCode ?? ''}${f.httpStatus === undefined ? '' : ` ${f.httpStatus}`}`
              : f.lastSuccessAt === undefined
                ? 'new'
                : 'ok';
        return [
          health,
          String(l.episodeCount),
          when(f.lastFetchAt),
          f.status === 'gone' ? '-' : when(f.nextCheckAt),
          f.fetchCount === 0 ? '-' : `${Math.round(notModifiedShare(f) * 100)}%`,
          l.problems.length === 0 ? '' : `${l.problems.length}`,
          f.isPublic ? 'public' : 'private',
          `${f.id}`,
          l.showTitle ?? '',
          withoutCredentials(f.url),
        ];
      });
      const header = [
        'HEALTH',
        'EPISODES',
        'LAST FETCH',
        'NEXT CHECK',
        '304s',
        'PROBLEMS',
        'VISIBILITY',
        'ID',
        'TITLE',
        'URL',
      ];
      const widths = header.map((h, i) =>
        Math.min(
          i === 0 ? 36 : i === 8 ? 40 : 200,
          Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)),
        ),
      );
      const line = (cells: string[]): string =>
        cells
          .map((c, i) => {
            const w = widths[i] ?? c.length;
            const cut = c.length > w ? `${c.slice(0, w - 1)}…` : c;
            return i === cells.length - 1 ? cut : cut.padEnd(w);
          })
          .join('  ');
      io.stdout.write(`${line(header)}\n${rows.map(line).join('\n')}\n`);
      return EXIT.ok;
    });
  },
};

function when(iso: string | undefined): string {
  if (iso === undefined) return '-';
  if (iso.startsWith('9999')) return 'never';
  return iso.slice(0, 16).replace('T', ' ');
}
