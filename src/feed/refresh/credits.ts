// People a show or an episode credits in words, added to the feed's own `podcast:person` credits at ingest (the
// store then resolves every name to a person in the refresh's transaction): an episode's show notes ("with special
// guest …", "hosted by …"), a show's `itunes:author` and `itunes:owner`. The feed's own credit of a person wins.
import type { EpisodeContent } from '../../domain/episode.ts';
import { creditsFromAuthor, creditsInNotes, notesText, withExtraCredits } from '../../domain/note-credits.ts';
import type { ShowContent } from '../../domain/show.ts';

/** The episode with the people its show notes credit added to `persons`. */
export function withNoteCredits(episode: EpisodeContent): EpisodeContent {
  const notes = [episode.contentHtml, episode.description].filter((t): t is string => t !== undefined);
  if (notes.length === 0) return episode;
  const found = creditsInNotes(notes.map(notesText).join('\n'));
  const persons = withExtraCredits(episode.persons, found);
  return persons === undefined || persons.length === (episode.persons?.length ?? 0)
    ? episode
    : { ...episode, persons };
}

/** The show with the people its author and owner name added to `persons`. */
export function withBylineCredits(show: ShowContent): ShowContent {
  const persons = withExtraCredits(show.persons, creditsFromAuthor(show.author, show.owner?.name));
  return persons === undefined || persons.length === (show.persons?.length ?? 0)
    ? show
    : { ...show, persons };
}
