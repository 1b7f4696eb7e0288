// One search over shows, episodes and people: SQLite FTS5 or PostgreSQL full text, the same ordering on both.
import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Show } from '../../domain/show.ts';
import { SEARCH_COLUMNS } from '../migrations/0004-search.ts';
import type { SqlDialect } from '../migrations/index.ts';
import type { Audience, SearchRepository, SearchResults } from '../ports.ts';
import { LIST_COLUMNS, toEpisode } from './episodes.ts';
import { toPerson } from './people.ts';
import { clampLimit } from './rows.ts';
import type { Database } from './schema.ts';
import { toShow } from './shows.ts';
import { visibleShows } from './visibility.ts';

const MAX_TERMS = 8;

/** The words of a query, lowercased: letters and digits only, so nothing in them is query syntax. */
function searchTerms(query: string): string[] {
  return (query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_TERMS);
}

type Table = keyof typeof SEARCH_COLUMNS;
/** Where a stage looks: the title / name column, every indexed column, or (episodes) the fetched transcript. */
type Scope = 'title' | 'all' | 'transcript';
/** The last term as a whole word, or as a prefix. */
type Mode = 'word' | 'prefix';

export class SqlSearchRepository implements SearchRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
  ) {}

  async search(query: string, options: { limit: number; audience?: Audience }): Promise<SearchResults> {
    const typed = searchTerms(query);
    // A one-character last word after others is not typed yet: a prefix lookup for it would read every word starting
    // with that letter (no prefix index for one character), and as a whole word it would almost never match.
    const terms = typed.length > 1 && (typed[typed.length - 1] ?? '').length < 2 ? typed.slice(0, -1) : typed;
    if (terms.length === 0) return { shows: [], episodes: [], people: [] };
    const limit = clampLimit(options.limit, 10, 100);
    // An admin (or no audience: internal callers) sees everything and pays for no filter.
    const audience = options.audience?.isAdmin === true ? undefined : options.audience;
    const [showIds, episodeIds, personIds] = await Promise.all([
      this.rankedIds('shows', terms, limit, audience),
      this.rankedIds('episodes', terms, limit, audience),
      this.rankedIds('people', terms, limit, audience),
    ]);
    const byId = <T extends { id: number }>(ids: number[], rows: T[]): T[] => {
      const map = new Map(rows.map((r) => [r.id, r]));
      return ids.flatMap((id) => map.get(id) ?? []);
    };
    const episodeRows =
      episodeIds.length === 0
        ? []
        : await this.db
            .selectFrom('episodes')
            .select([...LIST_COLUMNS, (eb) => eb.val<string | null>(null).as('content_html')])
            .where('id', 'in', episodeIds)
            .execute();
    const episodes = byId(episodeIds, episodeRows.map(toEpisode));
    const neededShows = [...new Set([...showIds, ...episodes.map((e) => e.showId)])];
    const showRows =
      neededShows.length === 0
        ? []
        : await this.db.selectFrom('shows').selectAll().where('id', 'in', neededShows).execute();
    const shows = new Map<number, Show>(showRows.map((r) => [r.id, toShow(r)]));
    const personRows =
      personIds.length === 0
        ? []
        : await this.db
            .selectFrom('people')
            .select(['id', 'name', 'href', 'img'])
            .where('id', 'in', personIds)
            .execute();
    return {
      shows: showIds.flatMap((id) => shows.get(id) ?? []),
      episodes: episodes.flatMap((episode) => {
        const show = shows.get(episode.showId);
        return show === undefined ? [] : [{ episode, show }];
      }),
      people: byId(personIds, personRows.map(toPerson)),
    };
  }

  /**
   * Ids of rows matching every term, the last one also as a prefix (the word being typed): title / name matches first,
   * then the rest (then, for episodes, transcript matches), newest first within each, whole-word matches before
   * prefix ones. Each stage is one FTS lookup with a LIMIT, run only while fewer than `limit` ids are found. A
   * whole-word lookup streams the index newest first and stops at the LIMIT; so does a prefix lookup of up to 6
   * characters (the prefix indexes of migration 0007). A longer prefix merges the whole doclist of every word it
   * covers (≈10 ms for a common word on 100,000 episodes), so it only runs when the whole word found too few. A
   * one-character query is matched as a whole word only.
   */
  private async rankedIds(
    table: Table,
    terms: string[],
    limit: number,
    audience: Audience | undefined,
  ): Promise<number[]> {
    const last = terms[terms.length - 1] ?? '';
    const modes: Mode[] = last.length < 2 ? ['word'] : ['word', 'prefix'];
    const stages: Array<{ scope: Scope; mode: Mode }> = [];
    const scopes: Scope[] = ['title'];
    // People have one indexed column (the name): the 'all' lookup would repeat the 'title' one.
    if (SEARCH_COLUMNS[table].length > 1) scopes.push('all');
    if (table === 'episodes') scopes.push('transcript');
    for (const scope of scopes) for (const mode of modes) stages.push({ scope, mode });
    const found: number[] = [];
    const seen = new Set<number>();
    for (const { scope, mode } of stages) {
      // Asking for `found.length` more covers ids an earlier stage already returned.
      const ids = await this.matchIds(table, terms, scope, mode, limit + found.length, audience);
      for (const id of ids) {
        if (seen.has(id)) continue;
        seen.add(id);
        found.push(id);
        if (found.length >= limit) return found;
      }
    }
    return found;
  }

  private async matchIds(
    table: Table,
    terms: string[],
    scope: Scope,
    mode: Mode,
    limit: number,
    audience: Audience | undefined,
  ): Promise<number[]> {
    const [first] = SEARCH_COLUMNS[table];
    let query: RawBuilder<{ id: number }>;
    if (this.dialect === 'sqlite') {
      const words = terms
        .map((t, i) => (mode === 'prefix' && i === terms.length - 1 ? `"${t}"*` : `"${t}"`))
        .join(' ');
      const fts = sql.id(scope === 'transcript' ? 'episode_transcripts_fts' : `${table}_fts`);
      const match = scope === 'title' ? `{${first}} : (${words})` : words;
      // Hidden rows are skipped as the index streams newest first: one primary-key lookup of the row (and its show)
      // per candidate, so they never take a place in the LIMIT.
      const visible =
        audience === undefined ? sql`` : sql`and ${visibleRow(table, sql`${fts}.rowid`, audience)}`;
      query = sql<{ id: number }>`select ${fts}.rowid as id from ${fts}
        where ${fts} match ${match} ${visible} order by ${fts}.rowid desc limit ${limit}`;
    } else {
      const tsquery = sql`to_tsquery('simple', ${terms
        .map((t, i) => (mode === 'prefix' && i === terms.length - 1 ? `${t}:*` : t))
        .join(' & ')})`;
      if (scope === 'transcript') {
        const visible =
          audience === undefined ? sql`` : sql`and ${visibleRow(table, sql`episode_id`, audience)}`;
        query = sql<{ id: number }>`select episode_id as id from episode_transcripts
          where to_tsvector('simple', text) @@ ${tsquery} ${visible} order by episode_id desc limit ${limit}`;
      } else {
        // The same expression as the GIN index of migration 0004, so the index serves the match.
        const document = sql.join(
          SEARCH_COLUMNS[table].map((c) => sql`coalesce(${sql.id(c)}, '')`),
          sql` || ' ' || `,
        );
        const title =
          scope === 'title'
            ? sql`and to_tsvector('simple', coalesce(${sql.id(first)}, '')) @@ ${tsquery}`
            : sql``;
        const visible =
          audience === undefined ? sql`` : sql`and ${visibleRow(table, sql.ref(`${table}.id`), audience)}`;
        query = sql<{ id: number }>`select id from ${sql.id(table)}
          where to_tsvector('simple', ${document}) @@ ${tsquery} ${title} ${visible} order by id desc limit ${limit}`;
      }
    }
    const { rows } = await query.execute(this.db);
    return rows.map((r) => Number(r.id));
  }
}

/**
 * The row `id` of `table` may be seen by `audience`: a show it may see, an episode of one, a person credited in one
 * (the first visible credit ends the lookup).
 */
function visibleRow(table: Table, id: RawBuilder<unknown>, audience: Audience): RawBuilder<SqlBool> {
  const shows = visibleShows(audience, 'vs');
  switch (table) {
    case 'shows':
      return sql<SqlBool>`exists (select 1 from shows vs where vs.id = ${id} and ${shows})`;
    case 'episodes':
      return sql<SqlBool>`exists (select 1 from episodes ve join shows vs on vs.id = ve.show_id
        where ve.id = ${id} and ${shows})`;
    case 'people':
      return sql<SqlBool>`(exists (select 1 from show_persons vp join shows vs on vs.id = vp.show_id
          where vp.person_id = ${id} and ${shows})
        or exists (select 1 from episode_persons vp join episodes ve on ve.id = vp.episode_id
          join shows vs on vs.id = ve.show_id where vp.person_id = ${id} and ${shows}))`;
  }
}
