// Field-by-field comparison bookkeeping for the peer-oracle tests: each upstream expectation becomes a check
// (compared) or a skip (with its reason); the test asserts on the checks and prints the tallies.

/** Reads a path out of parsed JSON; undefined when any step is missing. */
export function at(value: unknown, ...path: (string | number)[]): unknown {
  let cur = value;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[key]; // narrowed to a non-null object just above
  }
  return cur === null ? undefined : cur;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** Same instant? Both sides as ISO/RFC strings; undefined on either side is compared as-is. */
export function sameInstant(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Date.parse(a) === Date.parse(b);
}

export interface Mismatch {
  where: string;
  field: string;
  expected: unknown;
  actual: unknown;
}

export class Ledger {
  compared = 0;
  passed = 0;
  readonly mismatches: Mismatch[] = [];
  readonly skips = new Map<string, number>();

  /** Compare with deep equality (JSON form) unless `same` is given. */
  check(
    where: string,
    field: string,
    expected: unknown,
    actual: unknown,
    same?: (e: unknown, a: unknown) => boolean,
  ): void {
    this.compared++;
    const ok = same ? same(expected, actual) : JSON.stringify(expected) === JSON.stringify(actual);
    if (ok) this.passed++;
    else this.mismatches.push({ where, field, expected, actual });
  }

  skip(reason: string): void {
    this.skips.set(reason, (this.skips.get(reason) ?? 0) + 1);
  }

  summary(name: string): string {
    const skips = [...this.skips.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([r, n]) => `  skipped ${n}× — ${r}`)
      .join('\n');
    return `${name}: ${this.compared} field checks, ${this.passed} passed, ${this.mismatches.length} mismatched\n${skips}`;
  }

  /** Mismatches not excused by a known-failure key (`where field`); also returns excuses that no longer apply. */
  unexcused(known: ReadonlyMap<string, string>): { failures: string[]; stale: string[] } {
    const used = new Set<string>();
    const failures: string[] = [];
    for (const m of this.mismatches) {
      const key = `${m.where} ${m.field}`;
      if (known.has(key)) used.add(key);
      else failures.push(`${key}: expected ${JSON.stringify(m.expected)}, got ${JSON.stringify(m.actual)}`);
    }
    return { failures, stale: [...known.keys()].filter((k) => !used.has(k)) };
  }
}
