// Sources as data (issue 16): an episode's source list, formatted and linked, with where else each work is cited,
// and a source's page, listing the episodes that cite it.
import type { Citation } from '../domain/citation.ts';
import { formatDate } from './format.ts';
import { html, join, type SafeHtml } from './html.ts';
import { layout } from './layout.ts';
import type { PageContext } from './models.ts';

export interface CitationView {
  citation: Citation;
  sourceHref: string;
  /** Other episodes citing the same work, as far as the visitor may see (absent when none). */
  alsoCited?: { episodes: number; shows: number };
}

export interface EpisodeSourcesModel {
  items: CitationView[];
  bibtexHref: string;
  cslJsonHref: string;
}

export interface CitingEpisodeView {
  href: string;
  title: string;
  showHref: string;
  showTitle: string;
  publishedAt?: string;
}

export interface SourcePageModel {
  citation: Citation;
  episodes: CitingEpisodeView[];
  episodeCount: number;
  showCount: number;
}

const plural = (n: number, one: string, many: string): string =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** "cited by 7 episodes in 3 shows". */
export function citedBy(episodes: number, shows: number): string {
  return `cited by ${plural(episodes, 'episode', 'episodes')} in ${plural(shows, 'show', 'shows')}`;
}

function safeUrl(url: string | undefined): string | undefined {
  return url !== undefined && /^https?:\/\//i.test(url) ? url : undefined;
}

/** One citation as a reader expects it: Authors. “Title.” <cite>Container</cite>, publisher, date, vol., no., pp. */
export function formattedCitation(c: Citation): SafeHtml {
  const url = safeUrl(c.url);
  const title =
    c.title === undefined
      ? undefined
      : url === undefined
        ? html`“${c.title}.”`
        : html`“<a href="${url}" rel="nofollow noopener" target="_blank">${c.title}</a>.”`;
  const details = [
    c.container === undefined ? undefined : html`<cite>${c.container}</cite>`,
    c.publisher,
    c.dateText ?? c.date,
    c.volume === undefined ? undefined : `vol. ${c.volume}`,
    c.issue === undefined ? undefined : `no. ${c.issue}`,
    c.pages === undefined ? undefined : `pp. ${c.pages}`,
  ].filter((p) => p !== undefined);
  const parts = [
    c.authors === undefined ? undefined : html`<span class="authors">${c.authors.join(', ')}.</span>`,
    title,
    details.length > 0 ? html`${join(details, ', ')}.` : undefined,
    title === undefined && url !== undefined
      ? html`<a href="${url}" rel="nofollow noopener" target="_blank">${url}</a>`
      : undefined,
    c.doi === undefined
      ? undefined
      : html`<a href="https://doi.org/${c.doi}" rel="nofollow noopener" target="_blank">doi:${c.doi}</a>`,
    c.isbn === undefined ? undefined : `ISBN ${c.isbn}`,
  ].filter((p) => p !== undefined);
  return parts.length > 0 ? join(parts, ' ') : html`${c.text}`;
}

/** The episode page's "Sources" section. */
export function episodeSourcesSection(m: EpisodeSourcesModel): SafeHtml {
  if (m.items.length === 0) return html``;
  return html`<section class="sources" aria-labelledby="sources-h">
<h2 id="sources-h">Sources <span class="count">${m.items.length}</span></h2>
<ol class="citations">${m.items.map(
    (item) => html`<li class="citation">${formattedCitation(item.citation)}
  <span class="citation-more"><a href="${item.sourceHref}">Source</a>${
    item.alsoCited
      ? html` · <a href="${item.sourceHref}">also cited in ${plural(item.alsoCited.episodes, 'other episode', 'other episodes')}${
          item.alsoCited.shows > 1 ? ` in ${plural(item.alsoCited.shows, 'show', 'shows')}` : ''
        }</a>`
      : ''
  }</span></li>`,
  )}</ol>
<p class="export">Download: <a href="${m.bibtexHref}" download>BibTeX</a> · <a href="${m.cslJsonHref}" download>CSL-JSON</a></p>
</section>`;
}

export function sourcePage(ctx: PageContext, m: SourcePageModel): SafeHtml {
  const name = m.citation.title ?? m.citation.url ?? m.citation.text;
  const body = html`<article class="source-page">
<header><p class="meta">Source</p><h1>${name}</h1>
<p class="citation">${formattedCitation(m.citation)}</p>
<p class="meta">${citedBy(m.episodeCount, m.showCount)}</p></header>
<section aria-labelledby="citing-h"><h2 id="citing-h">Episodes citing it</h2>
<ul class="citing">${m.episodes.map(
    (e) =>
      html`<li><a href="${e.href}">${e.title}</a> — <a href="${e.showHref}">${e.showTitle}</a>${
        e.publishedAt ? html` <span class="meta">${formatDate(e.publishedAt) ?? ''}</span>` : ''
      }</li>`,
  )}</ul></section>
</article>`;
  return layout(ctx, { title: `${name} · Sources` }, body);
}

/** The search page's cited works: each formatted, with "cited by N episodes in M shows" linking to its page. */
export function searchSourcesSection(items: readonly CitationView[]): SafeHtml {
  if (items.length === 0) return html``;
  return html`<section aria-labelledby="src-h"><h2 id="src-h">Sources</h2><ol class="sources search-sources">${items.map(
    (s) =>
      html`<li>${formattedCitation(s.citation)}${s.alsoCited ? html` <a class="cited-by" href="${s.sourceHref}">${citedBy(s.alsoCited.episodes, s.alsoCited.shows)}</a>` : ''}</li>`,
  )}</ol></section>`;
}
