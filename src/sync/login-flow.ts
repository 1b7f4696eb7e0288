// Nextcloud Login Flow v2 (what AntennaPod's Nextcloud mode and Kasts use to pair through the browser).
//
//   start ──► pending ──(listener signs in on the web, grants)──► granted ──(client polls)──► consumed
//                 └──────────────(20 minutes pass)──────────────────► expired
//
// Polls answer 404 until granted, then 200 with the app password exactly once.
import { SyncError } from './errors.ts';

export const LOGIN_FLOW_TTL_MS = 20 * 60_000;

export type LoginFlowState =
  | { status: 'pending' }
  | { status: 'granted'; loginName: string; appPassword: string }
  | { status: 'consumed' };

export interface LoginFlow {
  /** Secret the client polls with. */
  pollToken: string;
  /** Secret in the browser URL the listener opens. */
  loginToken: string;
  createdAtMs: number;
  state: LoginFlowState;
}

export type PollAnswer =
  | { status: 'pending' }
  | { status: 'granted'; loginName: string; appPassword: string };

export function startLoginFlow(pollToken: string, loginToken: string, nowMs: number): LoginFlow {
  return { pollToken, loginToken, createdAtMs: nowMs, state: { status: 'pending' } };
}

export function isExpired(flow: LoginFlow, nowMs: number): boolean {
  return nowMs - flow.createdAtMs >= LOGIN_FLOW_TTL_MS;
}

/** The listener granted access in the browser. Only a pending, unexpired flow can be granted. */
export function grantLoginFlow(
  flow: LoginFlow,
  loginName: string,
  appPassword: string,
  nowMs: number,
): LoginFlow {
  if (isExpired(flow, nowMs) || flow.state.status !== 'pending') {
    throw new SyncError(
      'not-found',
      'this sign-in link has expired or was already used; start again in the app',
    );
  }
  return { ...flow, state: { status: 'granted', loginName, appPassword } };
}

/** The client's poll: pending until granted; the credentials are handed out once, then the flow is consumed. */
export function pollLoginFlow(flow: LoginFlow, nowMs: number): { answer: PollAnswer; next: LoginFlow } {
  if (isExpired(flow, nowMs) || flow.state.status === 'consumed') {
    throw new SyncError('not-found', 'unknown or expired login flow');
  }
  if (flow.state.status === 'pending') return { answer: { status: 'pending' }, next: flow };
  const { loginName, appPassword } = flow.state;
  return {
    answer: { status: 'granted', loginName, appPassword },
    next: { ...flow, state: { status: 'consumed' } },
  };
}

/** Keeps login flows for one server process (they live 20 minutes; a restart simply means "start again"). */
export class LoginFlowRegistry {
  readonly #byPoll = new Map<string, LoginFlow>();
  readonly #pollByLogin = new Map<string, string>();

  start(pollToken: string, loginToken: string, nowMs: number): LoginFlow {
    this.#sweep(nowMs);
    const flow = startLoginFlow(pollToken, loginToken, nowMs);
    this.#byPoll.set(pollToken, flow);
    this.#pollByLogin.set(loginToken, pollToken);
    return flow;
  }

  /** The flow a browser link names, if it is still pending. */
  pendingByLoginToken(loginToken: string, nowMs: number): LoginFlow | undefined {
    const poll = this.#pollByLogin.get(loginToken);
    const flow = poll === undefined ? undefined : this.#byPoll.get(poll);
    if (flow === undefined || isExpired(flow, nowMs) || flow.state.status !== 'pending') return undefined;
    return flow;
  }

  grant(loginToken: string, loginName: string, appPassword: string, nowMs: number): void {
    const poll = this.#pollByLogin.get(loginToken);
    const flow = poll === undefined ? undefined : this.#byPoll.get(poll);
    if (poll === undefined || flow === undefined) throw new SyncError('not-found', 'unknown sign-in link');
    this.#byPoll.set(poll, grantLoginFlow(flow, loginName, appPassword, nowMs));
  }

  poll(pollToken: string, nowMs: number): PollAnswer {
    const flow = this.#byPoll.get(pollToken);
    if (flow === undefined) throw new SyncError('not-found', 'unknown or expired login flow');
    const { answer, next } = pollLoginFlow(flow, nowMs);
    this.#byPoll.set(pollToken, next);
    return answer;
  }

  #sweep(nowMs: number): void {
    for (const [poll, flow] of this.#byPoll) {
      if (isExpired(flow, nowMs)) {
        this.#byPoll.delete(poll);
        this.#pollByLogin.delete(flow.loginToken);
      }
    }
  }
}
