// Typed failures of the sync protocol layer. Each carries a `code` a handler maps onto an HTTP answer.

export type SyncErrorCode =
  | 'bad-request' // the body or a parameter is malformed (400)
  | 'bad-credentials' // missing or wrong credentials (401)
  | 'user-mismatch' // the URL's user is not the authenticated one (400, as mygpo answers)
  | 'not-found' // an unknown login-flow token, device or resource (404)
  | 'too-large'; // the body is over the size cap (413)

export class SyncError extends Error {
  override readonly name = 'SyncError';
  constructor(
    readonly code: SyncErrorCode,
    message: string,
  ) {
    super(message);
  }
}
