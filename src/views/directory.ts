// The "Find podcasts" page: a podcast directory search and its results, each to follow in one click (or, for an
// admin, to add to the public catalogue), or marked as followed / in the catalogue with a link to its show.
import { art, csrfField } from './components.ts';
import { html, type SafeHtml } from './html.ts';
import { layout } from './layout.ts';
import type { PageContext } from './models.ts';

export interface DirectoryRow {
  title: string;
  feedUrl: string;
  author?: string;
  artworkUrl?: string;
  description?: string;
  categories: readonly string[];
  episodeCount?: number;
  /** "Podcast Index", "Apple Podcasts". */
  sources: readonly string[];
  /** Where it stands here, for this viewer. */
  mark?: { label: 'Following' | 'In the catalogue'; href?: string };
}

export interface DirectoryPageModel {
  query: string;
  /** `signed-out`: only listeners search; `off`: no directory configured; `ready`. */
  state: 'signed-out' | 'off' | 'ready';
  /** The directories asked, by name. */
  sourceNames: readonly string[];
  /** "Apple Podcasts did not answer in time." */
  problems: readonly string[];
  results: readonly DirectoryRow[];
  /** An admin may add a result to the public catalogue. */
  canAddPublic: boolean;
  /** What the last action did (after a follow or an add). */
  notice?: string;
  /** For an admin when directory search is off: the settings that turn it on. */
  adminHint?: string;
}

function resultActions(ctx: PageContext, m: DirectoryPageModel, row: DirectoryRow): SafeHtml {
  const hidden = html`${csrfField(ctx.csrfToken)}<input type="hidden" name="url" value="${row.feedUrl}"><input type="hidden" name="q" value="${m.query}">`;
  if (row.mark !== undefined) {
    const label = row.mark.href
      ? html`<a href="${row.mark.href}">${row.mark.label}</a>`
      : html`${row.mark.label}`;
    const publish =
      m.canAddPublic && row.mark.label === 'Following'
        ? html` <form method="post" action="/directory/add" class="inline-form">${hidden}<button type="submit" aria-label="Add ${row.title} to the public catalogue">Add to the public catalogue</button></form>`
        : '';
    return html`<p class="found-mark"><span class="found-badge">✓ ${label}</span>${publish}</p>`;
  }
  return html`<div class="found-actions">
  <form method="post" action="/directory/follow" class="inline-form">${hidden}<button type="submit" class="follow" aria-label="Follow ${row.title}">Follow</button></form>
  ${m.canAddPublic ? html`<form method="post" action="/directory/add" class="inline-form">${hidden}<button type="submit" aria-label="Add ${row.title} to the public catalogue">Add to the public catalogue</button></form>` : ''}
</div>`;
}

function resultItem(ctx: PageContext, m: DirectoryPageModel, row: DirectoryRow): SafeHtml {
  const facts = [
    ...row.categories.slice(0, 3),
    ...(row.episodeCount === undefined
      ? []
      : [`${row.episodeCount.toLocaleString('en-US')} ${row.episodeCount === 1 ? 'episode' : 'episodes'}`]),
  ];
  return html`<li class="found">
  ${art(row.artworkUrl, '', 96)}
  <div class="found-body">
    <h3>${row.title}</h3>
    ${row.author ? html`<p class="author">${row.author}</p>` : ''}
    ${facts.length ? html`<p class="meta">${facts.join(' · ')}</p>` : ''}
    ${row.description ? html`<p class="blurb">${row.description}</p>` : ''}
    <p class="fine">From ${row.sources.join(' and ')}</p>
    ${resultActions(ctx, m, row)}
  </div>
</li>`;
}

export function directoryPage(ctx: PageContext, m: DirectoryPageModel): SafeHtml {
  const form = html`<form class="directory-search" role="search" action="/directory" method="get">
  <label for="directory-q">Search ${m.sourceNames.length ? m.sourceNames.join(' and ') : 'podcast directories'}</label>
  <input id="directory-q" type="search" name="q" value="${m.query}" maxlength="200" autocomplete="off" required placeholder="A show, a topic, a host">
  <button type="submit">Search</button>
</form>`;
  let content: SafeHtml;
  if (m.state === 'signed-out') {
    content = html`<p>Sign in to search podcast directories and follow any show you find. <a href="/signin?next=${encodeURIComponent(`/directory${m.query ? `?q=${encodeURIComponent(m.query)}` : ''}`)}">Sign in</a></p>`;
  } else if (m.state === 'off') {
    content = html`<p class="notice" role="status">No podcast directory is configured on this server, so it cannot search for new podcasts.</p>
${m.adminHint ? html`<p class="fine">${m.adminHint}</p>` : ''}`;
  } else {
    const problems = m.problems.length
      ? html`<div class="notice" role="status">${m.problems.map((p) => html`<p>${p}</p>`)}</div>`
      : '';
    const list = m.results.length
      ? html`<section aria-labelledby="found-h"><h2 id="found-h">${m.results.length} ${m.results.length === 1 ? 'show' : 'shows'} found</h2>
<ul class="found-list">${m.results.map((r) => resultItem(ctx, m, r))}</ul></section>`
      : m.query
        ? html`<p class="empty">No podcasts found for “${m.query}”.</p>`
        : html`<p>Search ${m.sourceNames.join(' and ')} for any podcast, then follow it here.</p>`;
    content = html`${form}${m.notice ? html`<p class="notice" role="status">${m.notice}</p>` : ''}${problems}${list}`;
  }
  const body = html`<h1>Find podcasts</h1>
${content}`;
  const title = m.query ? `Find podcasts: ${m.query}` : 'Find podcasts';
  return layout(ctx, { title }, body);
}
