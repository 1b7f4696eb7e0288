// An uploaded episode action is stored once: a client that retries a timed-out upload (its first attempt was
// committed after all) must not leave the action twice in the log. Same listener, device, episode, action, client
// timestamp and position = the same action. Existing duplicates are removed first, keeping the earliest received.
// The web player's coalesced actions (web_key set) have their own unique key and are left out.
import { type Kysely, sql } from 'kysely';
import type { Migration } from './types.ts';

/**
 * The identity of a client action. NULLs are distinct in unique indexes on both databases, so the two nullable
 * parts are COALESCEd to values a column never holds (positions are whole seconds ≥ 0, device ids are non-empty).
 * `SqlSyncRepository.appendActions` relies on this index (ON CONFLICT DO NOTHING).
 */
const ACTION_IDENTITY = sql.raw(
  `user_id, coalesce(device_id, ''), episode, action, timestamp_ms, coalesce(position, -1)`,
);

export const idempotentActions: Migration = {
  name: '0012-idempotent-actions',
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`delete from sync_episode_actions where id in (
      select id from (
        select id, row_number() over (partition by ${ACTION_IDENTITY} order by received_ms, id) as n
        from sync_episode_actions where web_key is null
      ) ranked where n > 1
    )`.execute(db);
    await sql`create unique index sync_episode_actions_once
      on sync_episode_actions (${ACTION_IDENTITY}) where web_key is null`.execute(db);
  },
};
