// Paging episode-action downloads on server receive time without ever skipping an action.

export const ACTIONS_PAGE_SIZE = 1000;

export interface ActionWindowQuery {
  sinceMs: number;
  untilMs: number;
  /** At most this many rows; absent = all. */
  limit?: number;
}

/**
 * Reads one page of actions received in `since <= t < now` and the `timestamp` to answer. Rows must come back in
 * receive order with `receivedAtMs`. A page never ends inside a second (the next page starts at the returned
 * timestamp, inclusive), so a second holding more than a page of actions is returned whole rather than looping; a
 * complete answer returns floor(now) and the current second is sent again next time (duplicates are harmless to
 * clients, gaps are not).
 */
export async function readActionPage<T extends { receivedAtMs: number }>(
  read: (query: ActionWindowQuery) => Promise<T[]>,
  sinceSeconds: number,
  nowMs: number,
  pageSize = ACTIONS_PAGE_SIZE,
): Promise<{ rows: T[]; timestamp: number }> {
  const sinceMs = sinceSeconds * 1000;
  const nowSeconds = Math.floor(nowMs / 1000);
  const first = await read({ sinceMs, untilMs: nowMs, limit: pageSize + 1 });
  if (first.length <= pageSize) return { rows: first, timestamp: nowSeconds };
  const last = first[pageSize - 1];
  const lastSecond = Math.floor((last?.receivedAtMs ?? nowMs) / 1000);
  if (lastSecond >= nowSeconds)
    return { rows: await read({ sinceMs, untilMs: nowMs }), timestamp: nowSeconds };
  const untilMs = (lastSecond + 1) * 1000;
  return { rows: await read({ sinceMs, untilMs }), timestamp: lastSecond + 1 };
}
