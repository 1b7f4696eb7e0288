// Slows password guessing without locking the real owner out (issue 12, finding 7). Two counters, kept in the
// database so that every web process sees the same ones:
//
// - per (address, name) pair: after `pairLimit` failures in `pairWindowMs`, that pair is refused (429) until its
//   window ends. The owner elsewhere (another address) is not affected, and a busy address (NAT, office) only
//   blocks the one name that keeps failing there.
// - per name, from every address: after `nameThreshold` failures in `nameWindowMs`, every password check for that
//   name waits first (`delayPerFailureMs` for each failure past the threshold, at most `maxDelayMs`). Nothing is
//   refused: a correct password still passes, only later.
//
// Callers check what costs no password hashing first (app passwords, a remembered credential) and call `attempt`
// only for the password check itself.
import { setTimeout as sleep } from 'node:timers/promises';
import type { SignInFailureRepository } from '../store/listener-ports.ts';

export interface SignInPolicy {
  /** Failures one address may make for one name in `pairWindowMs` before that pair is refused. */
  pairLimit: number;
  pairWindowMs: number;
  /** Failures for one name, from anywhere, in `nameWindowMs` before every check for it waits. */
  nameThreshold: number;
  nameWindowMs: number;
  delayPerFailureMs: number;
  maxDelayMs: number;
}

/** The web sign-in form: a person types, so few failures are expected. */
export const WEB_SIGN_IN: SignInPolicy = {
  pairLimit: 5,
  pairWindowMs: 10 * 60_000,
  nameThreshold: 10,
  nameWindowMs: 15 * 60_000,
  delayPerFailureMs: 200,
  maxDelayMs: 2_000,
};

/** HTTP Basic from sync apps (and the Login Flow v2 form): a phone with a stale password retries on its own. */
export const SYNC_SIGN_IN: SignInPolicy = { ...WEB_SIGN_IN, pairLimit: 20, pairWindowMs: 15 * 60_000 };

/** The pair is over its limit: answer 429 with Retry-After. */
export class SignInThrottled extends Error {
  override readonly name = 'SignInThrottled';
  readonly code = 'too-many-attempts';
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed sign-ins from this address for this name. Try again in ${retryAfterSeconds} s.`);
  }
}

export interface SignInGuardDeps {
  now: () => Date;
  /** Overrides the policy's `maxDelayMs` (EARSHOT_SIGN_IN_MAX_DELAY_MS); 0 turns the slow-down off. */
  maxDelayMs?: number;
  /** Waits (tests pass a recorder). */
  wait?: (ms: number) => Promise<void>;
}

/**
 * The key a name is counted under: case-folded and trimmed, as names compare. Without NUL, which PostgreSQL's text
 * refuses (a typed name may hold one; no account's name does).
 */
function nameKey(name: string): string {
  return name.normalize('NFC').replaceAll('\u0000', '').trim().toLowerCase().slice(0, 200);
}

export class SignInGuard {
  readonly #repo: SignInFailureRepository;
  readonly #policy: SignInPolicy;
  readonly #scope: string;
  readonly #now: () => Date;
  readonly #wait: (ms: number) => Promise<void>;

  /** `scope` keeps the pair counters of different doors (web form, Basic) apart; the name counter is shared. */
  constructor(repo: SignInFailureRepository, scope: string, policy: SignInPolicy, deps: SignInGuardDeps) {
    this.#repo = repo;
    this.#scope = scope;
    this.#policy = deps.maxDelayMs === undefined ? policy : { ...policy, maxDelayMs: deps.maxDelayMs };
    this.#now = deps.now;
    this.#wait = deps.wait ?? ((ms) => sleep(ms));
  }

  /**
   * Runs the password check `check` for `name` from `address` under the two counters: throws SignInThrottled when
   * the pair is over its limit, waits when the name is under attack, counts a failure (undefined) or clears the
   * pair's count on success.
   */
  async attempt<T>(
    address: string,
    name: string,
    check: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    const policy = this.#policy;
    const key = nameKey(name);
    // A space ends the address (an address never holds one); never NUL, which PostgreSQL's text refuses.
    const pair = `${this.#scope}:pair:${address} ${key}`;
    const byName = `name:${key}`;
    const now = this.#now();
    const counts = await this.#repo.counts([pair, byName], now);
    const pairCount = counts.get(pair);
    if (pairCount !== undefined && pairCount.count >= policy.pairLimit) {
      throw new SignInThrottled(Math.max(1, Math.ceil((pairCount.resetAt.getTime() - now.getTime()) / 1000)));
    }
    const over = (counts.get(byName)?.count ?? 0) - policy.nameThreshold;
    const delay = Math.min(policy.maxDelayMs, (over + 1) * policy.delayPerFailureMs);
    if (over >= 0 && delay > 0) await this.#wait(delay);
    const result = await check();
    if (result === undefined) {
      await this.#repo.fail(
        [
          { key: pair, windowMs: policy.pairWindowMs },
          { key: byName, windowMs: policy.nameWindowMs },
        ],
        this.#now(),
      );
    } else if (pairCount !== undefined) {
      await this.#repo.clear(pair);
    }
    return result;
  }
}
