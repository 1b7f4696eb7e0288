// One search over shows, episodes and people: SQLite FTS5 (bm25) or PostgreSQL full text (ts_rank), same results shape.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Show } from '../../domain/show.ts';
import { SEARCH_COLUMNS } from '../migrations/0004-search.ts';
import type { SqlDialect } from '../migrations/index.ts';
import type { SearchRepository, SearchResults } from '../ports.ts';
import { LIST_COLUMNS, toEpisode } from './episodes.ts';
import { toPerson } from './people.ts';
import type { Database } from './schema.ts';
import { toShow } from './shows.ts';

/** Matches are ranked among the newest this many, so a query for a common word costs the same on any catalogue. */
const CANDIDATES = 1000;
const MAX_TERMS = 8;

/** The words of a query, lowercased: letters and digits only, so nothing in them is query syntax. */
export function searchTerms(query: string): string[] {
  return (query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_TERMS);
}

type Table = keyof typeof SEARCH_COLUMNS;

export class SqlSearchRepository implements SearchRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
  ) {}

  async search(query: string, options: { limit: number }): Promise<SearchResults> {
    const terms = searchTerms(query);
    if (terms.length === 0) return { shows: [], episodes: [], people: [] };
    const limit = Math.max(1, Math.min(options.limit, 100));
    const [showIds, episodeIds, personIds] = await Promise.all([
      this.rankedIds('shows', terms, limit),
      this.rankedIds('episodes', terms, limit),
      this.rankedIds('people', terms, limit),
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

  /** Ids of the best matches of every term (as a prefix), best first. */
  private async rankedIds(table: Table, terms: string[], limit: number): Promise<number[]> {
    const query: RawBuilder<{ id: number }> =
      this.dialect === 'sqlite'
        ? this.sqliteQuery(table, terms, limit)
        : this.postgresQuery(table, terms, limit);
    const { rows } = await query.execute(this.db);
    return rows.map((r) => Number(r.id));
  }

  private sqliteQuery(table: Table, terms: string[], limit: number): RawBuilder<{ id: number }> {
    const fts = sql.id(`${table}_fts`);
    const match = terms.map((t) => `"${t}"*`).join(' ');
    // bm25 weights: the first column (title / name) counts ten times the others.
    const weights = sql.raw(SEARCH_COLUMNS[table].map((_, i) => (i === 0 ? '10.0' : '1.0')).join(', '));
    return sql<{ id: number }>`select id from (
        select rowid as id, bm25(${fts}, ${weights}) as score from ${fts} where ${fts} match ${match}
        order by rowid desc limit ${CANDIDATES}
      ) order by score, id desc limit ${limit}`;
  }

  private postgresQuery(table: Table, terms: string[], limit: number): RawBuilder<{ id: number }> {
    // The same expression as the GIN index of migration 0004, so the index serves the match.
    const document = sql.join(
      SEARCH_COLUMNS[table].map((c) => sql`coalesce(${sql.id(c)}, '')`),
      sql` || ' ' || `,
    );
    const tsquery = sql`to_tsquery('simple', ${terms.map((t) => `${t}:*`).join(' & ')})`;
    // Ranked on a weighted copy of the document: the first column (title / name) counts most.
    const [first, ...rest] = SEARCH_COLUMNS[table];
    const weighted = sql.join(
      [
        sql`setweight(to_tsvector('simple', coalesce(${sql.id(first)}, '')), 'A')`,
        ...rest.map((c) => sql`setweight(to_tsvector('simple', coalesce(${sql.id(c)}, '')), 'D')`),
      ],
      sql` || `,
    );
    return sql<{ id: number }>`select id from (
        select id, ts_rank(${weighted}, ${tsquery}) as score from ${sql.id(table)}
        where to_tsvector('simple', ${document}) @@ ${tsquery}
        order by id desc limit ${CANDIDATES}
      ) as candidates order by score desc, id desc limit ${limit}`;
  }
}
