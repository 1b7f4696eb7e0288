import type { Insertable, Kysely, Selectable } from 'kysely';
import {
  type Episode,
  type EpisodeContent,
  type EpisodeListItem,
  type EpisodeUpsertResult,
  enclosureUrlWithoutQuery,
  episodeSortKey,
} from '../../domain/episode.ts';
import { type CreditedPerson, personKey } from '../../domain/person.ts';
import { StoreError } from '../errors.ts';
import type {
  EpisodeListOptions,
  EpisodeListPage,
  EpisodePage,
  EpisodeRepository,
  EpisodeUpsertOptions,
  PublicEntry,
  PublicIdsQuery,
} from '../ports.ts';
import { upsertPeople } from './people.ts';
import { Prepared } from './prepared.ts';
import {
  chunks,
  clampLimit,
  compact,
  compactWith,
  fromFlag,
  fromJson,
  iso,
  paddedList,
  sha1,
  shapedRuns,
  toFlag,
  toJson,
  toNull,
} from './rows.ts';
import type { Database, EpisodesTable } from './schema.ts';

type EpisodeRow = Selectable<EpisodesTable>;
type ContentColumns = Omit<
  Insertable<EpisodesTable>,
  'id' | 'show_id' | 'content_hash' | 'sort_key' | 'first_seen_at' | 'last_seen_at' | 'vanished_at'
>;

/** Runs a function in the store's transaction (a new one, or the caller's when already inside one). */
export type InTransaction = <T>(fn: (db: Kysely<Database>) => Promise<T>) => Promise<T>;

/** Every column but the show notes, for list pages. */
export const LIST_COLUMNS = [
  'id',
  'show_id',
  'guid',
  'guid_source',
  'enclosure_url',
  'enclosure_url_base',
  'enclosure_type',
  'enclosure_length',
  'title',
  'link',
  'description',
  'published_at',
  'duration_seconds',
  'image_url',
  'explicit',
  'season',
  'episode',
  'episode_type',
  'transcripts_json',
  'chapters_json',
  'soundbites_json',
  'funding_json',
  'persons_json',
  'value_json',
  'alternate_enclosures_json',
  'extras_json',
  'content_hash',
  'sort_key',
  'first_seen_at',
  'last_seen_at',
  'vanished_at',
] as const satisfies readonly Exclude<keyof EpisodesTable, 'content_html'>[];

/** What `listItemsForShow` reads: an episode row's columns (and the cursor's). */
export const ITEM_COLUMNS = [
  'id',
  'show_id',
  'title',
  'published_at',
  'duration_seconds',
  'season',
  'episode',
  'episode_type',
  'enclosure_url',
  'enclosure_type',
  'enclosure_length',
  'image_url',
  'sort_key',
] as const satisfies readonly (keyof EpisodesTable)[];

export type ItemRow = Pick<EpisodeRow, (typeof ITEM_COLUMNS)[number]>;

export function toListItem(row: ItemRow): EpisodeListItem {
  const item: EpisodeListItem = { id: row.id, showId: row.show_id, sortKey: row.sort_key };
  if (row.title !== null) item.title = row.title;
  if (row.published_at !== null) item.publishedAt = row.published_at;
  if (row.duration_seconds !== null) item.durationSeconds = row.duration_seconds;
  if (row.season !== null) item.season = row.season;
  if (row.episode !== null) item.episode = row.episode;
  if (row.episode_type !== null) item.episodeType = row.episode_type;
  if (row.image_url !== null) item.imageUrl = row.image_url;
  if (row.enclosure_url !== null) {
    item.enclosure = compact<NonNullable<EpisodeListItem['enclosure']>>({
      url: row.enclosure_url,
      type: row.enclosure_type,
      length: row.enclosure_length,
    });
  }
  return item;
}

/** Rows per multi-row episode insert at most (a power of two, see `shapedRuns`). */
const INSERT_RUN = 64;
const ID_CHUNK = 512;
const MAX_PAGE = 500;

function toColumns(content: EpisodeContent): ContentColumns {
  const {
    guid,
    guidSource,
    enclosure,
    title,
    link,
    description,
    contentHtml,
    publishedAt,
    durationSeconds,
    imageUrl,
    explicit,
    season,
    episode,
    episodeType,
    transcripts,
    chapters,
    soundbites,
    funding,
    persons,
    value,
    alternateEnclosures,
    ...extras
  } = content;
  return {
    guid,
    guid_source: guidSource,
    enclosure_url: toNull(enclosure?.url),
    enclosure_url_base: enclosure === undefined ? null : enclosureUrlWithoutQuery(enclosure.url),
    enclosure_type: toNull(enclosure?.type),
    enclosure_length: toNull(enclosure?.length),
    title: toNull(title),
    link: toNull(link),
    description: toNull(description),
    content_html: toNull(contentHtml),
    published_at: toNull(publishedAt),
    duration_seconds: toNull(durationSeconds),
    image_url: toNull(imageUrl),
    explicit: toFlag(explicit),
    season: toNull(season),
    episode: toNull(episode),
    episode_type: toNull(episodeType),
    transcripts_json: toJson(transcripts),
    chapters_json: toJson(chapters),
    soundbites_json: toJson(soundbites),
    funding_json: toJson(funding),
    persons_json: toJson(persons),
    value_json: toJson(value),
    alternate_enclosures_json: toJson(alternateEnclosures),
    extras_json: toJson(extras),
  };
}

export function toEpisode(row: EpisodeRow): Episode {
  const extras = fromJson<Partial<EpisodeContent>>(row.extras_json) ?? {};
  const enclosure =
    row.enclosure_url === null
      ? undefined
      : compact<NonNullable<EpisodeContent['enclosure']>>({
          url: row.enclosure_url,
          type: row.enclosure_type,
          length: row.enclosure_length,
        });
  return compactWith<Episode>(extras, {
    id: row.id,
    showId: row.show_id,
    guid: row.guid,
    guidSource: row.guid_source,
    enclosure,
    title: row.title,
    link: row.link,
    description: row.description,
    contentHtml: row.content_html,
    publishedAt: row.published_at,
    durationSeconds: row.duration_seconds,
    imageUrl: row.image_url,
    explicit: fromFlag(row.explicit),
    season: row.season,
    episode: row.episode,
    episodeType: row.episode_type,
    transcripts: fromJson(row.transcripts_json),
    chapters: fromJson(row.chapters_json),
    soundbites: fromJson(row.soundbites_json),
    funding: fromJson(row.funding_json),
    persons: fromJson(row.persons_json),
    value: fromJson(row.value_json),
    alternateEnclosures: fromJson(row.alternate_enclosures_json),
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
    vanishedAt: row.vanished_at,
    sortKey: row.sort_key,
  });
}

interface Stored {
  id: number;
  guid: string;
  enclosure_url: string | null;
  enclosure_url_base: string | null;
  content_hash: string;
  first_seen_at: string;
  last_seen_at: string;
  vanished_at: string | null;
}

/** Pairs each incoming item with the stored episode it is (or none), following the identity rules in ports.ts. */
function matchItems(
  items: readonly EpisodeContent[],
  stored: readonly Stored[],
  now: string,
): { item: EpisodeContent; match?: Stored }[] {
  // An item repeated verbatim (same guid and enclosure) is one episode.
  const seen = new Set<string>();
  const unique = items.filter((item) => {
    const key = `${item.guid}\u0000${item.enclosure?.url ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const byGuid = new Map<string, Stored[]>();
  const byUrl = new Map<string, Stored[]>();
  const byBase = new Map<string, Stored[]>();
  const push = (map: Map<string, Stored[]>, key: string | null, row: Stored) => {
    if (key === null) return;
    const list = map.get(key);
    if (list === undefined) map.set(key, [row]);
    else list.push(row);
  };
  for (const row of stored) {
    push(byGuid, row.guid, row);
    push(byUrl, row.enclosure_url, row);
    push(byBase, row.enclosure_url_base, row);
  }
  const baseUses = new Map<string, number>();
  for (const item of unique) {
    if (item.enclosure === undefined) continue;
    const base = enclosureUrlWithoutQuery(item.enclosure.url);
    baseUses.set(base, (baseUses.get(base) ?? 0) + 1);
  }
  // Episodes an earlier batch of this same refresh (same `now`) already matched are taken.
  const claimed = new Set<number>(
    stored.filter((r) => r.last_seen_at === now && r.vanished_at === null).map((r) => r.id),
  );
  const matches = new Map<EpisodeContent, Stored>();
  const claim = (item: EpisodeContent, row: Stored | undefined): void => {
    if (row === undefined) return;
    claimed.add(row.id);
    matches.set(item, row);
  };
  const free = (rows: Stored[] | undefined): Stored[] => (rows ?? []).filter((r) => !claimed.has(r.id));
  const pending = () => unique.filter((item) => !matches.has(item));

  // 1. Same guid and same enclosure (exact, then without query): tells apart items sharing a guid.
  for (const item of pending()) {
    const candidates = free(byGuid.get(item.guid));
    const url = item.enclosure?.url;
    if (url === undefined || candidates.length === 0) continue;
    const base = enclosureUrlWithoutQuery(url);
    claim(
      item,
      candidates.find((r) => r.enclosure_url === url) ??
        candidates.find((r) => r.enclosure_url_base === base),
    );
  }
  // 2. Same guid, enclosure changed (or absent): the same episode.
  for (const item of pending()) claim(item, free(byGuid.get(item.guid))[0]);
  // 3. New guid, same enclosure URL: a feed that churns its guids.
  for (const item of pending()) {
    const url = item.enclosure?.url;
    if (url !== undefined) claim(item, free(byUrl.get(url))[0]);
  }
  // 4. New guid, same enclosure URL without query, when that base names one episode only (not `download.php?id=`).
  for (const item of pending()) {
    if (item.enclosure === undefined) continue;
    const base = enclosureUrlWithoutQuery(item.enclosure.url);
    const rows = byBase.get(base) ?? [];
    const only = rows[0];
    if (rows.length === 1 && baseUses.get(base) === 1 && only !== undefined && !claimed.has(only.id))
      claim(item, only);
  }
  return unique.map((item) => {
    const match = matches.get(item);
    return match === undefined ? { item } : { item, match };
  });
}

export interface Cursor {
  sortKey: string;
  id: number;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.sortKey, cursor.id])).toString('base64url');
}

export function decodeCursor(text: string): Cursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'string' && Number.isSafeInteger(value[1])) {
      return { sortKey: value[0], id: Number(value[1]) };
    }
  } catch {
    // fall through to the typed error
  }
  throw new StoreError('invalid', 'malformed episode cursor');
}

export class SqlEpisodeRepository implements EpisodeRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly inTransaction: InTransaction,
  ) {}

  upsertForShow(
    showId: number,
    items: readonly EpisodeContent[],
    options: EpisodeUpsertOptions,
  ): Promise<EpisodeUpsertResult> {
    return this.inTransaction((db) => upsert(db, showId, items, options));
  }

  /**
   * listForShow's and listItemsForShow's queries, one per shape (all columns, all but the notes, or an item's;
   * vanished or not; order; first page or after a cursor).
   */
  readonly #lists = new Map<
    string,
    Prepared<[number, string, number, number] | [number, number], EpisodeRow>
  >();

  #listQuery(
    columns: 'all' | 'list' | 'item',
    includeVanished: boolean,
    direction: 'asc' | 'desc',
    after: boolean,
  ): Prepared<[number, string, number, number] | [number, number], EpisodeRow> {
    const key = `${columns}/${includeVanished}/${direction}/${after}`;
    let prepared = this.#lists.get(key);
    if (prepared === undefined) {
      const shape = (showId: number, cursor: { sortKey: string; id: number } | undefined, limit: number) => {
        const base = this.db.selectFrom('episodes').where('show_id', '=', showId);
        // An item row is a narrower EpisodeRow: listItemsForShow reads only its columns.
        let query =
          columns === 'all'
            ? base.selectAll()
            : columns === 'list'
              ? base.select([...LIST_COLUMNS, (eb) => eb.val<string | null>(null).as('content_html')])
              : (base.select(ITEM_COLUMNS) as unknown as ReturnType<typeof base.selectAll>);
        if (!includeVanished) query = query.where('vanished_at', 'is', null);
        if (cursor !== undefined) {
          query = query.where((eb) =>
            eb(
              eb.refTuple('sort_key', 'id'),
              direction === 'desc' ? '<' : '>',
              eb.tuple(cursor.sortKey, cursor.id),
            ),
          );
        }
        return query.orderBy('sort_key', direction).orderBy('id', direction).limit(limit);
      };
      prepared = after
        ? new Prepared(
            (...[showId, sortKey, id, limit]: [number, string, number, number] | [number, number]) =>
              shape(showId, { sortKey: String(sortKey), id: Number(id) }, Number(limit)),
          )
        : new Prepared((...[showId, limit]: [number, string, number, number] | [number, number]) =>
            shape(showId, undefined, Number(limit)),
          );
      this.#lists.set(key, prepared);
    }
    return prepared;
  }

  async listForShow(showId: number, options: EpisodeListOptions = {}): Promise<EpisodePage> {
    const limit = clampLimit(options.limit, 20, MAX_PAGE);
    const rows = await this.#listRows(showId, options.withContent === false ? 'list' : 'all', options);
    const items = rows.slice(0, limit).map(toEpisode);
    const last = items.at(-1);
    return rows.length > limit && last !== undefined ? { items, next: encodeCursor(last) } : { items };
  }

  async listItemsForShow(
    showId: number,
    options: Omit<EpisodeListOptions, 'withContent'> = {},
  ): Promise<EpisodeListPage> {
    const limit = clampLimit(options.limit, 20, MAX_PAGE);
    // Only the item columns were selected (see #listQuery).
    const rows = (await this.#listRows(showId, 'item', options)) as ItemRow[];
    const items = rows.slice(0, limit).map(toListItem);
    const last = items.at(-1);
    return rows.length > limit && last !== undefined ? { items, next: encodeCursor(last) } : { items };
  }

  async #listRows(
    showId: number,
    columns: 'all' | 'list' | 'item',
    options: Omit<EpisodeListOptions, 'withContent'>,
  ): Promise<EpisodeRow[]> {
    const limit = clampLimit(options.limit, 20, MAX_PAGE);
    const direction = options.order === 'oldest' ? 'asc' : 'desc';
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    const prepared = this.#listQuery(
      columns,
      options.includeVanished !== false,
      direction,
      after !== undefined,
    );
    const { rows } = await this.db.executeQuery(
      after === undefined
        ? prepared.bind(showId, limit + 1)
        : prepared.bind(showId, after.sortKey, after.id, limit + 1),
    );
    return rows;
  }

  markVanished(showId: number, notSeenSince: Date, now: Date): Promise<number> {
    return this.inTransaction(async (db) => {
      const updated = await db
        .updateTable('episodes')
        .set({ vanished_at: iso(now) })
        .where('show_id', '=', showId)
        .where('vanished_at', 'is', null)
        .where('last_seen_at', '<', iso(notSeenSince))
        .executeTakeFirst();
      return Number(updated.numUpdatedRows);
    });
  }

  readonly #get = new Prepared((id: number) =>
    this.db.selectFrom('episodes').selectAll().where('id', '=', id),
  );

  async listPublic(q: PublicIdsQuery): Promise<PublicEntry[]> {
    const rows = await this.db
      .selectFrom('episodes')
      .innerJoin('shows', 'shows.id', 'episodes.show_id')
      .select(['episodes.id as id', 'episodes.published_at as published_at'])
      .where('shows.is_public', '=', 1)
      .where('episodes.vanished_at', 'is', null)
      .where('episodes.id', '>', q.afterId)
      .where('episodes.id', '<=', q.throughId)
      .orderBy('episodes.id')
      .limit(q.limit)
      .execute();
    return rows.map((r) => ({
      id: Number(r.id),
      ...(r.published_at ? { lastModified: r.published_at } : {}),
    }));
  }

  async maxPublicId(): Promise<number> {
    const row = await this.db
      .selectFrom('episodes')
      .innerJoin('shows', 'shows.id', 'episodes.show_id')
      .select('episodes.id as id')
      .where('shows.is_public', '=', 1)
      .where('episodes.vanished_at', 'is', null)
      .orderBy('episodes.id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? Number(row.id) : 0;
  }

  async get(id: number): Promise<Episode | undefined> {
    const row = (await this.db.executeQuery(this.#get.bind(id))).rows[0];
    return row && toEpisode(row);
  }

  async findByGuid(showId: number, guid: string): Promise<Episode | undefined> {
    const rows = await this.db
      .selectFrom('episodes')
      .selectAll()
      .where('show_id', '=', showId)
      .where('guid', '=', guid)
      .orderBy('id')
      .execute();
    const row = rows.find((r) => r.vanished_at === null) ?? rows[0];
    return row && toEpisode(row);
  }

  async findByEnclosureUrl(url: string, showId?: number): Promise<Episode[]> {
    const find = async (column: 'enclosure_url' | 'enclosure_url_base', value: string) => {
      let query = this.db.selectFrom('episodes').selectAll().where(column, '=', value);
      if (showId !== undefined) query = query.where('show_id', '=', showId);
      return query.orderBy('id').limit(20).execute();
    };
    const exact = await find('enclosure_url', url);
    const rows = exact.length > 0 ? exact : await find('enclosure_url_base', enclosureUrlWithoutQuery(url));
    return rows.map(toEpisode);
  }

  async count(showId?: number): Promise<number> {
    let query = this.db.selectFrom('episodes').select((eb) => eb.fn.countAll<number>().as('n'));
    if (showId !== undefined) query = query.where('show_id', '=', showId);
    const row = await query.executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

/** `guid` + exact enclosure URL: what tells apart the items of one upsert call (verbatim repeats are one item). */
function itemKey(guid: string, enclosureUrl: string | null | undefined): string {
  return `${guid}\u0000${enclosureUrl ?? ''}`;
}

/** Identity lists for one batch fit in one statement's parameters (SQLite allows 32,766, PostgreSQL 65,535). */
const FILTERED_READ_MAX = 1000;

/**
 * The stored identities an upsert needs. A complete call (vanish marking) needs every episode of the show; a batch of
 * a huge feed needs only the episodes sharing a guid, an enclosure URL or an enclosure base with one of its items,
 * so writing a feed in n batches reads each stored row about once instead of n times.
 */
function readIdentities(
  db: Kysely<Database>,
  showId: number,
  items: readonly EpisodeContent[],
  complete: boolean,
): Promise<Stored[]> {
  let query = db
    .selectFrom('episodes')
    .select([
      'id',
      'guid',
      'enclosure_url',
      'enclosure_url_base',
      'content_hash',
      'first_seen_at',
      'last_seen_at',
      'vanished_at',
    ])
    .where('show_id', '=', showId);
  if (!complete && items.length <= FILTERED_READ_MAX) {
    if (items.length === 0) return Promise.resolve([]);
    const guids = new Set<string>();
    const urls = new Set<string>();
    const bases = new Set<string>();
    for (const item of items) {
      guids.add(item.guid);
      if (item.enclosure === undefined) continue;
      urls.add(item.enclosure.url);
      bases.add(enclosureUrlWithoutQuery(item.enclosure.url));
    }
    query = query.where((eb) =>
      eb.or([
        eb('guid', 'in', paddedList([...guids])),
        ...(urls.size === 0
          ? []
          : [
              eb('enclosure_url', 'in', paddedList([...urls])),
              eb('enclosure_url_base', 'in', paddedList([...bases])),
            ]),
      ]),
    );
  }
  return query.orderBy('id').execute();
}

async function upsert(
  db: Kysely<Database>,
  showId: number,
  items: readonly EpisodeContent[],
  options: EpisodeUpsertOptions,
): Promise<EpisodeUpsertResult> {
  const now = iso(options.now);
  const stored = await readIdentities(db, showId, items, options.complete);
  const result: EpisodeUpsertResult = { inserted: 0, updated: 0, unchanged: 0, vanished: 0 };
  const seenUnchanged: number[] = [];
  const toInsert: { row: Insertable<EpisodesTable>; item: EpisodeContent }[] = [];
  const credits: CreditWork[] = [];

  const pairs = matchItems(items, stored, now);
  for (const { item, match } of pairs) {
    const hash = sha1(JSON.stringify(item));
    if (match === undefined) {
      const content = options.prepare?.(item) ?? item;
      // Object.assign, not a spread into a larger literal: V8 built those 31-property rows in a form that was promoted
      // to old space wholesale, ~2 KB per episode of a big feed left for the next full GC.
      const row = Object.assign(toColumns(content), {
        show_id: showId,
        content_hash: hash,
        sort_key: episodeSortKey(content.publishedAt, now),
        first_seen_at: now,
        last_seen_at: now,
      });
      toInsert.push({ row, item: content });
      result.inserted++;
    } else if (match.content_hash === hash && match.vanished_at === null) {
      seenUnchanged.push(match.id);
      result.unchanged++;
    } else {
      const content = options.prepare?.(item) ?? item;
      await db
        .updateTable('episodes')
        .set(
          Object.assign(toColumns(content), {
            content_hash: hash,
            sort_key: episodeSortKey(content.publishedAt, match.first_seen_at),
            last_seen_at: now,
            vanished_at: null,
          }),
        )
        .where('id', '=', match.id)
        .execute();
      if (match.content_hash !== hash)
        credits.push({ episodeId: match.id, persons: content.persons ?? [], replace: true });
      result.updated++;
    }
  }

  // Multi-row inserts; ids come back (matched by guid + enclosure, unique within the call) only when credits need them.
  for (const batch of shapedRuns(toInsert, INSERT_RUN)) {
    const rows = batch.map((entry) => entry.row);
    const credited = batch.filter(({ item }) => item.persons !== undefined && item.persons.length > 0);
    if (credited.length === 0) {
      await db.insertInto('episodes').values(rows).execute();
      continue;
    }
    const ids = await db
      .insertInto('episodes')
      .values(rows)
      .returning(['id', 'guid', 'enclosure_url'])
      .execute();
    const byKey = new Map(ids.map((r) => [itemKey(r.guid, r.enclosure_url), r.id]));
    for (const { item } of credited) {
      const episodeId = byKey.get(itemKey(item.guid, item.enclosure?.url));
      if (episodeId !== undefined) credits.push({ episodeId, persons: item.persons ?? [], replace: false });
    }
  }
  await writeEpisodeCredits(db, showId, credits, options.now);
  for (const ids of chunks(seenUnchanged, ID_CHUNK)) {
    await db.updateTable('episodes').set({ last_seen_at: now }).where('id', 'in', paddedList(ids)).execute();
  }

  if (options.complete && items.length > 0) {
    const matched = new Set<number>();
    for (const { match } of pairs) if (match !== undefined) matched.add(match.id);
    const gone = stored
      .filter((row) => row.vanished_at === null && !matched.has(row.id))
      .map((row) => row.id);
    for (const ids of chunks(gone, ID_CHUNK)) {
      await db.updateTable('episodes').set({ vanished_at: now }).where('id', 'in', paddedList(ids)).execute();
    }
    result.vanished = gone.length;
  }

  await db
    .updateTable('shows')
    .set((eb) => ({
      episode_count: eb
        .selectFrom('episodes')
        .select((e) => e.fn.countAll<number>().as('n'))
        .where('show_id', '=', showId),
      latest_episode_at: eb
        .selectFrom('episodes')
        .select((e) => e.fn.max('sort_key').as('m'))
        .where('show_id', '=', showId),
    }))
    .where('id', '=', showId)
    .execute();
  return result;
}

interface CreditWork {
  episodeId: number;
  persons: readonly CreditedPerson[];
  /** The episode had credits before (an update): they are replaced. */
  replace: boolean;
}

const LINK_RUN = 256;

/**
 * The credits of many episodes at once (same result as replaceCredits per episode, in feed order): one delete per
 * chunk of updated episodes, the people upserted (`upsertPeople`: new names joined to a known person by link or
 * picture; a name an admin split off on this show resolved to the split person), one insert per chunk of links.
 */
async function writeEpisodeCredits(
  db: Kysely<Database>,
  showId: number,
  work: readonly CreditWork[],
  now: Date,
): Promise<void> {
  const replaced = work.filter((w) => w.replace).map((w) => w.episodeId);
  for (const ids of chunks(replaced, ID_CHUNK))
    await db.deleteFrom('episode_persons').where('episode_id', 'in', paddedList(ids)).execute();
  const ids = await upsertPeople(
    db,
    work.map((w) => w.persons),
    now,
    showId,
  );
  if (ids.size === 0) return;
  const links: {
    episode_id: number;
    person_id: number;
    role: string;
    person_group: string;
    position: number;
  }[] = [];
  for (const { episodeId, persons } of work) {
    const seen = new Set<string>();
    for (const person of persons) {
      const personId = ids.get(personKey(person.name));
      if (personId === undefined) continue;
      const linkKey = `${personId}\u0000${person.role}`;
      if (seen.has(linkKey)) continue;
      links.push({
        episode_id: episodeId,
        person_id: personId,
        role: person.role,
        person_group: person.group,
        position: seen.size,
      });
      seen.add(linkKey);
    }
  }
  for (const batch of shapedRuns(links, LINK_RUN))
    await db.insertInto('episode_persons').values(batch).execute();
}
