import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { migratedSchema, postgresSkip } from '../../test/support/postgres.ts';
import { openStore, type Store } from '../store/index.ts';
import { DAY_MS, ListenerQuota, QuotaError, type QuotaPorts, quotaPortsFrom } from './listener-quota.ts';
import { createAccount } from './passwords.ts';
import { createSyncService } from './sync-service.ts';

// Asked before any test is declared: a test declared after a top-level await can run after this file's hooks.
const pgSkip = await postgresSkip();

const NOW = new Date('2026-03-01T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

/** A listener following `followed` feeds (ids 1…n), with `added` new-feed times, and a catalogue of feeds 1…100. */
function quota(options: { followed?: number; added?: string[]; admin?: boolean; maxFollows?: number }) {
  const followed = Array.from({ length: options.followed ?? 0 }, (_, i) => i + 1);
  const ports: QuotaPorts = {
    isExempt: async () => options.admin === true,
    followedFeedIds: async () => followed,
    subscriptions: async () => followed.map((id) => ({ url: `https://known.example/${id}`, feedId: id })),
    feedIdOf: async (url) => {
      const m = /^https:\/\/known\.example\/(\d+)$/.exec(url);
      return m === null ? undefined : Number(m[1]);
    },
    addedSince: async (_user, since) => (options.added ?? []).filter((t) => t >= since.toISOString()),
  };
  return new ListenerQuota(ports, { maxFollows: options.maxFollows ?? 5, maxNewFeedsPerDay: 3 }, () => NOW);
}
const known = (id: number) => `https://known.example/${id}`;
const fresh = (n: number) => Array.from({ length: n }, (_, i) => `https://new.example/${i}`);

async function refusal(p: Promise<void>): Promise<QuotaError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof QuotaError, `expected a QuotaError, got ${String(error)}`);
  return error;
}

describe('ListenerQuota', () => {
  it('counts distinct feeds: a URL of a feed already followed adds nothing', async () => {
    await quota({ followed: 5 }).check(1, { addUrls: [known(1), known(2)], followFeedIds: [3] });
    const e = await refusal(quota({ followed: 5 }).check(1, { addUrls: [known(6)] }));
    assert.equal(e.code, 'forbidden');
    assert.equal(e.setting, 'EARSHOT_MAX_FOLLOWS');
    assert.match(
      e.message,
      /follows 5 feeds; this change would take it past 5.*EARSHOT_MAX_FOLLOWS.*Nothing/,
    );
    await refusal(quota({ followed: 5 }).check(1, { followFeedIds: [6] }));
  });

  it('allows a swap at the limit, and removals even over it (a lowered limit)', async () => {
    await quota({ followed: 5 }).check(1, { addUrls: [known(6)], removeUrls: [known(1)] });
    await quota({ followed: 8 }).check(1, { removeUrls: [known(1)] });
    await quota({ followed: 8 }).check(1, { addUrls: [known(9)], removeUrls: [known(1), known(2)] });
  });

  it('feeds new to the catalogue: a batch bigger than a day is 403, one that fits later is 429 with Retry-After', async () => {
    const big = await refusal(quota({ maxFollows: 100 }).check(1, { addUrls: fresh(4) }));
    assert.equal(big.code, 'forbidden');
    assert.equal(big.setting, 'EARSHOT_MAX_NEW_FEEDS_PER_DAY');
    assert.equal(big.retryAfterSeconds, undefined);
    // Used: one 20 h ago, one 2 h ago. Two more need the 20-hour-old one gone: 4 hours from now.
    const added = [ago(20 * 3600_000), ago(2 * 3600_000)];
    const later = await refusal(quota({ added, maxFollows: 100 }).check(1, { addUrls: fresh(2) }));
    assert.equal(later.code, 'rate-limited');
    assert.equal(later.retryAfterSeconds, 4 * 3600);
    assert.match(
      later.message,
      /brought 2 feeds new .* 2 more; .* at most 3 feeds a day .* try again in 4 h 0 min/,
    );
    await quota({ added, maxFollows: 100 }).check(1, { addUrls: [...fresh(1), known(50)] });
    // Older than a day no longer counts.
    await quota({ added: [ago(DAY_MS + 1), ago(DAY_MS + 2)], maxFollows: 100 }).check(1, {
      addUrls: fresh(3),
    });
    assert.equal(await quota({ added }).newFeedAllowance(1), 1);
  });

  it('administrators are exempt', async () => {
    const admin = quota({ followed: 5, admin: true, added: [ago(1), ago(2), ago(3)] });
    await admin.check(1, { addUrls: fresh(50) });
    assert.equal(await admin.newFeedAllowance(1), Number.POSITIVE_INFINITY);
  });
});

// Two web processes of a cluster: two stores (two connection pools) on one PostgreSQL schema, each with its own
// sync service, as `earshot web` builds them. Uploads of one listener reaching both at once must not both pass.
it('two web processes on one PostgreSQL: simultaneous uploads of one listener cannot both pass the follow limit', {
  skip: pgSkip ?? false,
}, async () => {
  const schema = await migratedSchema();
  const stores: Store[] = [];
  try {
    for (let i = 0; i < 2; i++)
      stores.push(await openStore({ dataDir: '/nonexistent', databaseUrl: schema.url }));
    const [a, b] = stores;
    assert.ok(a !== undefined && b !== undefined);
    await createAccount(a.listeners.users, { name: 'root', password: 'root password' }, NOW); // the admin
    const listener = await createAccount(a.listeners.users, { name: 'pat', password: 'pat password' }, NOW);
    const services = stores.map((store) =>
      createSyncService({
        store,
        repo: store.sync,
        users: store.listeners.users,
        library: store.listeners.library,
        quota: new ListenerQuota(quotaPortsFrom(store), { maxFollows: 3, maxNewFeedsPerDay: 100 }, () => NOW),
      }),
    );
    const uploads = await Promise.allSettled(
      services.flatMap((sync, s) =>
        [0, 1, 2].map((u) =>
          sync.uploadSubscriptions(listener.id, `phone-${s}-${u}`, {
            add: [0, 1].map((n) => `https://feeds.example/${s}-${u}-${n}.xml`),
            remove: [],
          }),
        ),
      ),
    );
    assert.equal(
      uploads.filter((u) => u.status === 'fulfilled').length,
      1,
      'one upload of two feeds fits in 3',
    );
    assert.ok(uploads.every((u) => u.status === 'fulfilled' || u.reason instanceof QuotaError));
    assert.equal((await a.sync.subscriptions(listener.id)).length, 2);
  } finally {
    for (const store of stores) await store.close();
    await schema.drop();
  }
});
