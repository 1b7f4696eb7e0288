import { COVER_WIDTHS } from '../domain/cover.ts';
import { formatClock, formatDate, formatDuration, isoDuration } from './format.ts';
import { html, type SafeHtml } from './html.ts';
import type { CoverImage, EpisodeRow, Host, PageContext, Paging, PlayInfo, ShowCard } from './models.ts';

/** A remote image that is not a cover (a chapter's picture), straight from its publisher. */
export function art(url: string | undefined, alt: string, size: number, cls = 'art'): SafeHtml {
  if (!url) return html`<div class="${cls} art-missing" data-size="${size}" aria-hidden="true"></div>`;
  return html`<img class="${cls}" src="${url}" alt="${alt}" width="${size}" height="${size}" loading="lazy" decoding="async" referrerpolicy="no-referrer">`;
}

export interface CoverImageOptions {
  /** The box's CSS size in pixels: the `width`/`height` attributes (no layout shift) and the default `sizes`. */
  size: number;
  /** Empty when the cover sits beside its title (a card, a link with text). */
  alt: string;
  /** Default `art`. */
  cls?: string;
  /** The `sizes` attribute when the box is not always `size` px wide (e.g. `(max-width: 40rem) 160px, 240px`). */
  sizes?: string;
  /** The page's above-the-fold cover (show/episode header): fetched first, never lazy. */
  priority?: boolean;
}

/**
 * A cover from the image endpoint: `src` at the smallest rendition at least `size` wide, every rendition in
 * `srcset`, so the browser picks by its box and pixel density. Build `cover` with `showCover`/`episodeCover`/
 * `personCover` (src/http/present.ts).
 */
export function coverImage(cover: CoverImage, options: CoverImageOptions): SafeHtml {
  const { size, alt, cls = 'art', priority = false } = options;
  const src = COVER_WIDTHS.find((w) => w >= size) ?? COVER_WIDTHS[COVER_WIDTHS.length - 1];
  const srcset = COVER_WIDTHS.map((w) => `${cover.path}/${w}.webp ${w}w`).join(', ');
  const loading = priority ? html`fetchpriority="high"` : html`loading="lazy"`;
  return html`<img class="${cls}" src="${cover.path}/${src}.webp" srcset="${srcset}" sizes="${options.sizes ?? `${size}px`}" alt="${alt}" width="${size}" height="${size}" ${loading} decoding="async">`;
}

export function showCard(card: ShowCard): SafeHtml {
  return html`<li class="card">
  <a href="${card.href}">${coverImage(card.cover, { alt: '', size: 160, sizes: CARD_SIZES })}<span class="card-title">${card.title}</span></a>
  ${card.blurb ? html`<p class="blurb">${card.blurb}</p>` : ''}
</li>`;
}

/** `.art-large` (app.css): 15rem, 10rem on narrow screens. */
export const HEADER_SIZES = '(max-width: 40rem) 160px, 240px';

/** Cards fill a grid column of at least 9.5rem (152 px): about 160 to 240 px wide. */
export const CARD_SIZES = '(max-width: 30rem) 45vw, 200px';

export function showRail(title: string, cards: ShowCard[], id: string): SafeHtml {
  if (cards.length === 0) return html``;
  return html`<section class="rail" aria-labelledby="${id}">
  <h2 id="${id}">${title}</h2>
  <ul class="cards">${cards.map(showCard)}</ul>
</section>`;
}

/** "Play", or where the listener stopped part-way "Resume · 12 min left" (just "Resume" when the length is unknown). */
export function playLabel(play: PlayInfo): string {
  const at = play.startSeconds;
  if (!at) return 'Play';
  const left = play.durationSeconds === undefined ? 0 : play.durationSeconds - at;
  return left > 0 ? `Resume · ${Math.max(1, Math.round(left / 60))} min left` : 'Resume';
}

/** The page's play button; the player swaps its icon and label (data-label) to Pause while this episode plays. */
/** `moment`: a search hit's "Play at 12:34", which seeks there even while its episode is already playing. */
export function playButton(
  play: PlayInfo,
  label = playLabel(play),
  options: { moment?: boolean } = {},
): SafeHtml {
  return html`<button type="button" class="play${options.moment ? ' play-moment' : ''}" data-play${options.moment ? html` data-moment` : ''}
  data-episode-id="${play.episodeId}" data-src="${play.audioUrl}" data-type="${play.audioType ?? ''}"
  data-title="${play.title}" data-show="${play.showTitle}" data-art="${play.imageUrl ?? ''}"
  data-href="${play.href}" data-duration="${play.durationSeconds ?? ''}" data-start="${play.startSeconds ?? ''}"
  data-label="${label}" aria-label="${label}: ${play.title}"><span aria-hidden="true" class="play-icon">▶</span> <span class="play-label">${label}</span></button>`;
}

export function episodeMeta(row: {
  publishedAt?: string;
  durationSeconds?: number;
  season?: number;
  episode?: number;
  episodeType?: string;
}): SafeHtml {
  const parts: SafeHtml[] = [];
  if (row.season !== undefined || row.episode !== undefined) {
    const label = [
      row.season !== undefined ? `S${row.season}` : '',
      row.episode !== undefined ? `E${row.episode}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    parts.push(html`<span class="numbers">${label}</span>`);
  }
  if (row.episodeType && row.episodeType !== 'full')
    parts.push(html`<span class="badge">${row.episodeType}</span>`);
  if (row.publishedAt) {
    const date = formatDate(row.publishedAt);
    if (date) parts.push(html`<time datetime="${row.publishedAt}">${date}</time>`);
  }
  if (row.durationSeconds !== undefined) {
    parts.push(
      html`<time datetime="${isoDuration(row.durationSeconds)}">${formatDuration(row.durationSeconds)}</time>`,
    );
  }
  return html`<p class="meta">${parts.map((p, i) => (i === 0 ? p : html`<span aria-hidden="true"> · </span>${p}`))}</p>`;
}

export function episodeItem(row: EpisodeRow, extra: SafeHtml = html``): SafeHtml {
  const progress =
    !row.played && row.progressSeconds !== undefined && row.durationSeconds
      ? Math.min(100, Math.round((row.progressSeconds / row.durationSeconds) * 100))
      : undefined;
  return html`<li class="episode${row.played ? ' played' : ''}">
  <div class="episode-text">
    <h3><a href="${row.href}">${row.title}</a></h3>
    ${row.showTitle && row.showHref ? html`<p class="show-name"><a href="${row.showHref}">${row.showTitle}</a></p>` : ''}
    ${episodeMeta(row)}
    ${row.moment ? transcriptMoment(row, row.moment) : ''}
    ${row.played ? html`<p class="state">Played</p>` : ''}
    ${progress !== undefined ? html`<progress max="100" value="${progress}" aria-label="Listened ${progress}%">${progress}%</progress>` : ''}
    ${progress === undefined && !row.played && row.progressSeconds ? html`<p class="state">Stopped at ${formatClock(row.progressSeconds)}</p>` : ''}
  </div>
  ${row.play ? playButton(row.play) : ''}
  ${extra}
</li>`;
}

/**
 * A list of episodes. Given the page's context with a signed-in viewer, each row also offers Play next and Play last
 * (form posts that work without JavaScript and come back to this page; htmx posts them in place).
 */
/**
 * A search hit in the transcript: "Play at 12:34" (the episode from that moment, in the page's player), then the time
 * linked to the episode page starting there, who says it and the line.
 */
function transcriptMoment(row: EpisodeRow, m: NonNullable<EpisodeRow['moment']>): SafeHtml {
  const at = formatClock(m.atSeconds);
  const play = row.play
    ? playButton({ ...row.play, startSeconds: m.atSeconds }, `Play at ${at}`, { moment: true })
    : html`<a href="${m.href}">${at}</a>`;
  return html`<p class="moment">${play} <a href="${m.href}" class="moment-line">${m.speaker ? html`<span class="speaker">${m.speaker}:</span> ` : ''}<q>${m.text}</q></a></p>`;
}

export function episodeList(rows: EpisodeRow[], empty = 'No episodes yet.', ctx?: PageContext): SafeHtml {
  if (rows.length === 0) return html`<p class="empty">${empty}</p>`;
  const menu = ctx?.viewer ? (r: EpisodeRow) => queueMenu(ctx.csrfToken, ctx.path, r) : () => html``;
  return html`<ol class="episodes">${rows.map((r) => episodeItem(r, menu(r)))}</ol>`;
}

/** A row's queue actions, folded behind a small menu button. */
function queueMenu(csrfToken: string, back: string | undefined, row: EpisodeRow): SafeHtml {
  const post = (action: string, label: string) =>
    html`<button type="submit" formaction="${row.href}/${action}" hx-post="${row.href}/${action}" hx-target="next .done">${label}</button>`;
  return html`<details class="row-menu"><summary aria-label="Queue: ${row.title}">⋯</summary>
  <form method="post" action="${row.href}/play-next">${csrfField(csrfToken)}${back ? html`<input type="hidden" name="back" value="${back}">` : ''}
  ${post('play-next', 'Play next')}${post('enqueue', 'Play last')}<span class="done" role="status"></span></form></details>`;
}

export function pagination(p: Paging): SafeHtml {
  if (!p.nextHref && !p.firstHref) return html``;
  const first = p.firstHref ? html`<a href="${p.firstHref}">← First page</a>` : '';
  const next = p.nextHref ? html`<a rel="next" href="${p.nextHref}">More episodes →</a>` : '';
  return html`<nav class="pagination" aria-label="More episodes">${first}${next}</nav>`;
}

export function hostList(hosts: Host[]): SafeHtml {
  if (hosts.length === 0) return html``;
  return html`<section class="hosts" aria-labelledby="hosts-h">
  <h2 id="hosts-h">Hosts And Creators</h2>
  <ul>${hosts.map(
    (h) => html`<li class="host">
      ${h.cover ? coverImage(h.cover, { alt: '', size: 48, cls: 'avatar' }) : html`<span class="avatar avatar-initial" aria-hidden="true">${h.name.slice(0, 1)}</span>`}
      <span>${h.personHref || h.url ? html`<a href="${h.personHref ?? h.url}">${h.name}</a>` : h.name}${h.role ? html` <span class="role">${h.role}</span>` : ''}
      ${h.url && h.personHref ? html` <a class="ext" href="${h.url}" rel="nofollow noopener" target="_blank" aria-label="${h.name}'s website">↗</a>` : ''}</span>
    </li>`,
  )}</ul>
</section>`;
}

export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}
