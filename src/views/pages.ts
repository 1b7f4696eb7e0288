import { feedActions, noticeBlock } from './admin.ts';
import {
  art,
  CARD_SIZES,
  coverImage,
  csrfField,
  episodeItem,
  episodeList,
  episodeMeta,
  HEADER_SIZES,
  hostList,
  pagination,
  playButton,
  playLabel,
  showRail,
} from './components.ts';
import { formatClock, formatDuration } from './format.ts';
import { html, raw, type SafeHtml } from './html.ts';
import { layout } from './layout.ts';
import { podcastEpisodeLd, podcastSeriesLd, socialMeta } from './meta.ts';
import type {
  AdminPageModel,
  EpisodePageModel,
  EpisodeRow,
  HomePageModel,
  LibraryPageModel,
  PageContext,
  PersonPageModel,
  PlayInfo,
  SearchFiltersModel,
  SearchPageModel,
  ShowLink,
  ShowPageModel,
  TranscriptModel,
} from './models.ts';
import { seasonTabs, showCategoryLinks, showDescription, yearJump } from './show-extras.ts';
import { episodeSourcesSection, searchSourcesSection } from './sources.ts';
import { summaryInNotes } from './summary.ts';

export function homePage(ctx: PageContext, m: HomePageModel): SafeHtml {
  const body = html`<h1 class="visually-hidden">${ctx.site.name}</h1>
${m.continueListening?.length ? html`<section aria-labelledby="cont-h"><h2 id="cont-h">Continue Listening</h2>${episodeList(m.continueListening, undefined, ctx)}</section>` : ''}
${showRail('Popular Podcasts', m.popular, 'popular-h')}
${m.newFromFollowed?.length ? html`<section aria-labelledby="new-h"><h2 id="new-h">New From Shows You Follow</h2>${episodeList(m.newFromFollowed, undefined, ctx)}</section>` : ''}
${showRail('Recently Updated', m.recent, 'recent-h')}
${m.popular.length === 0 && m.recent.length === 0 ? html`<p class="empty">No podcasts yet. ${ctx.viewer?.isAdmin ? html`<a href="/admin/feeds">Add a feed</a>.` : ''}</p>` : ''}`;
  return layout(ctx, { title: ctx.site.name, description: `${ctx.site.name}: listen to podcasts` }, body);
}

const LINK_HEADINGS: Record<ShowLink['kind'], string> = {
  website: 'Website',
  funding: 'Support The Show',
  social: 'Follow The Show',
  other: 'More Links',
};

function showLinks(links: ShowLink[]): SafeHtml {
  if (links.length === 0) return html``;
  const kinds = (['website', 'funding', 'social', 'other'] as const).filter((k) =>
    links.some((l) => l.kind === k),
  );
  return html`<section class="show-links" aria-labelledby="links-h">
  <h2 id="links-h">Show Links</h2>
  ${kinds.map(
    (k) =>
      html`<h3>${LINK_HEADINGS[k]}</h3><ul>${links
        .filter((l) => l.kind === k)
        .map(
          (l) => html`<li><a href="${l.url}" rel="nofollow noopener" target="_blank">${l.label}</a></li>`,
        )}</ul>`,
  )}
</section>`;
}

function followButton(ctx: PageContext, m: ShowPageModel): SafeHtml {
  if (m.following === undefined) {
    return html`<a class="button" href="/signin?next=${encodeURIComponent(m.show.href)}">Follow</a>`;
  }
  const action = m.following ? 'unfollow' : 'follow';
  return html`<form method="post" action="${m.show.href}/${action}" hx-post="${m.show.href}/${action}" hx-target="this" hx-select=".follow-form" hx-swap="outerHTML" class="follow-form">
  ${csrfField(ctx.csrfToken)}
  <button type="submit" class="button${m.following ? ' on' : ''}" aria-pressed="${m.following ? 'true' : 'false'}">${m.following ? 'Following' : 'Follow'}</button>
</form>`;
}

export function showPage(ctx: PageContext, m: ShowPageModel): SafeHtml {
  const s = m.show;
  const sortNav = html`<nav class="sort" aria-label="Sort episodes">
    <a href="${m.sortHref('newest')}" ${m.sort === 'newest' ? raw('aria-current="true"') : ''}>Newest first</a>
    <a href="${m.sortHref('oldest')}" ${m.sort === 'oldest' ? raw('aria-current="true"') : ''}>Oldest first</a>
  </nav>`;
  const body = html`<article class="show">
<header class="show-head">
  ${coverImage(s.cover, { alt: `${s.title} cover art`, size: 240, cls: 'art art-large', sizes: HEADER_SIZES, priority: true })}
  <div>
    <h1>${s.title}</h1>
    ${s.author ? html`<p class="author">${s.author}</p>` : ''}
    ${showCategoryLinks(m.categories)}
    ${followButton(ctx, m)}
    ${showDescription(s.description)}
  </div>
</header>
<div class="show-body">
  <section class="all-episodes" aria-labelledby="eps-h">
    <h2 id="eps-h">All Episodes <span class="count">(${m.paging.total})</span></h2>
    ${seasonTabs(m.seasons)}
    ${sortNav}
    ${yearJump(m.years)}
    ${episodeList(m.episodes, undefined, ctx)}
    ${pagination(m.paging)}
  </section>
  <aside>
    ${hostList(s.hosts)}
    ${showLinks(s.links)}
    ${s.feedUrl ? html`<p class="feed-link"><a href="${s.feedUrl}" rel="nofollow">RSS feed</a></p>` : ''}
  </aside>
</div>
${showRail('Popular Podcasts', m.popular, 'popular-h')}
</article>`;
  return layout(
    ctx,
    {
      title: m.paging.firstHref ? `${s.title} (more episodes)` : s.title,
      ...(s.description ? { description: s.description.slice(0, 200) } : {}),
      head: socialMeta({
        type: 'website',
        title: s.title,
        url: m.pageUrl,
        siteName: ctx.site.name,
        ...(s.description ? { description: s.description.slice(0, 300) } : {}),
        ...(s.imageUrl ? { imageUrl: s.imageUrl } : {}),
        ...(m.publicFeedUrl ? { feedUrl: m.publicFeedUrl } : {}),
        jsonLd: podcastSeriesLd({
          title: s.title,
          url: m.pageUrl,
          ...(s.description ? { description: s.description } : {}),
          ...(s.imageUrl ? { imageUrl: s.imageUrl } : {}),
          ...(s.author ? { author: s.author } : {}),
          ...(m.publicFeedUrl ? { feedUrl: m.publicFeedUrl } : {}),
        }),
      }),
    },
    body,
  );
}

function playedForm(ctx: PageContext, m: EpisodePageModel): SafeHtml {
  const href = m.episode.href;
  if (m.played === undefined) {
    return html`<a class="button" href="/signin?next=${encodeURIComponent(href)}">Mark as Played</a>`;
  }
  const action = m.played ? 'unplayed' : 'played';
  return html`<form method="post" action="${href}/${action}" hx-post="${href}/${action}" hx-target="this" hx-select=".played-form" hx-swap="outerHTML" class="played-form">
  ${csrfField(ctx.csrfToken)}
  <button type="submit" class="button${m.played ? ' on' : ''}" aria-pressed="${m.played ? 'true' : 'false'}">${m.played ? 'Played ✓ (mark unplayed)' : 'Mark as Played'}</button>
</form>`;
}

/** Play next / Play last (each also moves an episode already queued), and Remove when it is queued. */
function queueForm(ctx: PageContext, m: EpisodePageModel): SafeHtml {
  if (m.inQueue === undefined) return html``;
  const href = m.episode.href;
  const button = (action: string, label: string) =>
    html`<button type="submit" class="button" formaction="${href}/${action}" hx-post="${href}/${action}">${label}</button>`;
  return html`<form method="post" action="${href}/enqueue" hx-target="this" hx-select=".queue-form" hx-swap="outerHTML" class="queue-form" aria-label="Queue">
  ${csrfField(ctx.csrfToken)}
  ${button('play-next', 'Play next')}${button('enqueue', 'Play last')}${m.inQueue ? button('dequeue', 'Remove from Queue') : ''}
</form>`;
}

/** Without JavaScript the browser's own player plays the episode (the script hides it: the custom player takes over). */
function listen(m: EpisodePageModel, play: PlayInfo | undefined): SafeHtml {
  const download = m.episode.enclosureUrl;
  if (!play && !download) return html``;
  return html`<div class="listen">
  ${play ? html`<audio class="native-audio" controls preload="none" src="${play.audioUrl}" aria-label="Audio: ${play.title}"></audio>` : ''}
  ${download ? html`<a class="download" href="${download}" rel="nofollow noopener" download>Download audio</a>` : ''}
</div>`;
}

/** The listener's place in the episode: a bar and the time left. */
function progressLine(m: EpisodePageModel): SafeHtml {
  const at = m.progressSeconds;
  if (at === undefined || m.played) return html``;
  const total = m.episode.durationSeconds;
  if (!total || at >= total) return html`<p class="meta listened">Listened to ${formatClock(at)}</p>`;
  const left = Math.max(1, Math.round((total - at) / 60));
  return html`<p class="meta listened"><progress max="${Math.round(total)}" value="${Math.round(at)}" aria-label="Listened to ${formatClock(at)} of ${formatClock(total)}"></progress>
  Listened to ${formatClock(at)} of ${formatClock(total)} · ${left} min left</p>`;
}

function chapters(m: EpisodePageModel): SafeHtml {
  if (m.chapters.length === 0) return html``;
  return html`<section class="chapters" aria-labelledby="chap-h">
  <h2 id="chap-h">Chapters</h2>
  <ol>${m.chapters.map(
    (c) => html`<li data-start="${c.startSeconds}">
      ${c.imageUrl ? art(c.imageUrl, '', 48, 'chapter-art') : ''}
      <a class="seek" href="?t=${Math.floor(c.startSeconds)}" data-seek="${c.startSeconds}"><time>${formatClock(c.startSeconds)}</time> ${c.title}</a>
      ${c.url ? html` <a class="ext" href="${c.url}" rel="nofollow noopener" target="_blank">link ↗</a>` : ''}
    </li>`,
  )}</ol>
</section>`;
}

function soundbites(m: EpisodePageModel): SafeHtml {
  if (m.soundbites.length === 0) return html``;
  return html`<section class="soundbites" aria-labelledby="sb-h">
  <h2 id="sb-h">Soundbites</h2>
  <ul>${m.soundbites.map(
    (
      b,
    ) => html`<li><a class="seek" href="?t=${Math.floor(b.startSeconds)}" data-seek="${b.startSeconds}" data-seek-end="${b.startSeconds + b.durationSeconds}">
      <time>${formatClock(b.startSeconds)}</time> ${b.title ?? 'Soundbite'}</a> <span class="meta">(${formatDuration(b.durationSeconds)})</span></li>`,
  )}</ul>
</section>`;
}

export function transcriptPanel(t: TranscriptModel | undefined): SafeHtml {
  if (!t) return html``;
  const cues = t.cues;
  let body: SafeHtml;
  if (cues?.length && t.timed !== false) {
    body = html`<ol class="cues" data-transcript>${cues.map(
      (c) => html`<li data-start="${c.start}"${c.end !== undefined ? html` data-end="${c.end}"` : ''}>
        <a class="seek" href="?t=${Math.floor(c.start)}" data-seek="${c.start}"><time>${formatClock(c.start)}</time></a>
        ${c.speaker ? html`<b class="speaker">${c.speaker}:</b> ` : ''}<span>${c.text}</span></li>`,
    )}</ol>`;
  } else if (cues?.length) {
    body = html`<div class="cues untimed">${cues.map((c) => html`<p>${c.speaker ? html`<b class="speaker">${c.speaker}:</b> ` : ''}${c.text}</p>`)}</div>`;
  } else if (t.pending) {
    body = html`<p role="status">Loading the transcript…</p>`;
  } else {
    body = html`<p>Transcript unavailable here.</p>`;
  }
  const refresh =
    t.pending && t.refreshHref
      ? html` hx-get="${t.refreshHref}" hx-trigger="load delay:3s" hx-target="this" hx-select=".transcript" hx-swap="outerHTML"`
      : html``;
  return html`<section class="transcript" aria-labelledby="tr-h"${refresh}>
  <h2 id="tr-h">Episode Transcript</h2>
  ${body}
  <p class="meta"><a href="${t.url}" rel="nofollow noopener" target="_blank">Transcript file (${t.type})</a></p>
</section>`;
}

export function episodePage(ctx: PageContext, m: EpisodePageModel): SafeHtml {
  const e = m.episode;
  const play = m.play
    ? { ...m.play, ...(m.startAt !== undefined ? { startSeconds: m.startAt } : {}) }
    : undefined;
  const body = html`<article class="episode-page" data-episode-id="${e.id}">
<p class="back"><a href="${m.show.href}">← All Episodes</a></p>
<header class="episode-head">
  ${coverImage(e.cover, { alt: `${m.show.title} cover art`, size: 240, cls: 'art art-large', sizes: HEADER_SIZES, priority: true })}
  <div>
    <p class="show-name"><a href="${m.show.href}">${m.show.title}</a></p>
    <h1>${e.title}</h1>
    ${episodeMeta(e)}
    <div class="actions">
      ${play && m.play ? playButton(play, playLabel(m.play)) : html`<p class="empty">No audio for this episode.</p>`}
      ${playedForm(ctx, m)}
      ${queueForm(ctx, m)}
    </div>
    ${listen(m, play)}
    ${progressLine(m)}
  </div>
</header>
${e.description && !summaryInNotes(e.description, e.notesHtml) ? html`<section class="description" aria-label="Description"><p>${e.description}</p></section>` : ''}
${e.notesHtml ? html`<section class="notes" aria-labelledby="notes-h"><h2 id="notes-h">Show Notes</h2>${raw(e.notesHtml)}</section>` : ''}
${m.sources ? episodeSourcesSection(m.sources) : ''}
${chapters(m)}
${soundbites(m)}
${transcriptPanel(m.transcript)}
${hostList(m.hosts)}
${showLinks(m.links)}
${
  m.funding.length
    ? html`<section class="funding" aria-labelledby="fund-h"><h2 id="fund-h">Support</h2><ul>${m.funding.map(
        (f) => html`<li><a href="${f.url}" rel="nofollow noopener" target="_blank">${f.label}</a></li>`,
      )}</ul></section>`
    : ''
}
<section class="share" aria-labelledby="share-h">
  <h2 id="share-h">Share</h2>
  <label for="share-url">Link to this episode</label>
  <input id="share-url" class="share-url" readonly value="${m.shareUrl}" data-share-base="${m.shareUrl}">
  <label class="share-time"><input type="checkbox" data-share-time> Start at the current time</label>
  ${e.link ? html`<p><a href="${e.link}" rel="nofollow noopener" target="_blank">Episode web page ↗</a></p>` : ''}
</section>
${showRail('Popular Podcasts', m.popular, 'popular-h')}
</article>`;
  return layout(
    ctx,
    {
      title: `${e.title} · ${m.show.title}`,
      ...(e.description ? { description: e.description.slice(0, 200) } : {}),
      canonical: m.shareUrl,
      head: socialMeta({
        type: 'article',
        title: `${e.title} · ${m.show.title}`,
        url: m.shareUrl,
        siteName: ctx.site.name,
        ...(e.description ? { description: e.description.slice(0, 300) } : {}),
        ...(e.imageUrl ? { imageUrl: e.imageUrl } : {}),
        ...(e.enclosureUrl ? { audioUrl: e.enclosureUrl } : {}),
        ...(e.enclosureType ? { audioType: e.enclosureType } : {}),
        jsonLd: podcastEpisodeLd({
          title: e.title,
          url: m.shareUrl,
          series: { title: m.show.title, url: m.showUrl },
          ...(e.description ? { description: e.description } : {}),
          ...(e.imageUrl ? { imageUrl: e.imageUrl } : {}),
          ...(e.publishedAt ? { publishedAt: e.publishedAt } : {}),
          ...(e.durationSeconds !== undefined ? { durationSeconds: e.durationSeconds } : {}),
          ...(e.enclosureUrl ? { audioUrl: e.enclosureUrl } : {}),
          ...(e.enclosureType ? { audioType: e.enclosureType } : {}),
        }),
      }),
    },
    body,
  );
}

export function personPage(ctx: PageContext, m: PersonPageModel): SafeHtml {
  const plural = (n: number, one: string, many: string) =>
    `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
  const together = (c: PersonPageModel['collaborators'][number]) =>
    [
      c.episodes > 0 ? `${plural(c.episodes, 'episode', 'episodes')} together` : '',
      c.shows > 0 ? `${plural(c.shows, 'show', 'shows')} together` : '',
    ]
      .filter((s) => s !== '')
      .join(', ');
  const body = html`<article class="person">
<header class="person-head">
  ${m.cover ? coverImage(m.cover, { alt: m.name, size: 120, cls: 'avatar avatar-large', priority: true }) : ''}
  <div><h1>${m.name}</h1>${m.alsoKnownAs.length ? html`<p class="aka">Also credited as ${m.alsoKnownAs.join(', ')}</p>` : ''}${m.url ? html`<p><a href="${m.url}" rel="nofollow noopener" target="_blank">${m.url}</a></p>` : ''}${m.adminHref ? html`<p><a href="${m.adminHref}">Merge or split this person</a></p>` : ''}</div>
</header>
${
  m.shows.length
    ? html`<section aria-labelledby="ps-h"><h2 id="ps-h">Shows</h2><ul class="cards">${m.shows.map(
        (
          s,
        ) => html`<li class="card"><a href="${s.href}">${coverImage(s.cover, { alt: '', size: 160, sizes: CARD_SIZES })}<span class="card-title">${s.title}</span></a>
        <p class="role">${s.roles.join(', ')}</p></li>`,
      )}</ul></section>`
    : ''
}
${m.guestEpisodes.length ? html`<section aria-labelledby="pg-h"><h2 id="pg-h">Guest appearances <span class="count">${plural(m.guestEpisodes.length, 'episode', 'episodes')} in ${plural(m.guestShowCount, 'show', 'shows')}</span></h2>${episodeList(m.guestEpisodes, undefined, ctx)}</section>` : ''}
${m.episodes.length ? html`<section aria-labelledby="pe-h"><h2 id="pe-h">Episodes</h2>${episodeList(m.episodes, undefined, ctx)}</section>` : ''}
${m.collaborators.length ? html`<section aria-labelledby="pc-h"><h2 id="pc-h">Co-hosts and frequent collaborators</h2><ul class="people collaborators">${m.collaborators.map((c) => html`<li><a href="${c.href}">${c.name}</a> <span class="count">${together(c)}</span></li>`)}</ul></section>` : ''}
</article>`;
  return layout(ctx, { title: m.name }, body);
}

export function searchPage(ctx: PageContext, m: SearchPageModel): SafeHtml {
  const nothing =
    m.query && m.shows.length === 0 && m.episodes.length === 0 && m.people.length === 0 && !m.sources?.length;
  // "More episodes": a plain link to the next page; with htmx, the next page's episodes (and its own "more") are
  // appended in place of the link.
  const more = m.nextHref
    ? html`<nav class="pagination search-more" aria-label="More results"><a rel="next" href="${m.nextHref}"
  hx-get="${m.nextHref}" hx-select=".search-page" hx-target="closest .search-more" hx-swap="outerHTML"
  hx-push-url="false">More episodes</a></nav>`
    : '';
  const prev =
    m.prevHref && m.page > 1
      ? html`<nav class="pagination" aria-label="Earlier results"><a rel="prev" href="${m.prevHref}">← Previous page</a></nav>`
      : '';
  const heading = m.episodes.length
    ? html`<h2 id="ep-h">Episodes <span class="count">${episodeCount(m.episodeTotal)}${m.page > 1 ? html`, page ${m.page}` : ''}</span></h2>`
    : '';
  const spelling = m.misspelt
    ? html`<p class="spelling" role="status">No results for “${m.misspelt}”. Showing results for <strong>“${m.query}”</strong>.</p>`
    : '';
  const body = html`<h1>${m.query ? html`Results for “${m.query}”` : 'Search'}</h1>
${!m.query ? html`<p>Type in the search box to find shows, episodes and people.</p>` : ''}
${spelling}
${m.query && m.filters ? searchFilterForm(m.query, m.filters) : ''}
${nothing ? html`<p class="empty">${m.page > 1 ? html`No more results for “${m.query}”.` : html`Nothing found for “${m.query}”.`}</p>` : ''}
${showRail('Shows', m.shows, 'shows-h')}
${m.episodes.length ? html`<section aria-labelledby="ep-h">${heading}${prev}<div class="search-page" data-page="${m.page}">${episodeList(m.episodes, undefined, ctx)}${more}</div></section>` : html`${prev}${more}`}
${m.people.length ? html`<section aria-labelledby="people-h"><h2 id="people-h">People</h2><ul class="people">${m.people.map((p) => html`<li><a href="${p.href}">${p.name}</a></li>`)}</ul></section>` : ''}
${m.sources ? searchSourcesSection(m.sources) : ''}`;
  const title = m.query ? `Search: ${m.query}${m.page > 1 ? ` (page ${m.page})` : ''}` : 'Search';
  return layout({ ...ctx, query: m.query }, { title }, body);
}

/** The filters: a plain GET form (show, person, dates) and the filters in force, each with a link removing it. */
function searchFilterForm(query: string, f: SearchFiltersModel): SafeHtml {
  const option = (value: number, label: string, selected: number | undefined) =>
    html`<option value="${value}"${selected === value ? html` selected` : ''}>${label}</option>`;
  return html`<form class="search-filters" method="get" action="/search" aria-label="Filter the results">
<input type="hidden" name="q" value="${query}">
<label>Show <select name="show"><option value="">Any show</option>${f.shows.map((s) => option(s.id, s.title, f.show))}</select></label>
<label>Person <select name="person"><option value="">Anyone</option>${f.people.map((p) => option(p.id, p.name, f.person))}</select></label>
<label>From <input type="date" name="from" value="${f.from ?? ''}" min="1900-01-01" max="2100-12-31"></label>
<label>To <input type="date" name="to" value="${f.to ?? ''}" min="1900-01-01" max="2100-12-31"></label>
<button type="submit">Filter</button>
</form>
${
  f.active.length
    ? html`<ul class="active-filters" aria-label="Filters in force">${f.active.map(
        (a) =>
          html`<li>${a.label} <a href="${a.removeHref}" aria-label="Remove the filter ${a.label}">✕</a></li>`,
      )}<li><a href="${f.clearHref}">Clear filters</a></li></ul>`
    : ''
}`;
}

/** "1 episode", "240 episodes", "about 430,000 episodes" (an estimate is rounded, and never worded as a count). */
export function episodeCount(total: { count: number; exact: boolean }): string {
  if (total.exact)
    return `${total.count.toLocaleString('en-US')} ${total.count === 1 ? 'episode' : 'episodes'}`;
  const digits = Math.max(0, Math.floor(Math.log10(Math.max(1, total.count))) - 1);
  const rounded = Math.round(total.count / 10 ** digits) * 10 ** digits;
  return `about ${rounded.toLocaleString('en-US')} episodes`;
}

function queueList(ctx: PageContext, rows: EpisodeRow[]): SafeHtml {
  if (rows.length === 0) return html`<p class="empty">Your queue is empty.</p>`;
  const button = (id: string, op: string, label: string, title: string) =>
    html`<form method="post" action="/queue/${id}/${op}" class="inline-form">${csrfField(ctx.csrfToken)}<button type="submit" aria-label="${label}: ${title}">${label}</button></form>`;
  return html`<ol class="episodes queue">${rows.map((row, i) => {
    const id = row.href.split('/').pop() ?? '';
    const controls = html`<div class="queue-controls">
      ${i > 0 ? button(id, 'next', 'Play next', row.title) : ''}
      ${i > 0 ? button(id, 'up', 'Move up', row.title) : ''}
      ${i < rows.length - 1 ? button(id, 'down', 'Move down', row.title) : ''}
      ${button(id, 'remove', 'Remove', row.title)}
    </div>`;
    return episodeItem(row, controls);
  })}</ol>`;
}

export function libraryPage(ctx: PageContext, m: LibraryPageModel): SafeHtml {
  const body = html`<h1>Your Library</h1>
<p><a href="/library/add">Add podcasts</a> by feed URL or from an OPML file.</p>
${showRail('Following', m.following, 'follow-h')}
${m.following.length === 0 ? html`<p class="empty">You follow no shows yet.</p>` : ''}
<section aria-labelledby="q-h"><h2 id="q-h">Queue</h2>${queueList(ctx, m.queue)}</section>
<section aria-labelledby="ip-h"><h2 id="ip-h">In Progress</h2>${episodeList(m.inProgress, 'Nothing in progress.', ctx)}</section>
<section aria-labelledby="h-h"><h2 id="h-h">History</h2>${episodeList(m.history, 'No listening history yet.', ctx)}</section>
<section aria-labelledby="pl-h"><h2 id="pl-h">Played</h2>${episodeList(m.played, 'Nothing played yet.')}</section>`;
  return layout(ctx, { title: 'Library' }, body);
}

export function adminFeedsPage(ctx: PageContext, m: AdminPageModel): SafeHtml {
  const body = html`<h1>Feed Health</h1>
${m.message ? html`<p class="notice" role="status">${m.message}</p>` : ''}
${noticeBlock(m.notice)}
<p><a href="/admin/users">Users</a></p>
<section class="admin-forms">
<form method="post" action="/admin/feeds" hx-boost="false">
  ${csrfField(ctx.csrfToken)}
  <label for="feed-url">Add a feed by URL</label>
  <input id="feed-url" name="url" type="text" inputmode="url" autocapitalize="off" spellcheck="false" required placeholder="https://example.com/feed.xml">
  <button type="submit">Add feed</button>
</form>
<form method="post" action="/admin/opml" enctype="application/x-www-form-urlencoded" hx-boost="false">
  ${csrfField(ctx.csrfToken)}
  <label for="opml">Import OPML (paste the file)</label>
  <textarea id="opml" name="opml" rows="4" required></textarea>
  <button type="submit">Import</button>
</form>
<form method="post" action="/admin/signup" hx-boost="false">
  ${csrfField(ctx.csrfToken)}
  <input type="hidden" name="open" value="${m.signupOpen ? 'false' : 'true'}">
  <p>Sign-up is ${m.signupOpen ? 'open' : 'closed'}. <button type="submit">${m.signupOpen ? 'Close sign-up' : 'Open sign-up'}</button></p>
</form>
</section>
<div class="table-wrap"><table class="feeds">
<caption>${m.feeds.length} feeds</caption>
<thead><tr><th scope="col">Feed</th><th scope="col">Last fetch</th><th scope="col">Status</th><th scope="col">Error streak</th><th scope="col">Problems</th><th scope="col">Next check</th><th scope="col">Visibility</th><th scope="col">Actions</th></tr></thead>
<tbody>${m.feeds.map(
    (f) => html`<tr>
  <td>${f.showHref ? html`<a href="${f.showHref}">${f.title ?? f.url}</a>` : (f.title ?? '')}<br><small>${f.url}</small></td>
  <td>${f.lastFetchedAt ? html`<time datetime="${f.lastFetchedAt}">${f.lastFetchedAt.replace('T', ' ').slice(0, 16)}</time>` : 'never'}</td>
  <td>${f.paused ? 'paused' : f.status}${f.lastError ? html`<br><small>${f.lastError}</small>` : ''}</td>
  <td>${f.errorStreak}</td>
  <td>${f.problems.length ? html`<details><summary>${f.problems.length}</summary><ul>${f.problems.map((p) => html`<li><code>${p.code}</code> ${p.message}</li>`)}</ul></details>` : '0'}</td>
  <td>${f.paused ? 'paused' : f.nextCheckAt ? html`<time datetime="${f.nextCheckAt}">${f.nextCheckAt.replace('T', ' ').slice(0, 16)}</time>` : ''}</td>
  <td><form method="post" action="/admin/visibility" hx-boost="false">${csrfField(ctx.csrfToken)}<input type="hidden" name="feed" value="${f.id}"><input type="hidden" name="visibility" value="${f.isPublic ? 'private' : 'public'}">${f.isPublic ? 'public' : 'private'} <button type="submit">${f.isPublic ? 'Make private' : 'Publish'}</button></form></td>
  <td>${feedActions(ctx, f)}</td>
</tr>`,
  )}</tbody>
</table></div>`;
  return layout(ctx, { title: 'Feed Health' }, body);
}

export interface AuthFormModel {
  mode: 'signin' | 'signup' | 'password';
  error?: string;
  name?: string;
  next?: string;
  signupOpen: boolean;
}

export function authPage(ctx: PageContext, m: AuthFormModel): SafeHtml {
  const titles = { signin: 'Sign in', signup: 'Create an account', password: 'Change password' } as const;
  const action = { signin: '/signin', signup: '/signup', password: '/account/password' }[m.mode];
  const body = html`<section class="auth">
<h1>${titles[m.mode]}</h1>
${m.error ? html`<p class="error" role="alert">${m.error}</p>` : ''}
<form method="post" action="${action}" hx-boost="false">
  ${csrfField(ctx.csrfToken)}
  ${m.next ? html`<input type="hidden" name="next" value="${m.next}">` : ''}
  ${
    m.mode === 'password'
      ? html`<label for="current">Current password</label><input id="current" name="current" type="password" autocomplete="current-password" required>
  <label for="password">New password</label><input id="password" name="password" type="password" autocomplete="new-password" minlength="8" required>`
      : html`<label for="name">User name</label><input id="name" name="name" value="${m.name ?? ''}" autocomplete="username" required maxlength="64">
  <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="${m.mode === 'signup' ? 'new-password' : 'current-password'}" ${m.mode === 'signup' ? raw('minlength="8"') : ''} required>`
  }
  <button type="submit">${titles[m.mode]}</button>
</form>
${m.mode === 'signin' && m.signupOpen ? html`<p>No account? <a href="/signup" hx-boost="false">Create one</a>.</p>` : ''}
${m.mode === 'signup' ? html`<p>Have an account? <a href="/signin" hx-boost="false">Sign in</a>.</p>` : ''}
</section>`;
  return layout(ctx, { title: titles[m.mode] }, body);
}

export interface AccountModel {
  appPasswords?: { id: number; label: string; createdAt: string; lastUsedAt?: string; revokedAt?: string }[];
  /** Shown once, right after creation. */
  newSecret?: { label: string; secret: string };
  opml: boolean;
  message?: string;
}

export function accountPage(ctx: PageContext, m: AccountModel = { opml: false }): SafeHtml {
  const passwords = m.appPasswords;
  const body = html`<h1>Account</h1>
<p>Signed in as <strong>${ctx.viewer?.name ?? ''}</strong>${ctx.viewer?.isAdmin ? ' (admin)' : ''}.</p>
${m.message ? html`<p class="notice" role="status">${m.message}</p>` : ''}
<p><a href="/account/password">Change password</a></p>
${
  passwords
    ? html`<section aria-labelledby="ap-h"><h2 id="ap-h">App passwords (phone sync)</h2>
<p>Use one per app (AntennaPod, gPodder, Kasts) with your user name and this server's address.</p>
${m.newSecret ? html`<p class="notice" role="status">New app password for ${m.newSecret.label}: <code class="secret">${m.newSecret.secret}</code> — copy it now, it is not shown again.</p>` : ''}
<form method="post" action="/account/app-passwords" hx-boost="false">${csrfField(ctx.csrfToken)}
  <label for="ap-label">Label</label><input id="ap-label" name="label" required maxlength="80" placeholder="My phone">
  <button type="submit">Create app password</button></form>
${
  passwords.length
    ? html`<ul class="app-passwords">${passwords.map(
        (
          p,
        ) => html`<li>${p.label} <span class="meta">created ${p.createdAt.slice(0, 10)}${p.lastUsedAt ? `, last used ${p.lastUsedAt.slice(0, 10)}` : ''}${p.revokedAt ? ', revoked' : ''}</span>
        ${p.revokedAt ? '' : html`<form method="post" action="/account/app-passwords/${p.id}/revoke" class="inline-form" hx-boost="false">${csrfField(ctx.csrfToken)}<button type="submit" aria-label="Revoke ${p.label}">Revoke</button></form>`}</li>`,
      )}</ul>`
    : ''
}
</section>`
    : ''
}
${
  m.opml
    ? html`<section aria-labelledby="opml-h"><h2 id="opml-h">Subscriptions (OPML)</h2>
<p><a href="/account/subscriptions.opml" download>Export your subscriptions</a></p>
<p><a href="/library/add">Import an OPML file</a> (upload or paste it) to follow every podcast in it.</p></section>`
    : ''
}`;
  return layout(ctx, { title: 'Account' }, body);
}

export function errorPage(ctx: PageContext, status: number, message: string): SafeHtml {
  const title =
    status === 404
      ? 'Not found'
      : status === 400
        ? 'Bad request'
        : status === 403
          ? 'Forbidden'
          : status === 429
            ? 'Too many requests'
            : 'Something went wrong';
  const body = html`<section class="error-page">
<h1>${title}</h1>
<p>${message}</p>
<p><a href="/">Go to the home page</a> or search above.</p>
</section>`;
  return layout(ctx, { title }, body);
}
