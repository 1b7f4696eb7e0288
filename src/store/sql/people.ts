import type { Kysely, Selectable } from 'kysely';
import { type Credit, type CreditedPerson, type Person, personKey } from '../../domain/person.ts';
import type { Audience, PersonCredits, PersonRepository } from '../ports.ts';
import { Prepared } from './prepared.ts';
import { compact, iso } from './rows.ts';
import type { Database, PeopleTable } from './schema.ts';
import { visibleShows } from './visibility.ts';

export function toPerson(row: Pick<Selectable<PeopleTable>, 'id' | 'name' | 'href' | 'img'>): Person {
  return compact<Person>({ id: row.id, name: row.name, href: row.href, img: row.img });
}

/** Person ids by `personKey`, shared by the calls of one upsert so a host named on every episode is looked up once. */
type PersonIdCache = Map<string, number>;

/**
 * Replaces the credits of one show or episode with `persons` (feed order kept), creating people as needed.
 * A person's link and image are updated to the latest ones a feed gives.
 */
export async function replaceCredits(
  db: Kysely<Database>,
  owner: { table: 'show_persons'; id: number } | { table: 'episode_persons'; id: number },
  persons: readonly CreditedPerson[] | undefined,
  now: Date,
  cache: PersonIdCache,
): Promise<void> {
  if (owner.table === 'show_persons')
    await db.deleteFrom('show_persons').where('show_id', '=', owner.id).execute();
  else await db.deleteFrom('episode_persons').where('episode_id', '=', owner.id).execute();
  if (persons === undefined || persons.length === 0) return;
  const links = new Map<
    string,
    { person_id: number; role: string; person_group: string; position: number }
  >();
  for (const person of persons) {
    const key = personKey(person.name);
    if (key === '') continue;
    let personId = cache.get(key);
    if (personId === undefined || person.href !== undefined || person.img !== undefined) {
      const row = await db
        .insertInto('people')
        .values({
          key,
          name: person.name.trim(),
          href: person.href ?? null,
          img: person.img ?? null,
          created_at: iso(now),
        })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet((eb) => ({
            href: eb.fn.coalesce(eb.ref('excluded.href'), eb.ref('people.href')),
            img: eb.fn.coalesce(eb.ref('excluded.img'), eb.ref('people.img')),
          })),
        )
        .returning('id')
        .executeTakeFirstOrThrow();
      personId = row.id;
      cache.set(key, personId);
    }
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

export class SqlPersonRepository implements PersonRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(id: number): Promise<Person | undefined> {
    const row = await this.db.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirst();
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

  readonly #forShow = new Prepared((showId: number) =>
    this.db
      .selectFrom('show_persons')
      .innerJoin('people', 'people.id', 'show_persons.person_id')
      .select([
        'people.id',
        'people.name',
        'people.href',
        'people.img',
        'show_persons.role',
        'show_persons.person_group',
      ])
      .where('show_persons.show_id', '=', showId)
      .orderBy('show_persons.position'),
  );

  async forShow(showId: number): Promise<Credit[]> {
    const { rows } = await this.db.executeQuery(this.#forShow.bind(showId));
    return rows.map((r) => ({ person: toPerson(r), role: r.role, group: r.person_group }));
  }

  readonly #forEpisode = new Prepared((episodeId: number) =>
    this.db
      .selectFrom('episode_persons')
      .innerJoin('people', 'people.id', 'episode_persons.person_id')
      .select([
        'people.id',
        'people.name',
        'people.href',
        'people.img',
        'episode_persons.role',
        'episode_persons.person_group',
      ])
      .where('episode_persons.episode_id', '=', episodeId)
      .orderBy('episode_persons.position'),
  );

  async forEpisode(episodeId: number): Promise<Credit[]> {
    const { rows } = await this.db.executeQuery(this.#forEpisode.bind(episodeId));
    return rows.map((r) => ({ person: toPerson(r), role: r.role, group: r.person_group }));
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
      .where('show_persons.person_id', '=', personId)
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
      .where('episode_persons.person_id', '=', personId)
      .where(visible)
      .orderBy('episodes.sort_key', 'desc')
      .orderBy('episodes.id', 'desc')
      .limit(options.episodeLimit ?? 100)
      .execute();
    return {
      shows: shows.map((r) => compact({ showId: r.id, title: r.title, role: r.role, group: r.person_group })),
      episodes: episodes.map((r) =>
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
}
