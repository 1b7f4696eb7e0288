// "Add podcasts": follow a podcast by its feed URL, or import an OPML file (uploaded or pasted) with what became of
// each of its entries.

import { csrfField } from './components.ts';
import { html, type SafeHtml } from './html.ts';
import { layout } from './layout.ts';
import type { PageContext } from './models.ts';

export type OpmlEntryOutcome = 'added' | 'queued' | 'already-followed' | 'not-a-url' | 'over-limit';

export interface AddPodcastsModel {
  /** The follow-by-URL form is offered. */
  followUrl: boolean;
  /** The OPML import is offered. */
  opml: boolean;
  /** What the last action did (followed, already followed). */
  message?: { text: string; href?: string; linkText?: string };
  /** Why the last action was refused. */
  error?: string;
  /** The URL typed, kept in the field after a refusal. */
  url?: string;
  /** The last import's entries. */
  imported?: { title: string; url: string; result: OpmlEntryOutcome }[];
  /** The podcasts this listener brought in lately, newest first, with what the first fetches made of each. */
  recent?: RecentFeed[];
}

export interface RecentFeed {
  title: string;
  url: string;
  /** The show's page, once fetched. */
  href?: string;
  /** "Waiting to be fetched", "Fetched", "404 Not Found", "Not a feed: an HTML page", … */
  state: string;
  failed: boolean;
}

const OUTCOME: Record<OpmlEntryOutcome, string> = {
  added: 'added',
  queued: 'queued',
  'already-followed': 'already followed',
  'not-a-url': 'not a URL',
  'over-limit': 'over your limit',
};

export function addPodcastsPage(ctx: PageContext, m: AddPodcastsModel): SafeHtml {
  const counts = new Map<OpmlEntryOutcome, number>();
  for (const e of m.imported ?? []) counts.set(e.result, (counts.get(e.result) ?? 0) + 1);
  const summary = [...counts].map(([k, n]) => `${n} ${OUTCOME[k]}`).join(', ');
  const body = html`<h1>Add podcasts</h1>
${m.error ? html`<p class="error" role="alert">${m.error}</p>` : ''}
${m.message ? html`<p class="notice" role="status">${m.message.text}${m.message.href ? html` <a href="${m.message.href}">${m.message.linkText ?? 'Open it'}</a>` : ''}</p>` : ''}
${
  m.imported
    ? html`<section aria-labelledby="import-h" class="import-results"><h2 id="import-h">Imported: ${summary || 'nothing'}</h2>
${counts.has('queued') ? html`<p>Queued podcasts are new to this server: each is fetched in the background within a few minutes, then appears in <a href="/library">your library</a>. What each fetch found (a 404, not a feed) is listed under <a href="#recent-h">Recently added</a>; reload this page to see it.</p>` : ''}
<table class="import-table"><thead><tr><th scope="col">Podcast</th><th scope="col">Result</th></tr></thead><tbody>
${m.imported.map(
  (e) =>
    html`<tr class="import-${e.result}"><td><span class="import-title">${e.title}</span><br><small>${e.url}</small></td><td>${OUTCOME[e.result]}</td></tr>`,
)}
</tbody></table></section>`
    : ''
}
${m.recent?.length ? recentSection(m.recent) : ''}
${
  m.followUrl
    ? html`<section aria-labelledby="url-h"><h2 id="url-h">Follow by feed URL</h2>
<form method="post" action="/library/add/url" hx-boost="false" class="stack">${csrfField(ctx.csrfToken)}
  <label for="feed-url">The podcast's RSS feed address</label>
  <input id="feed-url" name="url" type="url" inputmode="url" maxlength="2048" required placeholder="https://example.com/feed.xml" value="${m.url ?? ''}">
  <button type="submit">Follow</button>
</form>
<p><small>A podcast you add is visible only to its followers until an administrator makes it public.</small></p></section>`
    : ''
}
${
  m.opml
    ? html`<section aria-labelledby="opml-h"><h2 id="opml-h">Import an OPML file</h2>
<p>Export your subscriptions from another podcast app as OPML, then upload the file here (at most 1.5 MB).</p>
<form method="post" action="/library/add/opml" enctype="multipart/form-data" hx-boost="false" class="stack">${csrfField(ctx.csrfToken)}
  <label for="opml-file">OPML file</label>
  <input id="opml-file" name="file" type="file" accept=".opml,.xml,text/x-opml,text/xml,application/xml">
  <label for="opml-text">Or paste it</label>
  <textarea id="opml-text" name="opml" rows="4"></textarea>
  <button type="submit">Import and follow</button>
</form></section>`
    : ''
}`;
  return layout(ctx, { title: 'Add podcasts' }, body);
}

/** The podcasts the listener brought in lately: each with what its fetches found (a queued import's 404s show here). */
function recentSection(recent: readonly RecentFeed[]): SafeHtml {
  return html`<section aria-labelledby="recent-h" class="recent-feeds"><h2 id="recent-h">Recently added</h2>
<table class="import-table"><thead><tr><th scope="col">Podcast</th><th scope="col">State</th></tr></thead><tbody>
${recent.map(
  (f) =>
    html`<tr${f.failed ? html` class="recent-failed"` : ''}><td>${f.href ? html`<a href="${f.href}">${f.title}</a>` : html`<span class="import-title">${f.title}</span>`}<br><small>${f.url}</small></td><td>${f.state}</td></tr>`,
)}
</tbody></table></section>`;
}
