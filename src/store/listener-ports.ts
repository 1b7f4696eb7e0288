// Listener data: accounts, sessions, follows, progress, queue. Same conventions as ports.ts: ISO timestamps out,
// `Date`s in, absent stays absent, failures are StoreErrors with a code. Every method is scoped to one user id; no
// method can read or change another user's rows.

export interface User {
  id: number;
  name: string;
  isAdmin: boolean;
  createdAt: string;
  /** Set while an admin has disabled the account: it cannot sign in on the web or sync. */
  disabledAt?: string;
  /** The last web sign-in, when there was one since this was recorded. */
  lastSeenAt?: string;
}

export interface UserRepository {
  /**
   * Creates an account with a password hash (made and checked by src/services/passwords.ts; the store never sees a
   * password). The first account ever created is the admin whatever `isAdmin` says. Throws `conflict` when the name is taken (names compare case-insensitively) or looks like a
   * name that is (`userNameSkeleton`); the error's message says which, in words for the person choosing it. The
   * name rule itself (`checkNewUserName`) is the caller's.
   */
  create(input: { name: string; passwordHash: string; isAdmin?: boolean }, now: Date): Promise<User>;
  get(id: number): Promise<User | undefined>;
  findByName(name: string): Promise<User | undefined>;
  count(): Promise<number>;
  /**
   * The account under this name (disabled ones too) with its stored password hash and its current `authEpoch`, read
   * in one statement; undefined for an unknown name.
   */
  credentials(name: string): Promise<(User & { passwordHash: string; authEpoch: number }) | undefined>;
  /**
   * Sets a new password hash and, in the same transaction, ends every session derived from the old password: as
   * `endSessions` does, keeping only the web session `keepSession` (the one the listener changed it from).
   */
  setPasswordHash(
    userId: number,
    passwordHash: string,
    now: Date,
    options?: { keepSession?: string },
  ): Promise<void>;
  /**
   * Signs the listener out everywhere, in one transaction: every web session (except `keepSession`), every sync
   * session, every app password (revoked), every Login Flow v2 the listener granted but the app has not collected;
   * and bumps `authEpoch`, so that any process that remembers a verified credential forgets it.
   */
  endSessions(userId: number, now: Date, options?: { keepSession?: string }): Promise<void>;
  /** Changes whenever `setPasswordHash` or `endSessions` ran; undefined for an unknown user. */
  authEpoch(userId: number): Promise<number | undefined>;
  /** Every account, by name (case-insensitive), for the admins' users page. */
  list(): Promise<User[]>;
  /**
   * Disables an account (its web and sync sessions end in the same transaction) or enables it again. Throws
   * `conflict` when disabling would leave no enabled admin, `not-found` for an unknown user.
   */
  setDisabled(userId: number, disabled: boolean, now: Date): Promise<User>;
  /** Makes an account admin or not. Throws `conflict` when it would leave no enabled admin, `not-found` if unknown. */
  setAdmin(userId: number, isAdmin: boolean, now: Date): Promise<User>;
  /**
   * Runs `fn` holding the listener's change lock: two holders for one listener never overlap, in this process or in
   * any other on the same database (several web processes of a cluster), so a count and the change it allows (the
   * listener quota's) cannot interleave with another change of the same listener. PostgreSQL: a transaction-scoped
   * advisory lock, on a connection held while `fn` runs (`fn` itself uses the store as usual); SQLite, where one
   * process serves, a lock in this store. Returns what `fn` returns; the lock is let go when `fn` settles.
   */
  exclusive<T>(userId: number, fn: () => Promise<T>): Promise<T>;
}

export interface Session {
  userId: number;
  createdAt: string;
  expiresAt: string;
}

export interface SessionRepository {
  /** A new session; returns the secret token (only its hash is stored). */
  create(userId: number, now: Date, ttlSeconds: number): Promise<string>;
  /** The session's user, when the token is known, not expired, and the account not disabled. */
  get(token: string, now: Date): Promise<{ session: Session; user: User } | undefined>;
  delete(token: string): Promise<void>;
  /** Signs the user out everywhere (after a password change), except the session `keep` when given. */
  deleteForUser(userId: number, keep?: string): Promise<void>;
}

/** Failed sign-ins counted per key (an address and name pair, a name) in a fixed window, shared by every process. */
export interface SignInFailureRepository {
  /** The failures counted under each key whose window has not ended at `now` (keys without any are left out). */
  counts(keys: readonly string[], now: Date): Promise<Map<string, { count: number; resetAt: Date }>>;
  /** Counts one failure under each key; a key whose window ended starts a new one of `windowMs`. */
  fail(keys: readonly { key: string; windowMs: number }[], now: Date): Promise<void>;
  /** Forgets a key's failures (after a success). */
  clear(key: string): Promise<void>;
}

export interface SettingRepository {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, now: Date): Promise<void>;
}

export interface Progress {
  episodeId: number;
  positionSeconds: number;
  played: boolean;
  updatedAt: string;
  /** Set when the episode was last marked played. */
  playedAt?: string;
}

export interface QueueEntry {
  episodeId: number;
  position: number;
  addedAt: string;
}

/** Follows are kept per feed (a listener can follow a feed before its first fetch made a show). */
export interface Follow {
  feedId: number;
  followedAt: string;
}

/** One show's listening signals for popularity, as raw events (the formula lives in the domain). */
export interface ListeningSignal {
  showId: number;
  kind: 'listen' | 'complete' | 'follow';
  /** Seconds listened for `listen`; 1 for the others. */
  amount: number;
  at: string;
}

export interface LibraryRepository {
  /** Idempotent. */
  follow(userId: number, feedId: number, at: Date): Promise<void>;
  unfollow(userId: number, feedId: number): Promise<void>;
  isFollowing(userId: number, feedId: number): Promise<boolean>;
  /** Newest follow first. */
  following(userId: number): Promise<Follow[]>;

  /**
   * Saves a listening position as of `at`. A save older than the stored state is ignored (phones sync late), and
   * the stored state is returned. `listenedSeconds` (0–120, time actually played since the last save) feeds
   * popularity. Keeps `played` as it was.
   */
  savePosition(
    userId: number,
    episodeId: number,
    positionSeconds: number,
    at: Date,
    listenedSeconds?: number,
  ): Promise<Progress>;
  /** Marks played (position kept) or unplayed (position reset to 0) as of `at`; older than stored: ignored. */
  setPlayed(userId: number, episodeId: number, played: boolean, at: Date): Promise<Progress>;
  progress(userId: number, episodeId: number): Promise<Progress | undefined>;
  /** Progress rows for these episodes (absent ones are left out). */
  progressFor(userId: number, episodeIds: readonly number[]): Promise<Map<number, Progress>>;
  /** Started, not played; most recent first. */
  inProgress(userId: number, limit: number): Promise<Progress[]>;
  played(userId: number, limit: number): Promise<Progress[]>;
  /** Everything touched, most recent first. */
  history(userId: number, limit: number): Promise<Progress[]>;

  queue(userId: number): Promise<QueueEntry[]>;
  /** Adds at the end (or at the front with `next`); an episode already queued is moved. */
  enqueue(userId: number, episodeId: number, now: Date, options?: { next?: boolean }): Promise<void>;
  dequeue(userId: number, episodeId: number): Promise<void>;
  /** Moves a queued episode to index `to` (clamped). Throws `not-found` when it is not queued. */
  moveInQueue(userId: number, episodeId: number, to: number): Promise<void>;

  /** Listening, completions and follows since `since`, for every user, for the popularity ranking. */
  signals(since: Date): Promise<ListeningSignal[]>;
}

export interface ListenerStore {
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly settings: SettingRepository;
  readonly library: LibraryRepository;
  readonly signInFailures: SignInFailureRepository;
}
