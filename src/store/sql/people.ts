import { type Kysely, type Selectable, sql } from 'kysely';
import {
  type Credit,
  type CreditedPerson,
  familyName,
  type Person,
  type PersonChange,
  PersonChangeError,
  personKey,
} from '../../domain/person.ts';
import type { Audience, Collaborator, CreditedShow, PersonCredits, PersonRepository } from '../ports.ts';
import type { InTransaction } from './episodes.ts';
import { Prepared } from './prepared.ts';
import { chunks, clampLimit, compact, iso, paddedList, shapedRuns } from './rows.ts';
import type { Database, PeopleTable, PersonChangesTable } from './schema.ts';
import { visibleShows } from './visibility.ts';

export function toPerson(row: Pick<Selectable<PeopleTable>, 'id' | 'name' | 'href' | 'img'>): Person {
  return compact<Person>({ id: row.id, name: row.name, href: row.href, img: row.img });
}

const PEOPLE_RUN = 128;
const KEY_CHUNK = 512;
/** Known people a new name's link or picture is compared with, at most. */
const LINK_CANDIDATES = 20;

interface NameRow {
  key: string;
  name: string;
  href: string | null;
  img: string | null;
}

/**
 * Upserts the people named in `lists` (each one credit list: a show's or an episode's) and returns their ids by
 * `personKey`: one upsert per chunk of distinct names (name from the first mention, link and image the latest ones
 * given). A name new to the catalogue that comes with a link or picture a known person of the same family name has is
 * joined to that person (`merged_into`), unless the link is shared by two names in one list (a show's page given for
 * both its hosts identifies neither). Names already stored are never re-joined, so an admin's split or merge stays.
 * The lists of one show (`showId`) resolve a name the admin split off on that show (`show_person_names`) to the
 * split person: that row takes the name's link and picture, the name's own row is not touched.
 */
export async function upsertPeople(
  db: Kysely<Database>,
  lists: readonly (readonly CreditedPerson[])[],
  now: Date,
  showId?: number,
): Promise<Map<string, number>> {
  const people = new Map<string, NameRow>();
  const shared = new Set<string>();
  for (const list of lists) {
    const owners = new Map<string, string>();
    for (const person of list) {
      const key = personKey(person.name);
      if (key === '') continue;
      for (const link of [person.href, person.img]) {
        if (link === undefined) continue;
        const owner = owners.get(link);
        if (owner !== undefined && owner !== key) shared.add(link);
        else owners.set(link, key);
      }
      const known = people.get(key);
      if (known === undefined)
        people.set(key, {
          key,
          name: person.name.trim(),
          href: person.href ?? null,
          img: person.img ?? null,
        });
      else {
        if (person.href !== undefined) known.href = person.href;
        if (person.img !== undefined) known.img = person.img;
      }
    }
  }
  const ids = new Map<string, number>();
  if (people.size === 0) return ids;
  // Which names are stored already, before the upsert makes them known: only a new one with a link or picture can be
  // joined, and only a stored one can have been split off on this show (a new feed's first crawl looks up nothing).
  const existing = new Set<string>();
  for (const keys of chunks([...people.keys()], KEY_CHUNK)) {
    const rows = await db.selectFrom('people').select('key').where('key', 'in', paddedList(keys)).execute();
    for (const row of rows) existing.add(row.key);
  }
  const overrides =
    showId === undefined || existing.size === 0 ? new Map<string, number>() : await showNames(db, showId);
  for (const [key, personId] of overrides) {
    const named = people.get(key);
    if (named === undefined) continue;
    people.delete(key);
    ids.set(key, personId);
    if (named.href !== null || named.img !== null)
      await db
        .updateTable('people')
        .set((eb) => ({
          href: eb.fn.coalesce(eb.val(named.href), eb.ref('href')),
          img: eb.fn.coalesce(eb.val(named.img), eb.ref('img')),
        }))
        .where('id', '=', personId)
        .execute();
  }
  if (people.size === 0) return ids;
  const linked = [...people.values()].filter((p) => p.href !== null || p.img !== null).map((p) => p.key);
  for (const batch of shapedRuns([...people.values()], PEOPLE_RUN)) {
    const rows = await db
      .insertInto('people')
      .values(batch.map((p) => ({ ...p, created_at: iso(now) })))
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => ({
          href: eb.fn.coalesce(eb.ref('excluded.href'), eb.ref('people.href')),
          img: eb.fn.coalesce(eb.ref('excluded.img'), eb.ref('people.img')),
        })),
      )
      .returning(['id', 'key'])
      .execute();
    for (const row of rows) ids.set(row.key, row.id);
  }
  for (const key of linked) {
    const id = ids.get(key);
    const person = people.get(key);
    if (existing.has(key) || id === undefined || person === undefined) continue;
    await joinByLink(db, id, person, shared);
  }
  return ids;
}

/** The names an admin split off on a show (by `personKey`) and the people rows they resolve to there. */
async function showNames(db: Kysely<Database>, showId: number): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('show_person_names')
    .select(['key', 'person_id'])
    .where('show_id', '=', showId)
    .execute();
  return new Map(rows.map((r) => [r.key, r.person_id]));
}

/** Joins the new name `id` to the one known person of its family name that has its link or picture, if exactly one. */
async function joinByLink(
  db: Kysely<Database>,
  id: number,
  person: NameRow,
  shared: Set<string>,
): Promise<void> {
  const links = [person.href, person.img].filter((l): l is string => l !== null && !shared.has(l));
  if (links.length === 0) return;
  const candidates = await db
    .selectFrom('people as n')
    .innerJoin('people as c', (j) => j.on((eb) => eb('c.id', '=', eb.fn.coalesce('n.merged_into', 'n.id'))))
    .select(['c.id', 'c.name'])
    .where('n.id', '!=', id)
    .where('c.id', '!=', id)
    .where((eb) => eb.or([eb('n.href', 'in', links), eb('n.img', 'in', links)]))
    .limit(LINK_CANDIDATES)
    .execute();
  const family = familyName(person.name);
  const matches = new Set(candidates.filter((c) => familyName(c.name) === family).map((c) => c.id));
  if (matches.size !== 1) return;
  const [into] = matches;
  if (into !== undefined)
    await db.updateTable('people').set({ merged_into: into }).where('id', '=', id).execute();
}

/**
 * Replaces the credits of one show or episode with `persons` (feed order kept), creating people as needed.
 * A person's link and image are updated to the latest ones a feed gives.
 */
export async function replaceCredits(
  db: Kysely<Database>,
  owner: { table: 'show_persons'; id: number } | { table: 'episode_persons'; id: number; showId: number },
  persons: readonly CreditedPerson[] | undefined,
  now: Date,
): Promise<void> {
  if (owner.table === 'show_persons')
    await db.deleteFrom('show_persons').where('show_id', '=', owner.id).execute();
  else await db.deleteFrom('episode_persons').where('episode_id', '=', owner.id).execute();
  if (persons === undefined || persons.length === 0) return;
  const ids = await upsertPeople(
    db,
    [persons],
    now,
    owner.table === 'show_persons' ? owner.id : owner.showId,
  );
  const links = new Map<
    string,
    { person_id: number; role: string; person_group: string; position: number }
  >();
  for (const person of persons) {
    const personId = ids.get(personKey(person.name));
    if (personId === undefined) continue;
    const linkKey = `${personId}\u0000${person.role}`;
    if (!links.has(linkKey))
      links.set(linkKey, {
        person_id: personId,
        role: person.role,
        person_group: person.group,
        position: links.size,
      });
  }
  if (links.size === 0) return;
  if (owner.table === 'show_persons') {
    await db
      .insertInto('show_persons')
      .values([...links.values()].map((l) => ({ ...l, show_id: owner.id })))
      .execute();
  } else {
    await db
      .insertInto('episode_persons')
      .values([...links.values()].map((l) => ({ ...l, episode_id: owner.id })))
      .execute();
  }
}

/** `merged_into` of one name before and after an admin's change. */
interface ChangedRow {
  id: number;
  before: number | null;
  after: number | null;
}

/**
 * What a split by show did (`rows_json` of a `split-show` change): each new row (`id`) made for a name (`from`) and
 * its `merged_into`, the shows, and each show's override of a name (`key`) before (null: none) and after.
 */
interface ShowSplit {
  names: { id: number; from: number; mergedInto: number | null }[];
  shows: number[];
  overrides: { showId: number; key: string; before: number | null; after: number }[];
}

function toChange(row: Selectable<PersonChangesTable>): PersonChange {
  return compact<PersonChange>({
    id: row.id,
    kind: row.kind,
    personId: row.person_id,
    otherId: row.other_id,
    // The change's own record: written by `splitByShow` below, never by anything else.
    showIds: row.kind === 'split-show' ? (JSON.parse(row.rows_json) as ShowSplit).shows : undefined,
    createdAt: row.created_at,
    undoneAt: row.undone_at,
  });
}

/** A split person's row for a name: a key no feed name has (`personKey` never keeps a tab), unique by the row's id. */
const splitKey = (feedKey: string, id: number): string => `${feedKey}\t${id}`;

/** The names of a person (`id = X or merged_into = X`), as a subquery for `person_id in (…)`. */
function namesOf(db: Kysely<Database>, personId: number) {
  return db
    .selectFrom('people')
    .select('id')
    .where((eb) => eb.or([eb('id', '=', personId), eb('merged_into', '=', personId)]));
}

export class SqlPersonRepository implements PersonRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly inTransaction: InTransaction,
  ) {}

  async get(id: number): Promise<Person | undefined> {
    const row = await this.db.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toPerson(row);
  }

  async resolve(id: number): Promise<Person | undefined> {
    const row = await this.db
      .selectFrom('people as n')
      .innerJoin('people as c', (j) => j.on((eb) => eb('c.id', '=', eb.fn.coalesce('n.merged_into', 'n.id'))))
      .select(['c.id', 'c.name', 'c.href', 'c.img'])
      .where('n.id', '=', id)
      .executeTakeFirst();
    return row && toPerson(row);
  }

  async findByName(name: string): Promise<Person | undefined> {
    const row = await this.db
      .selectFrom('people')
      .selectAll()
      .where('key', '=', personKey(name))
      .executeTakeFirst();
    return row && toPerson(row);
  }

  async names(personId: number, options: { audience?: Audience } = {}): Promise<Person[]> {
    let query = this.db
      .selectFrom('people')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', personId), eb('merged_into', '=', personId)]));
    if (options.audience !== undefined) {
      // A name is shown only where one of its credits is: a private show's spelling of a person stays private (the
      // person's own name too, when only a private show gives it).
      const visible = visibleShows(options.audience);
      query = query.where((eb) =>
        eb.or([
          eb.exists(
            eb
              .selectFrom('show_persons')
              .innerJoin('shows', 'shows.id', 'show_persons.show_id')
              .select('show_persons.person_id')
              .whereRef('show_persons.person_id', '=', 'people.id')
              .where(visible),
          ),
          eb.exists(
            eb
              .selectFrom('episode_persons')
              .innerJoin('episodes', 'episodes.id', 'episode_persons.episode_id')
              .innerJoin('shows', 'shows.id', 'episodes.show_id')
              .select('episode_persons.person_id')
              .whereRef('episode_persons.person_id', '=', 'people.id')
              .where(visible),
          ),
        ]),
      );
    }
    const rows = await query
      .orderBy(sql`case when id = ${personId} then 0 else 1 end`)
      .orderBy('id')
      .execute();
    return rows.map(toPerson);
  }

  readonly #forShow = new Prepared((showId: number) =>
    this.db
      .selectFrom('show_persons')
      .innerJoin('people as n', 'n.id', 'show_persons.person_id')
      .innerJoin('people as c', (j) => j.on((eb) => eb('c.id', '=', eb.fn.coalesce('n.merged_into', 'n.id'))))
      .select(['c.id', 'c.name', 'c.href', 'c.img', 'show_persons.role', 'show_persons.person_group'])
      .where('show_persons.show_id', '=', showId)
      .orderBy('show_persons.position'),
  );

  async forShow(showId: number): Promise<Credit[]> {
    const { rows } = await this.db.executeQuery(this.#forShow.bind(showId));
    return distinctCredits(rows);
  }

  readonly #forEpisode = new Prepared((episodeId: number) =>
    this.db
      .selectFrom('episode_persons')
      .innerJoin('people as n', 'n.id', 'episode_persons.person_id')
      .innerJoin('people as c', (j) => j.on((eb) => eb('c.id', '=', eb.fn.coalesce('n.merged_into', 'n.id'))))
      .select(['c.id', 'c.name', 'c.href', 'c.img', 'episode_persons.role', 'episode_persons.person_group'])
      .where('episode_persons.episode_id', '=', episodeId)
      .orderBy('episode_persons.position'),
  );

  async forEpisode(episodeId: number): Promise<Credit[]> {
    const { rows } = await this.db.executeQuery(this.#forEpisode.bind(episodeId));
    return distinctCredits(rows);
  }

  async credits(
    personId: number,
    options: { episodeLimit?: number; audience?: Audience } = {},
  ): Promise<PersonCredits> {
    const visible = visibleShows(options.audience);
    const shows = await this.db
      .selectFrom('show_persons')
      .innerJoin('shows', 'shows.id', 'show_persons.show_id')
      .select(['shows.id', 'shows.title', 'show_persons.role', 'show_persons.person_group'])
      .where('show_persons.person_id', 'in', namesOf(this.db, personId))
      .where(visible)
      .orderBy('shows.title')
      .orderBy('shows.id')
      .execute();
    const episodes = await this.db
      .selectFrom('episode_persons')
      .innerJoin('episodes', 'episodes.id', 'episode_persons.episode_id')
      .innerJoin('shows', 'shows.id', 'episodes.show_id')
      .select([
        'episodes.id',
        'episodes.show_id',
        'episodes.title',
        'episodes.published_at',
        'episode_persons.role',
        'episode_persons.person_group',
      ])
      .where('episode_persons.person_id', 'in', namesOf(this.db, personId))
      .where(visible)
      .orderBy('episodes.sort_key', 'desc')
      .orderBy('episodes.id', 'desc')
      .limit(options.episodeLimit ?? 100)
      .execute();
    const seenShows = new Set<string>();
    const seenEpisodes = new Set<string>();
    return {
      shows: shows
        .filter((r) => once(seenShows, `${r.id}\u0000${r.role}`))
        .map((r) => compact({ showId: r.id, title: r.title, role: r.role, group: r.person_group })),
      episodes: episodes
        .filter((r) => once(seenEpisodes, `${r.id}\u0000${r.role}`))
        .map((r) =>
          compact({
            episodeId: r.id,
            showId: r.show_id,
            title: r.title,
            publishedAt: r.published_at,
            role: r.role,
            group: r.person_group,
          }),
        ),
    };
  }

  async collaborators(
    personId: number,
    options: { limit?: number; audience?: Audience } = {},
  ): Promise<Collaborator[]> {
    const limit = clampLimit(options.limit, 12, 100);
    const visible = visibleShows(options.audience);
    // The episodes a person is in: credited on the episode, or on its show (a host is in every episode of the show).
    // Whoever else is in one of those episodes (on the episode or its show) shares it.
    const { rows: byEpisodes } = await sql<{ pid: number; n: number }>`
      with names as (select id from people where id = ${personId} or merged_into = ${personId}),
      mine as (
        select ep.episode_id as id from episode_persons ep where ep.person_id in (select id from names)
        union
        select e.id from show_persons sp join episodes e on e.show_id = sp.show_id
        where sp.person_id in (select id from names)
      ),
      together as (
        select ep.episode_id as eid, ep.person_id as pid from episode_persons ep
        where ep.episode_id in (select id from mine)
        union
        select e.id, sp.person_id from episodes e join show_persons sp on sp.show_id = e.show_id
        where e.id in (select id from mine)
      )
      select coalesce(n.merged_into, n.id) as pid, count(distinct t.eid) as n
      from together t
      join people n on n.id = t.pid
      join episodes on episodes.id = t.eid
      join shows on shows.id = episodes.show_id
      where ${visible} and coalesce(n.merged_into, n.id) <> ${personId}
      group by coalesce(n.merged_into, n.id)
      order by count(distinct t.eid) desc, coalesce(n.merged_into, n.id)
      limit ${limit}`.execute(this.db);
    const other = sql<number>`coalesce(n2.merged_into, n2.id)`;
    const byShows = await this.db
      .selectFrom('show_persons as p1')
      .innerJoin('show_persons as p2', 'p2.show_id', 'p1.show_id')
      .innerJoin('people as n2', 'n2.id', 'p2.person_id')
      .innerJoin('shows', 'shows.id', 'p1.show_id')
      .select([other.as('pid'), sql<number>`count(distinct p1.show_id)`.as('n')])
      .where('p1.person_id', 'in', namesOf(this.db, personId))
      .where(other, '!=', personId)
      .where(visible)
      .groupBy(other)
      .orderBy(sql`count(distinct p1.show_id)`, 'desc')
      .orderBy(other)
      .limit(limit)
      .execute();
    const counts = new Map<number, { episodes: number; shows: number }>();
    for (const r of byEpisodes) counts.set(Number(r.pid), { episodes: Number(r.n), shows: 0 });
    for (const r of byShows) {
      const known = counts.get(Number(r.pid));
      if (known) known.shows = Number(r.n);
      else counts.set(Number(r.pid), { episodes: 0, shows: Number(r.n) });
    }
    if (counts.size === 0) return [];
    const people = await this.db
      .selectFrom('people')
      .selectAll()
      .where('id', 'in', [...counts.keys()])
      .execute();
    return people
      .map((row) => ({ person: toPerson(row), episodes: 0, shows: 0, ...counts.get(row.id) }))
      .sort((a, b) => b.episodes - a.episodes || b.shows - a.shows || a.person.id - b.person.id)
      .slice(0, limit);
  }

  merge(fromId: number, intoId: number, now: Date): Promise<PersonChange> {
    return this.inTransaction(async (db) => {
      const from = await canonical(db, fromId);
      const into = await canonical(db, intoId);
      if (from === undefined || into === undefined)
        throw new PersonChangeError('not-found', 'No such person.');
      if (from === into) throw new PersonChangeError('same-person', 'These are already one person.');
      const rows = await db
        .selectFrom('people')
        .select(['id', 'merged_into'])
        .where((eb) => eb.or([eb('id', '=', from), eb('merged_into', '=', from)]))
        .orderBy('id')
        .execute();
      const changed = rows.map((r) => ({ id: r.id, before: r.merged_into, after: into }));
      return record(db, 'merge', from, into, changed, now);
    });
  }

  split(nameId: number, now: Date): Promise<PersonChange> {
    return this.inTransaction(async (db) => {
      const name = await db
        .selectFrom('people')
        .select(['id', 'merged_into'])
        .where('id', '=', nameId)
        .executeTakeFirst();
      if (name === undefined) throw new PersonChangeError('not-found', 'No such person.');
      if (name.merged_into !== null)
        return record(
          db,
          'split',
          name.id,
          name.merged_into,
          [{ id: name.id, before: name.merged_into, after: null }],
          now,
        );
      // The person's own name: the other names stay together, under the oldest of them.
      const members = await db
        .selectFrom('people')
        .select(['id', 'merged_into'])
        .where('merged_into', '=', name.id)
        .orderBy('id')
        .execute();
      const [heir, ...rest] = members;
      if (heir === undefined)
        throw new PersonChangeError(
          'not-joined',
          'This name is not joined to anyone: there is nothing to split.',
        );
      const changed: ChangedRow[] = [
        { id: heir.id, before: name.id, after: null },
        ...rest.map((m) => ({ id: m.id, before: name.id, after: heir.id })),
      ];
      return record(db, 'split', name.id, heir.id, changed, now);
    });
  }

  async creditedShows(personId: number): Promise<CreditedShow[]> {
    const onShows = await this.db
      .selectFrom('show_persons')
      .innerJoin('shows', 'shows.id', 'show_persons.show_id')
      .select(['shows.id', 'shows.title', 'show_persons.role'])
      .where('show_persons.person_id', 'in', namesOf(this.db, personId))
      .orderBy('show_persons.position')
      .execute();
    const inEpisodes = await this.db
      .selectFrom('episode_persons')
      .innerJoin('episodes', 'episodes.id', 'episode_persons.episode_id')
      .innerJoin('shows', 'shows.id', 'episodes.show_id')
      .select(['shows.id', 'shows.title', sql<number>`count(distinct episode_persons.episode_id)`.as('n')])
      .where('episode_persons.person_id', 'in', namesOf(this.db, personId))
      .groupBy(['shows.id', 'shows.title'])
      .execute();
    const shows = new Map<number, CreditedShow>();
    const entry = (id: number, title: string | null): CreditedShow => {
      let known = shows.get(id);
      if (known === undefined) {
        known = compact<CreditedShow>({ showId: id, title, roles: [], episodes: 0 });
        shows.set(id, known);
      }
      return known;
    };
    for (const r of onShows) {
      const show = entry(r.id, r.title);
      if (!show.roles.includes(r.role)) show.roles.push(r.role);
    }
    for (const r of inEpisodes) entry(r.id, r.title).episodes = Number(r.n);
    return [...shows.values()].sort(
      (a, b) => (a.title ?? '').localeCompare(b.title ?? '') || a.showId - b.showId,
    );
  }

  splitByShow(personId: number, showIds: readonly number[], now: Date): Promise<PersonChange> {
    return this.inTransaction(async (db) => {
      const person = await canonical(db, personId);
      if (person === undefined) throw new PersonChangeError('not-found', 'No such person.');
      const names = await db
        .selectFrom('people')
        .select(['id', 'key', 'name'])
        .where((eb) => eb.or([eb('id', '=', person), eb('merged_into', '=', person)]))
        .orderBy('id')
        .execute();
      const nameIds = names.map((n) => n.id);
      const asked = [...new Set(showIds)];
      const onShows =
        asked.length === 0
          ? []
          : await db
              .selectFrom('show_persons')
              .select(['show_id', 'person_id'])
              .where('show_id', 'in', asked)
              .where('person_id', 'in', nameIds)
              .execute();
      const inEpisodes =
        asked.length === 0
          ? []
          : await db
              .selectFrom('episode_persons')
              .innerJoin('episodes', 'episodes.id', 'episode_persons.episode_id')
              .select(['episodes.show_id', 'episode_persons.person_id'])
              .distinct()
              .where('episodes.show_id', 'in', asked)
              .where('episode_persons.person_id', 'in', nameIds)
              .execute();
      const credited = [...onShows, ...inEpisodes];
      if (credited.length === 0)
        throw new PersonChangeError('no-credits', 'This person is not credited on those shows.');
      const shows = [...new Set(credited.map((c) => c.show_id))].sort((a, b) => a - b);
      const elsewhere = await db
        .selectFrom('show_persons')
        .select('show_id')
        .where('person_id', 'in', nameIds)
        .where('show_id', 'not in', shows)
        .union(
          db
            .selectFrom('episode_persons')
            .innerJoin('episodes', 'episodes.id', 'episode_persons.episode_id')
            .select('episodes.show_id')
            .where('episode_persons.person_id', 'in', nameIds)
            .where('episodes.show_id', 'not in', shows),
        )
        .limit(1)
        .executeTakeFirst();
      if (elsewhere === undefined)
        throw new PersonChangeError(
          'nothing-left',
          'Every credit of this person is on those shows: there is nobody else to tell them from.',
        );

      // One new row per name credited there, the person's own name (or the oldest) the one the new person goes by.
      const movedIds = new Set(credited.map((c) => c.person_id));
      const moved = names.filter((n) => movedIds.has(n.id));
      moved.sort((a, b) => (a.id === person ? -1 : b.id === person ? 1 : a.id - b.id));
      const split: ShowSplit = { names: [], shows, overrides: [] };
      const byKey = new Map<string, number>();
      let head: number | undefined;
      for (const name of moved) {
        // A name split off before keeps the key its feeds write: the one its show overrides name.
        const override = await db
          .selectFrom('show_person_names')
          .select('key')
          .where('person_id', '=', name.id)
          .limit(1)
          .executeTakeFirst();
        const feedKey = override?.key ?? name.key;
        const row = await db
          .insertInto('people')
          .values({
            key: splitKey(feedKey, -name.id),
            name: name.name,
            created_at: iso(now),
            merged_into: head ?? null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await db
          .updateTable('people')
          .set({ key: splitKey(feedKey, row.id) })
          .where('id', '=', row.id)
          .execute();
        split.names.push({ id: row.id, from: name.id, mergedInto: head ?? null });
        head ??= row.id;
        if (!byKey.has(feedKey)) byKey.set(feedKey, row.id);
        await db
          .updateTable('show_persons')
          .set({ person_id: row.id })
          .where('person_id', '=', name.id)
          .where('show_id', 'in', shows)
          .execute();
        await db
          .updateTable('episode_persons')
          .set({ person_id: row.id })
          .where('person_id', '=', name.id)
          .where('episode_id', 'in', (eb) =>
            eb.selectFrom('episodes').select('id').where('show_id', 'in', shows),
          )
          .execute();
      }
      const current = await db
        .selectFrom('show_person_names')
        .select(['show_id', 'key', 'person_id'])
        .where('show_id', 'in', shows)
        .where('key', 'in', [...byKey.keys()])
        .execute();
      const before = new Map(current.map((r) => [`${r.show_id}\t${r.key}`, r.person_id]));
      for (const showId of shows)
        for (const [key, after] of byKey) {
          split.overrides.push({ showId, key, before: before.get(`${showId}\t${key}`) ?? null, after });
          await setShowName(db, showId, key, after);
        }
      if (head === undefined)
        throw new PersonChangeError('no-credits', 'This person is not credited on those shows.');
      return insertChange(db, 'split-show', head, person, JSON.stringify(split), now);
    });
  }

  undo(changeId: number, now: Date): Promise<PersonChange> {
    return this.inTransaction(async (db) => {
      const change = await db
        .selectFrom('person_changes')
        .selectAll()
        .where('id', '=', changeId)
        .executeTakeFirst();
      if (change === undefined) throw new PersonChangeError('not-found', 'No such change.');
      if (change.undone_at !== null)
        throw new PersonChangeError('already-undone', 'That change was already undone.');
      if (change.kind === 'split-show') {
        // The change's own record: written by `splitByShow`, never by anything else.
        await undoShowSplit(db, JSON.parse(change.rows_json) as ShowSplit);
        return markUndone(db, changeId, now);
      }
      // The change's own record: written by `record` below, never by anything else.
      const rows = JSON.parse(change.rows_json) as ChangedRow[];
      const current = await db
        .selectFrom('people')
        .select(['id', 'merged_into'])
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      const state = new Map(current.map((r) => [r.id, r.merged_into]));
      if (rows.some((r) => state.get(r.id) !== r.after))
        throw new PersonChangeError('conflict', 'A later change touched these people: undo that one first.');
      for (const r of rows)
        await db.updateTable('people').set({ merged_into: r.before }).where('id', '=', r.id).execute();
      return markUndone(db, changeId, now);
    });
  }

  async changes(limit: number): Promise<PersonChange[]> {
    const rows = await this.db
      .selectFrom('person_changes')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(clampLimit(limit, 50, 500))
      .execute();
    return rows.map(toChange);
  }
}

/** The person a name belongs to, or undefined when there is no such name. */
async function canonical(db: Kysely<Database>, id: number): Promise<number | undefined> {
  const row = await db
    .selectFrom('people')
    .select(['id', 'merged_into'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row === undefined ? undefined : (row.merged_into ?? row.id);
}

/** Applies `rows` and records them as one change. */
async function record(
  db: Kysely<Database>,
  kind: 'merge' | 'split',
  personId: number,
  otherId: number,
  rows: readonly ChangedRow[],
  now: Date,
): Promise<PersonChange> {
  for (const r of rows)
    await db.updateTable('people').set({ merged_into: r.after }).where('id', '=', r.id).execute();
  return insertChange(db, kind, personId, otherId, JSON.stringify(rows), now);
}

async function insertChange(
  db: Kysely<Database>,
  kind: PersonChangesTable['kind'],
  personId: number,
  otherId: number,
  rowsJson: string,
  now: Date,
): Promise<PersonChange> {
  const row = await db
    .insertInto('person_changes')
    .values({ kind, person_id: personId, other_id: otherId, rows_json: rowsJson, created_at: iso(now) })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toChange(row);
}

async function markUndone(db: Kysely<Database>, changeId: number, now: Date): Promise<PersonChange> {
  const undone = await db
    .updateTable('person_changes')
    .set({ undone_at: iso(now) })
    .where('id', '=', changeId)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toChange(undone);
}

/** On show `showId` the name `key` resolves to `personId`; null: to the name's own row again. */
async function setShowName(
  db: Kysely<Database>,
  showId: number,
  key: string,
  personId: number | null,
): Promise<void> {
  if (personId === null) {
    await db.deleteFrom('show_person_names').where('show_id', '=', showId).where('key', '=', key).execute();
    return;
  }
  await db
    .insertInto('show_person_names')
    .values({ show_id: showId, key, person_id: personId })
    .onConflict((oc) => oc.columns(['show_id', 'key']).doUpdateSet({ person_id: personId }))
    .execute();
}

/**
 * Undoes a split by show: the split person's credits (those moved, and any a re-crawl wrote since) go back to the
 * names they were split from, the shows' overrides are as before, and the split person's rows are gone. Refused when
 * a later change touched the split person (merged, split, more names joined, or a later split of those shows).
 */
async function undoShowSplit(db: Kysely<Database>, split: ShowSplit): Promise<void> {
  const ids = split.names.map((n) => n.id);
  const conflict = () =>
    new PersonChangeError('conflict', 'A later change touched these people: undo that one first.');
  const rows = await db.selectFrom('people').select(['id', 'merged_into']).where('id', 'in', ids).execute();
  const state = new Map(rows.map((r) => [r.id, r.merged_into]));
  if (split.names.some((n) => !state.has(n.id) || state.get(n.id) !== n.mergedInto)) throw conflict();
  const joined = await db
    .selectFrom('people')
    .select('id')
    .where('merged_into', 'in', ids)
    .where('id', 'not in', ids)
    .limit(1)
    .executeTakeFirst();
  if (joined !== undefined) throw conflict();
  // A show removed since took its overrides and credits with it: nothing to restore there.
  const live = new Set(
    (await db.selectFrom('shows').select('id').where('id', 'in', split.shows).execute()).map((r) => r.id),
  );
  const current = await db
    .selectFrom('show_person_names')
    .select(['show_id', 'key', 'person_id'])
    .where('show_id', 'in', split.shows)
    .execute();
  const now = new Map(current.map((r) => [`${r.show_id}\t${r.key}`, r.person_id]));
  if (split.overrides.some((o) => live.has(o.showId) && now.get(`${o.showId}\t${o.key}`) !== o.after))
    throw conflict();
  for (const { id, from } of split.names)
    for (const table of ['show_persons', 'episode_persons'] as const) {
      const owner = table === 'show_persons' ? sql.ref('show_id') : sql.ref('episode_id');
      // A credit the name already has alike (the same show or episode, the same role) is kept once.
      await sql`delete from ${sql.table(table)} where person_id = ${id} and exists (
        select 1 from ${sql.table(table)} x where x.${owner} = ${sql.table(table)}.${owner}
          and x.person_id = ${from} and x.role = ${sql.table(table)}.role)`.execute(db);
      await db.updateTable(table).set({ person_id: from }).where('person_id', '=', id).execute();
    }
  for (const o of split.overrides) if (live.has(o.showId)) await setShowName(db, o.showId, o.key, o.before);
  await db.updateTable('people').set({ merged_into: null }).where('id', 'in', ids).execute();
  await db.deleteFrom('people').where('id', 'in', ids).execute();
}

/** A credit as read for a page: the person (as merged) and the role. */
export interface CreditRow {
  id: number;
  name: string;
  href: string | null;
  img: string | null;
  role: string;
  person_group: string;
}

/** Credits with each (person, role) once: two names of one person credited alike count once. */
export function distinctCredits(rows: readonly CreditRow[]): Credit[] {
  const seen = new Set<string>();
  return rows
    .filter((r) => once(seen, `${r.id}\u0000${r.role}`))
    .map((r) => ({ person: toPerson(r), role: r.role, group: r.person_group }));
}

/** True the first time `key` is seen. */
function once(seen: Set<string>, key: string): boolean {
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
}
