// The store's one error type. Callers switch on `code`, never on messages.

export type StoreErrorCode =
  /** The row asked for does not exist. */
  | 'not-found'
  /** The change would break a uniqueness rule (e.g. moving a feed onto another feed's URL). */
  | 'conflict'
  /** The database could not be opened or reached. */
  | 'unavailable'
  /** The database was migrated by a newer Earshot than this one. */
  | 'schema-too-new'
  /** An argument the store cannot accept (e.g. a malformed paging cursor). */
  | 'invalid';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
