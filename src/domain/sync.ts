// What a listener's sync state is made of: devices, subscription changes and episode actions. Shared by the store
// (which keeps them, src/store/sync-ports.ts) and sync (which validates and serves them, src/sync/), so neither
// imports the other for its vocabulary.

export const DEVICE_TYPES = ['desktop', 'laptop', 'mobile', 'server', 'tablet', 'other'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

export type SubscriptionChangeKind = 'add' | 'remove';

/** One entry of a listener's subscription change log. */
export interface SubscriptionChange {
  url: string;
  kind: SubscriptionChangeKind;
  /** Server receive time, epoch ms: the `since` filter runs on this, never on a client clock. */
  receivedAtMs: number;
  device?: string;
}

export const EPISODE_ACTION_KINDS = ['download', 'play', 'delete', 'new', 'flattr'] as const;
export type EpisodeActionKind = (typeof EPISODE_ACTION_KINDS)[number];

/** An uploaded action after normalisation: the client's strings kept verbatim, times in epoch milliseconds. */
export interface EpisodeAction {
  podcast: string;
  episode: string;
  action: EpisodeActionKind;
  /** When the action happened by the client's clock (receive time when absent, never later than receive time). */
  timestampMs: number;
  device?: string;
  guid?: string;
  /** `started`, `position`, `total`: whole seconds, only on `play`, `started`/`total` only with `position`. */
  started?: number;
  position?: number;
  total?: number;
}
