// `earshot export-opml --user <name>`: a listener's subscriptions as OPML 2.0 on standard output.
import { CONFIG_FLAGS_USAGE } from '../../config/flags.ts';
import { createSyncService } from '../../services/sync-service.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../command.ts';
import { fail, prepare, withApp } from './lib/app.ts';

export const exportOpml: Command = {
  name: 'export-opml',
  summary: "print a listener's subscriptions as OPML 2.0",
  usage: `Usage: earshot export-opml --user <name> [> subscriptions.opml]

Writes the listener's subscription list (what their phones and the web follow) as OPML 2.0 in UTF-8.

${CONFIG_FLAGS_USAGE}`,

  async run(args, io) {
    const prepared = prepare(args, io, { user: { type: 'string' } });
    if (!prepared.ok) return prepared.code;
    const { ctx } = prepared;
    const name = ctx.args.values.user;
    if (typeof name !== 'string' || ctx.args.positionals.length > 0) {
      return fail(io, 'usage: earshot export-opml --user <name>', EXIT.usage);
    }
    return withApp(ctx, async (app) => {
      const user = await app.store.listeners.users.findByName(name);
      if (user === undefined) return fail(io, `no user named ${name}`);
      const sync = createSyncService({
        store: app.store,
        repo: app.store.sync,
        users: app.store.listeners.users,
        library: app.store.listeners.library,
      });
      io.stdout.write(await sync.exportOpml(user.id, `${user.name}'s subscriptions`));
      return EXIT.ok;
    });
  },
};
