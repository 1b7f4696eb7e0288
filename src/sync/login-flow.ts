// Nextcloud Login Flow v2 (what AntennaPod's Nextcloud mode and Kasts use to pair through the browser).
//
//   start ──► pending ──(listener signs in with the ACCOUNT password, grants)──► granted ──(client polls)──► gone
//                 └──────────────(20 minutes pass)────────────────────────────────► expired
//
// Polls answer 404 until granted, then 200 with a new app password exactly once. Flows live in the database
// (`SyncRepository`'s login-flow methods), so that any web process can answer the poll; only hashes of the poll and
// login tokens are stored, and the app password is made when the client collects it, so no secret sits in a row.
// Flows are bounded: at most LOGIN_FLOW_LIMITS.total unexpired ones, LOGIN_FLOW_LIMITS.perAddress per address.

export const LOGIN_FLOW_TTL_MS = 20 * 60_000;

export const LOGIN_FLOW_LIMITS = {
  /** Unexpired flows in all; past it, starting one answers 503 until some expire or finish. */
  total: 10_000,
  /** Unexpired flows one address may hold; past it, 429. */
  perAddress: 20,
} as const;

export type PollAnswer =
  | { status: 'pending' }
  | { status: 'granted'; loginName: string; appPassword: string };
