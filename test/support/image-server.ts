// A loopback host of cover images for the image endpoint's tests: generated fixtures (sharp), a count of requests
// per path, and the failures a publisher's host can produce (404, HTML, too big, a decompression bomb).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';

export interface ImageHost {
  base: string;
  /** Requests seen per path and query (the query only tells tests apart: the path picks the image). */
  hits: Map<string, number>;
  close(): Promise<void>;
}

export interface Served {
  type: string;
  body: Buffer;
  /** Held this long before answering, so that requests overlap. */
  delayMs?: number;
  status?: number;
}

/** A square JPEG of `size` px: a colour gradient, so that resizing has real work to do. */
export async function jpegOf(size: number): Promise<Buffer> {
  const raw = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 3;
      raw[i] = (x * 255) / size;
      raw[i + 1] = (y * 255) / size;
      raw[i + 2] = 128;
    }
  }
  return sharp(raw, { raw: { width: size, height: size, channels: 3 } })
    .jpeg({ quality: 80 })
    .toBuffer();
}

export async function pngOf(size: number, background = '#2a6f97'): Promise<Buffer> {
  return sharp({ create: { width: size, height: size, channels: 3, background } })
    .png()
    .toBuffer();
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A decompression bomb's header: a real 1×1 PNG whose IHDR claims `width`×`height` (CRC fixed), so a decoder that
 * trusts it would allocate gigabytes.
 */
export async function pngClaiming(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(await pngOf(1));
  // Signature (8), IHDR length (4), "IHDR" (4), width (4), height (4), 5 more bytes, CRC (4).
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

export function serveImages(routes: Record<string, Served>): Promise<ImageHost> {
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '';
    const path = url.split('?')[0] ?? '';
    hits.set(url, (hits.get(url) ?? 0) + 1);
    const route = routes[path];
    if (route === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const answer = () =>
      res
        .writeHead(route.status ?? 200, { 'content-type': route.type, 'content-length': route.body.length })
        .end(route.body);
    if (route.delayMs === undefined) answer();
    else setTimeout(answer, route.delayMs);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo; // listen() on a TCP port gives an AddressInfo
      resolve({
        base: `http://127.0.0.1:${port}`,
        hits,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    }),
  );
}
