// PostgreSQL full-text queries for the words of a search, the last one being typed (a prefix). With other words
// beside it, the prefix is looked up in the word list of migration 0039 and searched as the words it begins
// (`'dog' & 'journalist' & ('music' | 'musical')`): the GIN index then walks from the rarest word instead of first
// reading every posting of every word the prefix covers (a partial match: 63 ms against 5 ms for one title stage at
// 1,000,000 episodes). A prefix alone, or one beginning more than MAX_EXPANSION words, or none, stays a `:*` prefix:
// alone, PostgreSQL reads it newest first and stops at the LIMIT; very short prefixes are not worth the list.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from './schema.ts';

/** The most words a prefix is searched as; past it, a `:*` prefix. */
export const MAX_EXPANSION = 200;

/** The words of the vocabulary a typed word begins, or undefined when it is searched as a `:*` prefix instead. */
export async function prefixWords(db: Kysely<Database>, prefix: string): Promise<string[] | undefined> {
  // Letters and digits only (the callers' terms), so nothing in the pattern is LIKE syntax. lower() as to_tsvector
  // lowers the words it lists.
  const { rows } = await sql<{ word: string }>`select distinct word from search_words
    where word like lower(${prefix}) || '%' limit ${MAX_EXPANSION + 1}`.execute(db);
  if (rows.length === 0 || rows.length > MAX_EXPANSION) return undefined;
  return rows.map((r) => r.word);
}

/**
 * The tsquery for every term (the last a prefix when `prefix`): the last as the `expansion`'s words when given (and
 * other terms stand beside it), else as `:*`. Terms are letters and digits, so nothing in them is query syntax.
 */
export function pgTsquery(
  terms: readonly string[],
  prefix: boolean,
  expansion: readonly string[] | undefined,
): RawBuilder<unknown> {
  const whole = terms.slice(0, -1);
  if (prefix && expansion !== undefined && whole.length > 0)
    return sql`(to_tsquery('simple', ${whole.join(' & ')}) && ${anyOf(expansion)}::tsquery)`;
  return sql`to_tsquery('simple', ${terms.map((t, i) => (prefix && i === terms.length - 1 ? `${t}:*` : t)).join(' & ')})`;
}

/**
 * tsquery text matching any of `words`, each a quoted lexeme taken as written (they are the index's own, read from
 * stored text: a quote is doubled, a backslash escaped, so no word is query syntax).
 */
export function anyOf(words: readonly string[]): string {
  return `(${words.map((w) => `'${w.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`).join(' | ')})`;
}
