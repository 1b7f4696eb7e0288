// A stand-in for the event loop's turns (src/markup/next-turn.ts) in tests: a clock that moves `msPerReading` at each
// reading, and a pause that only counts.
import type { Turns } from '../../src/markup/next-turn.ts';

export function countedTurns(msPerReading: number): { turns: Turns; pauses: () => number } {
  let pauses = 0;
  let now = 0;
  return {
    turns: {
      pause: async () => {
        pauses++;
      },
      clock: () => {
        now += msPerReading;
        return now;
      },
    },
    pauses: () => pauses,
  };
}
