// The demo catalogue's files (audio, art, transcript) served read-only at /demo-assets/*, with HEAD and Range so
// the player can seek (protocols.md §4: 206 with Content-Range, 416 past the end).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { HttpError } from './errors.ts';

export const DEMO_PREFIX = '/demo-assets/';

const TYPES: Record<string, string> = {
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.ogg': 'audio/ogg',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.vtt': 'text/vtt; charset=utf-8',
  '.srt': 'application/x-subrip',
  '.json': 'application/json',
};

/** The file for a /demo-assets/ name, or undefined for anything that is not a plain file name. */
export function demoFile(dir: string, name: string): string | undefined {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || name.includes('..')) return undefined;
  return join(dir, name);
}

export function registerDemoAssets(app: FastifyInstance, dir: string): void {
  app.route<{ Params: { name: string } }>({
    method: ['GET', 'HEAD'],
    url: `${DEMO_PREFIX}:name`,
    handler: async (req, reply) => {
      const file = demoFile(dir, req.params.name);
      const type = TYPES[extname(req.params.name).toLowerCase()];
      if (!file || !type) throw new HttpError('not-found', 'No such file.');
      let size: number;
      let mtime: Date;
      try {
        const s = await stat(file);
        if (!s.isFile()) throw new Error('not a file');
        size = s.size;
        mtime = s.mtime;
      } catch {
        throw new HttpError('not-found', 'No such file.');
      }
      const etag = `"${size.toString(16)}-${mtime.getTime().toString(16)}"`;
      reply
        .header('content-type', type)
        .header('accept-ranges', 'bytes')
        .header('etag', etag)
        .header('last-modified', mtime.toUTCString())
        .header('cache-control', 'public, max-age=3600');
      const range = req.headers.range;
      let start = 0;
      let end = size - 1;
      if (typeof range === 'string') {
        const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
        if (!m || (m[1] === '' && m[2] === '')) {
          return reply.code(416).header('content-range', `bytes */${size}`).send();
        }
        if (m[1] === '') {
          start = Math.max(0, size - Number(m[2]));
        } else {
          start = Number(m[1]);
          if (m[2] !== '') end = Math.min(Number(m[2]), size - 1);
        }
        if (start >= size || start > end)
          return reply.code(416).header('content-range', `bytes */${size}`).send();
        reply.code(206).header('content-range', `bytes ${start}-${end}/${size}`);
      }
      reply.header('content-length', String(end - start + 1));
      if (req.method === 'HEAD') return reply.send();
      return reply.send(createReadStream(file, { start, end }));
    },
  });
}
