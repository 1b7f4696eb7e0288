// multipart/form-data (a form with a file input, e.g. an OPML upload), read as one bounded body: the server's body
// limit (or a route's own `bodyLimit`) caps its size before anything is parsed, and at most MAX_PARTS parts are
// read. Fields become strings, files `UploadedFile`s, under their field names, so handlers validate them with zod
// as any other form (and checkCsrf finds `_csrf`). No streaming: uploads here are small (an OPML file is ≤ 1.5 MB).
import type { FastifyInstance } from 'fastify';
import { HttpError } from './errors.ts';

export interface UploadedFile {
  filename: string;
  contentType?: string;
  data: Buffer;
}

/** More parts than a form of this site has: anything beyond is refused. */
const MAX_PARTS = 20;

export function registerMultipart(app: FastifyInstance): void {
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (req, body, done) => {
    try {
      const contentType = req.headers['content-type'] ?? '';
      const buffer = typeof body === 'string' ? Buffer.from(body) : body;
      done(null, parseMultipart(buffer, contentType));
    } catch (error) {
      done(error instanceof Error ? error : new Error(String(error)), undefined);
    }
  });
}

/** The fields and files of a multipart/form-data body. Throws HttpError 400 for what is not one. */
export function parseMultipart(body: Buffer, contentType: string): Record<string, string | UploadedFile> {
  const boundary = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  const mark = boundary?.[1] ?? boundary?.[2];
  if (mark === undefined) throw unreadable('no boundary');
  const delimiter = Buffer.from(`--${mark}`);
  const next = Buffer.from(`\r\n--${mark}`);
  let at = body.indexOf(delimiter);
  if (at < 0) throw unreadable('no part');
  at += delimiter.length;
  const out: Record<string, string | UploadedFile> = {};
  for (let parts = 0; ; parts++) {
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return out; // "--": the closing delimiter
    if (parts >= MAX_PARTS) throw unreadable(`more than ${MAX_PARTS} parts`);
    if (body[at] !== 0x0d || body[at + 1] !== 0x0a) throw unreadable('a delimiter without a line end');
    const end = body.indexOf(next, at + 2);
    if (end < 0) throw unreadable('a part without an end');
    const part = body.subarray(at + 2, end);
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) throw unreadable('a part without headers');
    const headers = part.subarray(0, split).toString('utf8');
    const content = part.subarray(split + 4);
    const disposition = /^content-disposition:\s*form-data(.*)$/im.exec(headers)?.[1] ?? '';
    const name = param(disposition, 'name');
    if (name === undefined) throw unreadable('a part without a name');
    const filename = param(disposition, 'filename');
    if (filename === undefined) out[name] = content.toString('utf8');
    else {
      const type = /^content-type:\s*([^\r\n;]+)/im.exec(headers)?.[1]?.trim();
      out[name] = { filename, data: Buffer.from(content), ...(type ? { contentType: type } : {}) };
    }
    at = end + next.length;
  }
}

export function isUploadedFile(value: unknown): value is UploadedFile {
  return typeof value === 'object' && value !== null && 'data' in value && Buffer.isBuffer(value.data);
}

function param(disposition: string, key: string): string | undefined {
  const match = new RegExp(`;\\s*${key}="([^"]*)"`, 'i').exec(disposition);
  return match?.[1];
}

function unreadable(why: string): HttpError {
  return new HttpError('bad-request', `The upload could not be read (${why}).`);
}
