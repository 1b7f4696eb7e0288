// Transcript text (episode_transcripts, migration 0005) joins the search: an episode whose transcript matches is a hit.
import { type Kysely, sql } from 'kysely';
import type { Migration, SqlDialect } from './types.ts';

export const transcriptSearch: Migration = {
  name: '0006-transcript-search',
  async up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
    if (dialect === 'postgres') {
      await sql`create index episode_transcripts_fts on episode_transcripts using gin (to_tsvector('simple', text))`.execute(
        db,
      );
      return;
    }
    await sql`create virtual table episode_transcripts_fts using fts5(text, content='episode_transcripts',
      content_rowid='episode_id', tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')`.execute(db);
    await sql`create trigger episode_transcripts_fts_insert after insert on episode_transcripts begin
      insert into episode_transcripts_fts(rowid, text) values (new.episode_id, new.text); end`.execute(db);
    await sql`create trigger episode_transcripts_fts_delete after delete on episode_transcripts begin
      insert into episode_transcripts_fts(episode_transcripts_fts, rowid, text) values ('delete', old.episode_id, old.text); end`.execute(
      db,
    );
    await sql`create trigger episode_transcripts_fts_update after update on episode_transcripts begin
      insert into episode_transcripts_fts(episode_transcripts_fts, rowid, text) values ('delete', old.episode_id, old.text);
      insert into episode_transcripts_fts(rowid, text) values (new.episode_id, new.text); end`.execute(db);
    await sql`insert into episode_transcripts_fts(episode_transcripts_fts) values ('rebuild')`.execute(db);
  },
};
