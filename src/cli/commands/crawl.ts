// `earshot crawl`: the crawler only, no web server (a cluster's crawl process).
import { CONFIG_FLAGS_USAGE } from '../../config/flags.ts';
import type { Command } from '../command.ts';
import { runRole } from './lib/role.ts';

export const crawl: Command = {
  name: 'crawl',
  summary: 'run the crawler only, no web server (a cluster on PostgreSQL)',
  usage: `Usage: earshot crawl [options]

Fetches feeds when they are due and the "refresh now" jobs web processes queue; serves no pages. Any number of crawl
processes may share one PostgreSQL database: each leases a batch of due feeds (FOR UPDATE SKIP LOCKED), and feeds a
crawler took and never finished (it was killed) go to the others after EARSHOT_CRAWL_LEASE_SECONDS (900). The only
HTTP it answers is /metrics and /healthz on EARSHOT_METRICS_PORT when --metrics is on. Stops gracefully on SIGTERM
or SIGINT: refreshes in flight finish their transaction.

${CONFIG_FLAGS_USAGE}`,

  run: (args, io) => runRole('crawl', args, io),
};
