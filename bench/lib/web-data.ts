// The catalogue behind `npm run bench:web`: N generated episodes (default 100,000; 1,000,000 works) across shows of
// varied sizes plus one 2,500-episode show, written the way the crawler writes them — RSS bytes through the real
// ingest path (stream parser → show-notes sanitiser → store repositories), so the rows are what the app really
// stores. TRANSCRIPT_SHARE of the episodes carry a `podcast:transcript` (WebVTT), fetched once through the real
// media-text service (parse → cache → the episode's transcript text for search) with a fetcher that serves the
// generated file; SOURCES_SHARE carry a "Sources:" list in their notes (web-texts.ts), which ingest reads into
// sources (some cited by many episodes across shows). Deterministic (seeded PRNG); the SQLite database is kept in a
// temp directory per size and reused while GENERATOR_VERSION matches. A PostgreSQL catalogue (`--database-url`) is a
// copy of that SQLite one (see web-pg-copy.ts): the same rows, without ingesting a million episodes a second time.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Episode } from '../../src/domain/episode.ts';
import { ingestFeedBody } from '../../src/feed/refresh/refresh.ts';
import { createMediaTextService } from '../../src/services/media-text.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { prng as rng } from '../../test/support/random.ts';
import { SPOKEN, sharedWorks, sourceEntries, transcriptVtt } from './web-texts.ts';

/** Bump when the generated data changes shape; an older database is then rebuilt. */
export const GENERATOR_VERSION = 3;
/** The share of episodes with a fetched transcript (`podcast:transcript`, WebVTT with timings and speakers). */
export const TRANSCRIPT_SHARE = 0.1;
/** The share of episodes whose show notes hold a "Sources:" list (3 to 10 MLA- or Chicago-like entries). */
export const SOURCES_SHARE = 0.1;
export const DEFAULT_EPISODES = 100_000;
export const BIG_SHOW_EPISODES = 2_500;
/** Listeners created with the catalogue (`bench-listener-<i>`), signed in by the bench to post progress. */
export const LISTENERS = 50;

export interface WebBenchData {
  version: number;
  /** The size asked for (the catalogue holds at least this many episodes). */
  target: number;
  shows: number;
  episodes: number;
  bigShowId: number;
  /** An episode of the big show with full notes. */
  episodeId: number;
  /** Every show's id (the big show first). */
  showIds: number[];
  /** Episode ids are minEpisodeId..maxEpisodeId with no gaps (checked at build). */
  minEpisodeId: number;
  maxEpisodeId: number;
  /** `/shows/<id>?after=<cursor>` paths deep inside shows (every 500th episode of every show). */
  deepShowPaths: string[];
  /** The vocabulary, most frequent first (titles draw words with this skew; searches draw Zipf-like over it). */
  words: string[];
  /** Words said in transcripts only (most frequent first): a search for them matches nothing but transcripts. */
  spokenWords: string[];
  /** Episodes with a stored transcript (text for search, parsed cues cached as fetched). */
  transcripts: number;
  /** Episodes whose notes held a source list, the entries read from them, and the distinct sources stored. */
  citingEpisodes: number;
  citations: number;
  sources: number;
  /** Listener ids (see LISTENERS). */
  listenerIds: number[];
  /** Seconds it took to build, and this process's CPU seconds (the machine may be shared). */
  buildSeconds: number;
  buildCpuSeconds: number;
  /** Bytes of RSS ingested. */
  feedBytes: number;
}

// Ordered roughly by how common a word is: words are drawn with a skew toward the front, so "history" is in a large
// share of titles and descriptions (the "1 common word" search) while pairs like "soviet miner" are rarer.
const WORDS = `history the story war music science life world city family river empire music culture news
interview archive century women king queen space money food art film book church ship island mountain letter
diary famous forgotten strange greatest secret lost early modern ancient medieval american british french german
roman soviet labor miner record productivity campaign factory coal research guest trade museum railway bridge
storm plague fire flood murder trial court prison spy code map garden horse dog cat whale forest desert ocean
revolution election president parliament strike union protest riot treaty border colony harbour lighthouse
telescope comet eclipse volcano earthquake glacier canal tunnel cathedral castle monastery library printing press
telegraph radio television computer satellite rocket engine steam electricity vaccine surgeon nurse hospital
school university student teacher poet painter composer opera theatre circus carnival festival recipe bakery
brewery vineyard market merchant banker pirate explorer sailor soldier general admiral emperor pharaoh samurai
viking knight monk nun witch ghost legend myth saint heretic inventor engineer architect chemist physicist
astronomer botanist geologist linguist detective journalist photographer aviator cyclist climber swimmer boxer
chess football baseball cricket olympics marathon stakhanov donbas kharkiv leningrad ural siberia volga crimea
baltic danube rhine thames seine hudson mississippi amazon nile ganges yangtze sahara gobi andes alps himalaya`
  .split(/\s+/)
  .filter((w) => w.length > 0);

const NAMES = [
  'Tracy V. Wilson',
  'Holly Frey',
  'Ada Müller',
  'Jean-Luc Ørsted',
  'Zoë Ramírez',
  'Kwame Mensah',
  'Priya Raman',
  'Søren Kierkegaard Jr.',
  'Mei Lin',
  'Olúfẹ́mi Adé',
];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function rfc822(d: Date): string {
  return d.toUTCString();
}

interface ShowSpec {
  index: number;
  episodes: number;
  seed: number;
}

/** The shows: sizes vary (daily shows with a long back catalogue, short limited series); the big one is index 0. */
function plan(minEpisodes: number): ShowSpec[] {
  const r = rng(7);
  const shows: ShowSpec[] = [{ index: 0, episodes: BIG_SHOW_EPISODES, seed: 1000 }];
  let total = 0;
  while (total < minEpisodes) {
    const u = r();
    const episodes =
      u < 0.5
        ? 8 + Math.floor(r() * 120)
        : u < 0.9
          ? 100 + Math.floor(r() * 400)
          : 500 + Math.floor(r() * 700);
    shows.push({ index: shows.length, episodes, seed: 1000 + shows.length });
    total += episodes;
  }
  return shows;
}

const works = sharedWorks(WORDS);

/** Where the transcript of show `spec`'s episode `i` is (the build's fetcher serves transcriptBody for it). */
function transcriptUrl(spec: ShowSpec, i: number): string {
  return `https://cdn.bench.example/transcripts/s${spec.index}-e${i}.vtt`;
}

/** The transcript file at `url` (as transcriptUrl writes it): the show's host and the episode's guest take turns. */
function transcriptBody(url: string): string {
  const m = /\/s(\d+)-e(\d+)\.vtt$/.exec(url);
  if (m === null) throw new Error(`not a bench transcript: ${url}`);
  const show = Number(m[1]);
  const host = NAMES[show % NAMES.length] ?? 'Host';
  const guest = NAMES[(show + Number(m[2])) % NAMES.length] ?? 'Guest';
  return transcriptVtt(url, WORDS, [host, guest]);
}

/** One show's RSS feed, with itunes:/podcast: tags and HTML show notes the way big real feeds carry them. */
export function showFeed(spec: ShowSpec): string {
  const r = rng(spec.seed);
  const word = (): string => WORDS[Math.floor(WORDS.length * r() ** 2.4)] ?? 'history';
  const words = (n: number): string => Array.from({ length: n }, word).join(' ');
  const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
  const host = NAMES[spec.index % NAMES.length] ?? 'Host';
  const title =
    spec.index === 0 ? 'The Daily Back Catalogue' : `${cap(words(2))} ${cap(word())} ${spec.index}`;
  const base = `https://shows.bench.example/${spec.index}`;
  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>${esc(title)}</title>
<link>${base}/</link>
<atom:link href="${base}/feed.xml" rel="self" type="application/rss+xml"/>
<description>${esc(`${cap(words(25))}. Hosted by ${host}.`)}</description>
<language>en-us</language>
<itunes:author>${esc(host)}</itunes:author>
<itunes:type>episodic</itunes:type>
<itunes:explicit>false</itunes:explicit>
<itunes:image href="${base}/cover.jpg"/>
<itunes:category text="History"/>
<itunes:category text="Society &amp; Culture"><itunes:category text="Documentary"/></itunes:category>
<itunes:owner><itunes:name>${esc(host)}</itunes:name><itunes:email>feeds@bench.example</itunes:email></itunes:owner>
<podcast:guid>00000000-0000-5000-8000-${String(spec.index).padStart(12, '0')}</podcast:guid>
<podcast:funding url="${base}/support">Support the show</podcast:funding>
<podcast:person role="host" href="${base}/host">${esc(host)}</podcast:person>
`);
  const start = Date.UTC(2026, 5, 30, 8);
  const cadence = spec.episodes > 1000 ? 86_400_000 : 7 * 86_400_000;
  for (let i = 0; i < spec.episodes; i++) {
    const id = `s${spec.index}-e${i}`;
    const date = new Date(start - i * cadence - Math.floor(r() * 3_600_000));
    const seconds = 900 + Math.floor(r() * 5400);
    const n = spec.episodes - i;
    const transcribed = r() < TRANSCRIPT_SHARE;
    // A source list as real shows write one (some URLs linked, some as text), or links in a sentence (not a list:
    // ingest reads no sources from them).
    const sources =
      r() < SOURCES_SHARE
        ? `<p>Sources:</p>\n<ul>\n${sourceEntries(r, WORDS, id, works)
            .map((entry) => {
              const url = /https:\/\/\S+$/.exec(entry)?.[0];
              return url === undefined || r() < 0.5
                ? `<li>${esc(entry)}</li>`
                : `<li>${esc(entry.slice(0, -url.length))}<a href="${esc(url)}">${esc(url)}</a></li>`;
            })
            .join('\n')}\n</ul>`
        : `<p>More on this: ${Array.from(
            { length: 3 + Math.floor(r() * 8) },
            (_, k) =>
              `<a href="https://research.example/${id}/${k}?q=${word()}&amp;p=${k}">research.example/${id}/${k}</a>`,
          ).join(', ')}.</p>`;
    const chapters = Array.from(
      { length: 2 + Math.floor(r() * 5) },
      (_, k) =>
        `<li>${String(k * 7).padStart(2, '0')}:${String(Math.floor(r() * 60)).padStart(2, '0')} ${esc(cap(words(3)))}</li>`,
    ).join('');
    const guest = NAMES[(spec.index + i) % NAMES.length] ?? 'Guest';
    out.push(`<item>
<title>${esc(`${n}: ${cap(words(3))} and the ${words(2)}`)}</title>
<guid isPermaLink="false">${id}</guid>
<link>${base}/episodes/${n}/</link>
<pubDate>${rfc822(date)}</pubDate>
<description>${esc(`${cap(words(28))}. With ${guest}.`)}</description>
<content:encoded><![CDATA[<p>${esc(cap(words(45)))}.</p>
<p><strong>In this episode:</strong></p>
<ul>${chapters}</ul>
<p>${esc(cap(words(30)))}, with <em>${esc(guest)}</em>.</p>
${sources}
<p>See <a href="https://privacy.bench.example/listener">privacy.bench.example/listener</a> for privacy information.</p>]]></content:encoded>
<enclosure url="https://cdn.bench.example/audio/${id}.mp3?aid=rss_feed&amp;feed=${spec.index}" length="${seconds * 16000}" type="audio/mpeg"/>
<itunes:duration>${seconds}</itunes:duration>
<itunes:episode>${n}</itunes:episode>
<itunes:episodeType>full</itunes:episodeType>
<itunes:image href="${base}/art/${n}.jpg"/>
<podcast:person role="guest" href="https://people.bench.example/${(spec.index + i) % NAMES.length}">${esc(guest)}</podcast:person>
${transcribed ? `<podcast:transcript url="${transcriptUrl(spec, i)}" type="text/vtt" language="en"/>\n` : ''}</item>
`);
  }
  out.push('</channel>\n</rss>\n');
  return out.join('');
}

function sqliteDir(cacheDir: string, episodes: number): string {
  return join(cacheDir, `earshot-bench-web-${episodes}`);
}

function readMeta(dir: string, episodes: number): WebBenchData | undefined {
  const file = join(dir, 'bench-meta.json');
  if (!existsSync(file) || !existsSync(join(dir, 'earshot.sqlite'))) return undefined;
  const meta: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (
    typeof meta !== 'object' ||
    meta === null ||
    !('version' in meta) ||
    meta.version !== GENERATOR_VERSION ||
    !('target' in meta) ||
    meta.target !== episodes
  ) {
    return undefined;
  }
  // Written by buildWebData below with this version: the shape is ours.
  return meta as WebBenchData;
}

/** Every 500th episode's cursor of every show (the store's own cursors, so the bench never guesses their format). */
async function deepPaths(store: Store, showIds: number[]): Promise<string[]> {
  const out: string[] = [];
  for (const id of showIds) {
    for (const order of ['newest', 'oldest'] as const) {
      let cursor: string | undefined;
      for (;;) {
        const page = await store.episodes.listForShow(id, {
          withContent: false,
          order,
          limit: 500,
          ...(cursor === undefined ? {} : { cursor }),
        });
        if (page.next === undefined) break;
        cursor = page.next;
        const sort = order === 'newest' ? '' : 'sort=oldest&';
        out.push(`/shows/${id}?${sort}after=${encodeURIComponent(cursor)}`);
      }
    }
  }
  return out;
}

function cpuSeconds(used: NodeJS.CpuUsage): number {
  return (used.user + used.system) / 1e6;
}

/** A show's episodes, 500 at a time (newest first), without their notes. */
async function* showEpisodes(store: Store, showId: number): AsyncGenerator<Episode> {
  let cursor: string | undefined;
  for (;;) {
    const page = await store.episodes.listForShow(showId, {
      withContent: false,
      limit: 500,
      ...(cursor === undefined ? {} : { cursor }),
    });
    yield* page.items;
    if (page.next === undefined) return;
    cursor = page.next;
  }
}

/**
 * What the build stored of transcripts and sources, counted in the finished database (read-only, after the store is
 * closed: the store has no counting queries for these, and the bench reports them).
 */
function countRows(
  file: string,
): Pick<WebBenchData, 'transcripts' | 'citingEpisodes' | 'citations' | 'sources'> {
  const db = new Database(file, { readonly: true });
  try {
    const count = (q: string): number => Number((db.prepare(q).pluck().get() as number | bigint) ?? 0);
    return {
      transcripts: count('select count(*) from episode_transcripts'),
      citingEpisodes: count('select count(distinct episode_id) from episode_citations'),
      citations: count('select count(*) from episode_citations'),
      sources: count('select count(*) from sources'),
    };
  } finally {
    db.close();
  }
}

export interface WebDataOptions {
  episodes: number;
  /** Where SQLite catalogues are kept (one folder per size). */
  cacheDir: string;
  log: (m: string) => void;
}

/** Builds (or reuses) the SQLite catalogue of this size; `dir` holds earshot.sqlite and bench-meta.json. */
export async function ensureWebData(options: WebDataOptions): Promise<{ dir: string; data: WebBenchData }> {
  const { episodes: target, log } = options;
  const dir = sqliteDir(options.cacheDir, target);
  const existing = readMeta(dir, target);
  if (existing !== undefined) {
    log(`reusing ${dir} (generator v${existing.version}, ${existing.episodes} episodes)`);
    const store = await openStore({ dataDir: dir, databaseUrl: join(dir, 'earshot.sqlite') });
    try {
      await tidySearchIndexes(store, log);
    } finally {
      await store.close();
    }
    return { dir, data: existing };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`building ${dir}: ${target.toLocaleString('en')} episodes through the real ingest path`);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const store = await openStore({ dataDir: dir, databaseUrl: join(dir, 'earshot.sqlite') });
  const now = new Date('2026-07-01T00:00:00Z');
  const specs = plan(target);
  let feedBytes = 0;
  let episodes = 0;
  let transcripts = 0;
  const showIds: number[] = [];
  let open = true;
  // The fetcher serves the generated transcript files; everything after the fetch is the app's own path. Trusted
  // for ten years: the episode page reads them from the cache and never asks the bench's unreachable host again.
  const fetched = (url: string) => {
    const body = Buffer.from(transcriptBody(url), 'utf8');
    return {
      kind: 'ok' as const,
      status: 200,
      finalUrl: url,
      hops: [],
      contentType: 'text/vtt',
      body,
      bodySha256: '',
    };
  };
  try {
    for (const spec of specs) {
      const body = Buffer.from(showFeed(spec), 'utf8');
      feedBytes += body.byteLength;
      const url = `https://shows.bench.example/${spec.index}/feed.xml`;
      const { feed } = await store.feeds.add(url, now);
      const result = await store.transaction((tx) => ingestFeedBody(tx, feed.id, [body], { url, now }));
      episodes += result.inserted;
      const show = await store.shows.getByFeed(feed.id);
      if (show === undefined) throw new Error(`show ${spec.index} was not stored`);
      showIds.push(show.id);
      transcripts += await store.transaction(async (tx) => {
        const mediaText = createMediaTextService({
          fetcher: { fetchResource: async (url) => fetched(url) },
          store: tx,
          now: () => now,
          ttlMs: 10 * 365 * 86_400_000,
          memoryEntries: 0,
        });
        let n = 0;
        for await (const episode of showEpisodes(tx, show.id)) {
          if ((episode.transcripts ?? []).length === 0) continue;
          const result = await mediaText.transcriptFor(episode);
          if (result.state !== 'ok') throw new Error(`transcript of episode ${episode.id}: ${result.state}`);
          n++;
        }
        return n;
      });
      if (spec.index % 100 === 0) {
        const s = (performance.now() - t0) / 1000;
        log(
          `  ${spec.index}/${specs.length} shows, ${episodes} episodes, ${s.toFixed(0)} s (${(episodes / s).toFixed(0)} episodes/s)`,
        );
      }
    }
    const bigShowId = showIds[0];
    if (bigShowId === undefined) throw new Error('the big show was not stored');
    const page = await store.episodes.listForShow(bigShowId, { limit: 20 });
    const episode = page.items[3];
    if (episode === undefined) throw new Error('the big show has no episodes');
    // Episode ids grow show by show: the smallest is at one end of the first show, the largest of the last.
    const ends = async (showId: number): Promise<number[]> => {
      const ids: number[] = [];
      for (const order of ['oldest', 'newest'] as const) {
        const id = (await store.episodes.listForShow(showId, { limit: 1, order })).items[0]?.id;
        if (id !== undefined) ids.push(id);
      }
      return ids;
    };
    const minEpisodeId = Math.min(...(await ends(bigShowId)));
    const maxEpisodeId = Math.max(...(await ends(showIds.at(-1) ?? bigShowId)));
    if (maxEpisodeId - minEpisodeId + 1 !== episodes) {
      throw new Error(`episode ids ${minEpisodeId}..${maxEpisodeId} are not ${episodes} contiguous ids`);
    }
    const listenerIds: number[] = [];
    for (let i = 0; i < LISTENERS; i++) {
      const user = await store.listeners.users.create(
        // Never signed into with a password: the bench makes sessions directly.
        { name: `bench-listener-${i}`, passwordHash: 'bench-no-password' },
        now,
      );
      listenerIds.push(user.id);
    }
    await tidySearchIndexes(store, log);
    log('  collecting deep show-page cursors');
    const deepShowPaths = await deepPaths(store, showIds);
    open = false;
    await store.close();
    const counts = countRows(join(dir, 'earshot.sqlite'));
    if (counts.transcripts !== transcripts) {
      throw new Error(`${transcripts} transcripts fetched but ${counts.transcripts} stored`);
    }
    const meta: WebBenchData = {
      version: GENERATOR_VERSION,
      target,
      shows: specs.length,
      episodes,
      bigShowId,
      episodeId: episode.id,
      showIds,
      minEpisodeId,
      maxEpisodeId,
      deepShowPaths,
      words: WORDS,
      spokenWords: SPOKEN,
      ...counts,
      listenerIds,
      buildSeconds: (performance.now() - t0) / 1000,
      buildCpuSeconds: cpuSeconds(process.cpuUsage(cpu0)),
      feedBytes,
    };
    writeFileSync(join(dir, 'bench-meta.json'), `${JSON.stringify(meta)}\n`);
    log(
      `built ${dir} in ${meta.buildSeconds.toFixed(0)} s (${meta.buildCpuSeconds.toFixed(0)} s CPU): ${meta.episodes} episodes, ${meta.transcripts} with a transcript, ${meta.citingEpisodes} citing ${meta.sources} sources (${meta.citations} entries)`,
    );
    return { dir, data: meta };
  } finally {
    if (open) await store.close();
  }
}

/**
 * Folds the search indexes' segments together as the crawler does while idle (MaintenanceRepository
 * .tidySearchIndexes), so that the bench measures the indexes a running Earshot settles into, not the fresh
 * ingest's many small segments. Nothing to do on a catalogue already tidied.
 */
async function tidySearchIndexes(store: Store, log: (m: string) => void): Promise<void> {
  const t0 = performance.now();
  let steps = 0;
  while (await store.maintenance.tidySearchIndexes(200)) steps++;
  if (steps > 0)
    log(`  tidied the search indexes: ${steps} steps, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
