// `earshot directory search <terms>…`: searches the configured podcast directories (Podcast Index, Apple) and prints
// one line per show found, marking those already in the catalogue; `earshot add <feed URL>` then adds one.
import { CONFIG_FLAGS_USAGE } from '../../config/flags.ts';
import { directoryFromConfig, MAX_TERMS_LENGTH } from '../../directory/index.ts';
import { withoutCredentials } from '../../domain/feed.ts';
import { markInCatalogue } from '../../services/find-podcasts.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../command.ts';
import { fail, prepare, withApp } from './lib/app.ts';

const SOURCE_LABELS = { 'podcast-index': 'Podcast Index', apple: 'Apple' } as const;

export const directory: Command = {
  name: 'directory',
  summary: 'search podcast directories (Podcast Index, Apple) for shows to add',
  usage: `Usage: earshot directory search <terms>… [--json]

Searches the configured podcast directories and prints one line per show found: whether it is here already
("here", with its feed id), its title, author, episode count, feed URL and the directories that list it. Add one with
\`earshot add <feed URL>\`. A directory that fails is named on standard error; exit status 1 when none answered.

The Podcast Index is searched when EARSHOT_PODCASTINDEX_KEY and EARSHOT_PODCASTINDEX_SECRET are set; Apple's
directory when EARSHOT_APPLE_SEARCH=on.

  --json   one JSON object per show, then none: problems go to standard error

${CONFIG_FLAGS_USAGE}`,

  async run(args, io) {
    const prepared = prepare(args, io);
    if (!prepared.ok) return prepared.code;
    const { ctx } = prepared;
    const [action, ...words] = ctx.args.positionals;
    const terms = words.join(' ').trim();
    if (action !== 'search' || terms === '') {
      return fail(io, 'usage: earshot directory search <terms>…', EXIT.usage);
    }
    if (terms.length > MAX_TERMS_LENGTH) {
      return fail(io, `the search is too long (${MAX_TERMS_LENGTH} characters at most)`, EXIT.usage);
    }
    return withApp(ctx, async (app) => {
      const dir = directoryFromConfig(app.config.directory, app.fetcher);
      if (dir.sources.length === 0) {
        return fail(
          io,
          'no podcast directory is configured: set EARSHOT_PODCASTINDEX_KEY and EARSHOT_PODCASTINDEX_SECRET, or EARSHOT_APPLE_SEARCH=on',
        );
      }
      const found = await dir.search(terms);
      for (const p of found.problems) {
        io.stderr.write(`earshot: ${SOURCE_LABELS[p.source]}: ${p.message} (${p.code})\n`);
      }
      // The operator sees the whole catalogue, private feeds included.
      const marked = await markInCatalogue(app.store, undefined, found.results, { isAdmin: true });
      for (const { result, mark } of marked) {
        const url = withoutCredentials(result.feedUrl);
        const sources = result.sources.map((s) => SOURCE_LABELS[s]);
        if (ctx.json) {
          io.stdout.write(
            `${JSON.stringify({ ...result, feedUrl: url, ...(mark === undefined ? {} : { feedId: mark.feedId }) })}\n`,
          );
          continue;
        }
        const here = mark === undefined ? '-' : `here:${mark.feedId}`;
        const who = result.author === undefined ? '' : ` — ${result.author}`;
        const count = result.episodeCount === undefined ? '' : ` (${result.episodeCount} episodes)`;
        io.stdout.write(`${here}  ${result.title}${who}${count}  ${url}  [${sources.join(', ')}]\n`);
      }
      if (!ctx.json && marked.length === 0 && found.problems.length < found.asked.length) {
        io.stdout.write(`No podcasts found for "${terms}".\n`);
      }
      return found.problems.length === found.asked.length ? EXIT.failure : EXIT.ok;
    });
  },
};
