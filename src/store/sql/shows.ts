import type { Insertable, Kysely, Selectable } from 'kysely';
import { categoryTitleKey, showCategories } from '../../domain/categories.ts';
import type { Show, ShowContent } from '../../domain/show.ts';
import type { Audience, PublicEntry, PublicIdsQuery, ShowPage, ShowRepository } from '../ports.ts';
import type { InTransaction } from './episodes.ts';
import { replaceCredits } from './people.ts';
import { Prepared } from './prepared.ts';
import { compact, compactWith, fromFlag, fromJson, iso, sha1, toFlag, toJson, toNull } from './rows.ts';
import type { Database, ShowsTable } from './schema.ts';
import { visibleShows } from './visibility.ts';

type ShowRow = Selectable<ShowsTable>;

/** Every column of `shows`, by name: what a JSON object of a show row holds (SQLite's json_object names each). */
export const SHOW_COLUMNS = [
  'id',
  'feed_id',
  'format',
  'title',
  'link',
  'description',
  'language',
  'author',
  'owner_name',
  'owner_email',
  'image_url',
  'explicit',
  'type',
  'podcast_guid',
  'medium',
  'locked',
  'complete',
  'block',
  'categories_json',
  'funding_json',
  'social_json',
  'value_json',
  'location_json',
  'license_json',
  'update_frequency_json',
  'persons_json',
  'extras_json',
  'content_hash',
  'episode_count',
  'latest_episode_at',
  'created_at',
  'updated_at',
  'is_public',
] as const satisfies readonly (keyof ShowsTable)[];

/** A column added to `shows` and not to SHOW_COLUMNS fails to compile here. */
const everyShowColumn: Exclude<keyof ShowsTable, (typeof SHOW_COLUMNS)[number]> extends never ? true : never =
  true;
void everyShowColumn;
type ShowColumns = Omit<
  Insertable<ShowsTable>,
  'id' | 'feed_id' | 'content_hash' | 'episode_count' | 'latest_episode_at' | 'created_at' | 'updated_at'
>;

/** Fields that have a column (or a JSON column) of their own; everything else goes to `extras_json`. */
function toColumns(content: ShowContent): ShowColumns {
  const {
    format,
    title,
    link,
    description,
    language,
    author,
    owner,
    imageUrl,
    explicit,
    type,
    podcastGuid,
    medium,
    complete,
    block,
    categories,
    funding,
    socialInteract,
    value,
    location,
    license,
    updateFrequency,
    persons,
    ...extras
  } = content;
  return {
    format,
    title: toNull(title),
    link: toNull(link),
    description: toNull(description),
    language: toNull(language),
    author: toNull(author),
    owner_name: toNull(owner?.name),
    owner_email: toNull(owner?.email),
    image_url: toNull(imageUrl),
    explicit: toFlag(explicit),
    type: toNull(type),
    podcast_guid: toNull(podcastGuid),
    medium: toNull(medium),
    // `locked` keeps its owner in extras; the flag has a column for queries.
    locked: toFlag(extras.locked?.locked),
    complete: toFlag(complete),
    block: toFlag(block),
    categories_json: toJson(categories),
    funding_json: toJson(funding),
    social_json: toJson(socialInteract),
    value_json: toJson(value),
    location_json: toJson(location),
    license_json: toJson(license),
    update_frequency_json: toJson(updateFrequency),
    persons_json: toJson(persons),
    extras_json: toJson(extras),
  };
}

export function toShow(row: ShowRow): Show {
  const extras = fromJson<Partial<ShowContent>>(row.extras_json) ?? {};
  const owner = compact<{ name?: string; email?: string }>({ name: row.owner_name, email: row.owner_email });
  return compactWith<Show>(extras, {
    id: row.id,
    feedId: row.feed_id,
    format: row.format,
    title: row.title,
    link: row.link,
    description: row.description,
    language: row.language,
    author: row.author,
    owner: Object.keys(owner).length > 0 ? owner : undefined,
    imageUrl: row.image_url,
    explicit: fromFlag(row.explicit),
    type: row.type,
    podcastGuid: row.podcast_guid,
    medium: row.medium,
    complete: fromFlag(row.complete),
    block: fromFlag(row.block),
    categories: fromJson(row.categories_json),
    funding: fromJson(row.funding_json),
    socialInteract: fromJson(row.social_json),
    value: fromJson(row.value_json),
    location: fromJson(row.location_json),
    license: fromJson(row.license_json),
    updateFrequency: fromJson(row.update_frequency_json),
    persons: fromJson(row.persons_json),
    episodeCount: row.episode_count,
    latestEpisodeAt: row.latest_episode_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    // `?? 1`: a database migrated only part-way (a test of an older migration) has no such column yet.
    isPublic: (row.is_public ?? 1) !== 0,
  });
}

export class SqlShowRepository implements ShowRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly inTransaction: InTransaction,
  ) {}

  upsert(feedId: number, content: ShowContent, now: Date): Promise<{ show: Show; changed: boolean }> {
    return this.inTransaction((db) => upsertShow(db, feedId, content, now));
  }

  readonly #get = new Prepared((id: number) => this.db.selectFrom('shows').selectAll().where('id', '=', id));

  async listPublic(q: PublicIdsQuery): Promise<PublicEntry[]> {
    const rows = await this.db
      .selectFrom('shows')
      .select(['id', 'updated_at'])
      .where('is_public', '=', 1)
      .where('id', '>', q.afterId)
      .where('id', '<=', q.throughId)
      .orderBy('id')
      .limit(q.limit)
      .execute();
    return rows.map((r) => ({ id: Number(r.id), lastModified: r.updated_at }));
  }

  async maxPublicId(): Promise<number> {
    const row = await this.db
      .selectFrom('shows')
      .select('id')
      .where('is_public', '=', 1)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? Number(row.id) : 0;
  }

  async get(id: number): Promise<Show | undefined> {
    const row = (await this.db.executeQuery(this.#get.bind(id))).rows[0];
    return row && toShow(row);
  }

  async getByFeed(feedId: number): Promise<Show | undefined> {
    const row = await this.db
      .selectFrom('shows')
      .selectAll()
      .where('feed_id', '=', feedId)
      .executeTakeFirst();
    return row && toShow(row);
  }

  async listRecentlyUpdated(limit: number, audience?: Audience): Promise<Show[]> {
    const visible = visibleShows(audience);
    // NULLs sort first descending on PostgreSQL and last on SQLite: filter them out, then append shows without episodes.
    const dated = await this.db
      .selectFrom('shows')
      .selectAll()
      .where(visible)
      .where('latest_episode_at', 'is not', null)
      .orderBy('latest_episode_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    const rest =
      dated.length < limit
        ? await this.db
            .selectFrom('shows')
            .selectAll()
            .where(visible)
            .where('latest_episode_at', 'is', null)
            .orderBy('id', 'desc')
            .limit(limit - dated.length)
            .execute()
        : [];
    return [...dated, ...rest].map(toShow);
  }

  async list(options: { limit: number; offset?: number; audience?: Audience }): Promise<ShowPage> {
    const visible = visibleShows(options.audience);
    const rows = await this.db
      .selectFrom('shows')
      .selectAll()
      .where(visible)
      .orderBy((eb) => eb.fn('lower', [eb.fn.coalesce('title', eb.val(''))]))
      .orderBy('id')
      .limit(options.limit)
      .offset(options.offset ?? 0)
      .execute();
    const total = await this.db
      .selectFrom('shows')
      .where(visible)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return { items: rows.map(toShow), total: Number(total.n) };
  }
}

async function upsertShow(
  db: Kysely<Database>,
  feedId: number,
  content: ShowContent,
  now: Date,
): Promise<{ show: Show; changed: boolean }> {
  const hash = sha1(JSON.stringify(content));
  const existing = await db.selectFrom('shows').selectAll().where('feed_id', '=', feedId).executeTakeFirst();
  if (existing !== undefined && existing.content_hash === hash)
    return { show: toShow(existing), changed: false };
  const columns = { ...toColumns(content), content_hash: hash, updated_at: iso(now) };
  // A new show starts with its feed's visibility (setVisibility keeps the two in step afterwards).
  const feed =
    existing === undefined
      ? await db.selectFrom('feeds').selectAll().where('id', '=', feedId).executeTakeFirst()
      : undefined;
  const row =
    existing === undefined
      ? await db
          .insertInto('shows')
          .values({
            ...columns,
            feed_id: feedId,
            created_at: iso(now),
            ...(feed?.is_public === 0 ? { is_public: 0 } : {}),
          })
          .returningAll()
          .executeTakeFirstOrThrow()
      : await db
          .updateTable('shows')
          .set(columns)
          .where('id', '=', existing.id)
          .returningAll()
          .executeTakeFirstOrThrow();
  await replaceCredits(db, { table: 'show_persons', id: row.id }, content.persons, now);
  await replaceCategories(db, row.id, content, existing === undefined);
  return { show: toShow(row), changed: true };
}

/** The show's rows in show_categories (what category pages read), from its feed's categories. */
async function replaceCategories(
  db: Kysely<Database>,
  showId: number,
  content: ShowContent,
  isNew: boolean,
): Promise<void> {
  // A new show has no rows yet: nothing to delete, and nothing to write when its feed names no category.
  if (!isNew) await db.deleteFrom('show_categories').where('show_id', '=', showId).execute();
  const rows = showCategories(content.categories).map((c) => ({
    show_id: showId,
    slug: c.slug,
    name: c.name,
    title_key: categoryTitleKey(content.title),
  }));
  if (rows.length > 0) await db.insertInto('show_categories').values(rows).execute();
}
