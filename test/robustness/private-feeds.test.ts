// Private feeds (issue 12, finding 2) and JSONP callbacks (finding 12) over the real server. A listener's phone
// uploads a premium feed whose URL carries her token; once the crawler has fetched it (its show, episodes and a person
// credited only there exist), every registered route is probed — pages, /api/v1, the gPodder and Nextcloud paths,
// the directory (toplist, search, suggestions) — as an anonymous visitor, as another listener's browser and as his
// sync app, with the private show's, episode's and person's ids in every id slot and the feed's words in every
// query. None may receive the URL, its token, or the show's, episode's or person's names; the owner and the admin see
// the show, and nobody is ever shown `user:pass@`.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ingestFeedBody } from '../../src/feed/refresh/ingest.ts';
import type { Targets } from './hostile.ts';
import { addListener, type Booted, basic, bootRealServer, type RouteInfo, webSession } from './server.ts';
import {
  describe as explain,
  identitiesFor,
  type Outcome,
  paramsOf,
  type SweepContext,
  sendOne,
} from './sweep.ts';
import { readCatalogue, type Seeded, webAuth } from './world.ts';

const TOKEN = 'tok4Secret8Zq';
const PATH_TOKEN = 'Tk9aZ81xQ7mPL2rVw';
const PRIVATE_URL = `https://premium-zq.example/p/${PATH_TOKEN}/feed.xml?auth=${TOKEN}`;
const TITLE = 'Zyxwv Patron Hour';
const EPISODE_TITLE = 'Qwertz Bonus Episode';
const ENCLOSURE_TOKEN = 'encTok7Vv3Ww';
const HOST_NAME = 'Quintessa Privatehost';
/** Strings only the private feed's followers (and admins) may ever receive. */
const SECRETS = [PRIVATE_URL, TOKEN, PATH_TOKEN, TITLE, EPISODE_TITLE, ENCLOSURE_TOKEN, HOST_NAME];

function feedXml(title: string, url: string, enclosureToken: string, person?: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel><title>${title}</title><link>https://premium-zq.example/</link><description>${title} for patrons</description>
<atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="self" href="${url.replaceAll('&', '&amp;')}"/>
${person === undefined ? '' : `<podcast:person role="host">${person}</podcast:person>`}
<item><title>${EPISODE_TITLE} of ${title}</title><guid>bonus-1-${enclosureToken}</guid><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>
<enclosure url="https://premium-zq.example/audio/1.mp3?t=${enclosureToken}" length="1000" type="audio/mpeg"/>
${person === undefined ? '' : `<podcast:person role="guest">${person}</podcast:person>`}</item>
</channel></rss>`;
}

/** What the crawler would store after fetching `url` (the feed is on no network here). */
async function fetched(
  booted: Booted,
  url: string,
  xml: string,
): Promise<{ showId: number; episodeId: number }> {
  const { store } = booted.app;
  const feed = await store.feeds.findByUrl(url);
  assert.ok(feed !== undefined, `${url} is a feed`);
  const now = new Date('2024-02-01T00:00:00Z');
  await store.transaction((tx) => ingestFeedBody(tx, feed.id, [new TextEncoder().encode(xml)], { url, now }));
  const show = await store.shows.getByFeed(feed.id);
  assert.ok(show !== undefined, 'the fetch stored a show');
  const page = await store.episodes.listForShow(show.id);
  const episodeId = page.items[0]?.id;
  assert.ok(episodeId !== undefined, 'the fetch stored an episode');
  return { showId: show.id, episodeId };
}

const booted = await bootRealServer();
after(() => booted.close());
const { store } = booted.app;
const s = booted.server;

const admin = await addListener(booted, 'root', 'root password, long enough', true);
const alice = await addListener(booted, 'alice', 'alice password, long enough');
const bravo = await addListener(booted, 'bravo', 'bravo password, long enough');
const catalogue = await readCatalogue(booted);
const aliceApp = { authorization: basic(alice.name, alice.password) };

// Alice's phone subscribes to her premium feed; the crawler fetches it.
const upload = await s.inject({
  method: 'POST',
  url: `/api/2/subscriptions/${alice.name}/phone.json`,
  headers: aliceApp,
  payload: { add: [PRIVATE_URL], remove: [] },
});
assert.equal(upload.statusCode, 200, upload.body);
const priv = await fetched(booted, PRIVATE_URL, feedXml(TITLE, PRIVATE_URL, ENCLOSURE_TOKEN, HOST_NAME));
const person = await store.people.findByName(HOST_NAME);
assert.ok(person !== undefined, 'the private feed credits a person');
const privateFeedId = (await store.shows.get(priv.showId))?.feedId ?? 0;

const webHeaders = async (who: typeof alice): Promise<Record<string, string>> =>
  webAuth(await webSession(booted, who));
const aliceWeb = await webHeaders(alice);
const adminWeb = await webHeaders(admin);

// The probes: every registered route, each path parameter filled with what names the private show, episode, person
// or bravo's own things, and queries that search for the private feed's words.
const bravoSeed: Seeded = {
  listener: bravo,
  device: 'bravo-phone',
  markers: [],
  episodeIds: [],
  followedShowId: 0,
  webToken: await webSession(booted, bravo),
  gpodderCookie: '',
};
const identities = await identitiesFor(booted, bravoSeed, admin, SECRETS);
const anonymous = identities.others.find((i) => i.label === 'anonymous');
assert.ok(anonymous !== undefined);
const targets: Targets = {
  attacker: { name: bravo.name, device: bravoSeed.device },
  victim: { name: alice.name, device: 'phone' },
  showIds: [priv.showId, ...catalogue.showIds],
  episodeIds: [priv.episodeId, ...catalogue.episodeIds],
  victimEpisodeIds: [priv.episodeId],
  personIds: [person.id, ...catalogue.personIds],
};
const ctx: SweepContext = {
  booted,
  targets,
  forbidden: SECRETS,
  identities: { web: identities.web, basic: identities.basic, others: [anonymous] },
  attackerPassword: bravo.password,
};

/** Values that name the private things (or bravo's own, where a route names a listener or a file). */
function valuesFor(route: string, param: string): string[] {
  const before = route.split('/')[route.split('/').indexOf(`:${param}`) - 1] ?? '';
  switch (param) {
    case 'id':
      if (before === 'shows' || before === 'follows') return [String(priv.showId)];
      if (before === 'people') return [String(person?.id)];
      return [String(priv.episodeId)];
    case 'user':
      return [bravo.name];
    case 'file':
      return [
        `${bravo.name}.json`,
        `${bravo.name}.opml`,
        `${bravo.name}.txt`,
        `${bravoSeed.device}.json`,
        '50.json',
        '50.txt',
        '50.opml',
        '50.jsonp',
      ];
    case 'op':
      return ['next'];
    default:
      return ['x'];
  }
}

function urlsFor(route: RouteInfo): string[] {
  let urls = [route.url.replace('*', 'x')];
  for (const p of paramsOf(route.url)) {
    if (p === '*') continue;
    urls = urls.flatMap((u) => valuesFor(route.url, p).map((v) => u.replace(`:${p}`, v)));
  }
  // Words of the private feed as a visitor would type them: lowercase parts, so that a page echoing the query back is
  // not taken for a leak (the markers are the feed's own spelling). The feed's URL goes in `podcast=` too; that probe
  // is not checked for the URL's own parts, which the request itself carries (a sign-in redirect echoes it).
  const queries = [
    '',
    '?q=zyxwv&jsonp=cb',
    '?q=zyxwv%20patron&limit=100',
    '?q=qwertz%20bonus',
    '?q=quintessa',
    `?podcast=${encodeURIComponent(PRIVATE_URL)}&since=0&jsonp=cb`,
  ];
  return route.method === 'GET' ? urls.flatMap((u) => queries.map((q) => `${u}${q}`)) : urls;
}

const BODIES = [
  {
    label: 'json',
    contentType: 'application/json',
    payload: JSON.stringify({ positionSeconds: 5, episodeId: priv.episodeId, next: true, to: 0 }),
  },
  { label: 'form', contentType: 'application/x-www-form-urlencoded', payload: 'a=1', formCsrf: true },
];

async function probe(routes: RouteInfo[]): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const route of routes) {
    if (route.method === 'HEAD' || route.method === 'OPTIONS') continue;
    const write = route.method !== 'GET';
    for (const url of urlsFor(route)) {
      for (const identity of [anonymous, identities.web, identities.basic].filter(
        (i): i is NonNullable<typeof i> => i !== undefined,
      )) {
        for (const body of write ? BODIES : [undefined]) {
          const variant = body === undefined ? 'read' : `write (${body.label})`;
          const asked = decodeURIComponent(url);
          const checked = { ...ctx, forbidden: SECRETS.filter((m) => !asked.includes(m)) };
          out.push(await sendOne(checked, route, { variant, identity, url, ...(body ? { body } : {}) }));
        }
      }
    }
  }
  return out;
}

const outcomes = await probe(booted.routes);

test('every registered route was probed for the private feed, by an anonymous visitor and by another listener', () => {
  const probed = new Set(outcomes.map((o) => o.route));
  for (const expected of [
    'GET /',
    'GET /shows/:id',
    'GET /shows/:id/feed',
    'GET /episodes/:id',
    'GET /episodes/:id/transcript',
    'GET /people/:id',
    'GET /search',
    'GET /api/v1/shows',
    'GET /api/v1/shows/:id',
    'GET /api/v1/shows/:id/episodes',
    'GET /api/v1/episodes/:id',
    'GET /api/v1/search',
    'GET /api/v1/people/:id',
    'GET /toplist/:file',
    'GET /search.json',
    'GET /search.jsonp',
    'GET /search.txt',
    'GET /search.opml',
    'GET /suggestions/:file',
    'GET /api/2/tags/:file',
    'GET /subscriptions/:user/:file',
    'GET /index.php/apps/gpoddersync/subscriptions',
    'PUT /api/v1/me/follows/:id',
    'POST /shows/:id/follow',
  ]) {
    assert.ok(probed.has(expected), `${expected} was not probed`);
  }
  const routes = booted.routes.filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS');
  assert.equal(probed.size, routes.length, 'every route but HEAD/OPTIONS');
  assert.ok(outcomes.length > 800, `${outcomes.length} probes`);
});

describe('no route gives the private feed away to anyone but its followers and admins', () => {
  const byRoute = new Map<string, Outcome[]>();
  for (const o of outcomes) byRoute.set(o.route, [...(byRoute.get(o.route) ?? []), o]);
  for (const [route, list] of byRoute) {
    test(route, () => {
      const bad = list.filter((o) => o.problems.length > 0).map(explain);
      assert.deepEqual(
        bad,
        [],
        `${bad.length} of ${list.length} answers broke the rules:\n${bad.slice(0, 6).join('\n')}`,
      );
    });
  }
});

test('to everyone else the private show, episode, feed and person are 404, as if they did not exist', () => {
  const paths = [
    `GET /shows/:id ${priv.showId}`,
    `GET /shows/:id/feed ${priv.showId}`,
    `GET /episodes/:id ${priv.episodeId}`,
    `GET /episodes/:id/transcript ${priv.episodeId}`,
    `GET /api/v1/shows/:id ${priv.showId}`,
    `GET /api/v1/shows/:id/episodes ${priv.showId}`,
    `GET /api/v1/episodes/:id ${priv.episodeId}`,
    `GET /people/:id ${person.id}`,
    `GET /api/v1/people/:id ${person.id}`,
    `PUT /api/v1/me/follows/:id ${priv.showId}`,
    `POST /shows/:id/follow ${priv.showId}`,
    `PUT /api/v1/me/queue/:id ${priv.episodeId}`,
    `PUT /api/v1/me/progress/:id ${priv.episodeId}`,
  ];
  const bad: string[] = [];
  for (const path of paths) {
    const [method, route, id] = path.split(' ');
    const url = route?.replace(':id', id ?? '');
    // Reads as anyone; writes as bravo's browser (his sync app is no one to the web routes: 401).
    const seen = outcomes.filter(
      (o) =>
        o.route === `${method} ${route}` &&
        o.url === url &&
        (method === 'GET' || o.identity === identities.web.label) &&
        o.variant !== 'write (form)',
    );
    assert.ok(seen.length > 0, `${path} was probed as bravo`);
    for (const o of seen) if (o.status !== 404) bad.push(explain({ ...o, problems: ['expected 404'] }));
  }
  assert.deepEqual(bad, [], bad.join('\n'));
});

test('the probes left bravo without access: following by id did not let him in', async () => {
  assert.equal(await store.feeds.isVisible(privateFeedId, { userId: bravo.id }), false);
  const res = await s.inject({ url: `/shows/${priv.showId}`, headers: await webHeaders(bravo) });
  assert.equal(res.statusCode, 404);
});

test('the listener who uploaded it, and the admin, see the show; nobody else finds it in any list', async () => {
  for (const [who, headers] of [
    ['alice', aliceWeb],
    ['the admin', adminWeb],
  ] as const) {
    const page = await s.inject({ url: `/shows/${priv.showId}`, headers });
    assert.equal(page.statusCode, 200, `${who}: ${page.body.slice(0, 200)}`);
    assert.ok(page.body.includes(TITLE), `${who} sees the title`);
    const api = await s.inject({ url: `/api/v1/search?q=zyxwv`, headers });
    assert.ok(api.body.includes(TITLE), `${who} finds the show by search`);
    const episode = await s.inject({ url: `/episodes/${priv.episodeId}`, headers });
    assert.equal(episode.statusCode, 200, who);
    const feed = await s.inject({ url: `/shows/${priv.showId}/feed`, headers });
    assert.equal(feed.statusCode, 302, who);
    assert.equal(feed.headers.location, PRIVATE_URL, `${who} is sent to the feed they can see`);
  }
  const follows = JSON.parse((await s.inject({ url: '/api/v1/me/follows', headers: aliceWeb })).body);
  assert.ok(
    follows.items.some((i: { id: number }) => i.id === priv.showId),
    'the sync subscription is a follow',
  );
  // And the lists everyone shares have none of it (they were probed above too).
  const home = await s.inject({ url: '/', headers: aliceWeb });
  const toplist = await s.inject({ url: '/toplist/100.txt' });
  assert.equal(home.statusCode, 200);
  assert.ok(!toplist.body.includes(TOKEN));
});

test('a page rendered for the follower is never served from the cache to anyone else', async () => {
  for (let i = 0; i < 2; i++) {
    assert.equal((await s.inject({ url: `/shows/${priv.showId}`, headers: aliceWeb })).statusCode, 200);
    const anon = await s.inject({ url: `/shows/${priv.showId}` });
    assert.equal(anon.statusCode, 404);
    assert.ok(!anon.body.includes(TITLE));
  }
});

test('an admin publishes the feed (then everyone sees it) and makes it private again (then the cache forgets it)', async () => {
  const set = async (visibility: 'public' | 'private') => {
    const res = await s.inject({
      method: 'POST',
      url: '/admin/visibility',
      headers: { ...adminWeb, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${adminWeb['x-csrf-token']}&feed=${privateFeedId}&visibility=${visibility}`,
    });
    assert.equal(res.statusCode, 303, res.body);
  };
  const adminPage = await s.inject({ url: '/admin/feeds', headers: adminWeb });
  assert.match(
    adminPage.body,
    new RegExp(
      `name="feed" value="${privateFeedId}"><input type="hidden" name="visibility" value="public">private`,
    ),
  );
  await set('public');
  const page = await s.inject({ url: `/shows/${priv.showId}` });
  assert.equal(page.statusCode, 200);
  assert.ok(page.body.includes(TITLE));
  assert.ok((await s.inject({ url: '/toplist/100.txt' })).body.includes(PRIVATE_URL));
  assert.equal((await s.inject({ url: `/shows/${priv.showId}` })).statusCode, 200, 'served (and cached)');
  await set('private');
  const again = await s.inject({ url: `/shows/${priv.showId}` });
  assert.equal(again.statusCode, 404, 'the cached public page is not served once the feed is private');
  assert.ok(!(await s.inject({ url: '/' })).body.includes(TITLE), 'nor is it in the home page rails');
  assert.ok(!(await s.inject({ url: '/toplist/100.txt' })).body.includes(PRIVATE_URL));
});

test('credentials in a feed URL are used for fetching and never rendered, not even to admins', async () => {
  const secretUrl = 'https://member:pa55word-Zk@creds-zq.example/feed.xml';
  const { feedId } = await booted.app.addFeed(secretUrl);
  const feed = await store.feeds.get(feedId);
  assert.equal(feed?.url, secretUrl, 'kept for fetching');
  const show = await fetched(booted, secretUrl, feedXml('Credentialled Show', secretUrl, 'x1'));
  const reads = [
    await s.inject({ url: '/admin/feeds', headers: adminWeb }),
    await s.inject({ url: `/shows/${show.showId}`, headers: adminWeb }),
    await s.inject({ url: `/shows/${show.showId}/feed` }),
    await s.inject({ url: '/toplist/100.json' }),
    await s.inject({ url: '/toplist/100.opml' }),
    await s.inject({ url: '/search.txt?q=credentialled' }),
  ];
  for (const res of reads) {
    assert.ok(res.statusCode < 400, `${res.statusCode} ${res.body.slice(0, 200)}`);
    const seen = `${res.body}\n${String(res.headers.location ?? '')}`;
    assert.ok(
      !seen.includes('pa55word-Zk') && !seen.includes('member:'),
      `credentials shown: ${seen.slice(0, 300)}`,
    );
  }
  // A listener who follows it on the web gets it on his phones, without them.
  const bravoWeb = await webHeaders(bravo);
  const follow = await s.inject({
    method: 'PUT',
    url: `/api/v1/me/follows/${show.showId}`,
    headers: bravoWeb,
  });
  assert.equal(follow.statusCode, 204);
  const phone = await s.inject({
    url: `/subscriptions/${bravo.name}.txt`,
    headers: { authorization: basic(bravo.name, bravo.password) },
  });
  assert.ok(phone.body.includes('https://creds-zq.example/feed.xml'), phone.body);
  reads.push(phone);
  for (const res of reads) assert.ok(!res.body.includes('pa55word-Zk'), res.body.slice(0, 300));
  assert.equal(reads[2]?.headers.location, 'https://creds-zq.example/feed.xml');
  assert.ok(
    reads[3]?.body.includes('https://creds-zq.example/feed.xml'),
    'the directory lists it without them',
  );
});

test('another listener who uploads the same URL becomes a follower; a public feed stays public when a listener adds it', async () => {
  const charlie = await addListener(booted, 'charlie', 'charlie password, long enough');
  const res = await s.inject({
    method: 'POST',
    url: `/api/2/subscriptions/${charlie.name}/phone.json`,
    headers: { authorization: basic(charlie.name, charlie.password) },
    payload: { add: [PRIVATE_URL, catalogue.feedUrl], remove: [] },
  });
  assert.equal(res.statusCode, 200);
  const page = await s.inject({ url: `/shows/${priv.showId}`, headers: await webHeaders(charlie) });
  assert.equal(page.statusCode, 200, 'he knew the URL (and its token): the show is his too');
  assert.equal((await store.feeds.findByUrl(catalogue.feedUrl))?.isPublic, true);
});

test("a listener's OPML import adds private feeds; the admin's adds public ones", async () => {
  const opml = (url: string) =>
    `<opml version="2.0"><body><outline type="rss" text="x" xmlUrl="${url}"/></body></opml>`;
  const listenerUrl = 'https://opml-zq.example/listener.xml?key=k3yZq';
  const res = await s.inject({
    method: 'POST',
    url: '/account/subscriptions',
    headers: { ...aliceWeb, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      _csrf: aliceWeb['x-csrf-token'] ?? '',
      opml: opml(listenerUrl),
    }).toString(),
  });
  assert.equal(res.statusCode, 200, res.body.slice(0, 300));
  assert.equal((await store.feeds.findByUrl(listenerUrl))?.isPublic, false);
  const adminUrl = 'https://opml-zq.example/admin.xml';
  const admin = await s.inject({
    method: 'POST',
    url: '/admin/opml',
    headers: { ...adminWeb, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: adminWeb['x-csrf-token'] ?? '', opml: opml(adminUrl) }).toString(),
  });
  assert.equal(admin.statusCode, 303, admin.body.slice(0, 300));
  assert.equal((await store.feeds.findByUrl(adminUrl))?.isPublic, true);
});

test('JSONP callbacks are JavaScript names (or dotted paths) only, and go out with nosniff', async () => {
  const jsonp = (callback: string) =>
    s.inject({ url: `/search.jsonp?q=history&jsonp=${encodeURIComponent(callback)}` });
  for (const good of ['cb', 'jQuery3710_1700000000000', '$.cb', '_x.y$z']) {
    const res = await jsonp(good);
    assert.equal(res.statusCode, 200, `${good}: ${res.body.slice(0, 200)}`);
    assert.ok(res.body.startsWith(`${good}([`), res.body.slice(0, 80));
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.match(String(res.headers['content-type']), /^application\/javascript/);
  }
  for (const bad of ['1x', '9', 'alert(1)', 'a[0]', 'a-b', 'a b', 'a;b', '.cb', `a${'b'.repeat(64)}`, '']) {
    const res = await jsonp(bad);
    assert.equal(
      res.statusCode,
      400,
      `${JSON.stringify(bad)} answered ${res.statusCode}: ${res.body.slice(0, 120)}`,
    );
    assert.match(res.body, /JavaScript name/);
  }
});

test('EARSHOT_PUBLIC_FOLLOWED_FEEDS=1: a feed a listener adds is public at once', async () => {
  const open = await bootRealServer({ env: { EARSHOT_PUBLIC_FOLLOWED_FEEDS: '1' } });
  try {
    const dana = await addListener(open, 'dana', 'dana password, long enough');
    const url = 'https://open-zq.example/feed.xml';
    const res = await open.server.inject({
      method: 'POST',
      url: `/api/2/subscriptions/${dana.name}/phone.json`,
      headers: { authorization: basic(dana.name, dana.password) },
      payload: { add: [url], remove: [] },
    });
    assert.equal(res.statusCode, 200);
    const show = await fetched(open, url, feedXml('Open Followed Show', url, 'y1'));
    assert.equal((await open.server.inject({ url: `/shows/${show.showId}` })).statusCode, 200);
  } finally {
    await open.close();
  }
});
