// A whole-process peer of `earshot parse` for `npm run bench:parse`: read a feed file, parse it with rss-parser and
// print the result as indented JSON, as a small command-line tool built on it would.
import { readFileSync } from 'node:fs';
import RssParser from 'rss-parser';

const result = await new RssParser().parseString(readFileSync(process.argv[2] ?? '', 'utf8'));
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
