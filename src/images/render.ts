// Decoding a cover with sharp (libvips, on libuv's thread pool: the event loop only waits) and encoding it at the
// fixed widths, once per source. The source is untrusted: its pixel count is bounded before any pixel is decoded,
// only raster formats browsers show are accepted (never SVG: no second renderer of untrusted markup), and every
// pipeline has a time bound.
import sharp, { type Metadata } from 'sharp';
import { COVER_WIDTHS, type CoverWidth } from '../domain/cover.ts';

export type CoverRenderErrorCode = 'not-an-image' | 'too-many-pixels' | 'decode-timeout';

export class CoverRenderError extends Error {
  override readonly name = 'CoverRenderError';
  constructor(
    readonly code: CoverRenderErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface RenderLimits {
  /** Largest width × height decoded (a 3000×3000 cover is 9 M). Default 40 M. */
  maxPixels?: number;
  /** Each sharp pipeline gives up after this long. Default 10 s. */
  timeoutSeconds?: number;
  /** WebP quality. Default 78. */
  quality?: number;
}

export const DEFAULT_MAX_PIXELS = 40_000_000;
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'heif']);

/**
 * Every cover width as a square WebP, cropped to the centre, never enlarged (a 300 px source gives 300 px at 320
 * and 640). One decode: the source is scaled once to the largest width, the smaller ones come from that.
 */
export async function renderCoverWidths(
  source: Uint8Array,
  limits: RenderLimits = {},
): Promise<Map<CoverWidth, Buffer>> {
  const maxPixels = limits.maxPixels ?? DEFAULT_MAX_PIXELS;
  const seconds = limits.timeoutSeconds ?? 10;
  const quality = limits.quality ?? 78;
  const input = { limitInputPixels: maxPixels, failOn: 'truncated' as const, animated: false };

  let meta: Metadata;
  try {
    meta = await sharp(source, input).metadata();
  } catch (cause) {
    throw classify(cause, seconds);
  }
  if (!ACCEPTED_FORMATS.has(meta.format)) {
    throw new CoverRenderError('not-an-image', `the source is ${meta.format}, not a raster cover format`);
  }
  if (meta.width * meta.height > maxPixels) {
    throw new CoverRenderError(
      'too-many-pixels',
      `the source is ${meta.width}×${meta.height}, more than ${maxPixels} pixels`,
    );
  }

  const largest = COVER_WIDTHS[COVER_WIDTHS.length - 1] ?? 640;
  const square = { fit: 'cover' as const, withoutEnlargement: true };
  try {
    const base = await sharp(source, input)
      .timeout({ seconds })
      .rotate()
      .resize({ width: largest, height: largest, ...square })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = {
      raw: { width: base.info.width, height: base.info.height, channels: base.info.channels },
    };
    const out = new Map<CoverWidth, Buffer>();
    for (const width of COVER_WIDTHS) {
      const body = await sharp(base.data, raw)
        .timeout({ seconds })
        .resize({ width, height: width, ...square })
        .webp({ quality, effort: 4 })
        .toBuffer();
      out.set(width, body);
    }
    return out;
  } catch (cause) {
    throw classify(cause, seconds);
  }
}

/** sharp's errors carry no code: its messages are the only way to tell a pixel bomb or a timeout from bad bytes. */
function classify(cause: unknown, seconds: number): CoverRenderError {
  const message = cause instanceof Error ? cause.message : String(cause);
  if (/pixel limit/i.test(message)) return new CoverRenderError('too-many-pixels', message, { cause });
  if (/timeout/i.test(message)) {
    return new CoverRenderError('decode-timeout', `decoding took more than ${seconds} s`, { cause });
  }
  return new CoverRenderError('not-an-image', `the source could not be decoded: ${message}`, { cause });
}
