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
