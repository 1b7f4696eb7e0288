// The sources show notes cite (src/store/source-ports.ts): one row per work, the keys it is known by, and each
// episode's citations in order.
import { type Kysely, sql } from 'kysely';
import {
  type Citation,
  citationKeys,
  type EpisodeCitation,
  type Source,
  type SourceCitingEpisode,
} from '../../domain/citation.ts';
import type { SqlDialect } from '../migrations/index.ts';
import type { Audience } from '../ports.ts';
import type { EpisodeCitations, SourceReach, SourceRepository, SourceSearchHit } from '../source-ports.ts';
import { pgTsquery, prefixWords } from './pg-words.ts';
import { chunks, compact, fromJson, iso } from './rows.ts';
import type { Database } from './schema.ts';
import { visibleShows } from './visibility.ts';

/** A row of `episode_citations` as the episode's citation. */
export function toEpisodeCitation(r: {
  position: number;
  source_id: number;
  citation_json: string;
}): EpisodeCitation {
  return {
    position: r.position,
    sourceId: r.source_id,
    citation: fromJson<Citation>(r.citation_json) ?? { text: '' },
  };
}

/** Guids looked up per statement. */
const GUID_CHUNK = 200;

/** How many of the newest matching sources a search looks at before the audience's filter (bounds any query). */
const SEARCH_CANDIDATES = 200;

export class SqlSourceRepository implements SourceRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
  ) {}

  async search(query: string, options: { limit: number; audience?: Audience }): Promise<SourceSearchHit[]> {
    const words = (query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8);
    if (words.length === 0 || options.limit <= 0) return [];
    // Every word, the last also as a prefix (the word being typed); letters and digits only, so no query syntax. The
    // matches, and beside them (neither needs the other) whether any show is hidden.
    const [ids, hidden] = await Promise.all([
      this.dialect === 'sqlite' ? this.sqliteMatches(words, options.limit) : this.pgMatches(words),
      options.audience?.isAdmin === true ? false : this.anyHidden(),
    ]);
    const candidates = ids.map((r) => Number(r.id));
    if (candidates.length === 0) return [];
    // Most cited first (as far as the audience may see), then the newest; sources it may not see are left out.
    const mostCited = (counts: Map<number, number>): number[] =>
      candidates
        .filter((id) => counts.has(id))
        .sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || b - a)
        .slice(0, options.limit);
    let shown: number[];
    let reached: Promise<SourceReach[]>;
    if (!hidden) {
      // Every citation is visible: the candidates are ordered by their citations alone (their totals, migration
      // 0038), and the episodes and shows behind them are counted for the few listed only, as their rows are read.
      const counts = await this.db
        .selectFrom('source_citations')
        .select(['source_id', 'episodes'])
        .where('source_id', 'in', candidates)
        .execute();
      shown = mostCited(new Map(counts.map((r) => [r.source_id, Number(r.episodes)])));
      reached = this.reach(shown, {});
    } else {
      const visible = await this.reach(candidates, {
        ...(options.audience ? { audience: options.audience } : {}),
      });
      shown = mostCited(new Map(visible.map((r) => [r.sourceId, r.episodes])));
      reached = Promise.resolve(visible);
    }
    const [rows, reachList] = await Promise.all([
      shown.length === 0
        ? []
        : this.db.selectFrom('sources').select(['id', 'citation_json']).where('id', 'in', shown).execute(),
      reached,
    ]);
    const reach = new Map(reachList.map((r) => [r.sourceId, r]));
    const byId = new Map(rows.map((row) => [row.id, row]));
    return shown.flatMap((id) => {
      const row = byId.get(id);
      const citation = fromJson<Citation>(row?.citation_json ?? null);
      const r = reach.get(id);
      return row === undefined || citation === undefined || r === undefined
        ? []
        : [{ source: { id: row.id, citation }, episodes: r.episodes, shows: r.shows }];
    });
  }

  /**
   * The newest SEARCH_CANDIDATES sources holding the words, the last also as a prefix, over the stored vectors of
   * migration 0033: PostgreSQL walks the ids backwards for a common word and stops at the LIMIT, and reads the GIN
   * index for a rare one; the last word beside others as the words it begins (pg-words.ts).
   */
  private async pgMatches(words: string[]): Promise<Array<{ id: number }>> {
    const last = words[words.length - 1] ?? '';
    const expansion = words.length > 1 && last.length >= 2 ? await prefixWords(this.db, last) : undefined;
    const tsquery = pgTsquery(words, true, expansion);
    const { rows } = await sql<{ id: number }>`select id from sources where search @@ ${tsquery}
      order by id desc limit ${SEARCH_CANDIDATES}`.execute(this.db);
    return rows;
  }

  /**
   * The newest SEARCH_CANDIDATES sources holding the words, the last also as a prefix. FTS5 has prefix indexes up to
   * 6 characters (migration 0028): a longer last word as a prefix merges the whole list of every word it begins
   * (1–2 ms for a common word at a million episodes' sources), so it is looked up whole first, and as a prefix only
   * when that found fewer than the `wanted` sources listed (as the episode search does, store/sql/search.ts).
   */
  private async sqliteMatches(words: string[], wanted: number): Promise<Array<{ id: number }>> {
    const last = words.length - 1;
    const lookup = async (prefix: boolean): Promise<Array<{ id: number }>> => {
      const match = words.map((w, i) => (i === last && prefix ? `"${w}"*` : `"${w}"`)).join(' ');
      const { rows } = await sql<{ id: number }>`select rowid as id from sources_fts
        where sources_fts match ${match} order by rowid desc limit ${SEARCH_CANDIDATES}`.execute(this.db);
      return rows;
    };
    const typing = (words[last] ?? '').length >= 2;
    if (!typing) return lookup(false);
    if ((words[last] ?? '').length <= 6) return lookup(true);
    const whole = await lookup(false);
    return whole.length >= wanted ? whole : lookup(true);
  }

  async replaceForEpisodes(showId: number, entries: readonly EpisodeCitations[], now: Date): Promise<void> {
    if (entries.length === 0) return;
    const ids = new Map<string, { id: number; enclosure: string | null }[]>();
    for (const guids of chunks([...new Set(entries.map((e) => e.guid))], GUID_CHUNK)) {
      const rows = await this.db
        .selectFrom('episodes')
        .select(['id', 'guid', 'enclosure_url'])
        .where('show_id', '=', showId)
        .where('guid', 'in', guids)
        .execute();
      for (const r of rows)
        ids.set(r.guid, [...(ids.get(r.guid) ?? []), { id: r.id, enclosure: r.enclosure_url }]);
    }
    const matched: { episodeId: number; citations: readonly Citation[] }[] = [];
    for (const entry of entries) {
      const candidates = ids.get(entry.guid) ?? [];
      const episode =
        candidates.length === 1
          ? candidates[0]
          : candidates.find((c) => c.enclosure === (entry.enclosureUrl ?? null));
      if (episode !== undefined) matched.push({ episodeId: episode.id, citations: entry.citations });
    }
    for (const batch of chunks(
      matched.map((m) => m.episodeId),
      GUID_CHUNK,
    ))
      await this.db.deleteFrom('episode_citations').where('episode_id', 'in', batch).execute();
    const known = new Map<string, number>();
    for (const { episodeId, citations } of matched) {
      if (citations.length === 0) continue;
      const rows = [];
      for (const [position, citation] of citations.entries()) {
        const sourceId = await this.#sourceFor(citation, now, known);
        rows.push({
          episode_id: episodeId,
          position,
          source_id: sourceId,
          citation_json: JSON.stringify(citation),
          show_id: showId,
        });
      }
      for (const batch of chunks(rows, 100))
        await this.db.insertInto('episode_citations').values(batch).execute();
    }
  }

  /** The source a citation names: found by any of its keys (which it then also learns), else a new one. */
  async #sourceFor(citation: Citation, now: Date, known: Map<string, number>): Promise<number> {
    const keys = citationKeys(citation);
    let sourceId: number | undefined;
    for (const key of keys) {
      sourceId = known.get(key);
      if (sourceId !== undefined) break;
    }
    if (sourceId === undefined && keys.length > 0) {
      const rows = await this.db
        .selectFrom('source_keys')
        .select(['key', 'source_id'])
        .where('key', 'in', keys)
        .execute();
      // Strongest key first: a DOI match wins over a title match.
      const byKey = new Map(rows.map((r) => [r.key, r.source_id]));
      for (const key of keys) {
        sourceId = byKey.get(key);
        if (sourceId !== undefined) break;
      }
    }
    if (sourceId === undefined) {
      const row = await this.db
        .insertInto('sources')
        .values({ citation_json: JSON.stringify(citation), created_at: iso(now), search_text: citation.text })
        .returning('id')
        .executeTakeFirstOrThrow();
      sourceId = row.id;
    } else {
      await this.#enrich(sourceId, citation);
    }
    const id = sourceId;
    if (keys.length > 0)
      await this.db
        .insertInto('source_keys')
        .values(keys.map((key) => ({ key, source_id: id })))
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
    for (const key of keys) known.set(key, id);
    return id;
  }

  /** A source keeps the fullest citation seen for it (the one with the most fields). */
  async #enrich(sourceId: number, citation: Citation): Promise<void> {
    const row = await this.db
      .selectFrom('sources')
      .select('citation_json')
      .where('id', '=', sourceId)
      .executeTakeFirst();
    const stored = fromJson<Citation>(row?.citation_json ?? null);
    if (stored !== undefined && Object.keys(stored).length >= Object.keys(citation).length) return;
    await this.db
      .updateTable('sources')
      .set({ citation_json: JSON.stringify(citation), search_text: citation.text })
      .where('id', '=', sourceId)
      .execute();
  }

  async forEpisode(episodeId: number): Promise<EpisodeCitation[]> {
    const rows = await this.db
      .selectFrom('episode_citations')
      .select(['position', 'source_id', 'citation_json'])
      .where('episode_id', '=', episodeId)
      .orderBy('position')
      .execute();
    return rows.map(toEpisodeCitation);
  }

  async get(id: number): Promise<Source | undefined> {
    const row = await this.db
      .selectFrom('sources')
      .select(['id', 'citation_json'])
      .where('id', '=', id)
      .executeTakeFirst();
    const citation = fromJson<Citation>(row?.citation_json ?? null);
    return row === undefined || citation === undefined ? undefined : { id: row.id, citation };
  }

  async citingEpisodes(
    sourceId: number,
    options: { audience?: Audience; limit?: number } = {},
  ): Promise<{ episodes: SourceCitingEpisode[]; episodeCount: number; showCount: number }> {
    const base = this.db
      .selectFrom('episode_citations')
      .innerJoin('episodes', 'episodes.id', 'episode_citations.episode_id')
      .innerJoin('shows', 'shows.id', 'episodes.show_id')
      .where('episode_citations.source_id', '=', sourceId)
      .where(visibleShows(options.audience));
    const rows = await base
      .select([
        'episodes.id',
        'episodes.show_id',
        'episodes.title',
        'episodes.published_at',
        'shows.title as show_title',
      ])
      .distinct()
      .orderBy('episodes.published_at', 'desc')
      .orderBy('episodes.id', 'desc')
      .limit(options.limit ?? 100)
      .execute();
    const counts = await base
      .select((eb) => [
        eb.fn.count<number | string>('episode_citations.episode_id').distinct().as('episodes'),
        eb.fn.count<number | string>('episodes.show_id').distinct().as('shows'),
      ])
      .executeTakeFirst();
    return {
      episodes: rows.map((r) =>
        compact<SourceCitingEpisode>({
          episodeId: r.id,
          showId: r.show_id,
          episodeTitle: r.title,
          showTitle: r.show_title,
          publishedAt: r.published_at,
        }),
      ),
      episodeCount: Number(counts?.episodes ?? 0),
      showCount: Number(counts?.shows ?? 0),
    };
  }

  /** Whether any show is hidden from some visitors (a literal 0, so that SQLite uses migration 0017's partial index). */
  private async anyHidden(): Promise<boolean> {
    const { rows } = await sql<{ id: number }>`select id from shows where is_public = 0 limit 1`.execute(
      this.db,
    );
    return rows.length > 0;
  }

  async reach(
    sourceIds: readonly number[],
    options: { exceptEpisodeId?: number; audience?: Audience },
  ): Promise<SourceReach[]> {
    if (sourceIds.length === 0) return [];
    // The counts per source and show (migration 0037): one row for each show citing a work, whatever its number of
    // citations; only the shows' visibility is read. The episode left out is one of its own show's, for the works it
    // cites.
    const except =
      options.exceptEpisodeId === undefined
        ? []
        : await this.db
            .selectFrom('episode_citations')
            .select(['source_id', 'show_id'])
            .distinct()
            .where('episode_id', '=', options.exceptEpisodeId)
            .execute();
    const excepted = new Set(except.map((r) => `${r.source_id}:${r.show_id}`));
    const rows = await this.db
      .selectFrom('source_show_citations as c')
      .innerJoin('shows', 'shows.id', 'c.show_id')
      .select(['c.source_id', 'c.show_id', 'c.episodes'])
      .where('c.source_id', 'in', [...new Set(sourceIds)])
      .where(visibleShows(options.audience))
      .execute();
    const reach = new Map<number, SourceReach>();
    for (const r of rows) {
      const episodes = Number(r.episodes) - (excepted.has(`${r.source_id}:${r.show_id}`) ? 1 : 0);
      if (episodes <= 0) continue;
      const sum = reach.get(r.source_id) ?? { sourceId: r.source_id, episodes: 0, shows: 0 };
      sum.episodes += episodes;
      sum.shows++;
      reach.set(r.source_id, sum);
    }
    return [...reach.values()];
  }
}
