// `node --import tsx bench/lib/web-build.ts <episodes>`: builds (or reuses) the bench:web SQLite catalogue of this
// size ahead of a run (a million episodes take a while), in the same cache folder bench:web uses.
import { tmpdir } from 'node:os';
import { ensureWebData } from './web-data.ts';

const episodes = Number(process.argv[2] ?? 100_000);
await ensureWebData({ episodes, cacheDir: tmpdir(), log: (m) => console.error(m) });
