// How a feed's author reads on a page.

/** `itunes:author` is often `email (Name)` or a bare address: show the name only, never the address. */
export function authorName(raw: string | undefined): string | undefined {
  const s = raw?.trim();
  if (!s) return undefined;
  const m = /^\S+@\S+\s*\(([^()]*)\)$/.exec(s);
  if (m) return m[1]?.trim() || undefined;
  if (/^[^\s@]+@[^\s@]+$/.test(s)) return undefined;
  return s;
}

/** `{ author }` for a view model, or nothing when the feed gives no readable name. */
export function authorField(raw: string | undefined): { author?: string } {
  const author = authorName(raw);
  return author ? { author } : {};
}
