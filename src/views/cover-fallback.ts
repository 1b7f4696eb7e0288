// The cover shown when a show has no artwork or its source fails: the title's initials on a colour derived from the
// title, as a small SVG. Pure: the same title always gives the same picture.
import { escapeHtml } from './html.ts';

/** Up to two initials: the first letter or digit of the first two words (of the first word alone when one). */
export function coverInitials(title: string): string {
  const words = title.normalize('NFC').match(/[\p{L}\p{N}][\p{L}\p{N}\p{M}'’]*/gu) ?? [];
  const skip = new Set(['the', 'a', 'an']);
  const meaningful = words.length > 1 ? words.filter((w) => !skip.has(w.toLowerCase())) : words;
  const chosen = meaningful.length > 0 ? meaningful : words;
  const letters = chosen.slice(0, 2).map((w) => [...w][0] ?? '');
  return letters.join('').toLocaleUpperCase() || '?';
}

/** A hue from the title (FNV-1a), so each show keeps its colour. */
export function coverHue(title: string): number {
  let h = 0x811c9dc5;
  for (const ch of title) {
    h ^= ch.codePointAt(0) ?? 0;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % 360;
}

/**
 * A square SVG of `size` px: white initials on a dark, saturated colour (contrast above 4.5:1 for every hue).
 * No script, no external reference; the text is escaped.
 */
export function coverFallbackSvg(title: string, size: number): string {
  const initials = escapeHtml(coverInitials(title));
  const hue = coverHue(title);
  const font = Math.round(size * (initials.length > 1 ? 0.38 : 0.46));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}" role="img"><rect width="100%" height="100%" fill="hsl(${hue} 55% 30%)"/><text x="50%" y="50%" dy=".35em" text-anchor="middle" fill="#fff" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-weight="700" font-size="${font}">${initials}</text></svg>`;
}
