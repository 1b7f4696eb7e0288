// The media-text cache over Kysely, for SQLite and PostgreSQL alike. Tables from migration 0005-media-text.
import type { Kysely } from 'kysely';
import type {
  EpisodeTranscriptText,
  MediaTextCacheEntry,
  MediaTextKind,
  MediaTextRepository,
} from '../media-text-ports.ts';
import type { SqlDialect } from '../migrations/index.ts';
import type { Database } from './schema.ts';

/** The media-text cache over the store's database handle (or one of its transactions). */
export function createMediaTextRepository(db: Kysely<Database>, _dialect: SqlDialect): MediaTextRepository {
  return new SqlMediaTextRepository(db);
}

class SqlMediaTextRepository implements MediaTextRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(kind: MediaTextKind, url: string): Promise<MediaTextCacheEntry | undefined> {
    const row = await this.db
      .selectFrom('media_text_cache')
      .selectAll()
      .where('kind', '=', kind)
      .where('url', '=', url)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      kind,
      url: row.url,
      fetchedAt: row.fetched_at,
      expiresAt: row.expires_at,
      ...(row.etag === null ? {} : { etag: row.etag }),
      ...(row.last_modified === null ? {} : { lastModified: row.last_modified }),
      ...(row.payload === null ? {} : { payload: row.payload }),
      ...(row.error_code === null ? {} : { errorCode: row.error_code }),
    };
  }

  async put(entry: MediaTextCacheEntry): Promise<void> {
    const values = {
      fetched_at: entry.fetchedAt,
      expires_at: entry.expiresAt,
      etag: entry.etag ?? null,
      last_modified: entry.lastModified ?? null,
      payload: entry.payload ?? null,
      error_code: entry.errorCode ?? null,
    };
    await this.db
      .insertInto('media_text_cache')
      .values({ kind: entry.kind, url: entry.url, ...values })
      .onConflict((oc) => oc.columns(['kind', 'url']).doUpdateSet(values))
      .execute();
  }

  async putEpisodeText(entry: EpisodeTranscriptText): Promise<boolean> {
    const exists = await this.db
      .selectFrom('episodes')
      .select('id')
      .where('id', '=', entry.episodeId)
      .executeTakeFirst();
    if (exists === undefined) return false;
    const values = {
      url: entry.url,
      language: entry.language ?? null,
      text: entry.text,
      cues: entry.cues ?? null,
      updated_at: entry.updatedAt,
    };
    await this.db
      .insertInto('episode_transcripts')
      .values({ episode_id: entry.episodeId, ...values })
      .onConflict((oc) => oc.column('episode_id').doUpdateSet(values))
      .execute();
    return true;
  }

  async getEpisodeText(episodeId: number): Promise<EpisodeTranscriptText | undefined> {
    const [row] = await this.getEpisodeTexts([episodeId]);
    return row;
  }

  async getEpisodeTexts(episodeIds: readonly number[]): Promise<EpisodeTranscriptText[]> {
    if (episodeIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('episode_transcripts')
      .select(['episode_id', 'url', 'language', 'text', 'cues', 'updated_at'])
      .where('episode_id', 'in', [...new Set(episodeIds)])
      .execute();
    return rows.map((row) => ({
      episodeId: row.episode_id,
      url: row.url,
      ...(row.language === null ? {} : { language: row.language }),
      text: row.text,
      ...(row.cues === null ? {} : { cues: row.cues }),
      updatedAt: row.updated_at,
    }));
  }
}
