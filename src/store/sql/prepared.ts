// Queries a page runs on every request, compiled to SQL once. Building and compiling a Kysely query costs more CPU
// than SQLite takes to answer a primary-key lookup (issue 13: ~0.05–0.1 ms a query, several per page); a `Prepared`
// compiles its query on first use, then each call only binds new parameters. Its SQL carries PREPARED_MARK: SQLite's
// statement cache finds the same text, and PostgreSQL runs it as a named statement (see connect.ts). `build` is
// called once, with markers in place of the arguments, to learn where each argument lands among the query's
// parameters: it must use each argument as given (never `limit + 1`: pass the computed value as an argument) — a
// value derived from a marker is caught and throws.
import { type Compilable, CompiledQuery } from 'kysely';
import { PREPARED_MARK } from './connect.ts';

type Arg = string | number;

/** Number markers: far below any id, limit or position, spaced so that a derived value is recognised. */
const NUMBER_MARK = -7_301_946_185_000_000;
const SPACING = 1_000_000;

type Slot = { arg: number } | { value: unknown };

export class Prepared<A extends readonly Arg[], R> {
  #compiled: { sql: string; slots: Slot[] } | undefined;

  constructor(private readonly build: (...args: A) => Compilable<R>) {}

  /** The compiled query with these arguments bound. */
  bind(...args: A): CompiledQuery<R> {
    this.#compiled ??= this.#compile(args);
    const compiled = this.#compiled;
    const parameters = compiled.slots.map((s) => ('arg' in s ? args[s.arg] : s.value));
    // CompiledQuery.raw is untyped; the SQL is `build`'s, whose rows are R.
    return CompiledQuery.raw(compiled.sql, parameters) as CompiledQuery<R>;
  }

  #compile(args: A): { sql: string; slots: Slot[] } {
    const markers = args.map((a, i) =>
      typeof a === 'number' ? NUMBER_MARK - i * SPACING : `\u0000prepared-${i}\u0000`,
    );
    // Same arity and element kinds as A, position by position.
    const query = this.build(...(markers as unknown as A)).compile();
    const slots = query.parameters.map((p): Slot => {
      const i = markers.indexOf(p as Arg);
      if (i >= 0) return { arg: i };
      if (
        (typeof p === 'number' && Math.abs(p - NUMBER_MARK) < SPACING * (args.length + 1)) ||
        (typeof p === 'string' && p.includes('\u0000prepared-'))
      ) {
        throw new Error(`a prepared query used a value derived from argument markers: ${query.sql}`);
      }
      return { value: p };
    });
    for (let i = 0; i < args.length; i++) {
      if (!slots.some((s) => 'arg' in s && s.arg === i))
        throw new Error(`a prepared query does not use its argument ${i}: ${query.sql}`);
    }
    return { sql: `${PREPARED_MARK}${query.sql}`, slots };
  }
}
