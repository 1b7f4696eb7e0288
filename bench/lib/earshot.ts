// Earshot's parser as the benchmark drives it: whole-buffer parseFeed, and FeedStreamParser fed from a file stream.
import { createReadStream } from 'node:fs';
import { FeedStreamParser, parseFeed } from '../../src/feed/parse/index.ts';

export function parseBytes(body: Uint8Array, url: string): number {
  return parseFeed({ body, url }).episodes.length;
}

/** Stream-parse a file in 64 KiB chunks; episodes are counted and dropped, as a crawler storing them would. */
export async function streamParseFile(
  path: string,
  onChunk?: () => void,
): Promise<{ episodes: number; problems: number }> {
  let episodes = 0;
  const parser = new FeedStreamParser({
    url: `file://${path}`,
    onEpisode: () => {
      episodes++;
    },
  });
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) {
    // fs streams without an encoding yield Buffers.
    parser.write(chunk as Buffer);
    onChunk?.();
  }
  const result = parser.end();
  return { episodes, problems: result.problems.length };
}
