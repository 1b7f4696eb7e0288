// When an episode counts as played: THE rule, used by the web player (src/client/player.ts) and by sync (plays that
// phones upload). Pure; no imports.

/** A play this close to the end finished the episode: its last 30 s, or its last tenth when that is shorter. */
export function endWindowSeconds(durationSeconds: number): number {
  return Math.min(30, durationSeconds * 0.1);
}

/** The position is within the end window of a known duration. */
export function isAtEnd(positionSeconds: number, durationSeconds: number): boolean {
  return durationSeconds > 0 && positionSeconds >= durationSeconds - endWindowSeconds(durationSeconds);
}

/**
 * The web player's rule: the playhead is in the end window and the listener got there by listening, with at least
 * 10 s (or the whole window, when shorter) of uninterrupted playback since the last seek. A jump to the last chapter
 * or a seek to the end is not listening; playing on from there is.
 */
export function finishedByListening(
  runStartSeconds: number,
  positionSeconds: number,
  durationSeconds: number,
): boolean {
  const needed = Math.min(10, endWindowSeconds(durationSeconds));
  return isAtEnd(positionSeconds, durationSeconds) && positionSeconds - runStartSeconds >= needed;
}
