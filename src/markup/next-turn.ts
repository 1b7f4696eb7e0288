// Long parses on a server's event loop: the input is handed to the parser in small pieces, and whenever the parse has
// held the event loop for MARKUP_TURN_MS the parse waits for the next turn, so that other requests are served.
import { MARKUP_PIECE_CHARS, MARKUP_TURN_MS } from '../domain/limits.ts';

/** Resolves once the event loop has served what was waiting (I/O included). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** How a parse lets other work run: `pause` between two turns, `clock` (ms) to measure a turn. */
export interface Turns {
  pause: () => Promise<void>;
  clock: () => number;
}

/** The event loop's own turns, timed with performance.now(). */
export const EVENT_LOOP_TURNS: Turns = { pause: nextTurn, clock: () => performance.now() };

/**
 * Hands `text` to `write` in pieces, pausing between turns. `afterPause` runs after each pause with the
 * milliseconds since the start (a caller's time budget throws from there).
 */
export async function writeInTurns(
  text: string,
  write: (piece: string) => void,
  turns: Turns,
  afterPause?: (elapsedMs: number) => void,
): Promise<void> {
  const started = turns.clock();
  let turnStarted = started;
  for (let at = 0; at < text.length; at += MARKUP_PIECE_CHARS) {
    if (turns.clock() - turnStarted >= MARKUP_TURN_MS) {
      await turns.pause();
      turnStarted = turns.clock();
      afterPause?.(turnStarted - started);
    }
    write(text.slice(at, at + MARKUP_PIECE_CHARS));
  }
}
