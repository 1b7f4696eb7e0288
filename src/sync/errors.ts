// Typed failures of the sync protocol layer. Each carries a `code` a handler maps onto an HTTP answer.

export type SyncErrorCode =
  | 'bad-request' // the body or a parameter is malformed (400)
  | 'bad-credentials' // missing or wrong credentials (401)
  | 'user-mismatch' // the URL's user is not the authenticated one (400, as mygpo answers)
  | 'not-found' // an unknown login-flow token, device or resource (404)
  | 'too-large' // the body is over the size cap (413)
  | 'too-many-attempts' // too many failed sign-ins from one address for one name (429 with Retry-After)
  | 'busy'; // the server holds as many Login Flow v2 sign-ins as it keeps (503 with Retry-After)

export class SyncError extends Error {
  override readonly name = 'SyncError';
  /** For `too-many-attempts` and `busy`: when to try again. */
  readonly retryAfterSeconds?: number;
  constructor(code: SyncErrorCode, message: string, options?: { retryAfterSeconds?: number });
  constructor(
    readonly code: SyncErrorCode,
    message: string,
    options: { retryAfterSeconds?: number } = {},
  ) {
    super(message);
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
