// A cluster on one PostgreSQL: two `earshot web` and two `earshot crawl` processes (real child processes of the CLI,
// built from the sources into one file by esbuild first: it starts twice as fast as through tsx) over a loopback
// feed farm. What a user or an operator would notice:
//   - every due feed is fetched exactly once (requests counted at the farm), whichever crawler takes it;
//   - a crawler killed with SIGKILL in the middle of a fetch loses nothing: the feeds it held are fetched by the other
//     crawler once its lease runs out (EARSHOT_CRAWL_LEASE_SECONDS, short here);
//   - a Login Flow v2 started on one web process is polled and completed on the other, and a feed the phone then
//     subscribes to through it is queued by that web process and fetched once by a crawler;
//   - a password change on one web process ends the other sessions on both: web cookie, gPodder session, Basic with
//     the old password and app passwords;
//   - a show unpublished on one web process leaves the other's cached pages (home and show page).
// Skipped with the reason when EARSHOT_TEST_DATABASE_URL is unset or unreachable.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createAccount } from '../../src/services/passwords.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { startFeedServer } from '../support/feed-server.ts';
import { freePort } from '../support/package.ts';
import { postgresSkip, throwAwaySchema } from '../support/postgres.ts';

// Asked before any test is declared: a test declared after a top-level await can run after this file's hooks.
const pgSkip = await postgresSkip();

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FEEDS = 30;
/** Short, so the test sees a dead crawler's feeds taken over; long enough for a loaded machine to finish a batch. */
const LEASE_SECONDS = 10;
const PASSWORD = 'first password 1';
const NEW_PASSWORD = 'second password 2';

function rss(i: number): string {
  const day = (n: number) => new Date(Date.UTC(2026, 10, 1 + n)).toUTCString();
  const items = [1, 2]
    .map(
      (n) =>
        `<item><title>Episode ${i}.${n}</title><guid>cluster-${i}-${n}</guid><pubDate>${day(n)}</pubDate>` +
        `<enclosure url="https://media.example/${i}/${n}.mp3" type="audio/mpeg" length="1000"/></item>`,
    )
    .join('');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Clustershow ${i}</title><link>https://shows.example/${i}</link><description>Show ${i}</description>${items}</channel></rss>`;
}

interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  output(): string;
  /** Resolves when the output contains `text`. */
  saw(text: string): Promise<void>;
}

/**
 * The CLI bundled into one file (dependencies left to node_modules) in a folder of the checkout, so that the package
 * root (one folder above the code, src/package-root.ts) and node_modules are found as from src/ and dist/.
 */
async function bundleCli(): Promise<{ bin: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(ROOT, '.cluster-test-'));
  const bin = join(dir, 'bin.mjs');
  try {
    const { build } = await import('esbuild');
    await build({
      entryPoints: [join(ROOT, 'src/cli/bin.ts')],
      outfile: bin,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'warning',
    });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { bin, remove: () => rm(dir, { recursive: true, force: true }) };
}

function start(bin: string, name: string, role: 'web' | 'crawl', env: Record<string, string>): Proc {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('EARSHOT_')),
  );
  const child = spawn(process.execPath, [bin, role], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const waiting = new Set<{ text: string; resolve: () => void }>();
  const onData = (chunk: Buffer): void => {
    output += chunk.toString();
    for (const w of waiting)
      if (output.includes(w.text)) {
        waiting.delete(w);
        w.resolve();
      }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return {
    name,
    child,
    output: () => output,
    saw: (text) =>
      new Promise<void>((resolve, reject) => {
        if (output.includes(text)) return resolve();
        waiting.add({ text, resolve });
        child.once('exit', (code) =>
          reject(new Error(`${name} exited (${code}) before "${text}":\n${output}`)),
        );
      }),
  };
}

/** Asks `check` until it answers true (a slow, shared machine gets a generous deadline; never a speed assertion). */
async function until(what: string, check: () => Promise<boolean> | boolean, seconds = 60): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A browser: keeps cookies per origin, sends the CSRF token it was given. */
class Browser {
  readonly cookies = new Map<string, string>();
  async request(
    url: string,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = {
      accept: 'text/html',
      cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    };
    let body: string | undefined;
    if (init.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams({ ...init.form, _csrf: this.cookies.get('earshot_csrf') ?? '' }).toString();
    }
    const res = await fetch(url, {
      method: init.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      redirect: 'manual',
      ...(body === undefined ? {} : { body }),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    await res.arrayBuffer();
    return res;
  }
  async signIn(base: string, name: string, password: string): Promise<void> {
    await this.request(`${base}/signin`);
    const res = await this.request(`${base}/signin`, { form: { name, password } });
    assert.equal(res.status, 303, `signing in on ${base}`);
    assert.ok(this.cookies.has('earshot_session'));
  }
}

const basic = (user: string, password: string): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

test('two web and two crawl processes on one PostgreSQL: exactly-once fetches, a killed crawler, sign-in state anywhere', {
  skip: pgSkip ?? false,
  timeout: 180_000,
}, async (t) => {
  const cli = await bundleCli();
  const farm = await startFeedServer();
  const schema = await throwAwaySchema();
  const procs: Proc[] = [];
  let store: Store | undefined;
  let passed = false;
  t.after(async () => {
    // What the processes said, when something went wrong (their warnings and errors only).
    if (!passed) for (const p of procs) t.diagnostic(`${p.name}:\n${p.output()}`);
    for (const p of procs)
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(
      procs.map((p) =>
        p.child.exitCode !== null || p.child.signalCode !== null
          ? undefined
          : new Promise((r) => p.child.once('exit', r)),
      ),
    );
    await store?.close();
    await farm.close();
    await schema.drop();
    await cli.remove();
  });

  // The farm: FEEDS feeds answered at once, and one whose first request is held open (a crawler mid-fetch).
  const feeds = farm.farm(
    '/farm',
    Array.from({ length: FEEDS }, (_, i) => new TextEncoder().encode(rss(i))),
    FEEDS,
  );
  const heldPath = '/held.xml';
  let heldBy: string | undefined;
  farm.route('/from-a-phone.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss(FEEDS + 1));
  });
  farm.route(heldPath, (req, res) => {
    if (heldBy === undefined) {
      heldBy = req.headers['user-agent'] ?? '';
      return; // never answered: the crawler that sent it is killed in the middle of it
    }
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss(FEEDS));
  });

  // The database: migrated, an admin account, every feed due now (before any crawler starts: one window).
  store = await openStore({ dataDir: '/nonexistent', databaseUrl: schema.url });
  const alice = await createAccount(store.listeners.users, { name: 'alice', password: PASSWORD }, new Date());
  assert.equal(alice.isAdmin, true, 'the first account is the admin');
  const now = new Date();
  const ids: number[] = [];
  for (let i = 0; i < FEEDS; i++) ids.push((await store.feeds.add(feeds.url(i), now)).feed.id);
  const heldId = (await store.feeds.add(farm.url(heldPath), now)).feed.id;

  const common = {
    EARSHOT_DATABASE_URL: schema.url,
    EARSHOT_DEMO: '0',
    EARSHOT_ALLOW_PRIVATE_FEEDS: '1',
    EARSHOT_LOG_LEVEL: 'warn',
    EARSHOT_HOST: '127.0.0.1',
    EARSHOT_SIGN_IN_MAX_DELAY_MS: '0',
  };
  const [port1, port2] = [await freePort(), await freePort()];
  const web1 = `http://127.0.0.1:${port1}`;
  const web2 = `http://127.0.0.1:${port2}`;
  // Each crawler names itself in its User-Agent (through its public URL), so the farm can tell them apart.
  const crawlEnv = (name: string) => ({
    ...common,
    EARSHOT_PUBLIC_URL: `http://${name}.cluster.test`,
    EARSHOT_CRAWL_LEASE_SECONDS: String(LEASE_SECONDS),
    // Fewer refreshes at once than the pool's 10 connections: on a loaded machine a refresh queued for a connection
    // longer than the pool's 5 s connect timeout would fail (and be recorded as the feed's failure).
    EARSHOT_CRAWL_CONCURRENCY: '6',
    EARSHOT_CRAWL_PER_HOST: '6',
  });
  procs.push(
    start(cli.bin, 'web1', 'web', { ...common, EARSHOT_PORT: String(port1) }),
    start(cli.bin, 'web2', 'web', { ...common, EARSHOT_PORT: String(port2) }),
    start(cli.bin, 'crawl-a', 'crawl', crawlEnv('crawl-a')),
    start(cli.bin, 'crawl-b', 'crawl', crawlEnv('crawl-b')),
  );
  await Promise.all(procs.map((p) => p.saw('Earshot ')));

  // ---- the crawlers: every due feed once; the one holding the open fetch is killed mid-refresh ----
  await until('the held feed to be requested', () => heldBy !== undefined);
  const stored = async (feedIds: number[]) =>
    (await store?.feeds.getMany(feedIds))?.every((f) => f.lastSuccessAt !== undefined) === true;
  await until('every answered feed to be stored', () => stored(ids));
  const holder = procs.find((p) => p.name !== 'web1' && p.name !== 'web2' && heldBy?.includes(p.name));
  assert.ok(holder, `a crawler sent the held request (User-Agent ${heldBy})`);
  holder.child.kill('SIGKILL');
  await new Promise((r) => holder.child.once('exit', r));
  const survivor = holder.name === 'crawl-a' ? 'crawl-b' : 'crawl-a';

  // ---- the web processes, while the dead crawler's lease runs out ----
  // Login Flow v2: started on web1, polled and completed on web2.
  const flow = (await (await fetch(`${web1}/index.php/login/v2`, { method: 'POST' })).json()) as {
    poll: { token: string };
    login: string;
  };
  const pollOn = (base: string) =>
    fetch(`${base}/index.php/login/v2/poll`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${encodeURIComponent(flow.poll.token)}`,
    });
  assert.equal((await pollOn(web2)).status, 404, 'pending on the other process too');
  const loginPath = new URL(flow.login).pathname;
  assert.equal(
    (await fetch(`${web2}${loginPath}`)).status,
    200,
    'the sign-in page opens on the other process',
  );
  const granted = await fetch(`${web2}${loginPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ user: 'alice', password: PASSWORD }).toString(),
  });
  assert.equal(granted.status, 200);
  const polled = await pollOn(web2);
  assert.equal(polled.status, 200);
  const { appPassword, loginName } = (await polled.json()) as { appPassword: string; loginName: string };
  assert.equal(loginName, 'alice');

  const subscriptions = '/index.php/apps/gpoddersync/subscriptions';
  const status = async (url: string, headers: Record<string, string>) => {
    const res = await fetch(url, { headers, redirect: 'manual' });
    await res.arrayBuffer();
    return res.status;
  };
  assert.equal(await status(`${web1}${subscriptions}`, basic('alice', appPassword)), 200, 'app password');
  // A phone subscribes to a feed new to the catalogue: the web process queues its first fetch, a crawler takes it.
  const phoneFeed = farm.url('/from-a-phone.xml');
  const uploaded = await fetch(`${web1}/index.php/apps/gpoddersync/subscription_change/create`, {
    method: 'POST',
    headers: { ...basic('alice', appPassword), 'content-type': 'application/json' },
    body: JSON.stringify({ add: [phoneFeed], remove: [] }),
  });
  assert.equal(uploaded.status, 200);
  assert.equal(await status(`${web2}${subscriptions}`, basic('alice', PASSWORD)), 200, 'account password');
  const login = await fetch(`${web2}/api/2/auth/alice/login.json`, {
    method: 'POST',
    headers: basic('alice', PASSWORD),
  });
  assert.equal(login.status, 200);
  const gpodderCookie =
    login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0] ?? '')
      .find((c) => c.startsWith('sessionid=')) ?? '';
  assert.match(gpodderCookie, /^sessionid=/);
  assert.equal(await status(`${web1}/api/2/devices/alice.json`, { cookie: gpodderCookie }), 200);

  // A browser signed in on web1 is signed in on web2; a second browser changes the password on web2.
  const first = new Browser();
  await first.signIn(web1, 'alice', PASSWORD);
  assert.equal((await first.request(`${web2}/account`)).status, 200, 'web1’s session is known to web2');
  const second = new Browser();
  await second.signIn(web2, 'alice', PASSWORD);
  const changed = await second.request(`${web2}/account/password`, {
    form: { current: PASSWORD, password: NEW_PASSWORD },
  });
  assert.equal(changed.status, 303, 'password changed');

  assert.notEqual((await first.request(`${web1}/account`)).status, 200, 'the other browser is signed out');
  assert.equal(await status(`${web1}${subscriptions}`, basic('alice', appPassword)), 401, 'app password');
  assert.equal(await status(`${web2}${subscriptions}`, basic('alice', PASSWORD)), 401, 'old password');
  assert.equal(await status(`${web1}/api/2/devices/alice.json`, { cookie: gpodderCookie }), 401, 'gPodder');
  assert.equal(await status(`${web1}${subscriptions}`, basic('alice', NEW_PASSWORD)), 200, 'new password');
  assert.equal((await second.request(`${web1}/account`)).status, 200, 'the changing browser stays signed in');

  // A show unpublished on web1 leaves web2's cached pages (the home page's rail is cached for a minute).
  const anonymous = async (base: string, path: string) => {
    const res = await fetch(`${base}${path}`);
    return { status: res.status, html: await res.text() };
  };
  const listed = /Clustershow (\d+)</.exec((await anonymous(web2, '/')).html)?.[1];
  assert.ok(listed !== undefined, 'the home page lists the crawled shows');
  // Shows 0…FEEDS-1 are the farm's; show FEEDS is the held feed's, listed too once the other crawler fetched it.
  const feedId = [...ids, heldId][Number(listed)] ?? 0;
  const show = await store.shows.getByFeed(feedId);
  assert.ok(show);
  assert.equal((await anonymous(web2, `/shows/${show.id}`)).status, 200);
  const unpublished = await second.request(`${web1}/admin/visibility`, {
    form: { feed: String(feedId), visibility: 'private' },
  });
  assert.equal(unpublished.status, 303);
  await until(
    'web2 to stop showing the unpublished show',
    async () => {
      const page = await anonymous(web2, `/shows/${show.id}`);
      const home = await anonymous(web2, '/');
      return page.status === 404 && !home.html.includes(`Clustershow ${listed}<`);
    },
    30,
  );

  // ---- the killed crawler's feed: fetched by the other once the lease ran out; nothing else twice ----
  await until('the held feed to be fetched by the surviving crawler', () => stored([heldId]));
  const fromPhone = await store.feeds.findByUrl(phoneFeed);
  assert.ok(fromPhone, 'the phone’s feed joined the catalogue');
  await until('a crawler to fetch the feed the phone added', () => stored([fromPhone.id]));
  assert.equal(farm.requestsFor('/from-a-phone.xml').length, 1, 'its queued first fetch, once');
  const held = farm.requestsFor(heldPath);
  assert.equal(held.length, 2, 'the killed fetch and the one after the lease');
  assert.match(held[1]?.headers['user-agent'] ?? '', new RegExp(survivor));
  const counts = ids.map((_, i) => farm.requestsFor(`/farm/${i}.xml`).length);
  assert.deepEqual(
    counts,
    ids.map(() => 1),
    'every due feed fetched exactly once',
  );
  assert.equal((await store.shows.getByFeed(heldId))?.title, `Clustershow ${FEEDS}`);
  passed = true;
});
