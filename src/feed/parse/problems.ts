// The per-feed problem list. A broken feed can repeat the same fault thousands of times (one per item): each code
// keeps its first PER_CODE reports and then one closing line saying how many more there were.
import type { FeedProblem, ProblemCode } from './types.ts';

const PER_CODE = 50;

export class ProblemLog {
  private readonly list: FeedProblem[] = [];
  private readonly counts = new Map<ProblemCode, number>();
  private readonly onceKeys = new Set<string>();

  add(code: ProblemCode, message: string, episode?: string): void {
    const seen = this.counts.get(code) ?? 0;
    this.counts.set(code, seen + 1);
    if (seen >= PER_CODE) return;
    this.list.push(episode === undefined ? { code, message } : { code, message, episode });
  }

  /** Reports once per feed for a given key (e.g. one `undefined-entity` per entity name). */
  once(key: string, code: ProblemCode, message: string): void {
    if (this.onceKeys.has(key)) return;
    this.onceKeys.add(key);
    this.add(code, message);
  }

  has(code: ProblemCode): boolean {
    return this.counts.has(code);
  }

  /** The problems in the order found, with a summary line for every code that overflowed. */
  finish(): FeedProblem[] {
    const out = this.list.slice();
    for (const [code, n] of this.counts) {
      if (n > PER_CODE) out.push({ code, message: `… and ${n - PER_CODE} more problems like this` });
    }
    return out;
  }
}
