// `earshot web`: the web pages, the API and sync, without the crawler (a cluster's web process).
import { CONFIG_FLAGS_USAGE } from '../../config/flags.ts';
import type { Command } from '../command.ts';
import { runRole } from './lib/role.ts';

export const web: Command = {
  name: 'web',
  summary: 'run the web server only: pages, API and sync, no crawler (a cluster on PostgreSQL)',
  usage: `Usage: earshot web [options]

Starts the web pages, the API and gPodder/Nextcloud sync, without the crawler: feeds are fetched by \`earshot crawl\`
processes (feeds added here are queued for them). Any number of web processes may run against one PostgreSQL
database behind a reverse proxy: sessions, sign-in limits, Login Flow v2 and cache invalidation live in the
database, so any process answers any request (docs/deploy.md). Stops gracefully on SIGTERM or SIGINT.

${CONFIG_FLAGS_USAGE}`,

  run: (args, io) => runRole('web', args, io),
};
