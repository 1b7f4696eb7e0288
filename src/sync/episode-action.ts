// Episode actions: validation and normalisation of what clients upload, and the strict form we emit.
//
// Policy for bad items (see README.md): a body that is not a JSON array is a 400; within an array each bad item
// is skipped and reported back by index (`rejected`), the good ones are stored. One malformed action never blocks
// the others, and a client whose retry loop resends the same batch cannot get stuck on it.
import { z } from 'zod';
import { EPISODE_ACTION_KINDS, type EpisodeAction, type EpisodeActionKind } from '../domain/sync.ts';
import { DEVICE_ID_PATTERN } from './device.ts';
import { SyncError } from './errors.ts';
import { formatActionTimestamp, parseActionTimestamp } from './timestamp.ts';

/** The wire form every client parses: see protocols.md §1.4 (mygpoclient is the strictest). */
export interface EpisodeActionJson {
  podcast: string;
  episode: string;
  action: EpisodeActionKind;
  timestamp: string;
  guid?: string;
  device?: string;
  started?: number;
  position?: number;
  total?: number;
}

export interface RejectedAction {
  index: number;
  message: string;
}

export interface ActionBatch {
  accepted: EpisodeAction[];
  rejected: RejectedAction[];
}

/** Largest batch one request may carry; AntennaPod sends 30, gPodder everything queued. */
export const MAX_ACTIONS_PER_REQUEST = 5000;
const MAX_URL_LENGTH = 4096;

// Numbers arrive as numbers, digit strings, -1 for "absent" (Nextcloud clients) or null.
const seconds = z
  .union([
    z.number(),
    z
      .string()
      .regex(/^\s*-?\d+(\.\d+)?\s*$/, 'not a number')
      .transform(Number),
    z.null(),
  ])
  .optional()
  .refine((n) => n === undefined || n === null || Number.isFinite(n), 'not a finite number');

const actionSchema = z.object({
  podcast: z.string('must be a string').trim().min(1, 'must not be empty').max(MAX_URL_LENGTH, 'too long'),
  episode: z.string('must be a string').trim().min(1, 'must not be empty').max(MAX_URL_LENGTH, 'too long'),
  action: z
    .string('must be a string')
    .transform((s) => s.trim().toLowerCase())
    .pipe(z.enum(EPISODE_ACTION_KINDS, `must be one of ${EPISODE_ACTION_KINDS.join(', ')}`)),
  timestamp: z.union([z.string(), z.number(), z.null()]).optional(),
  device: z
    .union([z.string().trim().regex(DEVICE_ID_PATTERN, 'not a device id ([A-Za-z0-9_.-]+)'), z.null()])
    .optional(),
  guid: z.union([z.string().max(MAX_URL_LENGTH, 'too long'), z.null()]).optional(),
  started: seconds,
  position: seconds,
  total: seconds,
});

function wholeSeconds(n: number | null | undefined): number | undefined {
  return n === undefined || n === null || n < 0 ? undefined : Math.round(n);
}

/** Validates and normalises one uploaded action; throws SyncError('bad-request') naming the bad field. */
export function normaliseEpisodeAction(raw: unknown, receivedAtMs: number): EpisodeAction {
  const parsed = actionSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? 'action' : issue.path.join('.');
    throw new SyncError('bad-request', `${where}: ${issue?.message ?? 'invalid'}`);
  }
  const a = parsed.data;
  let timestampMs = receivedAtMs;
  if (a.timestamp !== undefined && a.timestamp !== null && a.timestamp !== '') {
    const t = parseActionTimestamp(a.timestamp);
    if (t === undefined)
      throw new SyncError('bad-request', `timestamp: not a timestamp (${JSON.stringify(a.timestamp)})`);
    // A clock ahead of ours must not make an action "newer" than everything that follows it.
    timestampMs = Math.min(t, receivedAtMs);
  }
  const out: EpisodeAction = { podcast: a.podcast, episode: a.episode, action: a.action, timestampMs };
  if (a.device !== undefined && a.device !== null) out.device = a.device;
  if (a.guid !== undefined && a.guid !== null && a.guid.trim() !== '') out.guid = a.guid;
  if (a.action === 'play') {
    const position = wholeSeconds(a.position);
    if (position !== undefined) {
      out.position = position;
      const started = wholeSeconds(a.started);
      const total = wholeSeconds(a.total);
      if (started !== undefined) out.started = started;
      if (total !== undefined) out.total = total;
    }
  }
  return out;
}

/**
 * Splits an uploaded body into accepted and rejected actions. Throws SyncError('bad-request') only when the body
 * as a whole is unusable (not an array, or more than MAX_ACTIONS_PER_REQUEST items).
 */
export function normaliseEpisodeActionBatch(body: unknown, receivedAtMs: number): ActionBatch {
  if (!Array.isArray(body))
    throw new SyncError('bad-request', 'the body must be a JSON array of episode actions');
  if (body.length > MAX_ACTIONS_PER_REQUEST) {
    throw new SyncError(
      'bad-request',
      `at most ${MAX_ACTIONS_PER_REQUEST} actions per request (got ${body.length})`,
    );
  }
  const accepted: EpisodeAction[] = [];
  const rejected: RejectedAction[] = [];
  body.forEach((raw: unknown, index) => {
    try {
      accepted.push(normaliseEpisodeAction(raw, receivedAtMs));
    } catch (error) {
      if (!(error instanceof SyncError)) throw error;
      rejected.push({ index, message: `actions[${index}].${error.message}` });
    }
  });
  return { accepted, rejected };
}

/** The strict wire form: lowercase action, UTC seconds, play fields only on play, nothing negative. */
export function toEpisodeActionJson(a: EpisodeAction): EpisodeActionJson {
  const out: EpisodeActionJson = {
    podcast: a.podcast,
    episode: a.episode,
    action: a.action,
    timestamp: formatActionTimestamp(a.timestampMs),
  };
  if (a.guid !== undefined) out.guid = a.guid;
  if (a.device !== undefined) out.device = a.device;
  const position = wholeSeconds(a.position);
  if (a.action === 'play' && position !== undefined) {
    out.position = position;
    const started = wholeSeconds(a.started);
    const total = wholeSeconds(a.total);
    if (started !== undefined) out.started = started;
    if (total !== undefined) out.total = total;
  }
  return out;
}

/** Latest action per (podcast, episode), by client time then by order: `aggregated=true`. */
export function aggregateLatest<T extends Pick<EpisodeAction, 'podcast' | 'episode' | 'timestampMs'>>(
  actions: readonly T[],
): T[] {
  const latest = new Map<string, { item: T; order: number }>();
  actions.forEach((item, order) => {
    const key = `${item.podcast}\u0000${item.episode}`;
    const seen = latest.get(key);
    if (seen === undefined || item.timestampMs >= seen.item.timestampMs) latest.set(key, { item, order });
  });
  return [...latest.values()].sort((a, b) => a.order - b.order).map((v) => v.item);
}
