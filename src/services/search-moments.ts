// Search to the moment: for the episodes of a results page found in their transcript (their title and description
// do not hold every word of the query), where in the transcript the words are said. The page links each such hit to
// `/episodes/ID?t=SECONDS` (the player starts there) and shows the line; the API returns the same.
import type { Episode } from '../domain/episode.ts';
import { holdsEveryWord, type TranscriptMoment } from '../media-text/index.ts';
import type { MediaTextService } from './media-text.ts';

/** How much of a description is read to tell a text match from a transcript match. */
const DESCRIPTION_CHARS = 4_000;
/** How many episodes of a page are looked at for a moment: a site page's worth. */
const MAX_MOMENTS = 20;

/** The moments of the transcript hits among the first MAX_MOMENTS of `episodes` (a page of results), by id. */
export async function transcriptMoments(
  mediaText: MediaTextService | undefined,
  query: string,
  episodes: readonly Pick<Episode, 'id' | 'title' | 'description'>[],
): Promise<Map<number, TranscriptMoment>> {
  const moments = new Map<number, TranscriptMoment>();
  if (mediaText === undefined) return moments;
  const inTranscript = episodes
    .filter(
      (e) => !holdsEveryWord(`${e.title ?? ''} ${(e.description ?? '').slice(0, DESCRIPTION_CHARS)}`, query),
    )
    .slice(0, MAX_MOMENTS);
  if (inTranscript.length === 0) return moments;
  return mediaText.momentsFor(
    inTranscript.map((e) => e.id),
    query,
  );
}
