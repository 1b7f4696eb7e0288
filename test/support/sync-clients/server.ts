// An in-process Earshot sync server on a loopback port for the real-client tests: a real SQLite store with the
// catalogue, listener and sync tables, a seeded show, and either the gPodder plugin alone or the whole web server
// with the plugin registered (for web ↔ phone end-to-end tests).
import Fastify, { type FastifyInstance } from 'fastify';
import { gpodderPlugin } from '../../../src/http/gpodder/plugin.ts';
import { createAccount } from '../../../src/services/passwords.ts';
import { createSyncService } from '../../../src/services/sync-service.ts';
import type { ListenerStore } from '../../../src/store/listener-ports.ts';
import type { Store } from '../../../src/store/ports.ts';
import { connect } from '../../../src/store/sql/connect.ts';
import { createListenerRepositories } from '../../../src/store/sql/listeners.ts';
import { migrate } from '../../../src/store/sql/migrate.ts';
import { SqlStore } from '../../../src/store/sql/store.ts';
import type { SyncRepository } from '../../../src/store/sync-ports.ts';
import type { SyncService } from '../../../src/sync/service.ts';
import { sqliteImage } from '../sqlite-image.ts';
import { allMigrations } from '../store-contract-sync.ts';

export interface SeededEpisode {
  id: number;
  guid: string;
  enclosureUrl: string;
  durationSeconds: number;
}

export interface SyncTestServer {
  baseUrl: string;
  port: number;
  store: Store;
  listeners: ListenerStore;
  repo: SyncRepository;
  sync: SyncService;
  app: FastifyInstance;
  /** Every request answered, in order: to prove which calls carried Basic and which only the cookie. */
  requests: { method: string; url: string; status: number; auth: boolean; cookie: boolean }[];
  /** The seeded show's feed URL and episodes. */
  feedUrl: string;
  episodes: SeededEpisode[];
  close(): Promise<void>;
}

export const TEST_USER = { name: 'alice', password: 'correct horse battery' };

/**
 * Starts a server on 127.0.0.1 with one listener (TEST_USER) and one show of three episodes. `signInMaxDelayMs`
 * caps the slow-down of a name under attack (EARSHOT_SIGN_IN_MAX_DELAY_MS; 2 s by default).
 */
export async function startSyncServer(
  options: { web?: boolean; database?: string; signInMaxDelayMs?: number } = {},
): Promise<SyncTestServer> {
  const { db, dialect } = await connect(
    options.database ?? ':memory:',
    options.database === undefined ? await sqliteImage() : undefined,
  );
  await migrate(db, dialect, allMigrations);
  const store = new SqlStore(db, dialect, false);
  const listeners = createListenerRepositories(db, dialect);
  const repo = store.sync;
  const now = new Date();
  await createAccount(listeners.users, { name: TEST_USER.name, password: TEST_USER.password }, now);
  await createAccount(listeners.users, { name: 'bob', password: 'bob password' }, now);

  const feedUrl = 'http://podcasts.example/history/feed.xml';
  const { feed } = await store.feeds.add(feedUrl, now);
  await store.feeds.addAlias(feed.id, 'http://old.example/history.rss', 'redirect', now);
  const { show } = await store.shows.upsert(
    feed.id,
    { format: 'rss', title: 'Stuff You Missed', link: 'http://podcasts.example/history' },
    now,
  );
  const items = [1, 2, 3].map((n) => ({
    guid: `history-ep-${n}`,
    guidSource: 'guid' as const,
    title: `Episode ${n}`,
    publishedAt: new Date(Date.UTC(2024, 0, n)).toISOString(),
    durationSeconds: 1800 + n,
    enclosure: { url: `http://cdn.example/history/${n}.mp3?tracking=abc`, type: 'audio/mpeg' },
  }));
  await store.episodes.upsertForShow(show.id, items, { now, complete: true });
  const episodes: SeededEpisode[] = [];
  for (const item of items) {
    const stored = await store.episodes.findByGuid(show.id, item.guid);
    if (stored === undefined) throw new Error(`seeding failed for ${item.guid}`);
    episodes.push({
      id: stored.id,
      guid: item.guid,
      enclosureUrl: item.enclosure.url,
      durationSeconds: item.durationSeconds,
    });
  }

  const sync = createSyncService({
    store,
    repo,
    users: listeners.users,
    library: listeners.library,
    ...(options.signInMaxDelayMs === undefined ? {} : { signInMaxDelayMs: options.signInMaxDelayMs }),
  });
  const requests: SyncTestServer['requests'] = [];
  const record = (root: FastifyInstance) =>
    root.addHook('onResponse', async (req, reply) => {
      requests.push({
        method: req.method,
        url: req.url,
        status: reply.statusCode,
        auth: req.headers.authorization !== undefined,
        cookie: /(^|;\s*)sessionid=/.test(req.headers.cookie ?? ''),
      });
    });
  let app: FastifyInstance;
  if (options.web === true) {
    const { createServer } = await import('../../../src/http/server.ts');
    app = await createServer({
      store,
      listeners,
      config: {},
      sync,
      plugins: [
        async (root) => {
          record(root);
          await root.register(gpodderPlugin, { sync });
        },
      ],
    });
  } else {
    app = Fastify();
    record(app);
    await app.register(gpodderPlugin, { sync });
  }
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    port: address.port,
    store,
    listeners,
    repo,
    sync,
    app,
    requests,
    feedUrl,
    episodes,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}
