// Caps on what a feed may make Earshot store (src/domain/limits.ts): every text of a show and of an episode, and every
// list. Applied at ingest, before anything is hashed or written, so a 49 KB gzip bomb that decodes to a 50 MB channel
// description stores (and pages render) its first MAX_DESCRIPTION_CHARS characters. What is cut is reported as a
// `too-long` feed problem; everything else of the feed is kept.
import {
  cutAt,
  MAX_DESCRIPTION_CHARS,
  MAX_FIELD_CHARS,
  MAX_LIST_ENTRIES,
  MAX_NAME_CHARS,
  MAX_TITLE_CHARS,
} from '../../domain/limits.ts';
import type { FeedProblem } from '../parse/types.ts';

/** The limit of a text by the name of the property holding it; MAX_FIELD_CHARS for any other. */
const LIMIT_BY_KEY: ReadonlyMap<string, number> = new Map([
  ['title', MAX_TITLE_CHARS],
  ['seasonName', MAX_TITLE_CHARS],
  ['episodeDisplay', MAX_TITLE_CHARS],
  ['text', MAX_TITLE_CHARS],
  ['description', MAX_DESCRIPTION_CHARS],
  ['contentHtml', MAX_DESCRIPTION_CHARS],
  ['name', MAX_NAME_CHARS],
  ['author', MAX_NAME_CHARS],
  ['role', MAX_NAME_CHARS],
  ['group', MAX_NAME_CHARS],
]);

/** A problem's message is cut to this (it may quote a value from the feed). */
const MAX_PROBLEM_MESSAGE_CHARS = 1_000;

/** 50331648 → "50,331,648" (without Intl: its first use costs milliseconds). */
export function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function limitOf(key: string): number {
  return LIMIT_BY_KEY.get(key) ?? MAX_FIELD_CHARS;
}

/**
 * Cuts, in place, every text of a parsed channel or item longer than its limit and every list longer than
 * MAX_LIST_ENTRIES; returns one `too-long` problem per field cut (`episode`: the item's guid, itself capped first).
 */
export function capContent(content: object, what: 'show' | 'episode'): FeedProblem[] {
  const problems: FeedProblem[] = [];
  let episode: string | undefined;
  if (what === 'episode' && 'guid' in content && typeof content.guid === 'string') {
    episode = cutAt(content.guid, MAX_FIELD_CHARS);
  }
  const report = (path: string, message: string): void => {
    const problem: FeedProblem = { code: 'too-long', message: `${what} ${path}: ${message}` };
    if (episode !== undefined) problem.episode = episode;
    problems.push(problem);
  };
  capObject(content, '', report);
  return problems;
}

type Report = (path: string, message: string) => void;

function capObject(object: object, path: string, report: Report): void {
  // Parser output is plain JSON data: an object's properties are read and written by name.
  const record = object as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const value = record[key];
    const at = path === '' ? key : `${path}.${key}`;
    const capped = capValue(value, key, at, report);
    if (capped !== value) record[key] = capped;
  }
}

function capValue(value: unknown, key: string, at: string, report: Report): unknown {
  if (typeof value === 'string') {
    const limit = limitOf(key);
    if (value.length <= limit) return value;
    report(at, `${count(value.length)} characters, cut to ${count(limit)}`);
    return cutAt(value, limit);
  }
  if (Array.isArray(value)) {
    if (value.length > MAX_LIST_ENTRIES) {
      report(at, `${count(value.length)} entries, the first ${count(MAX_LIST_ENTRIES)} kept`);
      value.length = MAX_LIST_ENTRIES;
    }
    for (let i = 0; i < value.length; i++) {
      const entry: unknown = value[i];
      const capped = capValue(entry, key, `${at}[${i}]`, report);
      if (capped !== entry) value[i] = capped;
    }
    return value;
  }
  if (typeof value === 'object' && value !== null) capObject(value, at, report);
  return value;
}

/** A problem whose message or episode (both may quote the feed) is cut to a size fit to store and show. */
export function capProblem(problem: FeedProblem): FeedProblem {
  if (
    problem.message.length <= MAX_PROBLEM_MESSAGE_CHARS &&
    (problem.episode === undefined || problem.episode.length <= MAX_FIELD_CHARS)
  )
    return problem;
  const message =
    problem.message.length <= MAX_PROBLEM_MESSAGE_CHARS
      ? problem.message
      : `${cutAt(problem.message, MAX_PROBLEM_MESSAGE_CHARS - 1)}…`;
  const capped: FeedProblem = { code: problem.code, message };
  if (problem.episode !== undefined) capped.episode = cutAt(problem.episode, MAX_FIELD_CHARS);
  return capped;
}
