// The typed word's expansion as PostgreSQL reads it: every word, whatever its characters, one lexeme of an OR, never
// query syntax (the words come from feeds' text). Against the real server (EARSHOT_TEST_DATABASE_URL), else skipped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { pgUrl, postgresSkip } from '../../../test/support/postgres.ts';
import { anyOf } from './pg-words.ts';

const skip = await postgresSkip();

test('each word of an expansion is one lexeme to PostgreSQL, quotes, backslashes and operators included', {
  ...(skip === undefined ? {} : { skip }),
}, async () => {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    const words = ["o'brien", 'back\\slash', 'a&b|!c', 'x:*', 'wörd', "''", '\\'];
    const { rows } = await client.query<{ hit: boolean; miss: boolean }>(
      `select array_to_tsvector(array['a&b|!c']) @@ $1::tsquery as hit,
        array_to_tsvector(array['a', 'b', 'c']) @@ $1::tsquery as miss`,
      [anyOf(words)],
    );
    const parsed = await client.query<{ q: string }>('select $1::tsquery::text as q', [anyOf(words)]);
    // PostgreSQL prints the query back as the same words, each quoted once, joined by OR.
    const back = parsed.rows[0]?.q ?? '';
    assert.deepEqual(back.split(' | ').length, words.length, back);
    assert.equal(rows[0]?.hit, true, 'a word with operator characters matches itself');
    assert.equal(rows[0]?.miss, false, 'and is not read as operators over its parts');
  } finally {
    await client.end();
  }
});
