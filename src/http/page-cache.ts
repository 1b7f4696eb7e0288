// A micro-cache for anonymous pages: the same URL rendered for any anonymous visitor is the same HTML except for
// the CSRF token, so pages are rendered with a placeholder token, kept a few seconds, and filled in per visitor.
// Signed-in pages are never cached. A crawled update shows within `ttlMs`.
import { randomBytes } from 'node:crypto';

export class PageCache {
  /** Stands in for the visitor's CSRF token in cached HTML (letters and digits: escaping leaves it alone). */
  readonly sentinel = `csrf${randomBytes(12).toString('hex')}`;
  readonly #pages = new Map<string, { html: string; at: number }>();

  constructor(
    readonly ttlMs = 5_000,
    readonly limit = 2_000,
  ) {}

  get(key: string, nowMs: number): string | undefined {
    const hit = this.#pages.get(key);
    if (!hit) return undefined;
    if (nowMs - hit.at >= this.ttlMs) {
      this.#pages.delete(key);
      return undefined;
    }
    return hit.html;
  }

  set(key: string, html: string, nowMs: number): void {
    if (this.ttlMs <= 0) return;
    this.#pages.delete(key);
    this.#pages.set(key, { html, at: nowMs });
    if (this.#pages.size > this.limit) {
      const oldest = this.#pages.keys().next();
      if (!oldest.done) this.#pages.delete(oldest.value);
    }
  }

  /** Forgets every page (a show changed visibility: nothing rendered before may be served again). */
  clear(): void {
    this.#pages.clear();
  }

  fill(html: string, token: string): string {
    return html.replaceAll(this.sentinel, token);
  }
}
