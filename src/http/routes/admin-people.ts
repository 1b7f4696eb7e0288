// The admin's people tools: merge two people, split a name off a person, split a person's credits on some shows off
// as another person of the same name, undo any of them. Every change is recorded by the store (person_changes), so
// undo restores exactly what was there, and a re-crawl never reverses it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PersonChangeError } from '../../domain/person.ts';
import { type AdminPeopleModel, adminPeoplePage, type Notice } from '../../views/admin.ts';
import { checkCsrf, requireAdmin } from '../context.ts';
import { personHref } from '../present.ts';
import type { WebApp } from '../server.ts';
import { requireAdminOr404 } from './admin.ts';

const personId = z.coerce
  .number({ message: 'Enter a person number (the number in /people/…).' })
  .int('Enter a person number (the number in /people/…).')
  .positive('Enter a person number (the number in /people/…).');
const pageQuery = z.object({
  person: personId.optional(),
  msg: z.enum(['merged', 'split', 'split-show', 'undone']).optional(),
});
const mergeForm = z.object({ from: personId, into: personId });
const splitForm = z.object({ name: personId });
/** The split-by-show form: the person, and a checkbox `show-<id>` per show chosen (a form field is read once). */
const splitShowForm = z.object({ person: personId }).catchall(z.string());
/** A chosen show: `show-<id>`, the id within an integer column of either database. */
const SHOW_FIELD = /^show-([1-9][0-9]{0,8})$/;
const undoForm = z.object({ change: z.coerce.number().int().positive('change must be a change number') });

const MESSAGES = {
  merged: 'Merged: the two are one person now. Undo below restores both pages as they were.',
  split: 'Split: the name is a person of its own again. Undo below joins it again.',
  'split-show':
    "Split by show: those shows' credits are another person's now, with the same name; later crawls of those shows credit them there. Undo below makes them one person again.",
  undone: 'Undone: the people are as they were before that change.',
} as const;

const STATUS: Record<PersonChangeError['code'], number> = {
  'not-found': 404,
  'same-person': 409,
  'not-joined': 409,
  conflict: 409,
  'already-undone': 409,
  'no-credits': 400,
  'nothing-left': 409,
};

/** How many recent changes the page lists. */
const CHANGES_LISTED = 50;

export function registerAdminPeopleRoutes(app: FastifyInstance, web: WebApp): void {
  const { store } = web.deps;

  const page = async (req: FastifyRequest, reply: FastifyReply, notice?: Notice, status = 200) => {
    requireAdmin(req);
    const q = pageQuery.safeParse(req.query);
    const query = q.success ? q.data : {};
    const showTitle = async (id: number) => (await store.shows.get(id))?.title ?? `show #${id}`;
    const named = async (id: number) => {
      const p = await store.people.get(id);
      // An undone split by show removed its person: the change names them by number only.
      return p === undefined
        ? { id: String(id), name: `#${id}`, href: personHref(id), gone: true }
        : { id: String(id), name: p.name, href: personHref(id) };
    };
    const changes = await Promise.all(
      (await store.people.changes(CHANGES_LISTED)).map(async (c) => ({
        id: String(c.id),
        kind: c.kind,
        shows: await Promise.all((c.showIds ?? []).map(showTitle)),
        person: await named(c.personId),
        other: await named(c.otherId),
        createdAt: c.createdAt,
        undone: c.undoneAt !== undefined,
      })),
    );
    const model: AdminPeopleModel = { changes };
    const focus = query.person === undefined ? undefined : await store.people.resolve(query.person);
    if (focus !== undefined) {
      const names = await store.people.names(focus.id);
      model.person = {
        id: String(focus.id),
        name: focus.name,
        href: personHref(focus.id),
        names: names.map((n) => ({ id: String(n.id), name: n.name, own: n.id === focus.id })),
        shows: (await store.people.creditedShows(focus.id)).map((s) => ({
          id: String(s.showId),
          title: s.title ?? `show #${s.showId}`,
          roles: s.roles,
          episodes: s.episodes,
        })),
      };
    }
    const shown = notice ?? (query.msg ? { text: MESSAGES[query.msg] } : undefined);
    if (shown) model.notice = shown;
    return web.sendPage(reply, adminPeoplePage(web.pageContext(req), model), status);
  };

  app.get('/admin/people', async (req, reply) => page(req, reply));

  /** Runs an admin's change; a refused one is shown on the page with its reason. */
  const act = async (
    req: FastifyRequest,
    reply: FastifyReply,
    change: () => Promise<{ person: number; msg: keyof typeof MESSAGES }>,
  ) => {
    requireAdminOr404(req);
    checkCsrf(req);
    try {
      const done = await change();
      // Person pages are public: anonymous copies cached in this process go now.
      web.forgetPages();
      return reply.redirect(`/admin/people?person=${done.person}&msg=${done.msg}`, 303);
    } catch (error) {
      if (!(error instanceof PersonChangeError)) throw error;
      return page(req, reply, { text: `Not changed: ${error.message}`, error: true }, STATUS[error.code]);
    }
  };

  app.post('/admin/people/merge', async (req, reply) =>
    act(req, reply, async () => {
      const form = mergeForm.parse(req.body);
      const change = await store.people.merge(form.from, form.into, new Date());
      return { person: change.otherId, msg: 'merged' };
    }),
  );
  app.post('/admin/people/split', async (req, reply) =>
    act(req, reply, async () => {
      const form = splitForm.parse(req.body);
      const change = await store.people.split(form.name, new Date());
      return { person: change.personId, msg: 'split' };
    }),
  );
  app.post('/admin/people/split-show', async (req, reply) =>
    act(req, reply, async () => {
      const form = splitShowForm.parse(req.body);
      const shows = Object.keys(form).flatMap((key) => {
        const m = SHOW_FIELD.exec(key);
        return m?.[1] === undefined ? [] : [Number(m[1])];
      });
      if (shows.length === 0)
        throw new PersonChangeError('no-credits', 'Choose the shows whose credits are another person’s.');
      const change = await store.people.splitByShow(form.person, shows, new Date());
      return { person: change.personId, msg: 'split-show' };
    }),
  );
  app.post('/admin/people/undo', async (req, reply) =>
    act(req, reply, async () => {
      const form = undoForm.parse(req.body);
      const change = await store.people.undo(form.change, new Date());
      // An undone split by show leaves no split person: the page shows the person they were split from.
      return { person: change.kind === 'split-show' ? change.otherId : change.personId, msg: 'undone' };
    }),
  );
}
