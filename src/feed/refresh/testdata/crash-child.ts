// Child process for the crash-safety test: starts writing a new version of feed 1 inside one transaction, says
// "MID" once several batches are written, then hangs until the parent kills it with SIGKILL.
import { readFileSync } from 'node:fs';
import { openStore } from '../../../store/index.ts';
import { ingestFeedBody } from '../refresh.ts';

const [dataDir, dbFile, feedFile, url] = process.argv.slice(2);
if (dataDir === undefined || dbFile === undefined || feedFile === undefined || url === undefined) {
  throw new Error('usage: crash-child <dataDir> <dbFile> <feedFile> <url>');
}
const body = readFileSync(feedFile);
const store = await openStore({ dataDir, databaseUrl: dbFile });

async function* slowly(): AsyncGenerator<Uint8Array> {
  const step = 256;
  const stopAt = Math.floor(body.length * 0.8);
  for (let at = 0; at < body.length; at += step) {
    if (at >= stopAt) {
      process.stdout.write('MID\n');
      await new Promise(() => {}); // hang inside the transaction until killed
    }
    yield body.subarray(at, at + step);
  }
}

await store.transaction(async (tx) => {
  await ingestFeedBody(tx, 1, slowly(), { url, now: new Date(), batchSize: 2 });
  await tx.feeds.recordFetch(1, { kind: 'ok', at: new Date(), nextCheckAt: new Date() });
});
