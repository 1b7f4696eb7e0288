// THE ordered migration list, for SQLite and PostgreSQL alike. Append only; never edit a step once committed.
import { initial } from './0001-initial.ts';
import { listeners } from './0002-listeners.ts';
import { sync } from './0003-sync.ts';
import { search } from './0004-search.ts';
import { mediaText } from './0005-media-text.ts';
import { transcriptSearch } from './0006-transcript-search.ts';
import { searchPrefixes } from './0007-search-prefixes.ts';
import { feedSchedule } from './0008-feed-schedule.ts';
import { feedProblems } from './0009-feed-problems.ts';
import { feedVisibility } from './0010-feed-visibility.ts';
import { auth } from './0011-auth.ts';
import { idempotentActions } from './0012-idempotent-actions.ts';
import { listenerQuota } from './0014-listener-quota.ts';
import { mergeDuplicateFeedsMigration } from './0015-merge-duplicate-feeds.ts';
import { operators } from './0016-operators.ts';
import { searchRanking } from './0017-search-ranking.ts';
import { episodeListIndex } from './0018-episode-list-index.ts';
import { cacheGeneration } from './0019-cache-generation.ts';
import { browse } from './0021-browse.ts';
import { searchByDate } from './0025-search-by-date.ts';
import { sources } from './0026-sources.ts';
import { peopleGraph } from './0027-people-graph.ts';
import { sourceSearch } from './0028-source-search.ts';
import { rereadStoredNotes } from './0029-reread-stored-notes.ts';
import { personShowNames } from './0030-person-show-names.ts';
import { searchIndexMerging } from './0032-search-index-merging.ts';
import { storedSearchVectors } from './0033-stored-search-vectors.ts';
import { citationShows } from './0034-citation-shows.ts';
import { transcriptCueMarks } from './0035-transcript-cue-marks.ts';
import { showSearch } from './0036-show-search.ts';
import { citationCounts } from './0037-citation-counts.ts';
import { citationTotals } from './0038-citation-totals.ts';
import { searchWords } from './0039-search-words.ts';
import { titleWalk } from './0040-title-walk.ts';
import { showTyposNearest } from './0041-show-typos-nearest.ts';
import { showRank } from './0042-show-rank.ts';
import { descriptionEpochs } from './0043-description-epochs.ts';
import type { Migration } from './types.ts';

export type { Migration, SqlDialect } from './types.ts';

export const migrations: readonly Migration[] = [
  initial,
  listeners,
  sync,
  search,
  mediaText,
  transcriptSearch,
  searchPrefixes,
  feedSchedule,
  feedProblems,
  feedVisibility,
  auth,
  idempotentActions,
  listenerQuota,
  mergeDuplicateFeedsMigration,
  operators,
  searchRanking,
  episodeListIndex,
  cacheGeneration,
  browse,
  searchByDate,
  sources,
  peopleGraph,
  sourceSearch,
  rereadStoredNotes,
  personShowNames,
  searchIndexMerging,
  storedSearchVectors,
  citationShows,
  transcriptCueMarks,
  showSearch,
  citationCounts,
  citationTotals,
  searchWords,
  titleWalk,
  showTyposNearest,
  showRank,
  descriptionEpochs,
];
