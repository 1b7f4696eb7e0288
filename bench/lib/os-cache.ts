// The SQLite catalogue in the operating system's cache before bench:web's rows, as PostgreSQL's schema is read into
// its buffers (web-pg-copy.ts, pgCacheState). A server that has run a while has its database in memory when memory
// allows; a fresh bench run may not: on the bench's virtual machine the cache of a 9 GB catalogue built minutes
// before held 1.5 GB of it, and the episode page, reading random episodes, then waited on the disk (407 req/s, p99
// 204 ms) where the file read once first gave 1,772 req/s and p99 11 ms in the same sitting.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { freemem } from 'node:os';

const CHUNK = 16 * 2 ** 20;
/** The most of the available memory (which counts the cache itself) the file may take to be read ahead. */
const SHARE = 0.75;

/** Memory the kernel could give the cache: MemAvailable on Linux, else what is free. */
function availableBytes(): number {
  try {
    const match = /^MemAvailable:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (match?.[1] !== undefined) return Number(match[1]) * 1024;
  } catch {
    // not Linux: fall through
  }
  return freemem();
}

/**
 * Reads `file` (and its write-ahead log) once, so that its pages are in the operating system's cache, when it takes
 * at most SHARE of the memory available; what it did, for the report.
 */
export async function readIntoOsCache(file: string, log: (m: string) => void): Promise<string> {
  const files = [file, `${file}-wal`].filter((f) => existsSync(f));
  const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  const gb = (n: number): string => `${(n / 2 ** 30).toFixed(1)} GB`;
  const available = availableBytes();
  if (bytes > available * SHARE)
    return `SQLite file ${gb(bytes)}, not read ahead: more than ${SHARE * 100} % of the memory available (${gb(available)})`;
  const t0 = performance.now();
  const buffer = Buffer.allocUnsafe(CHUNK);
  for (const f of files) {
    const handle = await open(f, 'r');
    try {
      let position = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, CHUNK, position);
        if (bytesRead === 0) break;
        position += bytesRead;
      }
    } finally {
      await handle.close();
    }
  }
  const warmed = `SQLite file ${gb(bytes)}, read into the operating system's cache first (${((performance.now() - t0) / 1000).toFixed(0)} s)`;
  log(`  ${warmed}`);
  return warmed;
}
