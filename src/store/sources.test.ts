// The sources repository against SQLite always, and PostgreSQL when EARSHOT_TEST_DATABASE_URL answers.
import { postgresSkip } from '../../test/support/postgres.ts';
import { sourcesContract } from '../../test/support/store-contract-sources.ts';

// Asked before any test is declared: a test declared after a top-level await can run after this file's hooks.
const skip = await postgresSkip();

sourcesContract('sqlite');
sourcesContract('postgres', skip === undefined ? {} : { skip });
