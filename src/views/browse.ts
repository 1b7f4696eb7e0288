// The catalogue pages (issue 15): all shows (/shows, by popularity or A–Z), the category tree (/categories), one
// category (/categories/:slug) and the newest episodes of every show (/new). Their view models live here with them.
import { episodeList, showCard, showRail } from './components.ts';
import { html, raw, type SafeHtml } from './html.ts';
import { layout } from './layout.ts';
import type { EpisodeRow, PageContext, ShowCard } from './models.ts';

export type BrowseOrder = 'popular' | 'az';

export interface CategoryLink {
  name: string;
  href: string;
  /** Shows the visitor may see in it. */
  shows: number;
}

/** A keyset-paged list of shows: a next page link, and a way back to the first. */
export interface ShowList {
  cards: ShowCard[];
  total: number;
  /** Absent on the last page. */
  nextHref?: string;
  /** Absent on the first page. */
  firstHref?: string;
}

export interface LetterLink {
  label: string;
  href: string;
  current: boolean;
}

export interface BrowsePageModel {
  order: BrowseOrder;
  orderHref: (order: BrowseOrder) => string;
  /** The A–Z jump (A–Z order only). */
  letters: LetterLink[];
  list: ShowList;
  /** Top-level categories with shows, as a way in. */
  categories: CategoryLink[];
}

export interface CategoryTreeEntry extends CategoryLink {
  subcategories: CategoryLink[];
}

export interface CategoriesPageModel {
  tree: CategoryTreeEntry[];
  /** Categories that feeds name and Apple's tree does not have. */
  other: CategoryLink[];
}

export interface CategoryPageModel {
  name: string;
  parent?: { name: string; href: string };
  subcategories: CategoryLink[];
  popular: ShowCard[];
  list: ShowList;
  /** Absolute URL of this page. */
  pageUrl: string;
}

export interface NewEpisodesPageModel {
  episodes: EpisodeRow[];
  nextHref?: string;
  firstHref?: string;
}

const count = (n: number, one: string, many: string): string =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

function pager(label: string, next: string | undefined, first: string | undefined, more: string): SafeHtml {
  if (!next && !first) return html``;
  return html`<nav class="pagination" aria-label="${label}">${first ? html`<a href="${first}">← First page</a>` : ''}${
    next ? html`<a rel="next" href="${next}">${more} →</a>` : ''
  }</nav>`;
}

function showGrid(list: ShowList, empty: string): SafeHtml {
  if (list.cards.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<ul class="cards">${list.cards.map(showCard)}</ul>`;
}

function categoryChips(links: CategoryLink[], label: string): SafeHtml {
  if (links.length === 0) return html``;
  return html`<nav class="chips" aria-label="${label}"><ul>${links.map(
    (c) =>
      html`<li><a href="${c.href}">${c.name} <span class="count">${c.shows.toLocaleString('en-US')}</span></a></li>`,
  )}</ul></nav>`;
}

export function browsePage(ctx: PageContext, m: BrowsePageModel): SafeHtml {
  const current = (o: BrowseOrder) => (m.order === o ? raw('aria-current="page"') : '');
  const body = html`<h1>All Shows</h1>
<p class="count">${count(m.list.total, 'show', 'shows')}</p>
${categoryChips(m.categories, 'Categories')}
<nav class="sort" aria-label="Order of shows">
  <a href="${m.orderHref('popular')}" ${current('popular')}>Popular</a>
  <a href="${m.orderHref('az')}" ${current('az')}>A–Z</a>
</nav>
${
  m.letters.length
    ? html`<nav class="letters" aria-label="Jump to a letter"><ul>${m.letters.map(
        (l) =>
          html`<li><a href="${l.href}" ${l.current ? raw('aria-current="true"') : ''}>${l.label}</a></li>`,
      )}</ul></nav>`
    : ''
}
<section aria-label="${m.order === 'az' ? 'Shows A–Z' : 'Shows by popularity'}">
${showGrid(m.list, m.list.firstHref ? 'There are no more shows.' : 'No shows yet.')}
</section>
${pager('More shows', m.list.nextHref, m.list.firstHref, 'More shows')}`;
  const title = m.list.firstHref ? 'All Shows (more)' : 'All Shows';
  return layout(ctx, { title, description: `Every podcast on ${ctx.site.name}` }, body);
}

export function categoriesPage(ctx: PageContext, m: CategoriesPageModel): SafeHtml {
  const body = html`<h1>Categories</h1>
<ul class="category-tree">${m.tree.map(
    (c) => html`<li>
  <h2><a href="${c.href}">${c.name}</a> <span class="count">(${c.shows.toLocaleString('en-US')})</span></h2>
  ${
    c.subcategories.length
      ? html`<ul class="inline">${c.subcategories.map(
          (s) =>
            html`<li><a href="${s.href}">${s.name}</a> <span class="count">(${s.shows.toLocaleString('en-US')})</span></li>`,
        )}</ul>`
      : ''
  }
</li>`,
  )}</ul>
${
  m.other.length
    ? html`<section aria-labelledby="other-h"><h2 id="other-h">Other Categories</h2>${categoryChips(m.other, 'Other categories')}</section>`
    : ''
}`;
  return layout(ctx, { title: 'Categories', description: `Podcasts on ${ctx.site.name} by category` }, body);
}

export function categoryPage(ctx: PageContext, m: CategoryPageModel): SafeHtml {
  const body = html`${m.parent ? html`<p class="back"><a href="${m.parent.href}">← ${m.parent.name}</a></p>` : html`<p class="back"><a href="/categories">← Categories</a></p>`}
<h1>${m.name}</h1>
<p class="count">${count(m.list.total, 'show', 'shows')}</p>
${categoryChips(m.subcategories, `${m.name} sub-categories`)}
${m.list.firstHref ? '' : showRail(`Popular in ${m.name}`, m.popular, 'cat-popular-h')}
<section aria-labelledby="cat-all-h">
  <h2 id="cat-all-h">All ${m.name} Shows A–Z</h2>
  ${showGrid(m.list, m.list.firstHref ? 'There are no more shows.' : 'No shows in this category yet.')}
</section>
${pager(`More ${m.name} shows`, m.list.nextHref, m.list.firstHref, 'More shows')}`;
  return layout(
    ctx,
    {
      title: m.list.firstHref ? `${m.name} (more)` : `${m.name} Podcasts`,
      description: `${m.name} podcasts on ${ctx.site.name}`,
      canonical: m.pageUrl,
    },
    body,
  );
}

export function newEpisodesPage(ctx: PageContext, m: NewEpisodesPageModel): SafeHtml {
  const body = html`<h1>New Episodes</h1>
<p class="meta">The latest episodes of every show on ${ctx.site.name}.</p>
${episodeList(m.episodes, m.firstHref ? 'There are no more episodes.' : 'No episodes yet.', ctx)}
${pager('More episodes', m.nextHref, m.firstHref, 'Older episodes')}`;
  return layout(ctx, { title: m.firstHref ? 'New Episodes (older)' : 'New Episodes' }, body);
}
