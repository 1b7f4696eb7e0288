import { html, type SafeHtml } from './html.ts';
import type { PageContext } from './models.ts';

export interface PageOptions {
  title: string;
  description?: string;
  /** Extra classes for #main. */
  bodyClass?: string;
  canonical?: string;
  /** Link-preview tags, feed alternates, JSON-LD (src/views/meta.ts). */
  head?: SafeHtml;
}

function footer(ctx: PageContext): SafeHtml {
  const { site } = ctx;
  const social = site.social ?? [];
  return html`<footer class="site-footer">
  <nav aria-label="${site.name}">
    ${site.newsUrl ? html`<section><h2>News</h2><a href="${site.newsUrl}">${site.name} news</a></section>` : ''}
    ${site.advertiseUrl ? html`<section><h2>Advertise With Us</h2><a href="${site.advertiseUrl}">Advertise on ${site.name}</a></section>` : ''}
    ${
      social.length
        ? html`<section><h2>Follow Us On</h2><ul class="inline">${social.map(
            (s) => html`<li><a href="${s.url}" rel="me noopener">${s.label}</a></li>`,
          )}</ul></section>`
        : ''
    }
  </nav>
  <p class="fine">Powered by Earshot, a self-hostable podcast platform.</p>
</footer>`;
}

function accountNav(ctx: PageContext): SafeHtml {
  if (!ctx.viewer) {
    return html`<a href="/signin">Sign in</a>`;
  }
  return html`<a href="/directory">Find podcasts</a>
    <a href="/library">Library</a>
    ${ctx.viewer.isAdmin ? html`<a href="/admin/feeds">Feeds</a>` : ''}
    <a href="/account">${ctx.viewer.name}</a>
    <form method="post" action="/signout" hx-boost="false" class="inline-form">
      <input type="hidden" name="_csrf" value="${ctx.csrfToken}">
      <button type="submit" class="link">Sign out</button>
    </form>`;
}

/** The whole document. Only #main changes on boosted navigation; the player lives outside it. */
export function layout(ctx: PageContext, page: PageOptions, body: SafeHtml): SafeHtml {
  const title = page.title === ctx.site.name ? page.title : `${page.title} · ${ctx.site.name}`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${page.description ? html`<meta name="description" content="${page.description}">` : ''}
${page.canonical ? html`<link rel="canonical" href="${page.canonical}">` : ''}
${page.head ?? ''}
<meta name="color-scheme" content="light dark">
<meta name="theme-color" content="#0f766e">
<meta name="csrf-token" content="${ctx.csrfToken}">
${ctx.viewer ? html`<meta name="earshot-user" content="${ctx.viewer.id}">` : ''}
<meta name="htmx-config" content='{"historyCacheSize":20,"refreshOnHistoryMiss":true,"includeIndicatorStyles":false,"allowScriptTags":false,"allowEval":false}'>
<link rel="manifest" href="/manifest.webmanifest">
<link rel="icon" href="/icons/icon.svg" type="image/svg+xml">
<link rel="apple-touch-icon" href="/icons/icon-192.png">
<link rel="stylesheet" href="${ctx.assets.css}">
<script src="${ctx.assets.js}" defer></script>
</head>
<body hx-boost="true" hx-target="#main" hx-select="#main" hx-swap="outerHTML show:window:top">
<a class="skip" href="#main">Skip to content</a>
<header class="site-header">
  <a class="brand" href="/">${ctx.site.name}</a>
  <nav class="browse-nav" aria-label="Browse"><a href="/shows">Shows</a> <a href="/categories">Categories</a> <a href="/new">New Episodes</a></nav>
  <form class="search" role="search" action="/search" method="get">
    <label for="site-search" class="visually-hidden">Search shows, episodes and people</label>
    <input id="site-search" type="search" name="q" value="${ctx.query ?? ''}" placeholder="Search shows, episodes, people" autocomplete="off" maxlength="200"
      hx-get="/search" hx-trigger="input changed delay:300ms, search" hx-target="#main" hx-select="#main" hx-swap="outerHTML" hx-push-url="true">
    <button type="submit">Search</button>
  </form>
  <nav class="account" aria-label="Account">${accountNav(ctx)}</nav>
</header>
<main id="main" hx-history-elt tabindex="-1" class="${page.bodyClass ?? ''}" data-title="${title}">
${body}
</main>
${footer(ctx)}
<earshot-player id="player" hx-preserve="true" aria-label="Audio player"></earshot-player>
</body>
</html>`;
}
