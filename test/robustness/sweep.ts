// The sweep: for every registered route and method, a bounded set of hostile requests under several identities,
// each answer checked against the rules of issues 4 and 5 — never a 5xx; every 4xx says what is wrong in words
// (an HTML page or JSON {error|message}); redirects stay on this site; the attacker never receives a string that
// only the victim's data contains.
import type { LightMyRequestResponse } from 'fastify';
import { prng } from '../support/random.ts';
import {
  badAuthHeaders,
  badCookieHeaders,
  type HostileBody,
  hash,
  hostileBodies,
  hostileQueries,
  paramValues,
  pick,
  randomJson,
  randomText,
  type Targets,
} from './hostile.ts';
import { type Booted, basic, type RouteInfo, webSession } from './server.ts';
import { type Seeded, webAuth } from './world.ts';

export interface Outcome {
  route: string;
  /** The identity the route serves (see requestsFor) */
  primary?: boolean;
  variant: string;
  identity: string;
  method: string;
  url: string;
  status: number;
  problems: string[];
  body: string;
  stack?: string;
}

export interface Identity {
  label: string;
  /** The client address (the sync API slows password guessing per address). */
  remoteAddress?: string;
  /** Forbidden strings this identity may see by design (the admin's feed-health page lists every feed). */
  allowed?: string[];
  headers(): Record<string, string>;
  /** Put the CSRF token into form bodies (a browser's form does). */
  formCsrf: boolean;
  /** Called after every answer (e.g. to replace a session a sign-out ended). */
  after?(res: LightMyRequestResponse): Promise<void>;
}

export interface Request {
  variant: string;
  identity: Identity;
  url: string;
  body?: HostileBody;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Methods light-my-request (and Node's HTTP parser) can send. */
const SENDABLE = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE']);

export function paramsOf(url: string): string[] {
  const names = [...url.matchAll(/:(\w+)/g)].map((m) => m[1] ?? '');
  return url.includes('*') ? [...names, '*'] : names;
}

function fill(pattern: string, values: Record<string, string>): string {
  return pattern
    .replace(/:(\w+)/g, (_m, name: string) => values[name] ?? 'x')
    .replace('*', values['*'] ?? 'x');
}

/** The text of a 4xx answer a person would read, or undefined when there is none. */
export function humanMessage(res: LightMyRequestResponse): string | undefined {
  const type = String(res.headers['content-type'] ?? '');
  const words = (s: string) => (/\p{L}{2,}.*\p{L}{2,}/su.test(s) ? s.trim() : undefined);
  if (type.includes('json')) {
    let value: unknown;
    try {
      value = JSON.parse(res.body);
    } catch {
      return undefined;
    }
    if (typeof value !== 'object' || value === null) return undefined;
    const record = value as Record<string, unknown>; // checked: a non-null object
    const error = record.error;
    if (typeof record.message === 'string') return words(record.message);
    if (typeof error === 'string') return words(error);
    if (
      typeof error === 'object' &&
      error !== null &&
      'message' in error &&
      typeof error.message === 'string'
    )
      return words(error.message);
    return undefined;
  }
  if (type.includes('html')) {
    const main = /<main[^>]*>([\s\S]*?)<\/main>/i.exec(res.body)?.[1] ?? res.body;
    const text = main
      .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ');
    return words(text);
  }
  if (type.startsWith('text/')) return words(res.body);
  return undefined;
}

/** Protocol-mandated bare 4xx answers (protocols.md §1.5: Login Flow v2 polls get 404 until the user signs in). */
function bareAnswerAllowed(method: string, route: string, res: LightMyRequestResponse): boolean {
  return (
    method === 'POST' && route === '/index.php/login/v2/poll' && res.statusCode === 404 && res.body === '[]'
  );
}

export interface SweepContext {
  booted: Booted;
  targets: Targets;
  /** Strings the identities under test must never receive. */
  forbidden: string[];
  identities: {
    /** The caller's signed-in browser (session cookie + CSRF token). */
    web: Identity;
    /** The caller's sync app (HTTP Basic). */
    basic: Identity;
    others: Identity[];
  };
  attackerPassword: string;
  /** Only the baseline and the first path-parameter values (the ones naming the two listeners' things). */
  light?: boolean;
}

function check(
  ctx: SweepContext,
  identity: Identity,
  method: string,
  route: string,
  res: LightMyRequestResponse,
): string[] {
  const problems: string[] = [];
  if (res.statusCode >= 500) problems.push(`answered ${res.statusCode}`);
  if (
    res.statusCode >= 400 &&
    res.statusCode < 500 &&
    method !== 'HEAD' &&
    !bareAnswerAllowed(method, route, res)
  ) {
    if (humanMessage(res) === undefined)
      problems.push(
        `${res.statusCode} without a readable message (${String(res.headers['content-type'] ?? 'no content-type')}: ${JSON.stringify(res.body.slice(0, 120))})`,
      );
  }
  const location = res.headers.location;
  if (res.statusCode >= 300 && res.statusCode < 400 && typeof location === 'string') {
    // The feed link of a show redirects to the feed's own URL by design; what must never happen is a redirect to
    // somewhere the request named (an open redirect).
    let host: string | undefined;
    try {
      host = new URL(location, 'http://localhost/').host;
    } catch {
      host = undefined;
    }
    if (host === undefined || host.endsWith('evil.example') || /^\/[\\/]/.test(location))
      problems.push(`redirects off-site to ${location}`);
  }
  const seen = `${res.body}\n${String(location ?? '')}`;
  for (const marker of ctx.forbidden) {
    if (identity.allowed?.includes(marker)) continue;
    if (seen.includes(marker))
      problems.push(`LEAK: the answer contains the other listener's ${JSON.stringify(marker)}`);
  }
  return problems;
}

let bodiesCache: HostileBody[] | undefined;

/**
 * The hostile requests for one route. `primary` is the identity the route serves (the browser for pages and the JSON
 * API, the sync app for the gPodder paths — told apart by the baseline answers), so that hostile parameters, queries
 * and bodies reach the handler instead of stopping at the sign-in check.
 */
function requestsFor(ctx: SweepContext, route: RouteInfo, primary: Identity, index: number): Request[] {
  const { targets } = ctx;
  const { web, basic: app, others } = ctx.identities;
  const anon = others[0] ?? { label: 'anonymous', formCsrf: false, headers: () => ({}) };
  const params = paramsOf(route.url);
  const pools = Object.fromEntries(params.map((p) => [p, paramValues(route.url, p, targets)]));
  const defaults = Object.fromEntries(params.map((p) => [p, pools[p]?.[0] ?? 'x']));
  const base = fill(route.url, defaults);
  const out: Request[] = [];
  const withBody = BODY_METHODS.has(route.method);
  const full = route.method !== 'HEAD'; // HEAD is GET without a body: the baseline and random requests suffice
  if (ctx.light) {
    for (const p of params) {
      for (const value of (pools[p] ?? []).slice(1, 6)) {
        const url = fill(route.url, { ...defaults, [p]: value });
        for (const identity of [web, app]) out.push({ variant: `${p}=${value.slice(0, 60)}`, identity, url });
      }
    }
    return out;
  }

  for (const identity of others) out.push({ variant: 'baseline', identity, url: base });
  // Path parameters, one at a time.
  if (full) {
    for (const p of params) {
      for (const value of (pools[p] ?? []).slice(1)) {
        const url = fill(route.url, { ...defaults, [p]: value });
        for (const identity of [primary, anon])
          out.push({ variant: `${p}=${value.slice(0, 60)}`, identity, url });
      }
    }
  }
  // Hostile query strings on reads.
  if (route.method === 'GET') {
    for (const q of hostileQueries(targets))
      out.push({ variant: `?${q.slice(0, 60)}`, identity: primary, url: `${base}?${q}` });
  }
  // Bodies on writes.
  if (withBody) {
    bodiesCache ??= hostileBodies(targets);
    for (const body of bodiesCache)
      out.push({ variant: `body: ${body.label}`, identity: primary, url: base, body });
  }
  // Bad credentials (from an address of their own per route: the sync API slows guessing per address, and this
  // sweep must not lock the real clients' address out), forged and missing CSRF tokens.
  if (full) {
    for (const bad of badAuthHeaders(targets, ctx.attackerPassword)) {
      out.push({
        variant: `auth: ${bad.label}`,
        identity: {
          label: `bad Basic (${bad.label})`,
          formCsrf: false,
          remoteAddress: `10.77.${index % 250}.${1 + Math.floor(index / 250)}`,
          headers: () => ({ authorization: bad.value }),
        },
        url: base,
        ...(withBody ? { body: { label: '{}', contentType: 'application/json', payload: '{}' } } : {}),
      });
    }
  }
  if (full) {
    for (const bad of badCookieHeaders()) {
      out.push({
        variant: `cookie: ${bad.label}`,
        identity: {
          label: `bad cookies (${bad.label})`,
          formCsrf: false,
          headers: () => ({ cookie: bad.value }),
        },
        url: base,
        ...(withBody ? { body: { label: '{}', contentType: 'application/json', payload: '{}' } } : {}),
      });
    }
  }
  if (withBody) {
    const forged: Identity[] = [
      {
        label: 'web, no CSRF token',
        formCsrf: false,
        headers: () => ({ cookie: web.headers().cookie ?? '' }),
      },
      {
        label: 'web, forged CSRF token',
        formCsrf: false,
        headers: () => ({
          cookie: web.headers().cookie ?? '',
          'x-csrf-token': 'forgedforgedforgedforgedforged0000',
        }),
      },
      {
        label: 'web, a planted CSRF cookie and the same token',
        formCsrf: false,
        headers: () => ({
          cookie: (web.headers().cookie ?? '').replace(
            /earshot_csrf=[^;]*/,
            'earshot_csrf=plantedplantedplantedplanted0000',
          ),
          'x-csrf-token': 'plantedplantedplantedplanted0000',
        }),
      },
    ];
    for (const identity of forged) {
      out.push({
        variant: 'csrf (json)',
        identity,
        url: base,
        body: {
          label: 'json',
          contentType: 'application/json',
          payload: '{"positionSeconds":1,"episodeId":1}',
        },
      });
      out.push({
        variant: 'csrf (form)',
        identity,
        url: base,
        body: {
          label: 'form',
          contentType: 'application/x-www-form-urlencoded',
          payload: '_csrf=forged&a=1',
        },
      });
    }
  }
  // A few seeded random requests per route.
  const rand = prng(hash(`${route.method} ${route.url}`));
  for (let i = 0; i < 6; i++) {
    const values = Object.fromEntries(
      params.map((p) => [p, rand() < 0.5 ? pick(rand, pools[p] ?? ['x']) : randomText(rand, 40) || 'x']),
    );
    const keys = ['q', 'since', 'limit', 'sort', 'after', 't', 'page', 'device', 'podcast', 'jsonp', 'next'];
    const query = Array.from(
      { length: Math.floor(rand() * 4) },
      () => `${pick(rand, keys)}=${randomText(rand, 30)}`,
    ).join('&');
    const identity = pick(rand, [web, app, anon]);
    const url = `${fill(route.url, values)}${query ? `?${query}` : ''}`;
    const body: HostileBody | undefined = withBody
      ? rand() < 0.8
        ? {
            label: 'random JSON',
            contentType: 'application/json',
            payload: JSON.stringify(randomJson(rand)) ?? 'null',
          }
        : { label: 'random text', contentType: 'text/plain', payload: randomText(rand, 200) }
      : undefined;
    out.push({ variant: `random #${i}`, identity, url, ...(body ? { body } : {}) });
  }
  return out;
}

/** Sends one request and checks the answer (exported for probes outside the route table). */
export async function sendOne(ctx: SweepContext, route: RouteInfo, r: Request): Promise<Outcome> {
  const headers: Record<string, string> = {
    accept: 'text/html,application/json;q=0.9',
    ...r.identity.headers(),
  };
  let payload: string | Buffer | undefined;
  if (r.body?.contentType !== undefined) headers['content-type'] = r.body.contentType;
  if (r.body?.contentEncoding !== undefined) headers['content-encoding'] = r.body.contentEncoding;
  if (r.body?.payload !== undefined) {
    payload =
      r.body.formCsrf && r.identity.formCsrf && typeof r.body.payload === 'string'
        ? `_csrf=${r.identity.headers()['x-csrf-token'] ?? ''}&${r.body.payload}`
        : r.body.payload;
  }
  ctx.booted.takeError();
  const res = await ctx.booted.server.inject({
    // Fastify's route methods are HTTP methods; light-my-request takes the same strings.
    method: route.method as 'GET',
    url: r.url,
    headers,
    remoteAddress: r.identity.remoteAddress ?? '10.0.0.66',
    ...(payload === undefined ? {} : { payload }),
  });
  await r.identity.after?.(res);
  const error = ctx.booted.takeError();
  const problems = check(ctx, r.identity, route.method, route.url, res);
  return {
    route: `${route.method} ${route.url}`,
    variant: r.variant,
    identity: r.identity.label,
    method: route.method,
    url: r.url.length > 300 ? `${r.url.slice(0, 300)}…` : r.url,
    status: res.statusCode,
    problems,
    body: res.body.slice(0, 400),
    ...(res.statusCode >= 500 && error?.stack !== undefined ? { stack: error.stack } : {}),
  };
}

/** Runs every route's requests; answers the outcomes per route key (`METHOD /pattern`). */
export async function sweep(ctx: SweepContext, routes: RouteInfo[]): Promise<Map<string, Outcome[]>> {
  const results = new Map<string, Outcome[]>();
  const { web, basic: app } = ctx.identities;
  let index = 0;
  for (const route of routes) {
    if (!SENDABLE.has(route.method)) continue;
    index++;
    const params = paramsOf(route.url);
    const base = fill(
      route.url,
      Object.fromEntries(params.map((p) => [p, paramValues(route.url, p, ctx.targets)[0] ?? 'x'])),
    );
    const outcomes: Outcome[] = [];
    const viaWeb = await sendOne(ctx, route, { variant: 'baseline', identity: web, url: base });
    const viaApp = await sendOne(ctx, route, { variant: 'baseline', identity: app, url: base });
    outcomes.push(viaWeb, viaApp);
    const primary = viaWeb.status === 401 && viaApp.status !== 401 ? app : web;
    for (const r of requestsFor(ctx, route, primary, index)) outcomes.push(await sendOne(ctx, route, r));
    for (const o of outcomes) o.primary = o.identity === primary.label;
    results.set(`${route.method} ${route.url}`, outcomes);
  }
  return results;
}

/** The attacker's own browser and app, an anonymous visitor and the admin, for a sweep against `victim`. */
export async function identitiesFor(
  booted: Booted,
  attacker: Seeded,
  admin: Seeded['listener'],
  adminMaySee: string[],
): Promise<SweepContext['identities']> {
  let token = attacker.webToken;
  const web: Identity = {
    label: `${attacker.listener.name}'s browser`,
    formCsrf: true,
    headers: () => webAuth(token),
    async after(res) {
      const ended = res.cookies.some(
        (c) => c.name === 'earshot_session' && (c.value === '' || c.maxAge === 0),
      );
      if (ended) token = await webSession(booted, attacker.listener);
    },
  };
  const app: Identity = {
    label: `${attacker.listener.name}'s sync app (Basic)`,
    formCsrf: false,
    headers: () => ({ authorization: basic(attacker.listener.name, attacker.listener.password) }),
  };
  let adminToken = await webSession(booted, admin);
  const adminWeb: Identity = {
    label: 'the admin’s browser',
    formCsrf: true,
    allowed: adminMaySee,
    headers: () => webAuth(adminToken),
    async after(res) {
      const ended = res.cookies.some(
        (c) => c.name === 'earshot_session' && (c.value === '' || c.maxAge === 0),
      );
      if (ended) adminToken = await webSession(booted, admin);
    },
  };
  const anon: Identity = { label: 'anonymous', formCsrf: false, headers: () => ({}) };
  return { web, basic: app, others: [anon, adminWeb] };
}

export function describe(o: Outcome): string {
  return `${o.route} [${o.variant}] as ${o.identity}: ${o.method} ${o.url} → ${o.status}; ${o.problems.join('; ')}${
    o.stack
      ? `\n    ${o.stack.split('\n').slice(0, 6).join('\n    ')}`
      : ` body: ${JSON.stringify(o.body.slice(0, 200))}`
  }`;
}
