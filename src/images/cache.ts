// Where rendered covers are kept: files under the data directory (`<dataDir>/images/ab/<key>.<width>.webp`), one
// group of widths per source URL. Files, not the database: they are written once, read whole, never queried, and a
// reverse proxy could serve them; the database stays small and its backups free of thumbnails.
// The total is bounded: past `maxBytes` the least recently used sources are deleted, all their widths together.
// The index of what is here is this process's memory (rebuilt from the files at start, oldest first by mtime);
// another process sharing the directory is seen through the files themselves (a miss in the index still looks on
// disk, a file gone from disk is dropped from the index).
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface CoverCache {
  get(key: string, width: number): Promise<Buffer | undefined>;
  /** Keeps every width of one source; may delete older sources to stay under the bound. */
  put(key: string, renditions: ReadonlyMap<number, Buffer>): Promise<void>;
  /** Bytes currently kept (as far as this process knows). */
  size(): number;
}

interface Entry {
  bytes: number;
  widths: Set<number>;
}

/** Keys are hex digests: nothing else may name a file. */
const KEY = /^[0-9a-f]{16,128}$/;
const FILE = /^([0-9a-f]{16,128})\.(\d{1,5})\.webp$/;

/** Least recently used first: a Map keeps insertion order, and a use re-inserts. */
class Lru {
  readonly entries = new Map<string, Entry>();
  total = 0;

  touch(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  add(key: string, width: number, bytes: number): void {
    const entry = this.touch(key) ?? { bytes: 0, widths: new Set<number>() };
    if (entry.widths.has(width)) return;
    entry.widths.add(width);
    entry.bytes += bytes;
    this.total += bytes;
    this.entries.set(key, entry);
  }

  drop(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    this.total -= entry.bytes;
    return entry;
  }

  /** The keys to evict so that `total` fits in `max`, least recently used first, never `keep`. */
  *overflow(max: number, keep: string): Generator<string> {
    for (const key of [...this.entries.keys()]) {
      if (this.total <= max) return;
      if (key !== keep) yield key;
    }
  }
}

/** In memory: for tests and for a server without a data directory. */
export function memoryCoverCache(maxBytes: number): CoverCache {
  const lru = new Lru();
  const bodies = new Map<string, Buffer>();
  return {
    async get(key, width) {
      const body = bodies.get(`${key}.${width}`);
      if (body !== undefined) lru.touch(key);
      return body;
    },
    async put(key, renditions) {
      for (const [width, body] of renditions) {
        bodies.set(`${key}.${width}`, body);
        lru.add(key, width, body.length);
      }
      for (const old of lru.overflow(maxBytes, key)) {
        for (const width of lru.drop(old)?.widths ?? []) bodies.delete(`${old}.${width}`);
      }
    },
    size: () => lru.total,
  };
}

/** On disk under `dir` (created when missing), at most about `maxBytes`. */
export async function openDiskCoverCache(dir: string, maxBytes: number): Promise<CoverCache> {
  await mkdir(dir, { recursive: true });
  const lru = new Lru();
  const pathOf = (key: string, width: number) => join(dir, key.slice(0, 2), `${key}.${width}.webp`);

  // What an earlier run left, oldest first, so the least recently written go first.
  const found: { key: string; width: number; bytes: number; mtime: number }[] = [];
  for (const shard of await readdir(dir)) {
    if (!/^[0-9a-f]{2}$/.test(shard)) continue;
    for (const name of await readdir(join(dir, shard)).catch(() => [])) {
      const m = FILE.exec(name);
      if (m?.[1] === undefined) continue;
      const s = await stat(join(dir, shard, name)).catch(() => undefined);
      if (s?.isFile()) found.push({ key: m[1], width: Number(m[2]), bytes: s.size, mtime: s.mtimeMs });
    }
  }
  found.sort((a, b) => a.mtime - b.mtime);
  for (const f of found) lru.add(f.key, f.width, f.bytes);

  async function evict(keep: string): Promise<void> {
    for (const old of lru.overflow(maxBytes, keep)) {
      const entry = lru.drop(old);
      for (const width of entry?.widths ?? []) await unlink(pathOf(old, width)).catch(() => undefined);
    }
  }

  await evict('');

  return {
    async get(key, width) {
      if (!KEY.test(key)) return undefined;
      try {
        const body = await readFile(pathOf(key, width));
        lru.add(key, width, body.length);
        return body;
      } catch {
        // Evicted by another process sharing the directory, or never written.
        if (lru.entries.get(key)?.widths.has(width) === true) lru.drop(key);
        return undefined;
      }
    },
    async put(key, renditions) {
      if (!KEY.test(key)) return;
      await mkdir(join(dir, key.slice(0, 2)), { recursive: true });
      for (const [width, body] of renditions) {
        // Written aside, then renamed: a reader (this process or another) never sees half a file.
        const path = pathOf(key, width);
        const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
        await writeFile(temporary, body);
        await rename(temporary, path);
        lru.add(key, width, body.length);
      }
      await evict(key);
    },
    size: () => lru.total,
  };
}
