// Two listeners with private data, put there through the real routes as their apps and browsers would: devices,
// subscriptions, episode actions, settings, sync-device groups, an app password from Login Flow v2, follows, queue,
// progress and played. Every private string carries a marker unique to its owner, so that a response shown to the
// other listener can be searched for it.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { csrfTokenFor } from '../../src/http/context.ts';
import { prng } from '../support/random.ts';
import { hash } from './hostile.ts';
import { addListener, type Booted, basic, type Listener, webSession } from './server.ts';

/** A signed-in browser's cookies and CSRF header: the token is bound to the session (issue 12, finding 11). */
export function webAuth(token: string): { cookie: string; 'x-csrf-token': string } {
  const csrf = csrfTokenFor(token);
  return { cookie: `earshot_session=${token}; earshot_csrf=${csrf}`, 'x-csrf-token': csrf };
}

export interface Seeded {
  listener: Listener;
  device: string;
  /** Strings only this listener's data contains; the other listener must never receive one. */
  markers: string[];
  /** Episodes this listener queued or has progress on. */
  episodeIds: number[];
  followedShowId: number;
  webToken: string;
  gpodderCookie: string;
}

export interface Catalogue {
  showIds: number[];
  episodeIds: number[];
  personIds: number[];
  /** A known feed URL and one of its enclosure URLs, for episode actions that match the catalogue. */
  feedUrl: string;
  enclosureUrl: string;
}

function ok(res: LightMyRequestResponse, what: string): LightMyRequestResponse {
  assert.ok(res.statusCode < 300, `${what}: ${res.statusCode} ${res.body.slice(0, 300)}`);
  return res;
}

function json(res: LightMyRequestResponse): unknown {
  return JSON.parse(res.body);
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && key in value
    ? (value as Record<string, unknown>)[key] // checked: an object with that key
    : undefined;
}

function items(value: unknown): unknown[] {
  const list = field(value, 'items');
  return Array.isArray(list) ? list : [];
}

export async function readCatalogue(booted: Booted): Promise<Catalogue> {
  const s = booted.server;
  const shows = items(json(ok(await s.inject({ url: '/api/v1/shows' }), 'list shows')));
  const showIds = shows.map((x) => Number(field(x, 'id')));
  const episodeIds: number[] = [];
  const personIds: number[] = [];
  let enclosureUrl: string | undefined;
  for (const id of showIds) {
    const show = json(ok(await s.inject({ url: `/api/v1/shows/${id}` }), 'show'));
    const people = field(show, 'people');
    if (Array.isArray(people)) for (const p of people) personIds.push(Number(field(p, 'id')));
    for (const e of items(json(ok(await s.inject({ url: `/api/v1/shows/${id}/episodes` }), 'episodes')))) {
      episodeIds.push(Number(field(e, 'id')));
      const audio = field(e, 'audioUrl');
      if (enclosureUrl === undefined && typeof audio === 'string') enclosureUrl = audio;
    }
  }
  const listing = await booted.app.store.feeds.list({ limit: 10 });
  const feedUrl = listing[0]?.feed.url;
  assert.ok(feedUrl !== undefined && enclosureUrl !== undefined, 'the demo catalogue has a feed with audio');
  assert.ok(showIds.length >= 2 && episodeIds.length >= 3, 'the demo catalogue has shows and episodes');
  return { showIds, episodeIds, personIds: [...new Set(personIds)], feedUrl, enclosureUrl };
}

/** Creates a listener and fills their library and sync state through the real routes. */
export async function seedListener(
  booted: Booted,
  catalogue: Catalogue,
  name: string,
  slot: number,
): Promise<Seeded> {
  const s = booted.server;
  const rand = prng(hash(name));
  const tag = `${name}${Math.floor(rand() * 1e9).toString(36)}`;
  const listener = await addListener(booted, name, `pw-${tag}-long enough`);
  const device = `${name}-phone`;
  const auth = { authorization: basic(listener.name, listener.password) };
  const markers = [
    `caption-${tag}`,
    `https://private-${tag}.example/feed.xml`,
    `https://private-${tag}.example/ep1.mp3`,
    `guid-${tag}`,
    `setting-${tag}`,
    `agent-${tag}`,
  ];
  const [caption, privateFeed, privateEpisode, guid, setting, agent] = markers;

  const login = ok(
    await s.inject({ method: 'POST', url: `/api/2/auth/${name}/login.json`, headers: auth }),
    'gpodder login',
  );
  const sessionid = login.cookies.find((c) => c.name === 'sessionid')?.value;
  assert.ok(sessionid, 'login sets the sessionid cookie');
  ok(
    await s.inject({
      method: 'POST',
      url: `/api/2/devices/${name}/${device}.json`,
      headers: auth,
      payload: { caption, type: 'mobile' },
    }),
    'device update',
  );
  ok(
    await s.inject({
      method: 'POST',
      url: `/api/2/subscriptions/${name}/${device}.json`,
      headers: auth,
      payload: { add: [privateFeed, catalogue.feedUrl], remove: [] },
    }),
    'subscriptions upload',
  );
  ok(
    await s.inject({
      method: 'POST',
      url: `/api/2/episodes/${name}.json`,
      headers: auth,
      payload: [
        {
          podcast: catalogue.feedUrl,
          episode: catalogue.enclosureUrl,
          action: 'play',
          position: 1700 + slot,
          started: 0,
          total: 1800,
          timestamp: '2024-03-01T10:00:00',
          device,
        },
        {
          podcast: privateFeed,
          episode: privateEpisode,
          guid,
          action: 'download',
          timestamp: '2024-03-01T10:01:00',
          device,
        },
      ],
    }),
    'episode actions upload',
  );
  ok(
    await s.inject({
      method: 'POST',
      url: `/api/2/settings/${name}/account.json`,
      headers: auth,
      payload: { set: { secret: setting }, remove: [] },
    }),
    'settings',
  );
  ok(
    await s.inject({
      method: 'POST',
      url: `/api/2/sync-devices/${name}.json`,
      headers: auth,
      payload: { synchronize: [[device, `${name}-laptop`]], 'stop-synchronize': [] },
    }),
    'sync-devices',
  );
  // An app password through Login Flow v2 (its label carries the user agent).
  const flow = json(ok(await s.inject({ method: 'POST', url: '/index.php/login/v2' }), 'login flow'));
  const loginUrl = new URL(String(field(flow, 'login')));
  ok(
    await s.inject({
      method: 'POST',
      url: loginUrl.pathname,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': agent ?? '' },
      payload: new URLSearchParams({ user: name, password: listener.password }).toString(),
    }),
    'login flow sign-in',
  );
  const poll = json(
    ok(
      await s.inject({
        method: 'POST',
        url: '/index.php/login/v2/poll',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `token=${encodeURIComponent(String(field(field(flow, 'poll'), 'token')))}`,
      }),
      'login flow poll',
    ),
  );
  const appPassword = field(poll, 'appPassword');
  assert.ok(
    typeof appPassword === 'string' && appPassword.length >= 16,
    'Login Flow v2 grants an app password',
  );
  markers.push(appPassword);

  // The web side: follow, queue, progress, played.
  const webToken = await webSession(booted, listener);
  const web = webAuth(webToken);
  const followedShowId = catalogue.showIds[slot % catalogue.showIds.length] ?? 0;
  const episodeIds = catalogue.episodeIds.slice(slot * 2, slot * 2 + 2);
  const [queued, listened] = episodeIds;
  assert.ok(queued !== undefined && listened !== undefined, 'the demo catalogue has enough episodes');
  ok(await s.inject({ method: 'PUT', url: `/api/v1/me/follows/${followedShowId}`, headers: web }), 'follow');
  ok(await s.inject({ method: 'PUT', url: `/api/v1/me/queue/${queued}`, headers: web }), 'enqueue');
  ok(
    await s.inject({
      method: 'PUT',
      url: `/api/v1/me/progress/${listened}`,
      headers: web,
      payload: { positionSeconds: 321 + slot },
    }),
    'progress',
  );
  ok(await s.inject({ method: 'PUT', url: `/api/v1/me/played/${queued}`, headers: web }), 'played');
  if (
    caption === undefined ||
    privateFeed === undefined ||
    privateEpisode === undefined ||
    guid === undefined
  )
    throw new Error('markers');
  void setting;
  return { listener, device, markers, episodeIds, followedShowId, webToken, gpodderCookie: sessionid };
}

/** Everything a listener can read about themselves, as the listener (timestamps that move with the clock dropped). */
export async function snapshot(booted: Booted, who: Seeded, catalogue: Catalogue): Promise<string> {
  const s = booted.server;
  const { name, password } = who.listener;
  const auth = { authorization: basic(name, password) };
  // A session of its own: the listener's other sessions may have been signed out by the sweep.
  const token = await webSession(booted, who.listener);
  const web = { cookie: webAuth(token).cookie, accept: 'application/json' };
  const urls: [string, Record<string, string>][] = [
    [`/api/2/devices/${name}.json`, auth],
    [`/api/2/subscriptions/${name}/${who.device}.json?since=0`, auth],
    [`/subscriptions/${name}.opml`, auth],
    [`/api/2/episodes/${name}.json?since=0`, auth],
    [`/api/2/settings/${name}/account.json`, auth],
    [`/api/2/sync-devices/${name}.json`, auth],
    ['/api/v1/me/follows', web],
    ['/api/v1/me/queue', web],
    ['/api/v1/me/history', web],
    ...catalogue.episodeIds.map((id): [string, Record<string, string>] => [`/api/v1/me/progress/${id}`, web]),
  ];
  const parts: string[] = [];
  for (const [url, headers] of urls) {
    const res = ok(await s.inject({ url, headers }), `snapshot ${url}`);
    const stable = res.body
      .replace(/"(timestamp|updatedAt)":\s*("[^"]*"|\d+)/g, '"$1":_')
      .replace(/<dateCreated>[^<]*<\/dateCreated>/g, '');
    parts.push(`${url}\n${stable}`);
  }
  const apps = await booted.app.store.sync.listAppPasswords(who.listener.id);
  parts.push(JSON.stringify(apps.map((a) => ({ ...a, lastUsedAt: undefined }))));
  return parts.join('\n');
}
