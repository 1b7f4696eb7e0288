// The static files in public/ (stylesheet, player bundle, service worker, manifest, icons), loaded once at start,
// hashed for cache-busting URLs and gzipped once, then served from memory.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { packagePath } from '../package-root.ts';

export const PUBLIC_DIR = packagePath('public');

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

export interface Asset {
  /** Path under public/, with forward slashes: `app.css`, `icons/icon.svg`. */
  path: string;
  type: string;
  body: Buffer;
  gzip?: Buffer;
  etag: string;
  hash: string;
}

export interface AssetTable {
  get(path: string): Asset | undefined;
  /** Versioned URL for a page to link: `/assets/app.css?v=<hash>`. */
  url(path: string): string;
  all(): Asset[];
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else out.push(full);
  }
  return out;
}

export function loadAssets(dir: string = PUBLIC_DIR): AssetTable {
  const table = new Map<string, Asset>();
  for (const file of walk(dir)) {
    const path = relative(dir, file).split(sep).join('/');
    const type = TYPES[extname(file)];
    if (!type) continue;
    const body = readFileSync(file);
    const hash = createHash('sha256').update(body).digest('base64url').slice(0, 12);
    const compressible = !type.startsWith('image/png');
    const gz = compressible ? gzipSync(body, { level: 9 }) : undefined;
    table.set(path, {
      path,
      type,
      body,
      etag: `"${hash}"`,
      hash,
      ...(gz && gz.length < body.length ? { gzip: gz } : {}),
    });
  }
  return {
    get: (path) => table.get(path),
    url: (path) => {
      const asset = table.get(path);
      return `/assets/${path}${asset ? `?v=${asset.hash}` : ''}`;
    },
    all: () => [...table.values()],
  };
}
