// Prometheus metrics (prom-client) on a registry of our own, built by the composition root and passed to whoever
// counts: the web server (request durations), the crawler (fetch outcomes), the sync service (actions). Gauges that
// describe the database (feeds due, jobs queued, the connection pool) are read from the store when scraped, with
// cheap indexed counts only.
import { createHash, timingSafeEqual } from 'node:crypto';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PoolStats, Store } from '../store/ports.ts';

export interface Metrics {
  readonly registry: Registry;
  /** One HTTP request: its route pattern (never the raw URL), method, status and duration. */
  observeRequest(route: string, method: string, status: number, seconds: number): void;
  /** One crawler refresh: its outcome (`updated`, `not-modified`, `failed` …) and, for failures, the error code. */
  countFetch(outcome: string, code?: string): void;
  /** Phones' sync changes: episode actions by kind, subscriptions added or removed. */
  countSync(kind: string, count: number): void;
  /** The text a scrape answers, and its content type. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

export function createMetrics(deps: { store: Store; now?: () => Date }): Metrics {
  const now = deps.now ?? (() => new Date());
  const registry = new Registry();
  const requests = new Histogram({
    name: 'earshot_http_request_duration_seconds',
    help: 'HTTP requests by route pattern, method and status class.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const fetches = new Counter({
    name: 'earshot_crawler_fetches_total',
    help: 'Feed refreshes by outcome (updated, unchanged, not-modified, failed, gone, skipped) and error code.',
    labelNames: ['outcome', 'code'] as const,
    registers: [registry],
  });
  const sync = new Counter({
    name: 'earshot_sync_actions_total',
    help: 'What phones synced: episode actions by kind (play, download, delete, new, rejected), subscribe, unsubscribe.',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const { store } = deps;
  new Gauge({
    name: 'earshot_jobs_queued',
    help: 'Jobs waiting in the job queue (not failed for good).',
    registers: [registry],
    async collect() {
      this.set(await store.jobs.count());
    },
  });
  new Gauge({
    name: 'earshot_feeds_due',
    help: 'Feeds due for a check now (not paused, not gone, no Retry-After in force).',
    registers: [registry],
    async collect() {
      this.set(await store.feeds.countDue(now()));
    },
  });
  // SQLite has one connection and no pool: these stay absent there.
  stateGauge(
    registry,
    'earshot_db_pool_connections',
    'PostgreSQL connection pool: connections open (total), idle, and queries waiting for one (waiting).',
    () => store.maintenance.pool(),
  );
  // SQLite with searches on threads (EARSHOT_SEARCH_THREADS): searches queueing show here.
  stateGauge(
    registry,
    'earshot_search_threads',
    'SQLite search threads: started (total), with no search to answer (idle), and searches queued behind one already running (waiting).',
    () => store.maintenance.searchThreads(),
  );

  return {
    registry,
    observeRequest(route, method, status, seconds) {
      requests.observe({ route, method, status: `${Math.floor(status / 100)}xx` }, seconds);
    },
    countFetch(outcome, code) {
      fetches.inc({ outcome, code: code ?? '' });
    },
    countSync(kind, count) {
      sync.inc({ kind }, count);
    },
    async scrape() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/** `Authorization: Bearer <token>` with the configured token (compared in constant time); never true without one. */
export function bearerMatches(header: string | undefined, token: string | undefined): boolean {
  if (token === undefined || header === undefined) return false;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match?.[1] === undefined) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(match[1]), digest(token));
}

/** A gauge of total / idle / waiting read at each scrape, registered only where `read` gives figures at all. */
function stateGauge(registry: Registry, name: string, help: string, read: () => PoolStats | undefined): void {
  if (read() === undefined) return;
  const gauge = new Gauge({
    name,
    help,
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const stats = read();
      if (stats === undefined) return;
      gauge.set({ state: 'total' }, stats.total);
      gauge.set({ state: 'idle' }, stats.idle);
      gauge.set({ state: 'waiting' }, stats.waiting);
    },
  });
}
