// What a long parse awaits between two slices of its input, so that a server answers other requests meanwhile.

/** Resolves once the event loop has served what was waiting (I/O included). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
