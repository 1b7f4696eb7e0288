// Cover art as the pages serve it: the few widths the image endpoint renders, and nothing else.

/** Every width (CSS pixels × density) a cover is rendered at; any other width is a 404. Ascending. */
export const COVER_WIDTHS = [96, 160, 320, 640] as const;
export type CoverWidth = (typeof COVER_WIDTHS)[number];

/** What a cover belongs to: a show's artwork, an episode's own, a `podcast:person`'s picture. */
export const COVER_KINDS = ['show', 'episode', 'person'] as const;
export type CoverKind = (typeof COVER_KINDS)[number];

export function isCoverWidth(n: number): n is CoverWidth {
  return (COVER_WIDTHS as readonly number[]).includes(n);
}

export function isCoverKind(s: string): s is CoverKind {
  return (COVER_KINDS as readonly string[]).includes(s);
}
