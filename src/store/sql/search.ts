// One search over shows, episodes and people: SQLite FTS5 or PostgreSQL full text, the same ordering on both.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Show } from '../../domain/show.ts';
import { SEARCH_COLUMNS } from '../migrations/0004-search.ts';
import type { SqlDialect } from '../migrations/index.ts';
import type { SearchRepository, SearchResults } from '../ports.ts';
import { LIST_COLUMNS, toEpisode } from './episodes.ts';
import { toPerson } from './people.ts';
import { clampLimit } from './rows.ts';
import type { Database } from './schema.ts';
import { toShow } from './shows.ts';

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
    const limit = clampLimit(options.limit, 10, 100);
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

  /**
   * Ids of rows matching every term (as a prefix): those whose first column (title / name) matches first, then the
   * rest, newest first within each. Two index-only lookups; no per-row scoring, which costs tens of milliseconds for
   * common words.
   */
  private async rankedIds(table: Table, terms: string[], limit: number): Promise<number[]> {
    const ids = await this.matchIds(table, terms, true, limit);
    if (ids.length >= limit) return ids;
    const seen = new Set(ids);
    const more = await this.matchIds(table, terms, false, limit + ids.length);
    const found = [...ids, ...more.filter((id) => !seen.has(id))].slice(0, limit);
    if (table !== 'episodes' || found.length >= limit) return found;
    for (const id of found) seen.add(id);
    const spoken = await this.transcriptIds(terms, limit + found.length);
    return [...found, ...spoken.filter((id) => !seen.has(id))].slice(0, limit);
  }

  /** Episodes whose fetched transcript (migration 0006) matches every term, newest first. */
  private async transcriptIds(terms: string[], limit: number): Promise<number[]> {
    const query =
      this.dialect === 'sqlite'
        ? sql<{ id: number }>`select rowid as id from episode_transcripts_fts
            where episode_transcripts_fts match ${terms.map((t) => `"${t}"*`).join(' ')} order by rowid desc limit ${limit}`
        : sql<{ id: number }>`select episode_id as id from episode_transcripts
            where to_tsvector('simple', text) @@ to_tsquery('simple', ${terms.map((t) => `${t}:*`).join(' & ')})
            order by episode_id desc limit ${limit}`;
    const { rows } = await query.execute(this.db);
    return rows.map((r) => Number(r.id));
  }

  private async matchIds(
    table: Table,
    terms: string[],
    firstColumnOnly: boolean,
    limit: number,
  ): Promise<number[]> {
    const [first] = SEARCH_COLUMNS[table];
    let query: RawBuilder<{ id: number }>;
    if (this.dialect === 'sqlite') {
      const fts = sql.id(`${table}_fts`);
      const words = terms.map((t) => `"${t}"*`).join(' ');
      const match = firstColumnOnly ? `{${first}} : (${words})` : words;
      query = sql<{
        id: number;
      }>`select rowid as id from ${fts} where ${fts} match ${match} order by rowid desc limit ${limit}`;
    } else {
      // The same expression as the GIN index of migration 0004, so the index serves the match.
      const document = sql.join(
        SEARCH_COLUMNS[table].map((c) => sql`coalesce(${sql.id(c)}, '')`),
        sql` || ' ' || `,
      );
      const tsquery = sql`to_tsquery('simple', ${terms.map((t) => `${t}:*`).join(' & ')})`;
      const title = firstColumnOnly
        ? sql`and to_tsvector('simple', coalesce(${sql.id(first)}, '')) @@ ${tsquery}`
        : sql``;
      query = sql<{ id: number }>`select id from ${sql.id(table)}
        where to_tsvector('simple', ${document}) @@ ${tsquery} ${title} order by id desc limit ${limit}`;
    }
    const { rows } = await query.execute(this.db);
    return rows.map((r) => Number(r.id));
  }
}
