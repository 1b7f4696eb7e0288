// `earshot serve`: the web server and the crawler in one process (what `npm start` runs).
import { CONFIG_FLAGS_USAGE } from '../../config/flags.ts';
import type { Command } from '../command.ts';
import { runRole } from './lib/role.ts';

export const serve: Command = {
  name: 'serve',
  summary: 'run the web server and the crawler (what `npm start` runs)',
  usage: `Usage: earshot serve [options]

Starts the web pages, the API and the crawler in one process. On a fresh, empty database the demo catalogue is
loaded first (turn off with --no-demo). Stops gracefully on SIGTERM or SIGINT: no new refreshes start, the ones in
flight finish their transaction, then the server closes. On PostgreSQL the same work can be split over several
processes: \`earshot web\` and \`earshot crawl\` (docs/deploy.md).

${CONFIG_FLAGS_USAGE}`,

  run: (args, io) => runRole('serve', args, io),
};
