// Small conversions between domain values and column values. NULL in a column means absent in the domain.
import { createHash } from 'node:crypto';

/** A value for a JSON column: absent (and empty objects) become NULL. */
export function toJson(value: unknown): string | null {
  if (value === undefined) return null;
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0)
    return null;
  return JSON.stringify(value);
}

/** Reads a JSON column written by `toJson`. */
export function fromJson<T>(text: string | null): T | undefined {
  // The column only ever holds JSON this module wrote from a value of type T.
  return text === null ? undefined : (JSON.parse(text) as T);
}

export function toFlag(value: boolean | undefined): number | null {
  return value === undefined ? null : value ? 1 : 0;
}

export function fromFlag(value: number | null): boolean | undefined {
  return value === null ? undefined : value !== 0;
}

export function toNull<T>(value: T | undefined): T | null {
  return value === undefined ? null : value;
}

/** Drops properties whose value is null or undefined, so absent columns become absent properties. */
export function compact<T extends object>(row: { [K in keyof T]: T[K] | null | undefined }): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) if (value !== null && value !== undefined) out[key] = value;
  // Every remaining key carries a non-null value of the declared type; optional ones were dropped.
  return out as T;
}

/**
 * `compact({ ...extras, ...fields })`, without the spread: an object literal that starts by spreading another object
 * becomes a slow dictionary-mode object in V8 (a show row's conversion took ~0.09 ms, most of it there; now a tenth).
 * A key of `fields` wins over the same key of `extras` even when its value is absent.
 */
export function compactWith<T extends object>(
  extras: Readonly<Record<string, unknown>>,
  fields: { [K in keyof T]: T[K] | null | undefined },
): T {
  const out: Record<string, unknown> = {};
  for (const key in extras) {
    const value = extras[key];
    if (!(key in fields) && value !== null && value !== undefined) out[key] = value;
  }
  for (const key in fields) {
    const value = fields[key];
    if (value !== null && value !== undefined) out[key] = value;
  }
  // As in `compact`: every remaining key carries a non-null value of the declared type.
  return out as T;
}

export function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

export function iso(date: Date): string {
  return date.toISOString();
}

/** Splits `items` into runs of at most `size`, for multi-row statements under the drivers' parameter limits. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A row limit clamped to [1, max]; anything not a finite number gives `fallback`. */
export function clampLimit(value: number | undefined, fallback: number, max: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.max(1, Math.min(Math.floor(value), max));
}

/**
 * `items` in runs whose lengths are powers of two, largest first, each at most `max` (a power of two). A multi-row
 * statement's SQL text depends on its row count and the SQLite connection keeps one prepared statement per text
 * (a 60-row episode insert is ~150 KB of native memory): any count up to `max` would leave up to `max` big statements
 * in that cache for the life of the process; this leaves log2(max) + 1 shapes.
 */
export function shapedRuns<T>(items: readonly T[], max: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; ) {
    let size = max;
    while (size > items.length - i) size >>= 1;
    out.push(items.slice(i, i + size));
    i += size;
  }
  return out;
}

/** An IN list padded to a power-of-two length by repeating its last value (same rows match), for the same reason. */
export function paddedList<T>(values: readonly T[]): T[] {
  const out = [...values];
  const last = out.at(-1);
  if (last === undefined) return out;
  let size = 1;
  while (size < out.length) size *= 2;
  while (out.length < size) out.push(last);
  return out;
}
