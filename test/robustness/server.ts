// The real Earshot server for the robustness suite, built exactly as `earshot serve` builds it (src/main.ts
// createApp + startServing: SQLite in a temp dir, the demo catalogue, the gPodder plugin), with the crawler off and
// port 0 on 127.0.0.1. Requests go through Fastify's inject(). Every registered route is collected through the
// `fastify.initialization` diagnostics channel (published when the instance is created, before any route), so a
// route added tomorrow is covered without editing the suite.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/config.ts';
import { SESSION_TTL_SECONDS } from '../../src/http/context.ts';
import { type App, createApp, type Running, startServing } from '../../src/main.ts';
import { createAccount } from '../../src/services/passwords.ts';

export interface RouteInfo {
  method: string;
  /** The pattern as registered, e.g. /api/2/devices/:user/:file */
  url: string;
}

export interface Booted {
  app: App;
  running: Running;
  server: FastifyInstance;
  routes: RouteInfo[];
  /** The data directory (SQLite database): another server booted on it shares the database. */
  dataDir: string;
  /** The error a handler threw during the last inject (what the logs would carry with a 500). */
  takeError(): Error | undefined;
  close(): Promise<void>;
}

interface InitMessage {
  fastify: FastifyInstance;
}

function isInit(message: unknown): message is InitMessage {
  return typeof message === 'object' && message !== null && 'fastify' in message;
}

export interface BootOptions {
  /** More settings, as environment variables (e.g. EARSHOT_TRUST_PROXY). */
  env?: Record<string, string>;
  /** Serve from this data directory (another server's: two processes on one database); kept on close. */
  dataDir?: string;
}

export async function bootRealServer(options: BootOptions = {}): Promise<Booted> {
  const routes: RouteInfo[] = [];
  let lastError: Error | undefined;
  const onInit = (message: unknown): void => {
    if (!isInit(message)) return;
    const fastify = message.fastify;
    fastify.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) routes.push({ method: String(method), url: route.url });
    });
    fastify.addHook('onError', async (_req, _reply, error) => {
      lastError = error;
    });
  };
  subscribe('fastify.initialization', onInit);
  const dir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'earshot-robustness-'));
  const removeDir = () => {
    if (options.dataDir === undefined) rmSync(dir, { recursive: true, force: true });
  };
  let app: App | undefined;
  try {
    // The test is this process's boundary: configuration comes in as an environment object, as from the CLI.
    const config = {
      ...loadConfig({
        env: { EARSHOT_DATA: dir, EARSHOT_CRAWL: '0', EARSHOT_HOST: '127.0.0.1', ...options.env },
        cwd: dir,
      }),
      port: 0,
    };
    app = await createApp(config);
    const running = await startServing(app);
    const booted: Booted = {
      app,
      running,
      server: running.server,
      routes: dedupe(routes),
      dataDir: dir,
      takeError() {
        const e = lastError;
        lastError = undefined;
        return e;
      },
      async close() {
        await running.shutdown();
        removeDir();
      },
    };
    return booted;
  } catch (error) {
    await app?.close();
    removeDir();
    throw error;
  } finally {
    unsubscribe('fastify.initialization', onInit);
  }
}

function dedupe(routes: RouteInfo[]): RouteInfo[] {
  const seen = new Set<string>();
  return routes.filter((r) => {
    const key = `${r.method} ${r.url}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export interface Listener {
  id: number;
  name: string;
  password: string;
  isAdmin: boolean;
}

/** Creates an account through the store (what `earshot users add` does). */
export async function addListener(
  booted: Booted,
  name: string,
  password: string,
  isAdmin = false,
): Promise<Listener> {
  const user = await createAccount(booted.app.store.listeners.users, { name, password, isAdmin }, new Date());
  return { id: user.id, name: user.name, password, isAdmin: user.isAdmin };
}

/** A fresh web session token for the listener (what a sign-in sets in the earshot_session cookie). */
export function webSession(booted: Booted, listener: Listener): Promise<string> {
  return booted.app.store.listeners.sessions.create(listener.id, new Date(), SESSION_TTL_SECONDS);
}

export const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
