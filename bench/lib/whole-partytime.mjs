// A whole-process peer of `earshot parse` for `npm run bench:parse`: read a feed file, parse it with
// podcast-partytime and print the result as indented JSON, as a small command-line tool built on it would.
import { readFileSync } from 'node:fs';

// partytime logs a warning per item without a guid unless told otherwise (this is the script's process boundary).
process.env.PARTYTIME_LOG = 'silent';
console.warn = () => {};
const { parseFeed } = await import('podcast-partytime');
const result = parseFeed(readFileSync(process.argv[2] ?? '', 'utf8'), { allowMissingGuid: true });
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
