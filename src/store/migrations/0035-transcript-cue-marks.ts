// A search hit found in a transcript is listed with its moment: the cue where the words are said, its time and its
// line. Each hit read the episode's transcript row, then the cached parsed file (the whole cue list as JSON, parsed
// again on every search), then split every cue into words up to the match: ~7 ms of CPU per search for a word said
// in transcripts on the bench:web catalogue of 100,000 episodes, against ~1 ms for the rest of the search. The row
// now carries its cues' marks beside the text (`cues`: each cue's offset in the text, start second and speaker, as
// src/media-text/moment.ts encodes them), so the page's hits are answered from one read of their rows.
//
// Written with the text by the media-text service from now on; filled here from each row's cached parse when that
// parse still gives the row's text (the same fetch wrote both). A row whose cached parse is gone or newer keeps no
// marks and is answered as before, from the cache, until its transcript is fetched again. The bench:web catalogue
// of 100,000 episodes (10,190 transcripts) is filled in 2.7 s on SQLite and 4.7 s on PostgreSQL, on a busy machine.
//
// SQLite's update trigger on the table (0006) re-indexed the text on any update: it now watches the text only, so
// writing the marks (here, and by the service) never rewrites the search index.
import { type Kysely, sql } from 'kysely';
import {
  cueMarks,
  encodeCueMarks,
  type ParsedTranscript,
  transcriptPlainText,
} from '../../media-text/index.ts';
import type { Migration } from './types.ts';

/** Rows filled per statement of the backfill (each reads a cached parse of a few to a few hundred kB). */
const BATCH = 200;

export const transcriptCueMarks: Migration = {
  name: '0035-transcript-cue-marks',
  async up(db: Kysely<unknown>, dialect): Promise<void> {
    await db.schema.alterTable('episode_transcripts').addColumn('cues', 'text').execute();
    if (dialect === 'sqlite') {
      await sql`drop trigger episode_transcripts_fts_update`.execute(db);
      await sql`create trigger episode_transcripts_fts_update after update of text on episode_transcripts begin
        insert into episode_transcripts_fts(episode_transcripts_fts, rowid, text) values ('delete', old.episode_id, old.text);
        insert into episode_transcripts_fts(rowid, text) values (new.episode_id, new.text); end`.execute(db);
    }
    let after = 0;
    for (;;) {
      const { rows } = await sql<{ episode_id: number; text: string; payload: string | null }>`
        select t.episode_id, t.text, c.payload from episode_transcripts t
        left join media_text_cache c on c.kind = 'transcript' and c.url = t.url
        where t.episode_id > ${after} order by t.episode_id limit ${BATCH}`.execute(db);
      const lastRow = rows.at(-1);
      if (lastRow === undefined) break;
      after = Number(lastRow.episode_id);
      const marked = rows.flatMap((row) => {
        const cues = marksFor(row.text, row.payload);
        return cues === undefined ? [] : [sql`(cast(${row.episode_id} as integer), ${cues})`];
      });
      // One statement per batch (a VALUES list's columns are column1, column2 in both databases).
      if (marked.length > 0)
        await sql`update episode_transcripts set cues = v.column2 from (values ${sql.join(marked)}) as v
          where episode_transcripts.episode_id = v.column1`.execute(db);
    }
  },
};

/** The encoded marks of the cached parse `payload` when it is the one `text` was made from. */
function marksFor(text: string, payload: string | null): string | undefined {
  if (payload === null) return undefined;
  let parsed: Pick<ParsedTranscript, 'timed' | 'cues'>;
  try {
    // Written by the media-text service: a ParsedTranscript as JSON.
    parsed = JSON.parse(payload) as ParsedTranscript;
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed.cues) || transcriptPlainText(parsed.cues) !== text) return undefined;
  return encodeCueMarks(cueMarks(parsed));
}
