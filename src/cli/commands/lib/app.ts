// What the feed commands share: flags → Config → App, one-line errors with the right exit code, and refreshing a list
// of feeds politely with progress output.

import { type Config, ConfigError, loadConfig } from '../../../config/config.ts';
import {
  type ExtraOptions,
  type ParsedCommandArgs,
  parseCommandArgs,
  UsageError,
} from '../../../config/flags.ts';
import { hostOf, mapPool } from '../../../feed/refresh/limits.ts';
import type { RefreshReport } from '../../../feed/refresh/refresh.ts';
import { type App, createApp } from '../../../main.ts';
import { StoreError } from '../../../store/ports.ts';
import type { CliIo } from '../../command.ts';
import { EXIT } from '../../command.ts';
import { createProgress } from './progress.ts';

export interface CommandContext {
  args: ParsedCommandArgs;
  config: Config;
  io: CliIo;
  json: boolean;
}

/** Writes `earshot: <message>` as one line to stderr and returns `code`. */
export function fail(io: CliIo, message: string, code: number = EXIT.failure): number {
  io.stderr.write(`earshot: ${message.split('\n')[0]}\n`);
  return code;
}

/** Parses the arguments and the configuration; usage and configuration errors become one line and exit 64. */
export function prepare(
  args: string[],
  io: CliIo,
  extra: ExtraOptions = {},
): { ok: true; ctx: CommandContext } | { ok: false; code: number } {
  try {
    const parsed = parseCommandArgs(args, { json: { type: 'boolean' }, ...extra });
    const config = loadConfig({ env: io.env, cwd: io.cwd, flags: parsed.flags });
    return { ok: true, ctx: { args: parsed, config, io, json: parsed.values.json === true } };
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      return { ok: false, code: fail(io, error.message, EXIT.usage) };
    }
    throw error;
  }
}

/** Opens the app for the command, closes it afterwards; a store that cannot open is a one-line failure. */
export async function withApp(ctx: CommandContext, fn: (app: App) => Promise<number>): Promise<number> {
  let app: App;
  try {
    app = await createApp(ctx.config, {
      onError: (e) => ctx.io.stderr.write(`earshot: ${e instanceof Error ? e.message : String(e)}\n`),
    });
  } catch (error) {
    if (error instanceof StoreError) return fail(ctx.io, `cannot open the database: ${error.message}`);
    throw error;
  }
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

/** One line about a refresh, for people. */
export function describeReport(r: RefreshReport): string {
  switch (r.status) {
    case 'updated': {
      const parts = [`${r.inserted} new`];
      if (r.updated > 0) parts.push(`${r.updated} updated`);
      if (r.vanished > 0) parts.push(`${r.vanished} gone from the feed`);
      parts.push(`${r.episodes ?? 0} in feed`);
      if (r.problems > 0) parts.push(`${r.problems} problems`);
      if (r.movedFrom !== undefined) parts.push(`moved from ${r.movedFrom}`);
      return parts.join(', ');
    }
    case 'not-modified':
      return 'not modified (304)';
    case 'unchanged':
      return 'unchanged';
    case 'gone':
      return 'gone (410): no longer polled; episodes kept';
    case 'skipped':
      return 'skipped (gone; use --force)';
    case 'failed':
      return `${r.error?.code ?? 'failed'}: ${r.error?.message ?? ''}`.trim();
  }
}

/** Refreshes feeds with the crawler's limits, printing progress; returns the reports in input order. */
export async function refreshWithProgress(
  app: App,
  ctx: CommandContext,
  feeds: readonly { id: number; url: string }[],
  verb: string,
): Promise<{ reports: RefreshReport[]; failed: number }> {
  const progress = createProgress({ stream: ctx.io.stdout, json: ctx.json, total: feeds.length, verb });
  const force = ctx.args.values.force === true;
  const reports = await mapPool(
    feeds,
    {
      concurrency: app.config.crawler.concurrency,
      perHost: app.config.crawler.perHost,
      hostOf: (f) => hostOf(f.url),
    },
    async (feed) => {
      const r = await app.refresh(feed.id, { force });
      const ok = r.status !== 'failed' && r.status !== 'gone';
      progress.item({
        label: r.url,
        ok,
        detail: describeReport(r),
        data: {
          feedId: r.feedId,
          status: r.status,
          inserted: r.inserted,
          updated: r.updated,
          vanished: r.vanished,
          ...(r.episodes === undefined ? {} : { episodes: r.episodes }),
          ...(r.error === undefined ? {} : { error: r.error }),
          ...(r.movedFrom === undefined ? {} : { movedFrom: r.movedFrom }),
        },
      });
      return r;
    },
  );
  const inserted = reports.reduce((n, r) => n + r.inserted, 0);
  const { failed } = progress.done({ 'new episodes': inserted });
  return { reports, failed };
}
