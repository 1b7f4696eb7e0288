// A loopback stand-in for the two podcast directories: the Podcast Index API (`/pi/api/1.0/search/byterm`, which
// checks the auth headers as the real one does) and Apple's search (`/apple/search`), replaying the recorded answer
// shapes in src/directory/testdata. Each can be switched to fail: no answer, HTTP 500, not JSON, an answer too large.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FeedServer, type Route, startFeedServer } from './feed-server.ts';

export const TEST_PI_KEY = 'UXKCGDSYGUUEVQJSYDZH';
export const TEST_PI_SECRET = 'yzJe2eE7XV-3eY576dyRZ6wXyAbndh6LUrCZ8KN|';

export type DirectoryMode = 'ok' | 'silent' | 'error' | 'not-json' | 'huge' | 'wrong-shape';

const testdata = (name: string): string =>
  readFileSync(join(import.meta.dirname, '..', '..', 'src', 'directory', 'testdata', name), 'utf8');

export interface DirectoryServer {
  server: FeedServer;
  /** The Podcast Index base URL to configure (EARSHOT_PODCASTINDEX_URL). */
  podcastIndexUrl: string;
  /** Apple's search base URL to configure (EARSHOT_APPLE_SEARCH_URL). */
  appleUrl: string;
  setMode(directory: 'podcast-index' | 'apple', mode: DirectoryMode): void;
  /** Replaces a directory's recorded answer (a JSON text). */
  setAnswer(directory: 'podcast-index' | 'apple', body: string): void;
  close(): Promise<void>;
}

export async function startDirectoryServer(): Promise<DirectoryServer> {
  const server = await startFeedServer();
  const modes: Record<'podcast-index' | 'apple', DirectoryMode> = { 'podcast-index': 'ok', apple: 'ok' };
  const answers = {
    'podcast-index': testdata('podcast-index-byterm.json'),
    apple: testdata('apple-search.json'),
  };
  const held: (() => void)[] = [];
  const reply =
    (directory: 'podcast-index' | 'apple', check?: Route): Route =>
    (req, res) => {
      if (check !== undefined) {
        check(req, res);
        if (res.writableEnded) return;
      }
      switch (modes[directory]) {
        case 'silent':
          held.push(() => res.destroy());
          return;
        case 'error':
          res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>Internal Server Error</h1>');
          return;
        case 'not-json':
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"feeds": [ {"title": "cut off');
          return;
        case 'huge':
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ feeds: [], results: [], padding: 'x'.repeat(2 * 1024 * 1024) }));
          return;
        case 'wrong-shape':
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"feeds": "none", "results": 7}');
          return;
        case 'ok':
          // Apple answers JSON as text/javascript.
          res
            .writeHead(200, {
              'content-type':
                directory === 'apple' ? 'text/javascript; charset=utf-8' : 'application/json;charset=UTF-8',
            })
            .end(answers[directory]);
      }
    };
  const checkAuth: Route = (req, res) => {
    const key = req.headers['x-auth-key'];
    const date = req.headers['x-auth-date'];
    const expected = createHash('sha1')
      .update(`${TEST_PI_KEY}${TEST_PI_SECRET}${String(date)}`)
      .digest('hex');
    if (key !== TEST_PI_KEY || typeof date !== 'string' || req.headers.authorization !== expected) {
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end('{"status":"false","description":"Authorization header doesn\'t match"}');
      return;
    }
    if (req.headers['user-agent'] === undefined || req.headers['user-agent'] === '') {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('a User-Agent is required');
    }
  };
  server.route('/pi/api/1.0/search/byterm', reply('podcast-index', checkAuth));
  server.route('/apple/search', reply('apple'));
  return {
    server,
    podcastIndexUrl: server.url('/pi/api/1.0'),
    appleUrl: server.url('/apple'),
    setMode: (directory, mode) => {
      modes[directory] = mode;
    },
    setAnswer: (directory, body) => {
      answers[directory] = body;
    },
    close: async () => {
      for (const release of held.splice(0)) release();
      await server.close();
    },
  };
}
