// The operator's pages beyond feed health: per-feed actions (pause, resume, refresh now, remove), answers that carry a
// link (the show just added, the existing show a duplicate points at), and the users page.
import { csrfField } from './components.ts';
import { html, type SafeHtml } from './html.ts';
import { layout } from './layout.ts';
import type { PageContext } from './models.ts';

/** A message at the top of an admin page; `error` ones are announced as alerts. */
export interface Notice {
  text: string;
  link?: { href: string; text: string };
  error?: boolean;
}

/** What removing a feed does, said the same way on the page and in `earshot feeds remove --help`. */
export const REMOVE_FEED_EFFECT =
  "Removes the show, its episodes, and every listener's follow, progress and queue entries for it. Phones keep their sync history (the subscription URL and uploaded plays stay on the server, unlinked).";

export function noticeBlock(notice: Notice | undefined): SafeHtml | '' {
  if (notice === undefined) return '';
  const link = notice.link ? html` <a href="${notice.link.href}">${notice.link.text}</a>` : '';
  return notice.error
    ? html`<p class="error" role="alert">${notice.text}${link}</p>`
    : html`<p class="notice" role="status">${notice.text}${link}</p>`;
}

function postButton(ctx: PageContext, action: string, label: string): SafeHtml {
  return html`<form method="post" action="${action}" hx-boost="false" class="inline-form">${csrfField(ctx.csrfToken)}<button type="submit">${label}</button></form>`;
}

/** The actions cell of one feed row. */
export function feedActions(
  ctx: PageContext,
  feed: { id: string; paused?: boolean; title?: string; url: string },
): SafeHtml {
  const base = `/admin/feeds/${feed.id}`;
  return html`${postButton(ctx, `${base}/refresh`, 'Refresh now')}
${feed.paused ? postButton(ctx, `${base}/resume`, 'Resume') : postButton(ctx, `${base}/pause`, 'Pause')}
<details><summary>Remove…</summary>
<form method="post" action="${base}/remove" hx-boost="false">${csrfField(ctx.csrfToken)}
<p><small>${REMOVE_FEED_EFFECT}</small></p>
<label><input type="checkbox" name="confirm" value="remove" required> Remove ${feed.title ?? feed.url}</label>
<button type="submit">Remove feed</button>
</form></details>`;
}

export interface AdminUserRow {
  id: string;
  name: string;
  isAdmin: boolean;
  createdAt: string;
  disabledAt?: string;
  lastSeenAt?: string;
  /** The signed-in admin's own row (no disable/unadmin buttons that would lock them out). */
  self: boolean;
}

export interface AdminUsersModel {
  users: AdminUserRow[];
  notice?: Notice;
  /** A generated password, shown once right after a reset. */
  newPassword?: { name: string; password: string };
}

const day = (iso: string | undefined): SafeHtml | string =>
  iso ? html`<time datetime="${iso}">${iso.replace('T', ' ').slice(0, 16)}</time>` : 'never';

export function adminUsersPage(ctx: PageContext, m: AdminUsersModel): SafeHtml {
  const body = html`<h1>Users</h1>
<p><a href="/admin/feeds">Feed health</a></p>
${noticeBlock(m.notice)}
${m.newPassword ? html`<p class="notice" role="status">New password for ${m.newPassword.name}: <code class="secret">${m.newPassword.password}</code> — give it to them now; it is not shown again.</p>` : ''}
<p>Disabling an account signs it out everywhere (web and phone sync) and refuses its sign-ins and app passwords until it is enabled again. Resetting a password signs the account out everywhere.</p>
<div class="table-wrap"><table class="feeds users">
<caption>${m.users.length} accounts</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Role</th><th scope="col">State</th><th scope="col">Created</th><th scope="col">Last sign-in</th><th scope="col">Actions</th></tr></thead>
<tbody>${m.users.map((u) => {
    const base = `/admin/users/${u.id}`;
    return html`<tr>
  <td>${u.name}${u.self ? ' (you)' : ''}</td>
  <td>${u.isAdmin ? 'admin' : 'listener'}</td>
  <td>${u.disabledAt ? html`disabled since ${day(u.disabledAt)}` : 'active'}</td>
  <td>${day(u.createdAt)}</td>
  <td>${day(u.lastSeenAt)}</td>
  <td>${u.self ? '' : u.disabledAt ? postButton(ctx, `${base}/enable`, 'Enable') : postButton(ctx, `${base}/disable`, 'Disable')}
  ${u.self ? '' : u.isAdmin ? postButton(ctx, `${base}/unadmin`, 'Remove admin') : postButton(ctx, `${base}/admin`, 'Make admin')}
  <details><summary>Reset password…</summary>
  <form method="post" action="${base}/password" hx-boost="false">${csrfField(ctx.csrfToken)}
  <label for="pw-${u.id}">New password (leave empty to generate one)</label>
  <input id="pw-${u.id}" name="password" type="password" autocomplete="new-password" minlength="8">
  <button type="submit">Reset password</button>
  </form></details></td>
</tr>`;
  })}</tbody>
</table></div>`;
  return layout(ctx, { title: 'Users' }, body);
}

export interface AdminPeopleModel {
  notice?: Notice;
  /** The person asked about (`?person=`), with every name joined into them and every show crediting them. */
  person?: {
    id: string;
    name: string;
    href: string;
    names: { id: string; name: string; own: boolean }[];
    shows: { id: string; title: string; roles: string[]; episodes: number }[];
  };
  changes: {
    id: string;
    kind: 'merge' | 'split' | 'split-show';
    /** Split by show: the shows' titles. */
    shows: string[];
    /** `gone`: no such person any more (the one an undone split by show made). */
    person: { id: string; name: string; href: string; gone?: boolean };
    other: { id: string; name: string; href: string; gone?: boolean };
    createdAt: string;
    undone: boolean;
  }[];
}

export function adminPeoplePage(ctx: PageContext, m: AdminPeopleModel): SafeHtml {
  const p = m.person;
  const splittable = p !== undefined && p.names.length > 1;
  const body = html`<h1>People</h1>
<p><a href="/admin/feeds">Feed health</a> · <a href="/admin/users">Users</a></p>
${noticeBlock(m.notice)}
<p>Feeds credit one person under several names, and sometimes two people under one. Merging joins every name of one person to another; splitting takes one name out of a person; splitting by show tells apart two people who share a name on different shows. Every change can be undone below, and a later crawl of the feeds keeps it.</p>
${
  p
    ? html`<section aria-labelledby="pp-h"><h2 id="pp-h"><a href="${p.href}">${p.name}</a> (#${p.id})</h2>
<ul class="names">${p.names.map(
        (n) =>
          html`<li>${n.name} (#${n.id})${n.own ? ' — the name the person goes by' : ''} ${splittable ? postForm(ctx, '/admin/people/split', { name: n.id }, `Split “${n.name}” off`) : ''}</li>`,
      )}</ul>${p.shows.length > 1 ? splitByShowForm(ctx, p) : ''}</section>`
    : ''
}
<section aria-labelledby="pm-h"><h2 id="pm-h">Merge two people</h2>
<form method="post" action="/admin/people/merge" hx-boost="false">${csrfField(ctx.csrfToken)}
<label for="merge-from">Person number to merge away</label>
<input id="merge-from" name="from" inputmode="numeric" pattern="[0-9]+" required value="${p?.id ?? ''}">
<label for="merge-into">into person number</label>
<input id="merge-into" name="into" inputmode="numeric" pattern="[0-9]+" required>
<button type="submit">Merge</button>
</form></section>
<section aria-labelledby="pch-h"><h2 id="pch-h">Recent changes</h2>
${
  m.changes.length
    ? html`<ol class="changes">${m.changes.map(
        (c) =>
          html`<li>${day(c.createdAt)}: ${changeText(c)}
${c.undone ? ' (undone)' : postForm(ctx, '/admin/people/undo', { change: c.id }, 'Undo')}</li>`,
      )}</ol>`
    : html`<p class="empty">No merges or splits yet.</p>`
}</section>`;
  return layout(ctx, { title: 'People' }, body);
}

function changeText(c: AdminPeopleModel['changes'][number]): SafeHtml {
  const person = html`<a href="${c.person.href}">${c.person.name}</a>`;
  const other = html`<a href="${c.other.href}">${c.other.name}</a>`;
  switch (c.kind) {
    case 'merge':
      return html`merged ${person} into ${other}`;
    case 'split':
      return html`split ${person} off ${other}`;
    case 'split-show':
      return c.person.gone
        ? html`split the credits on ${c.shows.join(', ')} off ${other} as person #${c.person.id}`
        : html`split the credits on ${c.shows.join(', ')} off ${other} as ${person} (#${c.person.id})`;
  }
}

/** Checkboxes, one per show crediting the person: the shows whose credits are someone else's of the same name. */
function splitByShowForm(ctx: PageContext, p: NonNullable<AdminPeopleModel['person']>): SafeHtml {
  return html`<h3 id="pss-h">Split by show</h3>
<p>Two people with one name? Tick the shows whose credits of ${p.name} belong to someone else: those credits (on the show and in its episodes) move to a new person named ${p.name}, with a page of their own, and later crawls of those shows credit the new person.</p>
<form method="post" action="/admin/people/split-show" hx-boost="false" aria-labelledby="pss-h">${csrfField(ctx.csrfToken)}<input type="hidden" name="person" value="${p.id}">
<fieldset><legend>Shows crediting ${p.name}</legend>
${p.shows.map((s) => {
  const roles = s.roles.length ? s.roles.join(', ') : '';
  const episodes = s.episodes ? `${s.episodes} episode${s.episodes === 1 ? '' : 's'}` : '';
  return html`<p><label><input type="checkbox" name="show-${s.id}" value="1"> ${s.title} <small>(${[roles, episodes].filter(Boolean).join('; ')})</small></label></p>`;
})}
</fieldset>
<button type="submit">Split these shows off as another person</button>
</form>`;
}

function postForm(ctx: PageContext, action: string, fields: Record<string, string>, label: string): SafeHtml {
  return html`<form method="post" action="${action}" hx-boost="false" class="inline-form">${csrfField(ctx.csrfToken)}${Object.entries(
    fields,
  ).map(
    ([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`,
  )}<button type="submit">${label}</button></form>`;
}
