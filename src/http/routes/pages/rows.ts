// The library's reads (src/services/library-service.ts) presented as the pages' episode rows.
import type { EpisodeListItem } from '../../../domain/episode.ts';
import type { Show } from '../../../domain/show.ts';
import { type LibraryReads, withEpisodes, withShowsAndProgress } from '../../../services/library-service.ts';
import type { Progress } from '../../../store/listener-ports.ts';
import type { Store } from '../../../store/ports.ts';
import type { EpisodeRow } from '../../../views/models.ts';
import { episodeRow } from '../../present.ts';

export async function rowsForProgress(store: Store, items: Progress[]): Promise<EpisodeRow[]> {
  return (await withEpisodes(store, items)).map(({ episode, show, progress }) =>
    episodeRow(episode, show, { progress, withShow: true }),
  );
}

export async function rowsForEpisodes(
  reads: LibraryReads,
  userId: number | undefined,
  episodes: EpisodeListItem[],
  withShow: boolean,
  showHint?: Show | ReadonlyMap<number, Show>,
): Promise<EpisodeRow[]> {
  return (await withShowsAndProgress(reads, userId, episodes, showHint)).map(({ episode, show, progress }) =>
    episodeRow(episode, show, { withShow, ...(progress ? { progress } : {}) }),
  );
}
