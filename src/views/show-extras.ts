// Parts of a show's page for long shows (issue 15): the description folded after a few lines with a "more" that
// works without JavaScript (`<details>`), season tabs, a jump to a year, and the show's categories.
import { html, raw, type SafeHtml } from './html.ts';

/** A description longer than this is folded: the first words shown, the rest behind "more". */
export const DESCRIPTION_FOLD = 320;

export interface TabLink {
  label: string;
  href: string;
  current: boolean;
}

export interface SeasonTab extends TabLink {
  /** Episodes in the season (absent on "All"). */
  episodes?: number;
}

/** The description, folded at a word boundary near `DESCRIPTION_FOLD` when it is long. */
export function showDescription(text: string | undefined): SafeHtml {
  if (!text) return html``;
  if (text.length <= DESCRIPTION_FOLD + 80) return html`<div class="description"><p>${text}</p></div>`;
  const space = text.lastIndexOf(' ', DESCRIPTION_FOLD);
  const cut = space > DESCRIPTION_FOLD / 2 ? space : DESCRIPTION_FOLD;
  return html`<div class="description folded"><p>${text.slice(0, cut)}<span class="fold-ellipsis" aria-hidden="true">…</span></p>
<details><summary>more<span class="visually-hidden"> of the description</span></summary><p>${text.slice(cut).trimStart()}</p></details></div>`;
}

export function seasonTabs(tabs: readonly SeasonTab[] | undefined): SafeHtml {
  if (!tabs || tabs.length === 0) return html``;
  return html`<nav class="tabs seasons" aria-label="Seasons"><ul>${tabs.map(
    (t) =>
      html`<li><a href="${t.href}" ${t.current ? raw('aria-current="page"') : ''}>${t.label}${
        t.episodes !== undefined ? html` <span class="count">(${t.episodes})</span>` : ''
      }</a></li>`,
  )}</ul></nav>`;
}

export function yearJump(years: readonly TabLink[] | undefined): SafeHtml {
  if (!years || years.length < 2) return html``;
  return html`<nav class="years" aria-label="Jump to a year"><span class="meta">Jump to:</span> <ul class="inline">${years.map(
    (y) => html`<li><a href="${y.href}" ${y.current ? raw('aria-current="true"') : ''}>${y.label}</a></li>`,
  )}</ul></nav>`;
}

export function showCategoryLinks(links: readonly { name: string; href: string }[] | undefined): SafeHtml {
  if (!links || links.length === 0) return html``;
  return html`<p class="show-categories"><span class="visually-hidden">Categories: </span>${links.map(
    (c, i) => html`${i > 0 ? ' · ' : ''}<a href="${c.href}">${c.name}</a>`,
  )}</p>`;
}
