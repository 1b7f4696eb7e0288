// The catalogue as a listener browses it (src/store/browse-ports.ts), over the indexes of migration 0021: shows A–Z
// on (lower(coalesce(title, '')), id), a category's shows through show_categories (slug, show_id), the newest
// episodes on episodes (sort_key, id), a season's episodes on (show_id, season, sort_key, id). Every list is a
// keyset read: `after` is the last row's key, never an offset.
import {
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type RawBuilder,
  type Selectable,
  type SqlBool,
  sql,
} from 'kysely';
import { jsonArrayFrom as pgArray, jsonObjectFrom as pgObject } from 'kysely/helpers/postgres';
import { jsonArrayFrom as sqliteArray, jsonObjectFrom as sqliteObject } from 'kysely/helpers/sqlite';
import type { ShowCategory } from '../../domain/categories.ts';
import type { EpisodeOrder } from '../../domain/episode.ts';
import type { Show } from '../../domain/show.ts';
import type {
  BrowseRepository,
  CategoryCount,
  EpisodeItemsPage,
  EpisodePageReads,
  SeasonCount,
  ShowListPage,
  ShowListQuery,
  ShowPageList,
  ShowPageReads,
} from '../browse-ports.ts';
import { StoreError } from '../errors.ts';
import type { SqlDialect } from '../migrations/index.ts';
import type { Audience } from '../ports.ts';
import { decodeCursor, encodeCursor, ITEM_COLUMNS, type ItemRow, toEpisode, toListItem } from './episodes.ts';
import { type CreditRow, distinctCredits } from './people.ts';
import { Prepared } from './prepared.ts';
import { chunks, clampLimit, iso } from './rows.ts';
import type { Database, ShowsTable } from './schema.ts';
import { SHOW_COLUMNS, toShow } from './shows.ts';
import { toEpisodeCitation } from './sources.ts';
import { visibleShows } from './visibility.ts';

const MAX_SHOWS = 100;
const MAX_EPISODES = 100;

/** The A–Z key, exactly as indexed by `shows_title_order`. */
const TITLE_KEY = sql<string>`lower(coalesce(shows.title, ''))`;

/** A cursor of show lists: the last row's sort value (a title key or a date; null for an undated show) and id. */
function encodeShowCursor(value: string | null, id: number): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

function decodeShowCursor(text: string): { value: string | null; id: number } {
  try {
    const v: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      (typeof v[0] === 'string' || v[0] === null) &&
      Number.isSafeInteger(v[1])
    ) {
      return { value: v[0], id: Number(v[1]) };
    }
  } catch {
    // fall through to the typed error
  }
  throw new StoreError('invalid', 'malformed show list cursor');
}

/**
 * `(key, id) > (k, i)` (or `<`) written so that SQLite seeks its index to `k` instead of scanning up to it: a
 * row-value comparison over an expression index, or beside another range, is only filtered.
 */
function keysetAfter(
  key: Expression<unknown>,
  id: Expression<unknown>,
  direction: '>' | '<',
  value: string,
  afterId: number,
): RawBuilder<SqlBool> {
  const op = sql.raw(direction);
  const orEqual = sql.raw(`${direction}=`);
  return sql<SqlBool>`(${key} ${orEqual} ${value} and (${key} ${op} ${value} or ${id} ${op} ${afterId}))`;
}

function inCategory(slug: string | undefined): RawBuilder<SqlBool> {
  if (slug === undefined) return sql<SqlBool>`1 = 1`;
  return sql<SqlBool>`shows.id in (select sc.show_id from show_categories sc where sc.slug = ${slug})`;
}

/** A credit as the pages' statements read it (people.ts `forShow`/`forEpisode`'s columns, and the order). */
type PageCreditRow = CreditRow & { position: number };

/**
 * A JSON value read by a statement: PostgreSQL's driver parses `json` columns; SQLite hands over the text. Either
 * way it is what `jsonArrayFrom`/`jsonObjectFrom` built from the subquery's typed columns.
 */
function fromJsonColumn<T>(value: T | string | null): T | null {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

/** A row of the show page's statement: the show's columns and the JSON of what the page lists beside it. */
type ShowPageRow = Selectable<ShowsTable> & {
  page_episodes: ItemRow[] | string | null;
  page_credits: PageCreditRow[] | string | null;
  page_seasons: { season: number | null; n: number }[] | string | null;
  page_first: string | null;
  page_last: string | null;
  page_categories: { slug: string; name: string }[] | string | null;
};

const byPosition = (a: { position: number }, b: { position: number }): number => a.position - b.position;

/** Years of ISO sort keys ("2024-…"), as `episodeYears` gives them. */
function yearsOf(first: string | null, last: string | null): { first: number; last: number } | undefined {
  return first && last ? { first: Number(first.slice(0, 4)), last: Number(last.slice(0, 4)) } : undefined;
}

/** A count that may be missing. */
type OwnCount = number | null;
/**
 * Of a `source_citations as t` row, in the episode page's statement: its counts for private shows, read from the
 * private shows (the partial index of migration 0017), then each one's row by its key. SQLite keeps a CROSS JOIN's
 * order as written; joined the other way it read every show citing the work (3,178 for the bench catalogue's most
 * cited: 0.35 against 0.007 ms). PostgreSQL plans it so by itself.
 */
const HIDDEN = sql`from shows ps cross join source_show_citations p
  where p.show_id = ps.id and p.source_id = ${sql.ref('t.source_id')} and ps.is_public = 0`;
/** The work's count for the page's own show when that show is public (the page's episode is one of them), or null. */
const OWN = sql<OwnCount>`(select p.episodes from source_show_citations p join shows ps on ps.id = p.show_id
  where p.source_id = ${sql.ref('t.source_id')} and p.show_id = ${sql.ref('episodes.show_id')} and ps.is_public = 1)`;
/**
 * A work's citations in other episodes of public shows: its totals (migration 0038) less the private shows' counts
 * (migration 0037, through the partial index of private shows: few rows) and less the page's own episode; its show
 * is one more only while another of its episodes cites the work.
 */
const PUBLIC_REACH = {
  episodes: sql<number>`${sql.ref('t.episodes')} - (select coalesce(sum(p.episodes), 0) ${HIDDEN})
    - (case when ${OWN} is null then 0 else 1 end)`,
  shows: sql<number>`${sql.ref('t.shows')} - (select count(*) ${HIDDEN})
    - (case when ${OWN} = 1 then 1 else 0 end)`,
};

export class SqlBrowseRepository implements BrowseRepository {
  readonly #array: typeof sqliteArray;
  readonly #object: typeof sqliteObject;

  constructor(
    private readonly db: Kysely<Database>,
    dialect: SqlDialect,
  ) {
    this.#array = dialect === 'postgres' ? pgArray : sqliteArray;
    this.#object = dialect === 'postgres' ? pgObject : sqliteObject;
  }

  /** A show's credits as people.ts `forShow` reads them (a merged name credits the person it joined). */
  #showCredits(
    eb: ExpressionBuilder<Database, 'shows' | 'episodes'>,
    showId: 'shows.id' | 'episodes.show_id',
  ): RawBuilder<PageCreditRow[]> {
    return this.#array(
      eb
        .selectFrom('show_persons as cr')
        .innerJoin('people as n', 'n.id', 'cr.person_id')
        .innerJoin('people as c', (j) => j.on((e) => e('c.id', '=', e.fn.coalesce('n.merged_into', 'n.id'))))
        .select(['c.id', 'c.name', 'c.href', 'c.img', 'cr.role', 'cr.person_group', 'cr.position'])
        .whereRef('cr.show_id', '=', showId)
        .orderBy('cr.position'),
    );
  }

  /**
   * The show page's statement, one per shape of its episode list (order, or the show's own; first page or after a
   * cursor; all episodes or one season). Arguments: the show's id, the list's limit + 1, the season when listing
   * one, then the cursor of each list the statement holds (newest first, oldest first).
   */
  readonly #showPages = new Map<string, Prepared<(string | number)[], ShowPageRow>>();

  #showPageQuery(order: EpisodeOrder | undefined, season: boolean, after: boolean) {
    const key = `${order ?? 'show'}/${season}/${after}`;
    let prepared = this.#showPages.get(key);
    if (prepared !== undefined) return prepared;
    prepared = new Prepared((...args: (string | number)[]) => {
      let i = 0;
      const next = () => args[i++] ?? '';
      const id = Number(next());
      const limit = Number(next());
      const inSeason = season ? Number(next()) : undefined;
      const cursor = () => (after ? { sortKey: String(next()), id: Number(next()) } : undefined);
      const newest = order === 'oldest' ? undefined : cursor();
      const oldest = order === 'newest' ? undefined : cursor();
      const list = (eb: ExpressionBuilder<Database, 'shows'>, direction: 'asc' | 'desc') => {
        const at = direction === 'desc' ? newest : oldest;
        let q = eb
          .selectFrom('episodes')
          .select(ITEM_COLUMNS.map((c) => `episodes.${c}` as const))
          .whereRef('episodes.show_id', '=', 'shows.id');
        if (inSeason !== undefined) q = q.where('episodes.season', '=', inSeason);
        if (at !== undefined) {
          q = q.where((e) =>
            e(
              e.refTuple('episodes.sort_key', 'episodes.id'),
              direction === 'desc' ? '<' : '>',
              e.tuple(at.sortKey, at.id),
            ),
          );
        }
        return this.#array(
          q.orderBy('episodes.sort_key', direction).orderBy('episodes.id', direction).limit(limit),
        );
      };
      return this.db
        .selectFrom('shows')
        .selectAll('shows')
        .select((eb) => [
          // The show's own order unless one is asked for: only the branch CASE takes is run.
          (order === 'oldest'
            ? list(eb, 'asc')
            : order === 'newest'
              ? list(eb, 'desc')
              : sql<
                  ItemRow[]
                >`case when shows.type = 'serial' then ${list(eb, 'asc')} else ${list(eb, 'desc')} end`
          ).as('page_episodes'),
          this.#showCredits(eb, 'shows.id').as('page_credits'),
          this.#array(
            eb
              .selectFrom('episodes')
              .select((e) => ['episodes.season', e.fn.countAll<number>().as('n')])
              .whereRef('episodes.show_id', '=', 'shows.id')
              .where('episodes.season', 'is not', null)
              .groupBy('episodes.season')
              .orderBy('episodes.season'),
          ).as('page_seasons'),
          eb
            .selectFrom('episodes')
            .select((e) => e.fn.min<string>('episodes.sort_key').as('k'))
            .whereRef('episodes.show_id', '=', 'shows.id')
            .as('page_first'),
          eb
            .selectFrom('episodes')
            .select((e) => e.fn.max<string>('episodes.sort_key').as('k'))
            .whereRef('episodes.show_id', '=', 'shows.id')
            .as('page_last'),
          this.#array(
            eb
              .selectFrom('show_categories')
              .select(['show_categories.slug', 'show_categories.name'])
              .whereRef('show_categories.show_id', '=', 'shows.id')
              .orderBy('show_categories.slug'),
          ).as('page_categories'),
        ])
        .where('shows.id', '=', id);
    });
    this.#showPages.set(key, prepared);
    return prepared;
  }

  async showPage(showId: number, list: ShowPageList): Promise<ShowPageReads | undefined> {
    const limit = clampLimit(list.limit, 30, MAX_EPISODES);
    const after = list.after === undefined ? undefined : decodeCursor(list.after);
    const at = (order: EpisodeOrder) =>
      after ?? (list.year === undefined ? undefined : decodeCursor(this.cursorAtYear(list.year, order)));
    const cursors = [
      list.order === 'oldest' ? undefined : at('newest'),
      list.order === 'newest' ? undefined : at('oldest'),
    ].flatMap((c) => (c === undefined ? [] : [c.sortKey, c.id]));
    const prepared = this.#showPageQuery(list.order, list.season !== undefined, cursors.length > 0);
    const args = [showId, limit + 1, ...(list.season === undefined ? [] : [list.season]), ...cursors];
    const row = (await this.db.executeQuery(prepared.bind(...args))).rows[0];
    if (row === undefined) return undefined;
    const {
      page_episodes: episodes,
      page_credits: credits,
      page_seasons: seasons,
      page_first: first,
      page_last: last,
      page_categories: categories,
      ...show
    } = row;
    const years = yearsOf(first, last);
    const order = list.order ?? (show.type === 'serial' ? 'oldest' : 'newest');
    const sign = order === 'oldest' ? 1 : -1;
    const items = (fromJsonColumn(episodes) ?? []).sort(
      (a, b) => sign * (a.sort_key < b.sort_key ? -1 : a.sort_key > b.sort_key ? 1 : a.id - b.id),
    );
    return {
      show: toShow(show),
      episodes: itemsPage(items, limit),
      credits: distinctCredits((fromJsonColumn(credits) ?? []).sort(byPosition)),
      seasons: (fromJsonColumn(seasons) ?? [])
        .flatMap((s) => (s.season === null ? [] : [{ season: s.season, episodes: Number(s.n) }]))
        .sort((a, b) => a.season - b.season),
      ...(years ? { years } : {}),
      categories: (fromJsonColumn(categories) ?? []).sort((a, b) =>
        a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0,
      ),
    };
  }

  readonly #episodePage = new Prepared((id: number) =>
    this.db
      .selectFrom('episodes')
      .selectAll('episodes')
      .select((eb) => [
        this.#object(
          eb
            .selectFrom('shows')
            .select(SHOW_COLUMNS.map((c) => `shows.${c}` as const))
            .whereRef('shows.id', '=', 'episodes.show_id'),
        ).as('page_show'),
        this.#array(
          eb
            .selectFrom('episode_persons as cr')
            .innerJoin('people as n', 'n.id', 'cr.person_id')
            .innerJoin('people as c', (j) =>
              j.on((e) => e('c.id', '=', e.fn.coalesce('n.merged_into', 'n.id'))),
            )
            .select(['c.id', 'c.name', 'c.href', 'c.img', 'cr.role', 'cr.person_group', 'cr.position'])
            .whereRef('cr.episode_id', '=', 'episodes.id')
            .orderBy('cr.position'),
        ).as('page_credits'),
        this.#showCredits(eb, 'episodes.show_id').as('page_show_credits'),
        this.#array(
          eb
            .selectFrom('episode_citations')
            .select([
              'episode_citations.position',
              'episode_citations.source_id',
              'episode_citations.citation_json',
            ])
            .whereRef('episode_citations.episode_id', '=', 'episodes.id')
            .orderBy('episode_citations.position'),
        ).as('page_citations'),
        // How widely each cited source is cited in other episodes of public shows (sources.reach for a visitor): its
        // totals (migration 0038) less what private shows add (PUBLIC_REACH).
        this.#array(
          eb
            .selectFrom((e) =>
              e
                .selectFrom('source_citations as t')
                .select(['t.source_id', PUBLIC_REACH.episodes.as('episodes'), PUBLIC_REACH.shows.as('shows')])
                .where('t.source_id', 'in', (c) =>
                  c
                    .selectFrom('episode_citations as oc')
                    .select('oc.source_id')
                    .whereRef('oc.episode_id', '=', 'episodes.id'),
                )
                .as('r'),
            )
            .select(['r.source_id', 'r.episodes', 'r.shows'])
            .where('r.episodes', '>', 0),
        ).as('page_public_reach'),
      ])
      .where('episodes.id', '=', id),
  );

  async episodePage(episodeId: number): Promise<EpisodePageReads | undefined> {
    const row = (await this.db.executeQuery(this.#episodePage.bind(episodeId))).rows[0];
    if (row === undefined) return undefined;
    const {
      page_show: showRow,
      page_credits: credits,
      page_show_credits: showCredits,
      page_citations: citations,
      page_public_reach: reach,
      ...episode
    } = row;
    const show = fromJsonColumn(showRow);
    // The foreign key keeps every episode's show; a row without one reads as no episode.
    if (show === null) return undefined;
    return {
      episode: toEpisode(episode),
      show: toShow(show),
      credits: distinctCredits((fromJsonColumn(credits) ?? []).sort(byPosition)),
      showCredits: distinctCredits((fromJsonColumn(showCredits) ?? []).sort(byPosition)),
      citations: (fromJsonColumn(citations) ?? []).sort(byPosition).map(toEpisodeCitation),
      publicReach: (fromJsonColumn(reach) ?? []).map((r) => ({
        sourceId: r.source_id,
        episodes: Number(r.episodes),
        shows: Number(r.shows),
      })),
    };
  }

  async showsByTitle(query: ShowListQuery & { from?: string }): Promise<ShowListPage> {
    const limit = clampLimit(query.limit, 30, MAX_SHOWS);
    const after = query.after === undefined ? undefined : decodeShowCursor(query.after);
    if (query.category !== undefined) return this.#categoryByTitle(query.category, query, limit, after);
    let q = this.db
      .selectFrom('shows')
      .selectAll()
      .select(TITLE_KEY.as('title_key'))
      .where(visibleShows(query.audience))
      .where(inCategory(query.category));
    if (after !== undefined) {
      q = q.where(keysetAfter(TITLE_KEY, sql.ref('shows.id'), '>', after.value ?? '', after.id));
    } else if (query.from !== undefined) {
      q = q.where(TITLE_KEY, '>=', query.from.toLowerCase());
    }
    const rows = await q
      .orderBy(TITLE_KEY)
      .orderBy('shows.id')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toShow),
      ...(rows.length > limit && last ? { next: encodeShowCursor(last.title_key, last.id) } : {}),
    };
  }

  /** A category's shows A–Z, read in order from show_categories' (slug, title_key, show_id) index. */
  async #categoryByTitle(
    slug: string,
    query: ShowListQuery & { from?: string },
    limit: number,
    after: { value: string | null; id: number } | undefined,
  ): Promise<ShowListPage> {
    let q = this.db
      .selectFrom('show_categories as sc')
      .innerJoin('shows', 'shows.id', 'sc.show_id')
      .selectAll('shows')
      .select('sc.title_key')
      .where('sc.slug', '=', slug)
      .where(visibleShows(query.audience));
    if (after !== undefined) {
      q = q.where(
        keysetAfter(sql.ref('sc.title_key'), sql.ref('sc.show_id'), '>', after.value ?? '', after.id),
      );
    } else if (query.from !== undefined) {
      q = q.where('sc.title_key', '>=', query.from.toLowerCase());
    }
    const rows = await q
      .orderBy('sc.title_key')
      .orderBy('sc.show_id')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toShow),
      ...(rows.length > limit && last ? { next: encodeShowCursor(last.title_key, last.id) } : {}),
    };
  }

  async showsByRecency(query: ShowListQuery): Promise<ShowListPage> {
    const limit = clampLimit(query.limit, 30, MAX_SHOWS);
    const after = query.after === undefined ? undefined : decodeShowCursor(query.after);
    const base = () =>
      this.db
        .selectFrom('shows')
        .selectAll()
        .where(visibleShows(query.audience))
        .where(inCategory(query.category));
    // Dated shows first (newest episode first), then the undated ones: NULLs sort differently on each database.
    const dated =
      after === undefined || after.value !== null
        ? await base()
            .where('latest_episode_at', 'is not', null)
            .$if(after !== undefined, (q) =>
              q.where(
                keysetAfter(
                  sql.ref('shows.latest_episode_at'),
                  sql.ref('shows.id'),
                  '<',
                  after?.value ?? '',
                  after?.id ?? 0,
                ),
              ),
            )
            .orderBy('latest_episode_at', 'desc')
            .orderBy('id', 'desc')
            .limit(limit + 1)
            .execute()
        : [];
    const undated =
      dated.length <= limit
        ? await base()
            .where('latest_episode_at', 'is', null)
            .$if(after !== undefined && after.value === null, (q) => q.where('id', '<', after?.id ?? 0))
            .orderBy('id', 'desc')
            .limit(limit + 1 - dated.length)
            .execute()
        : [];
    const rows = [...dated, ...undated];
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toShow),
      ...(rows.length > limit && last ? { next: encodeShowCursor(last.latest_episode_at, last.id) } : {}),
    };
  }

  async showsAmong(
    ids: readonly number[],
    options: { audience: Audience; category?: string },
  ): Promise<Show[]> {
    const found = new Map<number, Show>();
    for (const chunk of chunks([...new Set(ids)], 500)) {
      const rows = await this.db
        .selectFrom('shows')
        .selectAll()
        .where('id', 'in', chunk)
        .where(visibleShows(options.audience))
        .where(inCategory(options.category))
        .execute();
      for (const row of rows) found.set(row.id, toShow(row));
    }
    return ids.flatMap((id) => {
      const show = found.get(id);
      return show ? [show] : [];
    });
  }

  async countShows(options: { audience: Audience; category?: string }): Promise<number> {
    const row = await this.db
      .selectFrom('shows')
      .where(visibleShows(options.audience))
      .where(inCategory(options.category))
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async categoryCounts(audience: Audience): Promise<CategoryCount[]> {
    const rows = await this.db
      .selectFrom('show_categories as sc')
      .innerJoin('shows', 'shows.id', 'sc.show_id')
      .where(visibleShows(audience))
      .select((eb) => [
        'sc.slug as slug',
        eb.fn.min<string>('sc.name').as('name'),
        eb.fn.countAll<number | string>().as('n'),
      ])
      .groupBy('sc.slug')
      .orderBy('sc.slug')
      .execute();
    return rows.map((r) => ({ slug: r.slug, name: r.name, shows: Number(r.n) }));
  }

  async categoryName(slug: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('show_categories')
      .select('name')
      .where('slug', '=', slug)
      .limit(1)
      .executeTakeFirst();
    return row?.name;
  }

  async categoriesOf(showId: number): Promise<ShowCategory[]> {
    return this.db
      .selectFrom('show_categories')
      .select(['slug', 'name'])
      .where('show_id', '=', showId)
      .orderBy('slug')
      .execute();
  }

  async newEpisodes(options: {
    audience: Audience;
    limit: number;
    after?: string;
    now: Date;
  }): Promise<EpisodeItemsPage> {
    const limit = clampLimit(options.limit, 30, MAX_EPISODES);
    const after = options.after === undefined ? undefined : decodeCursor(options.after);
    const rows: ItemRow[] = await this.db
      .selectFrom('episodes')
      .innerJoin('shows', 'shows.id', 'episodes.show_id')
      .select(ITEM_COLUMNS.map((c) => `episodes.${c}` as const))
      .where('episodes.vanished_at', 'is', null)
      .where('episodes.sort_key', '<=', iso(options.now))
      .where(visibleShows(options.audience))
      .$if(after !== undefined, (q) =>
        q.where(
          keysetAfter(
            sql.ref('episodes.sort_key'),
            sql.ref('episodes.id'),
            '<',
            after?.sortKey ?? '',
            after?.id ?? 0,
          ),
        ),
      )
      .orderBy('episodes.sort_key', 'desc')
      .orderBy('episodes.id', 'desc')
      .limit(limit + 1)
      .execute();
    return itemsPage(rows, limit);
  }

  async seasons(showId: number): Promise<SeasonCount[]> {
    const rows = await this.db
      .selectFrom('episodes')
      .select((eb) => ['season', eb.fn.countAll<number | string>().as('n')])
      .where('show_id', '=', showId)
      .where('season', 'is not', null)
      .groupBy('season')
      .orderBy('season')
      .execute();
    return rows.flatMap((r) => (r.season === null ? [] : [{ season: r.season, episodes: Number(r.n) }]));
  }

  async episodeYears(showId: number): Promise<{ first: number; last: number } | undefined> {
    const row = await this.db
      .selectFrom('episodes')
      .select((eb) => [eb.fn.min<string>('sort_key').as('first'), eb.fn.max<string>('sort_key').as('last')])
      .where('show_id', '=', showId)
      .executeTakeFirst();
    if (!row?.first || !row.last) return undefined;
    return { first: Number(row.first.slice(0, 4)), last: Number(row.last.slice(0, 4)) };
  }

  async listSeason(
    showId: number,
    season: number,
    options: { order: EpisodeOrder; limit: number; cursor?: string },
  ): Promise<EpisodeItemsPage> {
    const limit = clampLimit(options.limit, 30, MAX_EPISODES);
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    const direction = options.order === 'oldest' ? 'asc' : 'desc';
    const rows: ItemRow[] = await this.db
      .selectFrom('episodes')
      .select(ITEM_COLUMNS)
      .where('show_id', '=', showId)
      .where('season', '=', season)
      .$if(after !== undefined, (q) =>
        q.where((eb) =>
          eb(
            eb.refTuple('sort_key', 'id'),
            direction === 'desc' ? '<' : '>',
            eb.tuple(after?.sortKey ?? '', after?.id ?? 0),
          ),
        ),
      )
      .orderBy('sort_key', direction)
      .orderBy('id', direction)
      .limit(limit + 1)
      .execute();
    return itemsPage(rows, limit);
  }

  cursorAtYear(year: number, order: EpisodeOrder): string {
    if (!Number.isInteger(year) || year < 0 || year > 9998) throw new StoreError('invalid', 'no such year');
    // Sort keys are ISO dates: newest first, everything before the next year; oldest first, from the year on.
    const boundary = new Date(Date.UTC(order === 'newest' ? year + 1 : year, 0, 1));
    boundary.setUTCFullYear(order === 'newest' ? year + 1 : year);
    return encodeCursor({ sortKey: iso(boundary), id: 0 });
  }
}

function itemsPage(rows: ItemRow[], limit: number): EpisodeItemsPage {
  const items = rows.slice(0, limit).map(toListItem);
  const last = items.at(-1);
  return rows.length > limit && last ? { items, next: encodeCursor(last) } : { items };
}
