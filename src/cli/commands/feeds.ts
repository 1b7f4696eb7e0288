// `earshot feeds`: every feed with its health.
import { CONFIG_FLAGS_USAGE } from '../../config/flags.ts';
import { notModifiedShare, withoutCredentials } from '../../domain/feed.ts';
import type { App } from '../../main.ts';
import type { FeedListing } from '../../store/ports.ts';
import { REMOVE_FEED_EFFECT } from '../../views/admin.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../command.ts';
import { type CommandContext, describeReport, fail, prepare, withApp } from './lib/app.ts';

export const feeds: Command = {
  name: 'feeds',
  summary: 'list feeds with their health; remove, pause, resume, refresh, publish or unpublish one',
  usage: `Usage: earshot feeds [--json]
       earshot feeds remove <id>
       earshot feeds pause <id>
       earshot feeds resume <id>
       earshot feeds refresh <id>
       earshot feeds publish <id>
       earshot feeds unpublish <id>

Without an action: one line per feed: status, episodes, last fetch, next check, error streak and last error,
share of 304 answers, problems, whether it is public, id, title and URL. A feed a listener added from a phone or
an OPML import is private to the listeners who follow it until it is published.

  remove     ${REMOVE_FEED_EFFECT}
  pause      the crawler skips the feed until it is resumed (its show and episodes stay)
  resume     the feed is due again at once
  refresh    fetch it now, paused or not (exit status 1 when the fetch failed)
  publish    put the feed (and its show) in the public catalogue
  unpublish  make it private again: only its followers and admins see it

${CONFIG_FLAGS_USAGE}`,

  async run(args, io) {
    const prepared = prepare(args, io);
    if (!prepared.ok) return prepared.code;
    const { ctx } = prepared;
    const [action, id, ...extra] = ctx.args.positionals;
    if (action !== undefined) {
      if (
        !ACTIONS.includes(action as Action) ||
        id === undefined ||
        extra.length > 0 ||
        !/^\d{1,15}$/.test(id)
      )
        return fail(
          io,
          'usage: earshot feeds (remove|pause|resume|refresh|publish|unpublish) <id> (ids: earshot feeds)',
          EXIT.usage,
        );
      // Checked against ACTIONS just above.
      return withApp(ctx, (app) => feedAction(app, ctx, action as Action, Number(id)));
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
          f.pausedAt !== undefined
            ? 'paused'
            : f.status === 'gone'
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
          String(f.id),
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

const ACTIONS = ['remove', 'pause', 'resume', 'refresh', 'publish', 'unpublish'] as const;
type Action = (typeof ACTIONS)[number];

async function feedAction(app: App, ctx: CommandContext, action: Action, id: number): Promise<number> {
  const { io } = ctx;
  const feed = await app.store.feeds.get(id);
  if (feed === undefined) return fail(io, `no feed ${id} (ids: earshot feeds)`);
  const now = new Date();
  // Credentials in a feed URL are for fetching only, never shown, not even to the operator.
  const url = withoutCredentials(feed.url);
  switch (action) {
    case 'remove':
      await app.store.feeds.remove(id);
      io.stdout.write(
        `removed ${url}: its show, episodes and listeners' follows and progress; sync history kept\n`,
      );
      return EXIT.ok;
    case 'pause':
      await app.store.feeds.setPaused(id, true, now);
      io.stdout.write(`paused ${url}: the crawler skips it until \`earshot feeds resume ${id}\`\n`);
      return EXIT.ok;
    case 'resume':
      await app.store.feeds.setPaused(id, false, now);
      io.stdout.write(`resumed ${url}: due now\n`);
      return EXIT.ok;
    case 'refresh': {
      const report = await app.refresh(id, { force: true });
      io.stdout.write(`${url}: ${describeReport(report)}\n`);
      return report.status === 'failed' ? EXIT.failure : EXIT.ok;
    }
    case 'publish':
    case 'unpublish': {
      const visibility = action === 'publish' ? 'public' : 'private';
      await app.store.feeds.setVisibility(id, visibility);
      io.stdout.write(`feed ${id} is ${visibility} now: ${url}\n`);
      return EXIT.ok;
    }
  }
}
