// One search over shows, episodes and people: SQLite FTS5 or PostgreSQL full text, ranked the same way on both.
//
// THE ORDERING (docs/search.md says the same for users and operators):
//   1. Stages, in this order: a match in the title (a show's or episode's title, a person's name), then anywhere
//      in the indexed text (a show's author and description, an episode's description), then (episodes) in the
//      fetched transcript; within each, titles holding every word whole before those where the last word is only
//      begun (the word being typed); for shows, when none matched so, show titles that look like the words
//      (trigrams: typos).
//   2. Within a stage, relevance: titleScore (below), BM25's term-frequency and length part computed over the title
//      of each candidate, the same function on both databases, in two bands: against the best score a title can
//      have for the words (the words alone, in order) for the episode title stages, against the stage's best match
//      for the others (a score at least half of it is the first band): the score separates clearly better and worse
//      matches (a phrase, whole words) but not two equally good titles of different lengths.
//   3. Within a band: shows by popularity (followers on this instance), then recency (latest episode); episodes by
//      recency (publication date); people by name length (the closest name). Then the higher id.
// Episode titles are read newest first by publication date (migration 0025), whole words before the last word's
// prefix, and a stage stops once its first band holds the page: a common word costs a page of reading, not its
// every match. The other stages rank at most CANDIDATES matches, read from the index newest first (SQLite: the
// newest added; PostgreSQL: the highest ids), so the cost of a query is bounded whatever its words; a word in more
// texts than that is ranked among the newest CANDIDATES. Pages reach as deep as the stages' candidates.
import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Show } from '../../domain/show.ts';
import { SEARCH_COLUMNS } from '../migrations/0004-search.ts';
import { quoteIdent } from '../migrations/0017-search-ranking.ts';
import { DATE_KEY_ID_MASK } from '../migrations/0025-search-by-date.ts';
import { EPOCH_BITS } from '../migrations/0043-description-epochs.ts';
import type { SqlDialect } from '../migrations/index.ts';
import type {
  Audience,
  SearchFilters,
  SearchOptions,
  SearchRepository,
  SearchResults,
  SearchTotal,
} from '../ports.ts';
import { LIST_COLUMNS, toEpisode } from './episodes.ts';
import { toPerson } from './people.ts';
import { pgTsquery, prefixWords } from './pg-words.ts';
import { clampLimit } from './rows.ts';
import type { Database } from './schema.ts';
import { toShow } from './shows.ts';
import { visibleShows } from './visibility.ts';

const MAX_TERMS = 8;
/** Matches ranked per stage: the bound on a query's cost, and on how deep its pages go. */
export const CANDIDATES = 400;
/** Matches counted exactly for the total; past it, an estimate (countEpisodes). */
const EXACT_COUNT = 500;
/** The smallest trigram similarity (0–1) of a query to a show title for the typo stage. */
const TRIGRAM_THRESHOLD = 0.5;
const BANDS = 2;
/**
 * PostgreSQL's title stage, several words: when the planner expects few enough titles to hold them, a batch of the
 * newest is read from the GIN index and sorted by date; more, and the planner chooses (it walks the titles newest
 * first through migration 0040's covering index, checking each). The walk checks about `limit` × episodes ÷ matches
 * titles, the sort reads every match: they cost the same near matches² ∝ limit. Measured at 1,002,679 episodes, 40
 * pairs and triples, each way: for the newest 29, the walk took 8–22 ms where 800–1,500 titles were expected to
 * match (the sort 5–11 ms) and 1–3 ms from 3,000 (the sort 7–23 ms); for the newest 116, it took 28 ms to 1.5 s up
 * to 1,500 (the sort 3–16 ms), 14 ms at 3,133 (the sort 10 ms) and 3–7 ms from 5,000 (the sort 10–22 ms).
 */
function sortBelow(limit: number): number {
  return 350 * Math.sqrt(limit);
}

/**
 * The same for PostgreSQL's description stage, which walks the episodes by id, newest first. Its rows are larger
 * (the description's vector), so each costs more to check: measured at 1,002,679 episodes over 60 pairs and triples,
 * reading the newest 501 (the stage's count), the walk took 36–251 ms where the planner expected 1,800–4,300 matches
 * (the sort 15–20 ms), 25–37 ms at 5,000–6,800 (the sort 17–29 ms) and 3–17 ms from 9,000 (the sort 29–180 ms); the
 * planner itself walked at 5,081 (277 ms, "dog & journalist & music").
 */
function bodySortBelow(limit: number): number {
  return 225 * Math.sqrt(limit);
}

/** The words of a query, lowercased: letters and digits only, so nothing in them is query syntax. */
function searchTerms(query: string): string[] {
  return (query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_TERMS);
}

type Table = keyof typeof SEARCH_COLUMNS;
/** What an episode stage read for the total: how many matches (at most EXACT_COUNT + 1), and the lowest id. */
interface Counted {
  n: number;
  lowest: number;
}

/** PostgreSQL: the words the last term begins, to search it as those (pg-words.ts); undefined: as a prefix. */
type Expansion = readonly string[] | undefined;

/** Where a stage looks: the title / name column, every indexed column, or (episodes) the fetched transcript. */
type Scope = 'title' | 'all' | 'transcript';
/** The last term as a whole word, or as a prefix. */
type Mode = 'word' | 'prefix';

/** A match read from an index: its score (higher is better) and the tie-breakers of the ordering. */
interface Candidate {
  id: number;
  score: number;
  /** The title holds every word whole (none only begun): ranked before the others of its stage. */
  whole?: boolean;
  /** Episodes: publication date; shows: latest episode; ISO text or null. */
  at: string | null;
  /** Shows: followers; people: minus the name's length. */
  popularity: number;
}

/**
 * Where a batch of the dated title stage ended: the last episode's id, and its date (SQLite: the minute of the date
 * key, whose full value is beyond a JavaScript number's precision; PostgreSQL: the date text).
 */
interface DateCursor {
  minute: number;
  at: string;
  id: number;
}

/** One search's words and what each of its stages shares. */
interface Lookup {
  terms: string[];
  expansion: Expansion;
  /** Whom the rows must be visible to and which filters they must pass; undefined: every row. */
  restrict: Restriction | undefined;
  estimates: Estimates;
}

/**
 * PostgreSQL: the planner's estimates of how many episodes match (pgEstimate), each asked once per search. The title
 * stage's (several words, each whole) and the total's need neither the prefix's words nor the look at hidden shows,
 * so they are asked beside those (`prime`) rather than in turn after them. SQLite asks none. Both ask the highest
 * episode id at most once (`top`).
 */
class Estimates {
  readonly #asked = new Map<string, Promise<number>>();
  #top: Promise<number> | undefined;

  constructor(
    private readonly dialect: SqlDialect,
    private readonly ask: (vector: 'title' | 'body', tsquery: RawBuilder<unknown>) => Promise<number>,
    private readonly askTop: () => Promise<number>,
  ) {}

  /** The highest episode id, over which matches are taken to be spread (epochBatches, countEpisodes); asked once. */
  top(): Promise<number> {
    this.#top ??= this.askTop();
    return this.#top;
  }

  /** The estimate for `terms` in `vector` (the last term by `mode`, as the expansion's words when given). */
  of(vector: 'title' | 'body', terms: string[], mode: Mode, expansion: Expansion): Promise<number> {
    // pgTsquery reads the expansion only for a prefix after other words.
    const expanded = mode === 'prefix' && expansion !== undefined && terms.length > 1;
    const key = `${vector} ${mode} ${expanded ? expansion.join(' ') : ''}`;
    let asked = this.#asked.get(key);
    if (asked === undefined) {
      asked = this.ask(vector, pgTsquery(terms, mode === 'prefix', expanded ? expansion : undefined));
      this.#asked.set(key, asked);
    }
    return asked;
  }

  /**
   * Asks now the estimates a search of `terms` will want that depend on nothing else: the title stage's for several
   * words (read whole), and the total's (`count`: the mode the total reads the last word in; undefined when filters
   * make the count exact instead). A failure is reported where the estimate is awaited, not here.
   */
  prime(terms: string[], count: Mode | undefined): void {
    if (this.dialect !== 'postgres') return;
    const asked = [
      ...(terms.length > 1 ? [this.of('title', terms, 'word', undefined)] : []),
      ...(count === undefined ? [] : [this.of('body', terms, count, undefined)]),
    ];
    for (const estimate of asked) estimate.catch(() => undefined);
  }
}

/** The mode the total reads the last word in: on SQLite one longer than the prefix indexes (6) whole (countEpisodes). */
function countMode(dialect: SqlDialect, last: string): Mode {
  return last.length < 2 || (dialect === 'sqlite' && last.length > 6) ? 'word' : 'prefix';
}

interface PgFeatures {
  /** The schema of pg_trgm, when installed. */
  trgm: string | undefined;
  /** Migration 0043's index of descriptions by epoch is there (btree_gin was installed). */
  epochs: boolean;
}

export class SqlSearchRepository implements SearchRepository {
  #pg: Promise<PgFeatures> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
  ) {}

  async search(query: string, options: SearchOptions): Promise<SearchResults> {
    const typed = searchTerms(query);
    // A one-character last word after others is not typed yet: a prefix lookup for it would read every word starting
    // with that letter (no prefix index for one character), and as a whole word it would almost never match.
    const terms = typed.length > 1 && (typed[typed.length - 1] ?? '').length < 2 ? typed.slice(0, -1) : typed;
    const page = Math.max(1, Math.floor(options.page ?? 1));
    if (terms.length === 0) return emptyResults(page);
    const limit = clampLimit(options.limit, 10, 100);
    // An admin (or no audience: internal callers) sees everything and pays for no filter; so does everyone while no
    // show is hidden (one look at a partial index of migration 0017). Beside that look, on PostgreSQL: the words the
    // last one begins, when it is looked up as a prefix beside others (pg-words.ts), and the planner's estimates
    // that need neither (Estimates).
    const last = terms[terms.length - 1] ?? '';
    const estimates = new Estimates(
      this.dialect,
      (vector, tsquery) => this.pgEstimate(vector, tsquery),
      () => this.topEpisodeId(),
    );
    estimates.prime(
      terms,
      restriction(undefined, options.filters) === undefined ? countMode(this.dialect, last) : undefined,
    );
    const [hidden, expansion] = await Promise.all([
      options.audience === undefined || options.audience.isAdmin ? false : this.anyHidden(),
      this.dialect === 'postgres' && terms.length > 1 && last.length >= 2
        ? prefixWords(this.db, last)
        : undefined,
    ]);
    const q: Lookup = {
      terms,
      expansion,
      restrict: restriction(hidden ? options.audience : undefined, options.filters),
      estimates,
    };
    const offset = (page - 1) * limit;
    // Shows and people are listed on the first page only; episodes are paged (one more than the page: is there a next).
    // The episode stages read up to EXACT_COUNT + 1 matches (ranking the newest CANDIDATES): the total reuses what
    // they read rather than walking the same index again.
    const complete = new Map<string, Counted>();
    const [showIds, [episodeIds, total], personIds] = await Promise.all([
      page === 1 ? this.rankedIds('shows', q, limit) : [],
      this.rankedIds('episodes', q, offset + limit + 1, complete).then(
        async (ids) => [ids, await this.countEpisodes(q, complete)] as const,
      ),
      page === 1 ? this.rankedIds('people', q, limit) : [],
    ]);
    const pageIds = episodeIds.slice(offset, offset + limit);
    const byId = <T extends { id: number }>(ids: number[], rows: T[]): T[] => {
      const map = new Map(rows.map((r) => [r.id, r]));
      return ids.flatMap((id) => map.get(id) ?? []);
    };
    // The page's rows, all three asked at once: the shows listed and those of the page's episodes (read through the
    // episodes' ids, so the shows need not wait for the episodes; `union all`, as an `or` would scan every show),
    // and the people.
    const listedShows =
      showIds.length === 0 ? undefined : this.db.selectFrom('shows').selectAll().where('id', 'in', showIds);
    const pageShows =
      pageIds.length === 0
        ? undefined
        : this.db
            .selectFrom('shows')
            .selectAll()
            .where('id', 'in', (eb) =>
              eb.selectFrom('episodes').select('show_id').where('id', 'in', pageIds),
            );
    const showQuery =
      listedShows !== undefined && pageShows !== undefined
        ? listedShows.unionAll(pageShows)
        : (listedShows ?? pageShows);
    const [episodeRows, showRows, personRows] = await Promise.all([
      pageIds.length === 0
        ? []
        : this.db
            .selectFrom('episodes')
            .select([...LIST_COLUMNS, (eb) => eb.val<string | null>(null).as('content_html')])
            .where('id', 'in', pageIds)
            .execute(),
      showQuery === undefined ? [] : showQuery.execute(),
      // A name merged into another person (people graph) is found as that person, once.
      personIds.length === 0
        ? []
        : this.db
            .selectFrom('people as n')
            .innerJoin('people as c', (j) =>
              j.on((eb) => eb('c.id', '=', eb.fn.coalesce('n.merged_into', 'n.id'))),
            )
            .select(['n.id as nameId', 'c.id', 'c.name', 'c.href', 'c.img'])
            .where('n.id', 'in', personIds)
            .execute(),
    ]);
    const episodes = byId(pageIds, episodeRows.map(toEpisode));
    const shows = new Map<number, Show>(showRows.map((r) => [r.id, toShow(r)]));
    const personOf = new Map(personRows.map((r) => [r.nameId, toPerson(r)]));
    const seenPeople = new Set<number>();
    return {
      shows: showIds.flatMap((id) => shows.get(id) ?? []),
      episodes: episodes.flatMap((episode) => {
        const show = shows.get(episode.showId);
        return show === undefined ? [] : [{ episode, show }];
      }),
      people: personIds.flatMap((id) => {
        const person = personOf.get(id);
        if (person === undefined || seenPeople.has(person.id)) return [];
        seenPeople.add(person.id);
        return [person];
      }),
      page,
      hasMore: episodeIds.length > offset + limit,
      episodeTotal: total,
    };
  }

  /** Ids of rows matching every term, in THE ORDERING (top of file), the first `wanted` of them at most. */
  private async rankedIds(
    table: Table,
    q: Lookup,
    wanted: number,
    complete?: Map<string, Counted>,
  ): Promise<number[]> {
    const last = q.terms[q.terms.length - 1] ?? '';
    // A last word of 2+ characters is looked up once, as a prefix, when an index streams it (PostgreSQL; SQLite's
    // prefix indexes up to 6 characters), whole-word titles ranked first (`whole`); a longer one on SQLite would
    // merge every word it begins, so the whole word is looked up first and the prefix only if that found too few.
    const modes: Mode[] =
      last.length < 2
        ? ['word']
        : this.dialect === 'sqlite' && last.length > 6
          ? ['word', 'prefix']
          : ['prefix'];
    const scopes: Scope[] = ['title'];
    // People have one indexed column (the name): the 'all' lookup would repeat the 'title' one.
    if (SEARCH_COLUMNS[table].length > 1) scopes.push('all');
    if (table === 'episodes') scopes.push('transcript');
    const found: number[] = [];
    const seen = new Set<number>();
    const stages: Array<() => Promise<Candidate[]>> = [];
    for (const scope of scopes) {
      if (table === 'episodes' && scope === 'title') {
        // Episode titles are read newest first by date, whole words before the last word's prefix, each stage
        // stopping once its first band can fill the page (datedTitles).
        for (const mode of last.length < 2 ? (['word'] as const) : (['word', 'prefix'] as const))
          stages.push(() => this.datedTitles(q, mode, wanted - found.length, seen));
        continue;
      }
      for (const mode of modes)
        stages.push(async () => {
          if (complete === undefined) return rank(table, await this.candidates(table, q, scope, mode));
          const list = await this.candidates(table, q, scope, mode, EXACT_COUNT + 1);
          complete.set(`${scope}:${mode}`, {
            n: list.length,
            lowest: list.reduce((low, c) => Math.min(low, c.id), Number.POSITIVE_INFINITY),
          });
          // Ranked among the newest CANDIDATES, as every stage is.
          return rank(table, list.sort((a, b) => b.id - a.id).slice(0, CANDIDATES));
        });
    }
    // Show names within a typo, when no show matched the words as typed.
    if (table === 'shows')
      stages.push(async () => (found.length === 0 ? rank(table, await this.typoCandidates(q)) : []));
    for (const stage of stages) {
      for (const { id } of await stage()) {
        if (seen.has(id)) continue;
        seen.add(id);
        found.push(id);
        if (found.length >= wanted) return found;
      }
    }
    return found;
  }

  /**
   * The episode title stage, ranked (THE ORDERING): titles holding the words (`mode`), read newest first by
   * publication date (migration 0025) in growing batches. Relevance bands are measured against the best score a
   * title can have for these words (the words alone, in order), so a match read early is placed for good: once
   * `need` matches of the first band (holding every word whole, for the whole-word stage) are read, no later (older)
   * match can come before them, and the stage stops. Otherwise it reads on, to CANDIDATES matches at most. Matches
   * already `seen` (the whole-word stage's, in the prefix stage) are skipped.
   */
  private async datedTitles(q: Lookup, mode: Mode, need: number, seen: Set<number>): Promise<Candidate[]> {
    const { terms } = q;
    const best = titleScore(terms, mode, terms.join(' '));
    const list: Candidate[] = [];
    let settled = 0;
    let read = 0;
    let after: DateCursor | undefined;
    let batch = Math.min(CANDIDATES, Math.max(32, need + 8));
    // PostgreSQL, several words: few enough matches for the batch are read from the GIN index and sorted (sortBelow).
    const estimate =
      this.dialect === 'postgres' && terms.length > 1
        ? await q.estimates.of('title', terms, mode, q.expansion)
        : Number.POSITIVE_INFINITY;
    while (read < CANDIDATES) {
      const sorted = estimate <= sortBelow(batch);
      const rows = await this.datedTitleRows(q, mode, batch, after, sorted);
      read += rows.length;
      for (const r of rows) {
        if (seen.has(r.id)) continue;
        const { score, whole } = scoreTitle(terms, mode, r.text ?? '');
        const c: Candidate = { id: r.id, score, whole: mode === 'word' && whole, at: r.at, popularity: 0 };
        list.push(c);
        if ((mode === 'prefix' || c.whole === true) && bandOf(c.score, best) === BANDS) settled++;
      }
      const lastRow = rows[rows.length - 1];
      if (rows.length < batch || lastRow === undefined || settled >= need) break;
      after = lastRow.cursor;
      batch = Math.min(CANDIDATES - read, batch * 4);
    }
    return rank('episodes', list, best);
  }

  /** One batch of the title stage's matches, newest first by date, after `after` (the previous batch's last). */
  private async datedTitleRows(
    { terms, expansion, restrict }: Lookup,
    mode: Mode,
    limit: number,
    after: DateCursor | undefined,
    sorted = false,
  ): Promise<Array<{ id: number; text: string | null; at: string | null; cursor: DateCursor }>> {
    if (this.dialect === 'sqlite') {
      const match = terms
        .map((t, i) => (mode === 'prefix' && i === terms.length - 1 ? `"${t}"*` : `"${t}"`))
        .join(' ');
      const id = sql`(t.rowid & ${sql.lit(DATE_KEY_ID_MASK)})`;
      const visible = restrictRow('episodes', id, restrict);
      const before =
        after === undefined
          ? sql``
          : sql`and t.rowid < ${after.minute} * ${sql.lit(DATE_KEY_ID_MASK + 1)} + ${after.id}`;
      const { rows } = await sql<{ minute: number; id: number; text: string | null; at: string | null }>`
        select m.minute, e.id, e.title as text, e.published_at as at from (select t.rowid as k,
          t.rowid >> 35 as minute, ${id} as id
          from episodes_title_by_date t where episodes_title_by_date match ${match} ${before} ${visible}
          order by t.rowid desc limit ${limit}) m
        join episodes e indexed by episodes_rank on e.id = m.id order by m.k desc`.execute(this.db);
      return rows.map((r) => ({
        id: r.id,
        text: r.text,
        at: r.at,
        cursor: { minute: r.minute, at: '', id: r.id },
      }));
    }
    const tsquery = pgTsquery(terms, mode === 'prefix', expansion);
    const visible = restrictRow('episodes', sql`s.id`, restrict);
    const before = after === undefined ? sql`` : sql`and (s.published_at, s.id) < (${after.at}, ${after.id})`;
    // `published_at || ''` orders as `published_at` does, but no index provides it: the matches are sorted.
    const date = sorted ? sql`s.published_at || ''` : sql`s.published_at`;
    const { rows } = await sql<{ id: number; text: string | null; at: string }>`
      select m.id, e.title as text, m.at from (select s.id, s.published_at as at from episode_search s
        where s.title @@ ${tsquery} ${before} ${visible}
        order by ${date} desc, s.id desc limit ${limit}) m
      join episodes e on e.id = m.id order by m.at desc, m.id desc`.execute(this.db);
    return rows.map((r) => ({
      id: Number(r.id),
      text: r.text,
      at: r.at === '' ? null : r.at,
      cursor: { minute: 0, at: r.at, id: Number(r.id) },
    }));
  }

  /** One stage's matches, at most CANDIDATES, with their scores (titleScore) and tie-breakers. */
  private async candidates(
    table: Table,
    q: Lookup,
    scope: Scope,
    mode: Mode,
    limit = CANDIDATES,
  ): Promise<Candidate[]> {
    const source = await this.matchSource(table, q, scope, mode, limit);
    const { rows } = await tieBreakers(table, source, this.dialect).execute(this.db);
    return rows.map((r) => ({
      id: Number(r.id),
      ...scoreTitle(q.terms, mode, r.text ?? ''),
      at: r.at,
      popularity: Number(r.popularity),
    }));
  }

  /**
   * The ids of one stage's matches, newest first, at most `limit`. The audience's filter is applied as the index is
   * read, so hidden rows never take a place. No score is computed in SQL: FTS5's bm25 reads the whole doclist of
   * every word to weigh it (40 ms for a common word at 1,000,000 episodes), where titleScore needs only the titles.
   */
  private async matchSource(
    table: Table,
    { terms, expansion, restrict, estimates }: Lookup,
    scope: Scope,
    mode: Mode,
    limit: number,
  ): Promise<RawBuilder<{ id: number }>> {
    const [first] = SEARCH_COLUMNS[table];
    if (this.dialect === 'sqlite') {
      const words = terms
        .map((t, i) => (mode === 'prefix' && i === terms.length - 1 ? `"${t}"*` : `"${t}"`))
        .join(' ');
      // Episode titles have an index of their own (migration 0017); shows and people are few.
      const titleIndex = table === 'episodes' && scope === 'title';
      const fts = sql.id(
        scope === 'transcript'
          ? 'episode_transcripts_fts'
          : titleIndex
            ? 'episodes_title_fts'
            : `${table}_fts`,
      );
      const match = scope === 'title' && !titleIndex ? `{${first}} : (${words})` : words;
      const visible = restrictRow(table, sql`${fts}.rowid`, restrict);
      return sql<{ id: number }>`select ${fts}.rowid as id from ${fts}
        where ${fts} match ${match} ${visible} order by ${fts}.rowid desc limit ${limit}`;
    }
    const tsquery = pgTsquery(terms, mode === 'prefix', expansion);
    let vector: RawBuilder<unknown>;
    let from: RawBuilder<unknown>;
    let id: RawBuilder<unknown>;
    if (scope === 'transcript') {
      // The stored vector of migration 0033.
      vector = sql`episode_transcripts.search`;
      from = sql`episode_transcripts`;
      id = sql`episode_transcripts.episode_id`;
    } else if (table === 'episodes') {
      // The stored vectors of migration 0017: ranking reads them, never recomputes them.
      vector = scope === 'title' ? sql`episode_search.title` : sql`episode_search.body`;
      from = sql`episode_search`;
      id = sql`episode_search.id`;
    } else if (table === 'shows') {
      // The stored vectors of migration 0036.
      vector = scope === 'title' ? sql`show_search.title` : sql`show_search.body`;
      from = sql`show_search`;
      id = sql`show_search.id`;
    } else {
      // People: the same expression as migration 0004's index, so that the index serves the match.
      const columns = scope === 'title' ? [first] : SEARCH_COLUMNS[table];
      vector = sql`to_tsvector('simple', ${sql.join(
        columns.map((c) => sql`coalesce(${sql.id(c)}, '')`),
        sql` || ' ' || `,
      )})`;
      from = sql.id(table);
      id = sql.ref(`${table}.id`);
    }
    const visible = restrictRow(table, id, restrict);
    // Newest first, as on SQLite: PostgreSQL walks the ids backwards for a common word and stops at the LIMIT, and
    // reads the GIN index for a rare one. Episodes, transcripts and shows are matched through stored vectors
    // (migrations 0017, 0033, 0036), so neither way computes a text's words again; people's names are short.
    // Several words in episodes' descriptions that the planner expects in few enough of them (bodySortBelow) are read
    // from the GIN index and sorted: `id + 0` orders as `id` does, but no index provides it. With migration 0043's
    // epochs, newest epochs first (epochBatches).
    const estimate =
      table === 'episodes' && scope === 'all' && terms.length > 1
        ? await estimates.of('body', terms, mode, expansion)
        : Number.POSITIVE_INFINITY;
    const sorted = estimate <= bodySortBelow(limit);
    if (sorted && (await this.pgFeatures()).epochs) {
      const ids: number[] = [];
      for (const epochs of epochBatches(await estimates.top(), estimate, limit)) {
        const { rows } = await sql<{ id: number }>`select ${id} as id from ${from}
          where ${vector} @@ ${tsquery} and (${id} >> ${sql.lit(EPOCH_BITS)}) = any(${epochs}::integer[])
          ${visible} order by ${id} + 0 desc limit ${limit - ids.length}`.execute(this.db);
        for (const r of rows) ids.push(Number(r.id));
        if (ids.length >= limit) break;
      }
      return sql<{ id: number }>`select m.id from unnest(${ids}::integer[]) as m (id)`;
    }
    return sql<{ id: number }>`select ${id} as id from ${from}
      where ${vector} @@ ${tsquery} ${visible} order by ${sorted ? sql`${id} + 0` : id} desc limit ${limit}`;
  }

  /** Show titles that look like the words (typos): trigram similarity, the same measure on both databases. */
  private async typoCandidates({ terms, restrict }: Lookup): Promise<Candidate[]> {
    const text = terms.join(' ');
    if (text.length < 4) return [];
    let source: RawBuilder<{ id: number }>;
    const visible = restrictRow('shows', sql`s.id`, restrict);
    if (this.dialect === 'sqlite') {
      const grams = [...new Set(terms.flatMap(wordTrigrams))];
      if (grams.length === 0) return [];
      const match = grams.map((g) => `"${g}"`).join(' OR ');
      source = sql<{ id: number }>`select s.id as id from shows_trigram t
        join shows s on s.id = t.rowid where shows_trigram match ${match} ${visible}
        order by t.rank limit 50`;
    } else {
      const { trgm } = await this.pgFeatures();
      if (trgm === undefined) return [];
      // The titles nearest the words, from pg_trgm's GiST index (migration 0041): `<<->` is one minus word_similarity.
      const nearest = sql.raw(`operator(${quoteIdent(trgm)}.<<->)`);
      source = sql<{ id: number }>`select s.id as id from shows s
        where true ${visible} order by ${text} ${nearest} s.title limit 50`;
    }
    const { rows } = await sql<{ id: number; title: string | null; at: string | null; popularity: number }>`
      select s.id, s.title, s.latest_episode_at as at,
        (select count(*) from follows f where f.feed_id = s.feed_id) as popularity
      from (${source}) m join shows s on s.id = m.id`.execute(this.db);
    return rows.flatMap((r) => {
      const score = trigramSimilarity(text, r.title ?? '');
      return score < TRIGRAM_THRESHOLD
        ? []
        : [{ id: Number(r.id), score, at: r.at, popularity: Number(r.popularity) }];
    });
  }

  /**
   * Episodes matching every word anywhere (title, description, transcript; the last word as a prefix), counted
   * exactly up to EXACT_COUNT (with the audience's filter); past it, estimated ("about"): the newest EXACT_COUNT + 1
   * matches span a range of ids, and the matches are taken to be as dense over every id. On SQLite a last word
   * longer than the prefix indexes (6 characters) is counted as a whole word: as a prefix it would merge every word
   * it covers.
   */
  private async countEpisodes(q: Lookup, complete: Map<string, Counted>): Promise<SearchTotal> {
    const { terms, restrict } = q;
    const mode = countMode(this.dialect, terms[terms.length - 1] ?? '');
    // PostgreSQL: when the planner's statistics put the matches well past EXACT_COUNT, its estimate is the total
    // (the exact count would read every word's whole GIN posting list: tens of ms for common words at 1,000,000).
    // Only with no audience filter (nothing hidden, or an admin) and no filters: the statistics count every episode.
    const counted = complete.get(`all:${mode}`);
    if (this.dialect === 'postgres' && restrict === undefined && (counted?.n ?? Infinity) > EXACT_COUNT) {
      const estimate = await q.estimates.of('body', terms, mode, undefined);
      if (estimate > 2 * EXACT_COUNT) return { count: estimate, exact: false };
    }
    let n = 0;
    let lowest = 0;
    for (const scope of ['all', 'transcript'] as const) {
      const known = complete.get(`${scope}:${mode}`);
      if (known !== undefined) {
        n += known.n;
        if (scope === 'all') lowest = known.lowest;
        if (n > EXACT_COUNT) break;
        continue;
      }
      const source = await this.matchSource('episodes', q, scope, mode, EXACT_COUNT + 1 - n);
      const { rows } = await sql<{ n: number; lowest: number | null }>`select count(*) as n, min(id) as lowest
        from (${source}) m`.execute(this.db);
      n += Number(rows[0]?.n ?? 0);
      if (scope === 'all') lowest = Number(rows[0]?.lowest ?? 0);
      if (n > EXACT_COUNT) break;
    }
    if (n <= EXACT_COUNT) return { count: n, exact: true };
    // The newest EXACT_COUNT + 1 matches span the ids from `lowest` up: as dense all the way down (to the lowest
    // id the filters let through).
    const [bottom, top] = await this.episodeIdSpan(restrict?.filters, q.estimates);
    return {
      count: Math.max(n, Math.round((n * (top - bottom + 1)) / Math.max(1, top - lowest + 1))),
      exact: false,
    };
  }

  /**
   * The lowest and highest episode ids (of the episodes the filters let through), for the estimate; with no filter,
   * the search's highest id (asked once, as the description stage's epochs may have).
   */
  private async episodeIdSpan(
    filters: SearchFilters | undefined,
    estimates: Estimates,
  ): Promise<[number, number]> {
    if (filters === undefined) return [1, await estimates.top()];
    // Two walks of the primary key, one from each end (a min and a max in one statement would scan every row).
    const end = async (order: RawBuilder<unknown>): Promise<number> => {
      const { rows } = await sql<{ id: number }>`select e.id from episodes e
        where ${episodeFilter('e', filters)} order by e.id ${order} limit 1`.execute(this.db);
      return Number(rows[0]?.id ?? 0);
    };
    return [await end(sql`asc`), await end(sql`desc`)];
  }

  /**
   * The planner's estimate of the episodes whose title (`title`) or title and description (`body`) match the query
   * (EXPLAIN: nothing is read).
   */
  private async pgEstimate(vector: 'title' | 'body', tsquery: RawBuilder<unknown>): Promise<number> {
    const { rows } = await sql<{ 'QUERY PLAN': unknown }>`explain (format json) select 1 from episode_search
      where ${sql.ref(vector)} @@ ${tsquery}`.execute(this.db);
    const plan: unknown = rows[0]?.['QUERY PLAN'];
    const first: unknown = Array.isArray(plan) ? plan[0] : undefined;
    const node: unknown =
      typeof first === 'object' && first !== null && 'Plan' in first ? first.Plan : undefined;
    const estimate = typeof node === 'object' && node !== null && 'Plan Rows' in node ? node['Plan Rows'] : 0;
    return typeof estimate === 'number' ? Math.round(estimate) : 0;
  }

  /** The highest episode id (PostgreSQL's description stage: epochBatches; the total's estimate: episodeIdSpan). */
  private async topEpisodeId(): Promise<number> {
    const { rows } = await sql<{ top: number | null }>`select max(id) as top from episodes`.execute(this.db);
    return Number(rows[0]?.top ?? 0);
  }

  private async anyHidden(): Promise<boolean> {
    // A literal 0, so that SQLite can use the partial index (a bound parameter cannot prove the index's condition).
    const { rows } = await sql<{ id: number }>`select id from shows where is_public = 0 limit 1`.execute(
      this.db,
    );
    return rows.length > 0;
  }

  private pgFeatures(): Promise<PgFeatures> {
    this.#pg ??= (async () => {
      const { rows: trgm } = await sql<{ schema: string }>`select n.nspname as schema from pg_extension e
        join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'
        and exists (select 1 from pg_indexes where indexname = 'shows_title_trgm' and schemaname = current_schema())`.execute(
        this.db,
      );
      const { rows: epochs } = await sql<{ n: number }>`select count(*)::int as n from pg_indexes
        where indexname = 'episode_search_body_epoch' and schemaname = current_schema()`.execute(this.db);
      return { trgm: trgm[0]?.schema, epochs: (epochs[0]?.n ?? 0) > 0 };
    })();
    return this.#pg;
  }
}

/**
 * PostgreSQL's description stage with migration 0043: the epochs (blocks of ids, newest first) it reads in turn. The
 * first batch: the newest epochs expected to hold `limit` matches one and a half times over, taking the planner's
 * `estimate` of every match as spread evenly over ids 1 to `top`; the second, when the first held fewer, every older
 * epoch. The matches of a batch are all newer than the next batch's, so the batches read in turn give the newest
 * `limit` exactly, as one read of every epoch would.
 */
export function epochBatches(top: number, estimate: number, limit: number): number[][] {
  const epochOf = (id: number): number => Math.floor(Math.max(0, id) / 2 ** EPOCH_BITS);
  const newest = epochOf(top);
  const span = estimate > 0 ? Math.ceil((1.5 * limit * top) / estimate) : top;
  const cut = epochOf(top - span);
  const epochs = (from: number, to: number): number[] =>
    Array.from({ length: from - to + 1 }, (_, i) => from - i);
  return cut === 0 ? [epochs(newest, 0)] : [epochs(newest, cut), epochs(cut - 1, 0)];
}

function emptyResults(page: number): SearchResults {
  return {
    shows: [],
    episodes: [],
    people: [],
    page,
    hasMore: false,
    episodeTotal: { count: 0, exact: true },
  };
}

/** The text scored and the tie-breakers of one stage's candidates, in one statement (episodes: a covering index). */
function tieBreakers(
  table: Table,
  source: RawBuilder<{ id: number }>,
  dialect: SqlDialect,
): RawBuilder<{ id: number; text: string | null; at: string | null; popularity: number }> {
  switch (table) {
    case 'episodes':
      return sql`select m.id, e.title as text, e.published_at as at, 0 as popularity from (${source}) m
        join episodes e ${dialect === 'sqlite' ? sql`indexed by episodes_rank` : sql``} on e.id = m.id`;
    case 'shows':
      // PostgreSQL joined the few hundred matches to every show with a hash join over a scan of the whole table
      // (4,264 shows: 3 ms of 4.5); the matches as an array are read through the primary key (2 ms in all). SQLite
      // reads what the ranking needs from a covering index (migration 0042), not from the show rows.
      return dialect === 'postgres'
        ? sql`select s.id, s.title as text, s.latest_episode_at as at,
            (select count(*) from follows f where f.feed_id = s.feed_id) as popularity
          from shows s where s.id = any(array(${source}))`
        : sql`select m.id, s.title as text, s.latest_episode_at as at,
            (select count(*) from follows f where f.feed_id = s.feed_id) as popularity
          from (${source}) m join shows s indexed by shows_rank on s.id = m.id`;
    case 'people':
      return sql`select m.id, p.name as text, null as at, -length(p.name) as popularity from (${source}) m
        join people p on p.id = m.id`;
  }
}

/**
 * How well a title (a person's name) answers the words, the same on both databases: BM25's term-frequency and
 * length part over the title's words (k1 1.2, b 0.75, an average title of 8 words; every word weighs the same, as
 * all candidates of a stage hold all the words), a word only begun by a title word (the prefix being typed, a
 * stemmed form) counting half, and × 1.25 when the words stand together in order (a phrase). 0 when the title holds
 * none of them (a match in the description).
 */
export function titleScore(terms: string[], mode: Mode, text: string): number {
  return scoreTitle(terms, mode, text).score;
}

const WORDS = /[\p{L}\p{N}]+/gu;

/** titleScore, and whether the title holds every word whole, from one pass over the title's words. */
function scoreTitle(terms: string[], mode: Mode, text: string): { score: number; whole: boolean } {
  const tokens = text.toLowerCase().match(WORDS) ?? [];
  if (tokens.length === 0) return { score: 0, whole: false };
  const norm = 1.2 * (0.5 + (0.5 * tokens.length) / 8);
  let score = 0;
  let whole = true;
  let phrase = terms.length > 1;
  let previous = -2;
  for (let i = 0; i < terms.length; i++) {
    const term = terms[i] ?? '';
    const prefix = mode === 'prefix' && i === terms.length - 1;
    let tf = 0;
    let at = -1;
    let exact = false;
    for (let k = 0; k < tokens.length; k++) {
      const token = tokens[k] ?? '';
      const hit =
        token === term
          ? 1
          : token.startsWith(term) || (!prefix && token.length >= 4 && term.startsWith(token))
            ? 0.5
            : 0;
      if (hit === 0) continue;
      if (hit === 1) exact = true;
      if (at < 0) at = k;
      tf += hit;
    }
    if (!exact) whole = false;
    if (at < 0 || (i > 0 && at !== previous + 1)) phrase = false;
    previous = at;
    if (tf > 0) score += (tf * 2.2) / (tf + norm);
  }
  return { score: phrase ? score * 1.25 : score, whole };
}

/** A score's relevance band against the `best`: BANDS for at least half of it, down to 0 for no score. */
function bandOf(score: number, best: number): number {
  return best > 0 && Number.isFinite(score)
    ? Math.min(BANDS, Math.ceil((BANDS * Math.max(score, 0)) / best))
    : 0;
}

/**
 * THE ORDERING within a stage: relevance band (against `best`: by default the stage's best score), then popularity /
 * recency as the table's tie-breakers, then id.
 */
export function rank(
  table: Table,
  candidates: Candidate[],
  best = candidates.reduce((max, c) => Math.max(max, c.score), 0),
): Candidate[] {
  const band = (c: Candidate): number => bandOf(c.score, best);
  // ISO dates: their code-unit order is their time order.
  const byAt = (a: Candidate, b: Candidate): number => {
    const x = a.at ?? '';
    const y = b.at ?? '';
    return x === y ? 0 : x < y ? 1 : -1;
  };
  return candidates
    .map((c) => ({ c, band: band(c) }))
    .sort(
      (a, b) =>
        Number(b.c.whole ?? false) - Number(a.c.whole ?? false) ||
        b.band - a.band ||
        (table === 'episodes' ? byAt(a.c, b.c) : b.c.popularity - a.c.popularity || byAt(a.c, b.c)) ||
        b.c.id - a.c.id,
    )
    .map(({ c }) => c);
}

/** A word's trigrams, as FTS5's trigram tokenizer indexes them (no padding): "role" → rol, ole. */
function wordTrigrams(word: string): string[] {
  const grams: string[] = [];
  for (let i = 0; i + 3 <= word.length; i++) grams.push(word.slice(i, i + 3));
  return grams;
}

/** pg_trgm's trigrams of a text: each word padded with two spaces before and one after. */
function paddedTrigrams(text: string): Set<string> {
  const grams = new Set<string>();
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const padded = `  ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) grams.add(padded.slice(i, i + 3));
  }
  return grams;
}

/**
 * How much of the query's trigrams a title holds, 0–1 (after pg_trgm's word_similarity, without its search for the
 * best extent): "critcal role" in "Critical Role" ≈ 0.7.
 */
export function trigramSimilarity(query: string, title: string): number {
  const q = paddedTrigrams(query);
  if (q.size === 0) return 0;
  const t = paddedTrigrams(title);
  let shared = 0;
  for (const g of q) if (t.has(g)) shared++;
  return shared / q.size;
}

/** What a search's lookups let through: what the audience may see (none: everything) and the caller's filters. */
interface Restriction {
  audience?: Audience;
  filters?: SearchFilters;
}

function restriction(
  audience: Audience | undefined,
  filters: SearchFilters | undefined,
): Restriction | undefined {
  const given =
    filters === undefined
      ? undefined
      : Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined));
  const narrowing = given !== undefined && Object.keys(given).length > 0 ? filters : undefined;
  if (audience === undefined && narrowing === undefined) return undefined;
  return { ...(audience ? { audience } : {}), ...(narrowing ? { filters: narrowing } : {}) };
}

/** `and …`: the conditions a row `id` of `table` must meet to pass `restrict` (nothing without one). */
function restrictRow(
  table: Table,
  id: RawBuilder<unknown>,
  restrict: Restriction | undefined,
): RawBuilder<unknown> {
  const parts: RawBuilder<SqlBool>[] = [];
  if (restrict?.audience !== undefined) parts.push(visibleRow(table, id, restrict.audience));
  if (restrict?.filters !== undefined) {
    const filtered = filterRow(table, id, restrict.filters);
    if (filtered !== undefined) parts.push(filtered);
  }
  return parts.length === 0 ? sql`` : sql`and ${sql.join(parts, sql` and `)}`;
}

/**
 * The row `id` of `table` passes the filters (SearchFilters in ports.ts): episodes by every filter, shows by show
 * and person, people never.
 */
function filterRow(
  table: Table,
  id: RawBuilder<unknown>,
  filters: SearchFilters,
): RawBuilder<SqlBool> | undefined {
  switch (table) {
    case 'episodes':
      return sql<SqlBool>`exists (select 1 from episodes fe where fe.id = ${id} and ${episodeFilter('fe', filters)})`;
    case 'shows': {
      const parts: RawBuilder<SqlBool>[] = [];
      // Not `${id} = ?`: SQLite 3.53's FTS5 answers `rowid = ?` beside a MATCH with the MATCH's rows, unfiltered.
      if (filters.showId !== undefined)
        parts.push(
          sql<SqlBool>`exists (select 1 from shows fs where fs.id = ${id} and fs.id = ${filters.showId})`,
        );
      if (filters.personId !== undefined)
        parts.push(sql<SqlBool>`(exists (select 1 from show_persons fp where fp.show_id = ${id}
            and fp.person_id in ${personNames(filters.personId)})
          or exists (select 1 from episode_persons fp join episodes fe on fe.id = fp.episode_id
            where fe.show_id = ${id} and fp.person_id in ${personNames(filters.personId)}))`);
      return parts.length === 0 ? undefined : sql<SqlBool>`${sql.join(parts, sql` and `)}`;
    }
    case 'people':
      return undefined;
  }
}

/** The name rows of a person (people graph: the person's own and every name merged into it), as a subquery. */
function personNames(personId: number): RawBuilder<unknown> {
  return sql`(select pn.id from people pn where pn.id = ${personId} or pn.merged_into = ${personId})`;
}

/** The filters as conditions on the episodes row `alias`. */
function episodeFilter(alias: string, filters: SearchFilters): RawBuilder<SqlBool> {
  const col = (name: string): RawBuilder<unknown> => sql.ref(`${alias}.${name}`);
  const parts: RawBuilder<SqlBool>[] = [sql<SqlBool>`1 = 1`];
  if (filters.showId !== undefined) parts.push(sql<SqlBool>`${col('show_id')} = ${filters.showId}`);
  if (filters.publishedFrom !== undefined)
    parts.push(sql<SqlBool>`${col('published_at')} >= ${filters.publishedFrom}`);
  if (filters.publishedBefore !== undefined)
    parts.push(sql<SqlBool>`${col('published_at')} < ${filters.publishedBefore}`);
  if (filters.personId !== undefined)
    parts.push(sql<SqlBool>`(exists (select 1 from episode_persons fp where fp.episode_id = ${col('id')}
        and fp.person_id in ${personNames(filters.personId)})
      or exists (select 1 from show_persons fp where fp.show_id = ${col('show_id')}
        and fp.person_id in ${personNames(filters.personId)}))`);
  return sql<SqlBool>`${sql.join(parts, sql` and `)}`;
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
