// The sources repository against SQLite always, and PostgreSQL when EARSHOT_TEST_DATABASE_URL answers.
import { postgresSkip } from '../../test/support/postgres.ts';
import { sourcesContract } from '../../test/support/store-contract-sources.ts';

sourcesContract('sqlite');
const skip = await postgresSkip();
sourcesContract('postgres', skip === undefined ? {} : { skip });
